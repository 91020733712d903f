#!/usr/bin/env bash
# Deploys every real model of the cache (scripts/fetch_models.sh) with the
# given methods and stage counts, the CPU reference check on, and collects
# one manifest per run into OUT (default build/bench_deploy).
# bench/summarize_deploy.py turns them into the table of
# bench/results/deploy.md (reported vs real crossing bytes, check outcome).
#
#   bench/run_deploy.sh [OUT]        METHODS="heuristic exact" STAGES="2 4"
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-$repo/build/bench_deploy}"
cache="${RESPECT_MODELS:-$repo/build/models}"
bin="${RESPECT_BIN:-$repo/build/respect-opt}"
mkdir -p "$out"
for m in "$cache"/*.tflite; do
  name="$(basename "$m" .tflite)"
  [[ "$name" == *_edgetpu ]] && continue  # already compiled: refused by design
  for method in ${METHODS:-heuristic exact}; do
    for st in ${STAGES:-2 4}; do
      run="$out/$name.$method.$st"
      rm -rf "$run"
      start=$(date +%s.%N)
      "$bin" --task deploy --model "$m" --stages "$st" --methods "$method" --solver.time_limit_s 120 \
        --deploy.run_check true --deploy.runs 1 --output.dir "$run" > "$run.log" 2>&1
      rc=$?
      end=$(date +%s.%N)
      echo "$name $method $st rc=$rc $(awk "BEGIN{printf \"%.1f\", $end - $start}")s" | tee -a "$out/runs.txt"
    done
  done
done
