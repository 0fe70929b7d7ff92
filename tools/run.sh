#!/usr/bin/env bash
# Quick start 1: install what is missing, build the release preset (the
# command line and the Python module), put the module on Debian's python3
# path (tools/python_path.sh: `import canopy` from any directory), and run
# the built-in default scenario with its report (out/default/report.html).
# Extra arguments go to `canopy run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
bash tools/python_path.sh || echo "run: the Python module is not on python3's path (see above)" >&2
exec build/release/apps/canopy/canopy run --out out/default --report "$@"
