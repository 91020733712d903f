#!/usr/bin/env bash
# Installs respect-opt's build and test dependencies from Debian 12 packages.
# Idempotent: packages already present are left alone. Works as root or through sudo.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config
  coinor-libcbc-dev coinor-libclp-dev coinor-libcoinutils-dev coinor-libosi-dev coinor-libcgl-dev
  coinor-cbc
  libeigen3-dev
  libboost-dev
  libflatbuffers-dev flatbuffers-compiler
  libusb-1.0-0-dev
  libyaml-cpp-dev
  nlohmann-json3-dev
  libcli11-dev
  libgtest-dev libgmock-dev
  openmpi-bin libopenmpi-dev
  # The Python API (python/): pybind11 and the system python3's headers to
  # build the module, pytest and NetworkX for tests/python/.
  pybind11-dev python3-pybind11 python3-dev python3-pytest python3-networkx
)
# Optional extras used by plots, schedule pictures and the CPU reference runner.
# Installed with --extras; the core build and tests do not need them.
EXTRAS=(
  graphviz gnuplot-nox python3-matplotlib python3-yaml time
  libarmnn-dev libarmnntfliteparser-dev libarmnn-cpuref-backend22
)

want=("${PACKAGES[@]}")
if [[ "${1:-}" == "--extras" ]]; then want+=("${EXTRAS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all dependencies present"
  exit 0
fi

SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1
  fi
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
