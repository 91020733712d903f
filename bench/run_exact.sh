#!/usr/bin/env bash
# Exact scheduling benchmark (bench/exact_bench.cpp): ten Table I zoo models x
# {4,5,6} stages; heuristics, exact (Cbc libraries, warm and cold) and the cbc
# program on the same LP file. Results: bench/results/exact.csv (rows appear
# as they finish), progress log: bench/results/exact.log.
#
# usage: bench/run_exact.sh [--background] [exact_bench args...]
#   e.g. bench/run_exact.sh --background --time-limit 600
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build-exact}
background=0
if [[ "${1:-}" == "--background" ]]; then background=1; shift; fi
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$BUILD" --target exact_bench -j2
mkdir -p bench/results "$BUILD/exact_lp"
args=(--out bench/results/exact.csv --lp-dir "$BUILD/exact_lp" "$@")
if [[ $background == 1 ]]; then
  nohup "$BUILD/exact_bench" "${args[@]}" > bench/results/exact.log 2>&1 &
  echo "started exact_bench (pid $!); progress: bench/results/exact.log, results: bench/results/exact.csv"
else
  "$BUILD/exact_bench" "${args[@]}" 2>&1 | tee bench/results/exact.log
fi
