#!/usr/bin/env bash
# Label throughput benchmark: `respect-opt --task label` (|V| = 30, 4..6
# stages, label.workers = all cores, exact method through the registry) plus
# per-solve figures of each exact engine on the same instances
# (bench/label_rate_bench.cpp). Prints the machine description and the load.
#
# usage: bench/run_label_rate.sh [BUILD_DIR] [LABELS] [ENGINE_SOLVES]
#   BUILD_DIR      default build-fast (needs respect-opt and label_rate_bench)
#   LABELS         labels for the task runs (default 2000)
#   ENGINE_SOLVES  instances for the per-engine figures (default 200; the Cbc
#                  engines take ~0.2-0.4 s each)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build-fast}
LABELS=${2:-2000}
SOLVES=${3:-200}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "## machine"
echo "- nproc: $(nproc)"
echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- ram: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "- kernel: $(uname -r)"
echo "- load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## respect-opt --task label (exact via the registry)"
for workers in 0 1; do
  rm -f "$TMP/l.bin"
  /usr/bin/time -f "cpu %U user + %S sys s, wall %e s, max rss %M KB" \
    "$BUILD/respect-opt" --task label --label.count "$LABELS" --label.workers "$workers" \
    --label.dataset "$TMP/l.bin" --output.dir "$TMP" 2>&1 | grep -E "label dataset|cpu " | sed "s/^/workers=$workers: /"
done
echo "- load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## per-solve figures (label_rate_bench, 1 thread, $SOLVES instances)"
"$BUILD/label_rate_bench" --count "$SOLVES" --method lattice --ref exact_direct
"$BUILD/label_rate_bench" --count "$SOLVES" --method exact_direct
"$BUILD/label_rate_bench" --count "$SOLVES" --method exact_main
echo
echo "## concurrency (2 threads)"
"$BUILD/label_rate_bench" --count "$SOLVES" --method exact_direct --threads 2
"$BUILD/label_rate_bench" --count "$SOLVES" --method exact_main --threads 2
echo "- load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
