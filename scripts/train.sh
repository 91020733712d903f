#!/usr/bin/env bash
# Reproduces the shipped policy weights (policy/weights/respect_policy.rspw):
# REINFORCE on the true cost over generated graphs of 30-300 nodes
# (configs/train.yaml; no labels needed). The run checkpoints every epoch:
# re-running this script after an interruption resumes where it stopped.
# Prints the sha256 of the result; --install copies it over the shipped file.
# Measured on the 2-core machine: see policy/weights/README.md.
# The window network two_phase's learned windows use (policy/weights/stage_net.rspw)
# has its own recipe: scripts/train.sh --windows runs scripts/train_windows.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == "--windows" ]]; then
  shift
  exec scripts/train_windows.sh "$@"
fi
scripts/setup.sh
scripts/build.sh > build.log 2>&1 || { tail -50 build.log; exit 1; }
mkdir -p out/train
resume=false
[[ -f out/train/checkpoints/checkpoint.rspc ]] && resume=true
time build/respect-opt --config configs/train.yaml --train.resume "$resume"
sha256sum out/train/respect_policy.rspw
if [[ "${1:-}" == "--install" ]]; then
  cp out/train/respect_policy.rspw policy/weights/respect_policy.rspw
  echo "installed policy/weights/respect_policy.rspw"
fi
