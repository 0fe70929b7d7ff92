#!/usr/bin/env bash
# Tracking metrics of the default scenario (or SCENARIO) over seeds 1..N:
# NEES (mean and against track age), settled errors, switches, false tracks.
#
#   bash tools/tracking_seeds.sh [N] [SCENARIO]
#
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/seeds_lib.sh
run_seeds "${1:-20}" "${2:-}"
pool_seeds tracking <<'PY'
import collections
tot = collections.Counter(); bins = collections.defaultdict(lambda: [0.0, 0])
nees_w = 0.0; nees_n = 0; rows = runs
for t in runs:
    nees_w += t["nees_mean"] * t["nees_samples"]; nees_n += t["nees_samples"]
    for b in t["nees_by_age"]:
        k = b["age_s"][0]; bins[k][0] += b["mean"] * b["count"]; bins[k][1] += b["count"]
    for k in ("rockets_detected", "rockets_tracked", "id_switches", "track_breaks",
              "false_tracks", "tracks_confirmed"):
        tot[k] += t[k]
mean = lambda k: sum(r[k] for r in rows) / len(rows)
print(f"seeds 1..{n}: rockets tracked {tot['rockets_tracked']}/{tot['rockets_detected']}, "
      f"id switches {tot['id_switches']}, breaks {tot['track_breaks']}, "
      f"false tracks {tot['false_tracks']} of {tot['tracks_confirmed']} confirmed")
print(f"GOSPA mean {mean('gospa_mean_m'):.1f} m; settled RMS {mean('settled_rms_position_m'):.1f} m, "
      f"{mean('settled_rms_velocity_mps'):.1f} m/s; confirmation {mean('mean_confirm_latency_s'):.2f} s")
print(f"NEES (dimension 6): mean {nees_w / nees_n:.2f} over {nees_n} samples "
      f"(target band 4.2-7.8); per-seed means "
      f"{min(r['nees_mean'] for r in rows):.2f}-{max(r['nees_mean'] for r in rows):.2f}")
print("NEES against track age:")
for k in sorted(bins):
    s, c = bins[k]
    print(f"  {k:5.0f}-{k + 2:<5.0f} s  {s / c:7.2f}  ({c} samples)")
PY
