#!/usr/bin/env bash
# Policy ablation (bench/results/learning_ablation.md): the shipped recipe
# (configs/train.yaml) at a tenth of its budget, and the same with one means
# taken away at a time, each judged by greedy rl against dp_topo and an
# untrained copy on held-out graphs of 50, 100 and 300 nodes:
#   full          cost reward, step features, curriculum 30-300, layered + dnn
#   no_dynamic    without the step features in the pointer
#   no_curriculum only 30-node graphs (as many graphs)
#   layered_only  only random layered DAGs (the paper's distribution)
#   cosine        the paper's cosine label reward on 1,200 exact 30-node labels
# Usage: bench/run_policy_ablation.sh [VARIANT ...]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh > build.log 2>&1 || { tail -30 build.log; exit 1; }
variants=("$@")
[[ ${#variants[@]} -eq 0 ]] && variants=(full no_dynamic no_curriculum layered_only cosine)
small=(--train.epochs 10 --train.graphs_per_size 30 --train.holdout 40)
mkdir -p out/ablation bench/results/logs
for v in "${variants[@]}"; do
  d=out/ablation/$v
  rm -rf "$d"; mkdir -p "$d"
  args=(--config configs/train.yaml "${small[@]}" --train.checkpoint_dir "$d/checkpoints"
        --train.weights_out "$d/policy.rspw" --output.dir "$d")
  case $v in
    full) ;;
    no_dynamic) args+=(--train.dynamic false) ;;
    no_curriculum) args+=(--train.curriculum 30 --train.graphs_per_size 150) ;;
    layered_only) args+=(--train.family layered) ;;
    cosine)
      build/respect-opt --config configs/train_labels.yaml --label.dataset "$d/labels.bin" \
        --output.dir "$d" > "bench/results/logs/ablation_${v}_labels.log" 2>&1
      args+=(--train.reward cosine --train.dataset "$d/labels.bin" --train.epochs 20 --train.holdout 200) ;;
    *) echo "unknown variant $v" >&2; exit 2 ;;
  esac
  /usr/bin/time -f "%e s wall" build/respect-opt "${args[@]}" > "bench/results/logs/ablation_$v.log" 2>&1
  for s in n50:16 n100:8 n300:4; do
    build/learning_bench --set "${s%%:*}" --count "${s##*:}" --weights "$d/policy.rspw" \
      --methods dp_topo,rl,rl_untrained --tag "$v:${s%%:*}" --out "bench/results/ablation_${v}_${s%%:*}.csv" \
      >> "bench/results/logs/ablation_$v.log" 2>&1
  done
done
python3 bench/summarize_learning.py bench/results 'ablation_*.csv'
