#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + libFuzzer) and runs
# them (docs/fuzzing.md).
#
#   bash tools/fuzz.sh              # each target for 600 s
#   bash tools/fuzz.sh 60           # each target for 60 s
#   bash tools/fuzz.sh --corpus-only  # each target once over its seed corpus (CI)
#   bash tools/fuzz.sh 600 geojson   # only the targets named (geojson, detections_csv, scenario)
#
# New inputs found go to build/fuzz/corpus-<target>/ (not the repository);
# a crash leaves its input as build/fuzz/crash-* and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-600}
targets=("${@:2}")
[[ ${#targets[@]} -gt 0 ]] || targets=(geojson detections_csv scenario)
cc=${CANOPY_FUZZ_CC:-clang-19}
cxx=${CANOPY_FUZZ_CXX:-clang++-19}
build=build/fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCANOPY_FUZZ=ON -DCANOPY_BUILD_TESTS=OFF -DCANOPY_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target "${targets[@]/#/fuzz_}"
export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for t in "${targets[@]}"; do
  seeds=fuzz/corpus/${t%_csv}
  [[ $t == detections_csv ]] && seeds=fuzz/corpus/detections
  if [[ $mode == --corpus-only ]]; then
    echo "== fuzz_$t over $seeds"
    "$build/fuzz/fuzz_$t" -runs=0 "$seeds"
  else
    work="$build/corpus-$t"
    mkdir -p "$work"
    echo "== fuzz_$t for $mode s"
    "$build/fuzz/fuzz_$t" -max_total_time="$mode" -max_len=65536 -timeout=10 -rss_limit_mb=4096 \
      -artifact_prefix="$build/" -print_final_stats=1 "$work" "$seeds"
  fi
done
