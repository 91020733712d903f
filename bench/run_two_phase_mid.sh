#!/usr/bin/env bash
# Two-phase vs exact where exact is slow: synthetic graphs of 300 nodes (the
# training sampler's shape, tensor comm model), 6 and 10 stages, 120 s limit
# per method. Writes bench/results/two_phase_mid.{csv,md}. ~25 min; not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
OUT=bench/out/two_phase_mid
rm -rf "$OUT"
build/respect-opt --task compare --model synthetic --synthetic.nodes 300 --synthetic.levels_min 30 \
  --synthetic.levels_max 60 --synthetic.count "${COUNT:-4}" --synthetic.seed 1 --stages "[6, 10]" \
  --methods "[dp_topo, rl, two_phase, exact]" --solver.time_limit_s "${LIMIT:-120}" --output.dir "$OUT" "$@" \
  > bench/out/two_phase_mid.txt
cp "$OUT/compare.csv" bench/results/two_phase_mid.csv
bench/summarize_two_phase.py bench/results/two_phase_mid.csv \
  --title "Two-phase vs exact on 300-node synthetic graphs (120 s limit)" > bench/results/two_phase_mid.md
cat bench/results/two_phase_mid.md
