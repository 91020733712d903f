#!/usr/bin/env bash
# The learning benchmark: every held-out set and the zoo, two sets at a time,
# then bench/results/learning.md's tables. Usage: bench/run_learning.sh [SET ...]
# (default: n30 n50 n100 n300 n1000 zoo). Each set writes
# bench/results/learning_<set>.csv as it goes.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > build.log 2>&1 || { tail -30 build.log; exit 1; }
sets=("$@")
[[ ${#sets[@]} -eq 0 ]] && sets=(n1000 n300 n100 zoo n50 n30)
mkdir -p bench/results/logs
running=0
for s in "${sets[@]}"; do
  build/learning_bench --set "$s" --out "bench/results/learning_$s.csv" > "bench/results/logs/learning_$s.log" 2>&1 &
  running=$((running + 1))
  if (( running >= 2 )); then wait -n; running=$((running - 1)); fi
done
wait
python3 bench/summarize_learning.py bench/results
