#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the quickstart job
# (configs/quickstart.yaml). Extra arguments go to respect-opt.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh > build.log 2>&1 || { tail -50 build.log; echo "build failed (full log: build.log)"; exit 1; }
exec build/respect-opt --config configs/quickstart.yaml "$@"
