#!/usr/bin/env bash
# Scale-out benchmark (bench/results/mpi.md): respect-opt at 1 and 2 ranks.
# - label: labels/s of `task: label` (|V| = LABEL_NODES, 4..6 stages, where an
#   exact label takes tens of ms), 1 process x 1 worker, mpirun -np 2 x 1
#   worker each, and 1 process x 2 workers (threads) for comparison; the
#   label content of the runs is compared (solve_seconds aside).
# - train: cost-reward REINFORCE epochs (same global batch), 1 process x 1
#   thread, mpirun -np 2 x 1 thread, 1 process x 2 threads; epoch time from
#   curve.csv, held-out score per epoch, plus a second seed for the noise.
# - communication: allreduce_bench (the gradient sum of one step) at the
#   network size of configs/train.yaml.
# Prints the machine description and the load before and after each part.
#
# usage: bench/run_mpi.sh [BUILD_DIR] [LABELS] [LABEL_NODES] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
LABELS=${2:-300}
NODES=${3:-40}
EPOCHS=${4:-4}
BIN="$(pwd)/$BUILD/respect-opt"
MPIRUN=(mpirun --oversubscribe --allow-run-as-root -np 2)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
# How many cores this job gets right now (the machine is shared), roughly:
# busy loops counting for 3 s, one alone, then two at once; cores = both / alone.
spin() {
  python3 -c 'import time
t = time.perf_counter(); n = 0
while time.perf_counter() - t < 3: n += 1
print(n)'
}
cores_free() {
  local one two
  one=$(spin)
  two=$( (spin & spin & wait) | awk '{s += $1} END {print s}')
  awk -v a="$one" -v b="$two" 'BEGIN {printf "%.2f", b / a}'
}

echo "## machine"
echo "- nproc: $(nproc)"
echo "- cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "- ram: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
echo "- kernel: $(uname -r)"
echo "- mpi: $(mpirun --version 2>&1 | head -1)"
echo

label_base=(--task label --label.count "$LABELS" --label.nodes "$NODES" --label.stages_min 4 --label.stages_max 6
            --synthetic.levels_min 10 --synthetic.levels_max 25 --output.dir .)
label_args=("${label_base[@]}" --label.dataset labels.bin)
echo "## label: $LABELS labels, |V| = $NODES (load before: $(load), cores free: $(cores_free))"
run_label() {  # name, launcher..., -- extra args
  local name=$1; shift
  mkdir -p "$TMP/$name"
  (cd "$TMP/$name" && "$@" 2>/dev/null | grep "label dataset" | sed "s/^/$name: /")
}
run_label one_proc_1_worker "$BIN" "${label_args[@]}" --label.workers 1
run_label two_ranks_1_worker "${MPIRUN[@]}" "$BIN" "${label_args[@]}" --label.workers 1
run_label one_proc_2_workers "$BIN" "${label_args[@]}" --label.workers 2
echo "- load after: $(load)"
# The same labels, whichever way they were made (solve_seconds aside): the
# trainer's view of the datasets, compared as weights after 1 epoch.
for name in one_proc_1_worker two_ranks_1_worker one_proc_2_workers; do
  (cd "$TMP/$name" && "$BIN" --task train --train.reward cosine --train.dataset labels.bin --train.epochs 1 \
     --train.hidden 8 --train.holdout 20 --train.checkpoint_dir ckpt --train.weights_out w.rspw \
     --output.dir . > /dev/null 2>&1 && echo "$name: weights trained on its labels: $(sha256sum < w.rspw | cut -c1-16)")
  echo "$name: dataset bytes: $(sha256sum < "$TMP/$name/labels.bin" | cut -c1-16)"
done
# Rank 0's merge alone: the 2-rank dataset as a leftover shard, merged by a
# resume that finds nothing left to solve.
(cd "$TMP/two_ranks_1_worker" && cp labels.bin m.bin.rank0of1 && bytes=$(stat -c %s labels.bin) &&
  t0=$(date +%s.%N) && "$BIN" "${label_base[@]}" --label.dataset m.bin --label.resume true > /dev/null 2>&1 &&
  awk -v b="$bytes" -v t0="$t0" -v t1="$(date +%s.%N)" -v n="$LABELS" \
    'BEGIN {printf "merge of %d labels (%.2f MB) on rank 0, with process start: %.3f s (%.1f MB/s)\n", n, b / 1e6, t1 - t0, b / 1e6 / (t1 - t0)}')
echo

train_args=(--task train --train.reward cost --train.curriculum "[30,50]" --train.graphs_per_size 64
            --train.family mixed --train.stages_min 2 --train.stages_max 8 --train.holdout 24
            --train.epochs "$EPOCHS" --train.batch_size 32 --train.rollouts 8 --train.hidden 32
            --train.learning_rate 5.0e-4 --train.checkpoint_dir ckpt --train.weights_out w.rspw --output.dir .)
echo "## train: cost reward, 128 graphs of 30-50 nodes, batch 32, 8 rollouts, hidden 32, $EPOCHS epochs (load before: $(load), cores free: $(cores_free))"
run_train() {  # name, seed, launcher...
  local name=$1 seed=$2; shift 2
  mkdir -p "$TMP/$name"
  (cd "$TMP/$name" && "$@" "${train_args[@]}" --train.seed "$seed" > run.log 2>&1)
  # curve.csv: epoch,phase,mean_reward,baseline_reward,holdout_reward,seconds,...
  awk -F, -v n="$name" -v s="$seed" 'NR == 2 {t0 = $6} NR > 2 {last = $6; h = h sprintf(" %.4f", $5); e = $1}
    END {printf "%s seed %s: %.2f s per epoch (%d epochs), held-out dp_topo/J by epoch:%s, weights %s\n",
         n, s, (last - t0) / e, e, h, w}' w="$(sha256sum < "$TMP/$name/w.rspw" | cut -c1-16)" "$TMP/$name/ckpt/curve.csv"
}
run_train one_proc_1_thread 1 "$BIN" --train.threads 1
run_train two_ranks_1_thread 1 "${MPIRUN[@]}" "$BIN" --train.threads 1
run_train one_proc_2_threads 1 "$BIN" --train.threads 2
run_train one_proc_1_thread_seed2 2 "$BIN" --train.threads 1
run_train two_ranks_1_thread_seed2 2 "${MPIRUN[@]}" "$BIN" --train.threads 1
echo "- load after: $(load)"
echo

echo "## communication per training step (gradient sum in rank order)"
for h in 32 64; do
  "${MPIRUN[@]}" "$BUILD/allreduce_bench" --hidden "$h" --reps 300
done
echo "- load at the end: $(load), cores free: $(cores_free)"
