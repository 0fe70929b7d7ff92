#!/usr/bin/env bash
# Assessment metrics of the default scenario (or SCENARIO) over seeds 1..N,
# pooled: impact-prediction calibration at 2/5/10 s after confirmation, miss
# distance against track age, the engage decision's confusion matrix and
# lead times, and the alert metrics of canopy's policy and the baselines
# (docs/assess.md).
#
#   bash tools/assess_seeds.sh [N] [SCENARIO]
#
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/seeds_lib.sh
run_seeds "${1:-20}" "${2:-}"
pool_seeds assessment <<'PY'
import collections
print(f"seeds 1..{n}: {sum(r['rockets_launched'] for r in runs)} rockets, "
      f"{sum(r['rockets_confirmed'] for r in runs)} tracked, {sum(r['predictions'] for r in runs)} predictions")
print("calibration (true impact inside the predicted 95 % ellipse; target 0.93-0.97):")
for i, c in enumerate(runs[0]["calibration"]):
    inside = sum(r["calibration"][i]["inside_95"] for r in runs)
    total = sum(r["calibration"][i]["rockets"] for r in runs)
    print(f"  {c['after_confirm_s']:4.0f} s after confirmation: {inside / total:.3f} ({inside} of {total})")
bins = collections.defaultdict(lambda: [0, 0.0, 0.0])
for r in runs:
    for b in r["miss_by_track_age"]:
        k = (b["age_from_s"], b["age_to_s"]); bins[k][0] += b["predictions"]
        bins[k][1] += b["median_miss_m"] * b["predictions"]; bins[k][2] += b["coverage_95"] * b["predictions"]
print("miss distance against track age (s since confirmation; per-seed medians, weighted):")
for k in sorted(bins, key=lambda k: k[0]):
    c, m, cov = bins[k]
    hi = "" if k[1] is None else f"{k[1]:.0f}"
    print(f"  {k[0]:4.0f}-{hi:<4} s  median miss {m / c:7.0f} m  coverage {cov / c:.3f}  ({c} predictions)")
d = collections.Counter()
for r in runs:
    x = r["decision"]
    for k in ("true_threats", "open_ground_rockets", "false_tracks_declared", "long_flight_threats",
              "long_flight_declared_early"):
        d[k] += x[k]
    for k, v in x["confusion"].items():
        d[k] += v
print("engage decision (confusion matrix over all seeds):")
print(f"  true threats: {d['threats_declared']} declared, {d['threats_not_declared']} not "
      f"({100 * d['threats_declared'] / max(1, d['true_threats']):.2f} %; target >= 99.5 %)")
print(f"  long flights (> 40 s): {d['long_flight_declared_early']} of {d['long_flight_threats']} declared >= 20 s before impact "
      f"({100 * d['long_flight_declared_early'] / max(1, d['long_flight_threats']):.2f} %)")
print(f"  open ground: {d['open_ground_declared']} declared, {d['open_ground_not_declared']} not "
      f"({100 * d['open_ground_declared'] / max(1, d['open_ground_rockets']):.2f} %; target <= 5 %); "
      f"false tracks declared {d['false_tracks_declared']}")
leads = [r["decision"] for r in runs if r["decision"]["lead_min_s"] is not None]  # a threat landed
if leads:
    print(f"  lead time (threats that landed, {len(leads)} seeds): min {min(d['lead_min_s'] for d in leads):.1f} s, "
          f"median of seeds' medians {sorted(d['lead_median_s'] for d in leads)[len(leads) // 2]:.1f} s")
print("alerts (pooled):")
tot = {}
for key in ("canopy", "radius_5km", "region"):
    a = collections.Counter()
    for r in runs:
        x = r["alerts"][key]
        for k in ("impacts_in_zones", "missed", "false_zone_alerts", "zone_alerts"):
            a[k] += x[k]
        a["warn"] += x["mean_warning_s"] * x["impacts_in_zones"]
        a["own"] += x["own_warning_mean_s"] * x["impacts_in_zones"]
        a["false_pop_s"] += x["false_population_s"]
        a["pop_s"] += x["total_population_s"]
    tot[key] = a
    print(f"  {key:<11} impacts {a['impacts_in_zones']:5d}  missed {a['missed']:3d}  mean warning "
          f"{a['warn'] / max(1, a['impacts_in_zones']):6.1f} s (own {a['own'] / max(1, a['impacts_in_zones']):5.1f} s)  false zone alerts {a['false_zone_alerts']:5d} "
          f"of {a['zone_alerts']:5d}  false pop*s {a['false_pop_s']:.3g}  total pop*s {a['pop_s']:.3g}")
c, ra, rb = tot["canopy"], tot["radius_5km"], tot["region"]
print(f"  over-alerting vs (a): {c['false_pop_s'] / max(1, ra['false_pop_s']):.3f} (target <= 0.25); "
      f"mean warning vs (b): {c['warn'] / max(1, rb['warn']):.3f} (target >= 0.90); "
      f"own-rocket warning vs (b): {c['own'] / max(1, rb['own']):.3f}")
PY
