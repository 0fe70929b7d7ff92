#!/usr/bin/env bash
# clang-tidy over canopy's own sources with the checks of .clang-tidy, from
# the compile commands of the dev build (configure it first: tools/test.sh
# does). Exits nonzero on any finding.
#
#   bash tools/tidy.sh            # every source of src/ and apps/
#   bash tools/tidy.sh FILE...    # just these
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/dev
[[ -f $build/compile_commands.json ]] || { echo "tidy: configure $build first (cmake --preset dev)" >&2; exit 2; }
tidy=$(command -v clang-tidy-19 || true)
runner=/usr/lib/llvm-19/bin/run-clang-tidy
[[ -n $tidy && -x $runner ]] || { echo "tidy: clang-tidy-19 is missing (tools/setup.sh installs it)" >&2; exit 2; }
if (($#)); then
  files=("$@")
else
  mapfile -t files < <(git ls-files --cached --others --exclude-standard 'src/*.cc' 'apps/*.cc' ':!:*_test.cc')
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"$runner" -quiet -clang-tidy-binary "$tidy" -p "$build" -j "$(nproc)" "${files[@]/#/$(pwd)/}" \
  >"$log" 2>&1 || status=$?
grep -v '^$\|^\[[0-9]*\/[0-9]*\]\|^[0-9]* warnings\? generated\.$\|^Suppressed \|^Use -header-filter\|^Enabled checks\|^clang-tidy-19 \|^Running clang-tidy' "$log" || true
if ((status)); then echo "tidy: findings above (checks: .clang-tidy)" >&2; fi
exit "$status"
