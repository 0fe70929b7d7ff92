# Sourced by tools/*_seeds.sh: runs one scenario over seeds 1..N and pools
# one section of the runs' summary.json in Python.
#
#   cd "$(dirname "$0")/.." && source tools/seeds_lib.sh
#   run_seeds 20 "$scenario"
#   pool_seeds tracking <<'PY'
#   print(sum(r["id_switches"] for r in runs))
#   PY
#
# run_seeds N [SCENARIO] runs the release build's `canopy run` on seeds 1..N
# of SCENARIO (the default scenario when empty), in parallel, without
# trajectories, each into $work/<seed>; it sets `work` to a temporary folder
# that is removed when the calling script exits, and `n` to N. Needs a
# release build (cmake --preset release && cmake --build --preset release).
run_seeds() {
  n=$1
  local scenario=${2:-}
  local canopy=build/release/apps/canopy/canopy
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  # $scenario unquoted: empty means no argument (the default scenario).
  seq 1 "$n" | xargs -P "$(nproc)" -I{} \
    $canopy run $scenario --seed {} --quiet --trajectory-interval 0 --out "$work/{}"
}

# pool_seeds SECTION runs the Python program on stdin with `n` (the seeds)
# and `runs` (summary.json[SECTION] of seeds 1..n, in order) defined.
pool_seeds() {
  python3 -c '
import json, sys
n, section = int(sys.argv[2]), sys.argv[3]
runs = [json.load(open(f"{sys.argv[1]}/{s}/summary.json"))[section] for s in range(1, n + 1)]
exec(compile(sys.stdin.read(), "<pool_seeds>", "exec"))
' "$work" "$n" "$1"
}
