#!/usr/bin/env bash
# Reproduces the shipped window network (policy/weights/stage_net.rspw):
# labels exact schedules of 160 generated graphs of 100-2,000 nodes (both
# benchmark families, 8 s each, two at a time), then trains the network on them
# (supervised, 40 epochs, every node weighing the same). About 12 minutes of labels and 2 of training on the
# 2-core machine. Labels resume after an interruption (finished instances are
# kept in out/train_windows/labels.jsonl). Exact under a time limit depends on
# the machine's speed, so labels (and the weights) may differ between machines;
# the recipe, seeds and counts do not. --install copies the result over the
# shipped file. Extra arguments go to scripts/train_windows.py (--count,
# --limit, --epochs, --jobs).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh > build.log 2>&1 || { tail -50 build.log; exit 1; }
install=false
args=()
for a in "$@"; do
  if [[ "$a" == "--install" ]]; then install=true; else args+=("$a"); fi
done
python3 scripts/train_windows.py --out out/train_windows --weights out/train_windows/stage_net.rspw "${args[@]}"
sha256sum out/train_windows/stage_net.rspw
if $install; then
  cp out/train_windows/stage_net.rspw policy/weights/stage_net.rspw
  echo "installed policy/weights/stage_net.rspw"
fi
