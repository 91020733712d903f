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
sed -n -e 's/^-- Arm NN: /build: Arm NN /p' -e 's/^-- MPI: /build: MPI /p' -e 's/^-- Python: /build: Python /p' \
  "$BUILD_DIR.configure.log"
cmake --build "$BUILD_DIR" -j "$JOBS"

# The Python module (where pybind11 was found): a respect_opt.pth file puts
# <build>/python on the path of the python it was built for, so
# `python3 -c "import respect_opt"` works from any directory. It goes to that
# python's site-packages (/usr/local/lib/python3.X/dist-packages) where this
# user may write there, else to the user's site-packages. The last checkout
# built wins; delete the file to undo. python/README.md.
shopt -s nullglob
modules=("$BUILD_DIR"/python/respect_opt*.so)
if [[ ${#modules[@]} -gt 0 ]]; then
  py=$(sed -n 's/^_\{0,1\}Python_EXECUTABLE:[A-Z]*=//p' "$BUILD_DIR/CMakeCache.txt" | head -1)
  module_dir=$(cd "$BUILD_DIR/python" && pwd)
  site=$("$py" -c 'import site; print(site.getsitepackages()[0])')
  if ! { mkdir -p "$site" 2>/dev/null && [[ -w "$site" ]]; }; then
    site=$("$py" -c 'import site; print(site.getusersitepackages())')
    mkdir -p "$site"
  fi
  if [[ "$(cat "$site/respect_opt.pth" 2>/dev/null)" != "$module_dir" ]]; then
    echo "$module_dir" > "$site/respect_opt.pth"
  fi
  echo "build: Python: $py -c 'import respect_opt' loads $module_dir (via $site/respect_opt.pth)"
fi
