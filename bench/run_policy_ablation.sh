#!/usr/bin/env bash
# Policy ablation (bench/results/learning.md, "Ablation"): the shipped recipe
# (configs/train.yaml) at a fraction of its budget (ABL_EPOCHS epochs of
# ABL_GPS graphs per size; default 20 x 50, a quarter of the shipped 40 x 100),
# and the same with one means taken away at a time, each judged by greedy rl
# against dp_topo and an untrained copy on the held-out synthetic sets of
# learning.md (30, 50, 100, 300 and 1,000 nodes, seed 777) and the zoo.
# Variant `shipped` evaluates policy/weights/respect_policy.rspw as is.
#   full          cost reward, step features, curriculum 30-300, layered + dnn
#   no_dynamic    without the step features in the pointer
#   no_curriculum only 30-node graphs (as many graphs)
#   layered_only  only random layered DAGs (the paper's distribution)
#   cosine        the paper's cosine label reward on 1,200 exact 30-node labels
#   shipped       no training: the shipped weights (full budget) on the same sets
#   no_dynamic_full  no step features, at the full shipped budget (40 x 100)
# Usage: bench/run_policy_ablation.sh [VARIANT ...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > build.log 2>&1 || { tail -30 build.log; exit 1; }
variants=("$@")
[[ ${#variants[@]} -eq 0 ]] && variants=(shipped full no_dynamic no_curriculum layered_only cosine)
epochs="${ABL_EPOCHS:-20}"
gps="${ABL_GPS:-50}"
sizes=5  # configs/train.yaml's curriculum has five sizes
mkdir -p out/ablation bench/results/logs
for v in "${variants[@]}"; do
  d=out/ablation/$v
  rm -rf "$d"; mkdir -p "$d"
  ep="$epochs"
  [[ $v == no_dynamic_full ]] && ep=40
  args=(--config configs/train.yaml --train.epochs "$ep"
        --train.checkpoint_dir "$d/checkpoints" --train.weights_out "$d/policy.rspw" --output.dir "$d")
  weights="$d/policy.rspw"
  case $v in
    shipped) weights=policy/weights/respect_policy.rspw ;;
    full) args+=(--train.holdout 40 --train.graphs_per_size "$gps") ;;
    no_dynamic) args+=(--train.holdout 40 --train.graphs_per_size "$gps" --train.dynamic false) ;;
    no_dynamic_full) args+=(--train.dynamic false) ;;
    no_curriculum) args+=(--train.holdout 40 --train.curriculum 30 --train.graphs_per_size $((gps * sizes))) ;;
    layered_only) args+=(--train.holdout 40 --train.graphs_per_size "$gps" --train.family layered) ;;
    cosine)
      build/respect-opt --config configs/train_labels.yaml --label.dataset "$d/labels.bin" \
        --output.dir "$d" > "bench/results/logs/ablation_${v}_labels.log" 2>&1
      args+=(--train.reward cosine --train.dataset "$d/labels.bin" --train.holdout 200) ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
  : > "bench/results/logs/ablation_$v.log"
  if [[ $v != shipped ]]; then
    /usr/bin/time -f "%e s wall" build/respect-opt "${args[@]}" > "bench/results/logs/ablation_$v.log" 2>&1
  fi
  for s in n30:40 n50:40 n100:16 n300:8 n1000:4 zoo:0; do
    build/learning_bench --set "${s%%:*}" --count "${s##*:}" --weights "$weights" \
      --methods dp_topo,rl,rl_untrained --tag "$v:${s%%:*}" --out "bench/results/ablation_${v}_${s%%:*}.csv" \
      >> "bench/results/logs/ablation_$v.log" 2>&1
  done
done
python3 bench/summarize_learning.py --ablation bench/results 'ablation_*.csv'
