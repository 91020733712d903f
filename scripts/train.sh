#!/usr/bin/env bash
# Reproduces the shipped policy weights (policy/weights/respect_policy.rspw):
#   1. exact labels of 1,200 synthetic graphs (configs/train_labels.yaml)
#   2. REINFORCE training, 20 epochs (configs/train.yaml)
# Both steps checkpoint: re-running this script after an interruption resumes
# where it stopped. Prints the sha256 of the result; --install copies it over
# the shipped file. Measured on the 2-core machine: see policy/weights/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh > build.log 2>&1 || { tail -50 build.log; exit 1; }
mkdir -p out/train
resume=false
[[ -f out/train/labels.bin ]] && resume=true
time build/respect-opt --config configs/train_labels.yaml --label.resume "$resume"
resume=false
[[ -f out/train/checkpoints/checkpoint.rspc ]] && resume=true
time build/respect-opt --config configs/train.yaml --train.resume "$resume"
sha256sum out/train/labels.bin out/train/respect_policy.rspw
if [[ "${1:-}" == "--install" ]]; then
  cp out/train/respect_policy.rspw policy/weights/respect_policy.rspw
  echo "installed policy/weights/respect_policy.rspw"
fi
