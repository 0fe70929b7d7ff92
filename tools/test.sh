#!/usr/bin/env bash
# Quick start 2: install what is missing, check formatting, build the
# developer preset (AddressSanitizer + UndefinedBehaviorSanitizer), run
# clang-tidy and the whole test suite, then the twenty-seed target tests of
# the whole chain in the release build (minutes there; hours under the
# sanitizers) and the Python module's tests on it. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh

echo "== clang-format check" >&2
bash tools/format.sh --check

echo "== build (dev preset: ASan + UBSan)" >&2
cmake --preset dev >/dev/null
cmake --build --preset dev

echo "== clang-tidy (.clang-tidy) over the sources" >&2
bash tools/tidy.sh

echo "== tests" >&2
ctest --preset dev -j "$(nproc)"

echo "== the whole chain's twenty-seed target tests (release preset)" >&2
cmake --preset release >/dev/null
cmake --build --preset release
ctest --preset targets

echo "== Python module: pytest on the release build (docs/python.md)" >&2
PYTHONPATH="$(pwd)/build/release/python" /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests

echo "== fuzz targets over their seed corpora (clang + libFuzzer)" >&2
bash tools/fuzz.sh --corpus-only
