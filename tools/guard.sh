#!/usr/bin/env bash
# The refactoring guard (issue 14): the outputs of this tree must match those
# of a reference commit byte for byte. Runs the default scenario on seeds 1-5
# and one Monte Carlo set of 4 runs with both builds, and compares
# events.jsonl and summary.json of each run, and runs.csv and aggregate.json
# of the set.
#
#   bash tools/guard.sh            # against the commit before the refactor
#   bash tools/guard.sh REF        # against another commit
#
# The reference is unpacked with `git archive` and built (release, canopy
# only) under build/guard/, once per commit. Exits 1 naming every file that
# differs, with the first differing line.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
# The commit before issue 14's refactoring began (issue 15 had landed).
ref=$(git rev-parse --verify "${1:-f5f86de}^{commit}")
short=${ref:0:10}
work=$root/build/guard
ref_src=$work/src-$short
ref_build=$work/build-$short
mkdir -p "$work"

if [[ ! -x $ref_build/apps/canopy/canopy ]]; then
  echo "guard: building the reference $short" >&2
  rm -rf "$ref_src" && mkdir -p "$ref_src"
  git archive "$ref" | tar -x -C "$ref_src"
  # The viewer's npm packages (tools/setup.sh installs them in this tree).
  ln -s "$root/viewer/node_modules" "$ref_src/viewer/node_modules"
  cmake -S "$ref_src" -B "$ref_build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCANOPY_BUILD_TESTS=OFF -DCANOPY_BUILD_TARGET_TESTS=OFF -DCANOPY_BUILD_BENCH=OFF >/dev/null
  cmake --build "$ref_build" --target canopy
fi
echo "guard: building this tree (release preset)" >&2
cmake --preset release >/dev/null
cmake --build --preset release --target canopy

# produce BIN DIR: the outputs compared, from one build.
produce() {
  local bin=$1 dir=$2
  rm -rf "$dir" && mkdir -p "$dir"
  for seed in 1 2 3 4 5; do
    "$bin" run scenarios/default.yaml --seed "$seed" --quiet --out "$dir/run-$seed"
  done
  "$bin" montecarlo scenarios/default.yaml --runs 4 --threads 2 --quiet --out "$dir/mc"
}
# The reference's outputs are kept per commit.
ref_out=$work/out-$short
if [[ ! -f $ref_out/.complete ]]; then
  echo "guard: running the reference" >&2
  produce "$ref_build/apps/canopy/canopy" "$ref_out"
  touch "$ref_out/.complete"
fi
echo "guard: running this tree" >&2
produce "$root/build/release/apps/canopy/canopy" "$work/out-new"

files=()
for seed in 1 2 3 4 5; do files+=("run-$seed/events.jsonl" "run-$seed/summary.json"); done
files+=(mc/runs.csv mc/aggregate.json)
bad=0
for f in "${files[@]}"; do
  if cmp -s "$ref_out/$f" "$work/out-new/$f"; then
    echo "guard: same     $f ($(wc -c <"$work/out-new/$f") bytes)"
  else
    bad=1
    echo "guard: DIFFERS  $f"
    diff "$ref_out/$f" "$work/out-new/$f" | head -n 4 | cut -c1-300 || true
  fi
done
if ((bad)); then
  echo "guard: outputs differ from $short" >&2
  exit 1
fi
echo "guard: all ${#files[@]} files byte-identical to $short" >&2
