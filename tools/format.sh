#!/usr/bin/env bash
# Formats every C++ file in the tree with clang-format (Google base, see
# .clang-format). With --check, changes nothing and fails if a file would change.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files -co --exclude-standard -- '*.h' '*.cc')
((${#files[@]})) || exit 0
if [[ ${1:-} == --check ]]; then
  clang-format --dry-run --Werror "${files[@]}"
else
  clang-format -i "${files[@]}"
fi
