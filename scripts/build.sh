#!/usr/bin/env bash
# Configures and builds respect-opt (Release) into build/. Idempotent.
# Configuring on every run also re-detects optional libraries: after
# scripts/setup.sh --extras installs Arm NN, this rebuilds with the CPU
# reference runner (the line "build: Arm NN ..." says which way it went).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR="${BUILD_DIR:-build}"
JOBS="${JOBS:-$(nproc)}"
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release > "$BUILD_DIR.configure.log" 2>&1 \
  || { cat "$BUILD_DIR.configure.log"; exit 1; }
sed -n -e 's/^-- Arm NN: /build: Arm NN /p' -e 's/^-- MPI: /build: MPI /p' "$BUILD_DIR.configure.log"
cmake --build "$BUILD_DIR" -j "$JOBS"
