#!/usr/bin/env bash
# Quick start 2: install what is missing, check formatting, build the
# developer preset (AddressSanitizer + UndefinedBehaviorSanitizer) and run the
# whole test suite. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

echo "== clang-format check" >&2
bash tools/format.sh --check

echo "== build (dev preset: ASan + UBSan)" >&2
cmake --preset dev >/dev/null
cmake --build --preset dev

echo "== tests" >&2
ctest --preset dev -j "$(nproc)"

echo "== fuzz targets over their seed corpora (clang + libFuzzer)" >&2
bash tools/fuzz.sh --corpus-only
