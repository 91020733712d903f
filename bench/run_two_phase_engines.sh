#!/usr/bin/env bash
# Two-phase vs exact on the Table I zoo (10 models x 4/5/6 stages), per
# engine, with coarse schedules from several sources (bench/two_phase_bench):
#   exact_direct / exact_main   the ILP, direct CbcModel / CbcMain driver
#   exact_lattice               the ideal-lattice DP on the full problem
#   two_phase                   windows closed by the ILP (direct driver, light cuts)
#   two_phase_lattice           windows closed by the lattice DP
# Coarse sources: random (PointerPolicy::Random, seed 1), list (the list
# scheduler, 1-9% above the optimum), and policy (the shipped weights) when
# policy/weights/respect_policy.rspw exists. Results: CSV + summary.
#
# usage: bench/run_two_phase_engines.sh [BUILD_DIR] [OUT_CSV]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-fast}
OUT=${2:-bench/results/two_phase_engines.csv}
MODELS=xception,resnet50,resnet101,resnet152,densenet121,resnet101v2,resnet152v2,densenet169,densenet201,inception_resnet_v2
rm -f "$OUT"
{
  echo "# machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
       "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load at start $(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$OUT"
B="$BUILD/two_phase_bench --models $MODELS --stages 4,5,6 --out $OUT"
$B --methods exact_direct,exact_main,exact_lattice --coarse dp_topo
for coarse in random list; do
  $B --methods two_phase --coarse "$coarse"
  $B --methods two_phase --coarse "$coarse" --tp-engine lattice
done
if [ -f policy/weights/respect_policy.rspw ]; then
  $B --methods two_phase --coarse policy
  $B --methods two_phase --coarse policy --tp-engine lattice
fi
echo "# load at the end $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT"
python3 bench/summarize_two_phase_engines.py "$OUT" --ref exact_direct
