#!/usr/bin/env bash
# Engagement metrics of the default scenario (or SCENARIO) over seeds 1..N,
# pooled (docs/engage.md, docs/metrics.md): rockets engaged and
# intercepted, open-ground rockets engaged, the leak rate into defended
# areas with its Wilson 95 % interval, interceptors per kill, miss
# distances, debris in defended areas and kill-assessment accuracy.
#
#   bash tools/engage_seeds.sh [N] [SCENARIO]
#
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/seeds_lib.sh
run_seeds "${1:-20}" "${2:-}"
pool_seeds engagement <<'PY'
import math
def tot(k): return sum(r[k] for r in runs)
def wilson(k, m, z=1.959963984540054):
    if m == 0: return (0.0, 1.0)
    p = k / m; d = 1 + z * z / m
    c = (p + z * z / (2 * m)) / d; h = z / d * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    return (max(0, c - h), min(1, c + h))
eng, kil = tot("rockets_engaged"), tot("rockets_intercepted")
og, oge = tot("open_ground_rockets"), tot("engaged_open_ground")
thr, leak = tot("threatening"), tot("leakers")
lo, hi = wilson(leak, thr)
print(f"seeds 1..{n}: {tot('interceptors_fired')} interceptors fired, {eng} rockets engaged, {kil} intercepted")
print(f"  intercepted of engaged: {kil / max(1, eng):.3f} (target >= 0.90)")
print(f"  open ground engaged:    {oge} of {og} = {oge / max(1, og):.3f} (target <= 0.05)")
print(f"  leak rate:              {leak} of {thr} threatening = {leak / max(1, thr):.3f} (Wilson 95 % {lo:.3f}-{hi:.3f})")
print(f"  interceptors per kill:  {tot('interceptors_fired') / max(1, kil):.2f}")
print(f"  per-seed miss median (median over seeds): {sorted(r['miss_median_m'] for r in runs)[n // 2]:.2f} m; "
      f"p90 {sorted(r['miss_p90_m'] for r in runs)[n // 2]:.1f} m")
print(f"  intercept altitude median (median over seeds): {sorted(r['intercept_alt_median_m'] for r in runs)[n // 2]:.0f} m")
print(f"  debris impacts: {tot('debris_impacts')}, in defended areas {tot('debris_in_areas')}")
ka = tot("kill_assessments")
right = sum(r["kill_assessment_accuracy"] * r["kill_assessments"] for r in runs)
print(f"  kill assessments: {ka}, right {right / max(1, ka):.3f}")
print(f"  assignment plans: {tot('plans')}, largest certified gap {max(r['max_plan_gap'] for r in runs):.4f}")
PY
