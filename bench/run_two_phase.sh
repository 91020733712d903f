#!/usr/bin/env bash
# Issue 5 benchmark: heuristic, dp_topo, rl, two_phase and exact side by side on
# the ten Table I zoo models x {4,5,6} stages (configs/table1.yaml), one run.
# Writes bench/results/two_phase.csv (= compare.csv), the plots, and a summary
# with the machine description. Takes a while (exact solves); not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > /dev/null
OUT=bench/out/table1
rm -rf "$OUT"
build/respect-opt --config configs/table1.yaml --output.dir "$OUT" "$@" | tee bench/out/table1.txt
cp "$OUT/compare.csv" bench/results/two_phase.csv
scripts/plot_compare.py "$OUT/compare.csv" --out bench/results || true
bench/summarize_two_phase.py bench/results/two_phase.csv > bench/results/two_phase.md
# The same two methods without IncumbentWindows (the baseline model of
# docs/design.md), to show what the MIP start's bound does to both.
if [[ "${BASELINE:-1}" == 1 ]]; then
  OUT0=bench/out/table1_no_iw
  rm -rf "$OUT0"
  build/respect-opt --config configs/table1.yaml --methods "[rl, two_phase, exact]" \
    --solver.incumbent_windows false --output.dir "$OUT0" "$@" > bench/out/table1_no_iw.txt
  cp "$OUT0/compare.csv" bench/results/two_phase_no_incumbent_windows.csv
  bench/summarize_two_phase.py bench/results/two_phase_no_incumbent_windows.csv \
    --title "Two-phase vs exact without incumbent windows (solver.incumbent_windows: false)" \
    > bench/results/two_phase_no_incumbent_windows.md
fi
cat bench/results/two_phase.md
