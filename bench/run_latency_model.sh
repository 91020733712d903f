#!/usr/bin/env bash
# The latency model against the RESPECT paper's hardware measurements
# (bench/results/latency_model.md):
#   1. Coral's published single-TPU USB times (coral.ai/docs/edgetpu/benchmarks,
#      table 1) as a calibration CSV, with graph JSON files of the benchmarked
#      variants (zoo graph + classifier head, MACs scaled to 299x299 where
#      benchmarked so);
#   2. `respect-opt --task calibrate` on it with int8 device bytes (a zoo graph
#      counts fp32: 4 x 8 MiB of graph bytes on chip, the link's default rate
#      x 4, the link not being in the data);
#   3. latency_model_bench: heuristic / exact period ratios on the Table I
#      models at 4/5/6 stages under the current defaults, int8 bytes and the
#      calibrated constants, beside the paper's six measured cases.
# Writes bench/results/latency_model.log (and the calibration files under
# OUT). Under a minute after the build.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS="${JOBS:-1}" scripts/build.sh > /dev/null
OUT="${OUT:-bench/out/latency_model}"
LOG="${LOG:-bench/results/latency_model.log}"
rm -rf "$OUT" && mkdir -p "$OUT"
{
  echo "# $(date -u +%Y-%m-%d) $(git rev-parse --short HEAD)$(git diff --quiet || echo +changes);"\
       "machine: nproc=$(nproc), cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'),"\
       "ram=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  build/latency_model_bench --write-calibration "$OUT"
  echo '## calibrate on Coral single-TPU benchmarks (int8 device bytes)'
  echo '```'
  build/respect-opt --task calibrate --calibrate.measurements "$OUT/coral_usb_benchmarks.csv" \
    --edgetpu.sram_bytes 33554432 --edgetpu.link_bytes_per_s 1.28e9 --calibrate.output "$OUT/int8.yaml"
  cat "$OUT/int8.yaml"
  echo '```'
  echo '## ratios'
  build/latency_model_bench --calibrated "$OUT/int8.yaml"
} | tee "$LOG"
