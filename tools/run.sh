#!/usr/bin/env bash
# Quick start 1: install what is missing, build the release preset, and run
# the built-in default scenario with its report (out/default/report.html).
# Extra arguments go to `canopy run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/apps/canopy/canopy run --out out/default --report "$@"
