#!/usr/bin/env bash
# Installs the Debian packages canopy needs, skipping those already present.
# Run as root on Debian 12. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache git clang-format clang-tidy-19
  libeigen3-dev libgeographiclib-dev libyaml-cpp-dev nlohmann-json3-dev
  libcli11-dev libfmt-dev libspdlog-dev libgtest-dev libgmock-dev libbenchmark-dev libnanoflann-dev libboost-dev clang-19 libclang-rt-19-dev
  openmpi-bin libopenmpi-dev chromium python3-yaml
  pybind11-dev python3-dev python3-numpy python3-pandas python3-matplotlib python3-pytest
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  if [[ $(id -u) -ne 0 ]]; then
    echo "setup: need root to install packages (run as root or with sudo)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Node.js and npm build the replay viewer (viewer/) and drive the browser
# test; the machine's own Node.js is used when present.
if ! command -v npm >/dev/null; then
  echo "setup: installing nodejs npm" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
# npm ci when the lock changed since the last install (a copy of the lock
# marks it: npm's own copy lists only this platform's packages).
if [[ -f viewer/package-lock.json ]] &&
  ! cmp -s viewer/package-lock.json viewer/node_modules/.canopy-lock; then
  echo "setup: npm ci in viewer/" >&2
  (cd viewer && npm ci --no-audit --no-fund --loglevel=error &&
    cp package-lock.json node_modules/.canopy-lock)
fi
