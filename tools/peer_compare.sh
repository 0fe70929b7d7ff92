#!/usr/bin/env bash
# Runs canopy's tracker beside the Stone Soup peer on the same detections and
# scores both the same way (tools/peers/README.md; docs/benchmarks.md).
#
#   PEERS=/path/with/Stone-Soup+utm bash tools/peer_compare.sh [TARGETS] [SEED]
#
# Needs: a release build (bash tools/run.sh builds one, or cmake --preset
# release && cmake --build --preset release), Debian's python3 with numpy and
# scipy, and for the Stone Soup half source checkouts of dstl/Stone-Soup and
# Turbo87/utm under $PEERS. Without PEERS, only canopy runs.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=${1:-100}
seed=${2:-2}
peers_scripts=${PEER_SCRIPTS:-tools/peers}
canopy=build/release/apps/canopy/canopy
work=${WORK:-/tmp/canopy-peer-$targets-$seed}
py=/usr/bin/python3
[[ -x $canopy ]] || { echo "build canopy first: cmake --preset release && cmake --build --preset release" >&2; exit 2; }
mkdir -p "$work"
$py "$peers_scripts/make_ballistic_detections.py" --targets "$targets" --seed "$seed" --out-dir "$work"

echo "== canopy (ballistic EKF, GNN)"
$canopy track "$work/detections.csv" --sigma-m 20 --earth flat --out "$work/canopy.csv" 2>&1 | tee "$work/canopy.log"
$py "$peers_scripts/eval_tracks.py" "$work/truth.csv" "$work/canopy.csv"
canopy_us=$(sed -n 's/.*(\([0-9.]*\) us per scan.*/\1/p' "$work/canopy.log")

if [[ -n ${PEERS:-} ]]; then
  echo "== Stone Soup (constant acceleration, GNN)"
  PYTHONPATH="$PEERS/Stone-Soup:$PEERS/utm" $py "$peers_scripts/stonesoup_track.py" \
    "$work/detections.csv" --out "$work/ss.csv" --model ca | tee "$work/ss.log"
  $py "$peers_scripts/eval_tracks.py" "$work/truth.csv" "$work/ss.csv"
  ss_ms=$(sed -n 's/.*ms_per_scan=\([0-9.]*\).*/\1/p' "$work/ss.log")
  awk -v c="$canopy_us" -v s="$ss_ms" 'BEGIN { printf "per scan: canopy %.3f ms, Stone Soup %.2f ms, ratio %.0fx\n", c / 1000, s, s * 1000 / c }'
fi
