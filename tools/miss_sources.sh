#!/usr/bin/env bash
# The interceptor's miss distance by error source (docs/engage.md, "Where
# the miss comes from"): the default scenario over seeds 1..N with every
# modelled source, with none, and with each alone (seeker angle noise,
# glint, autopilot lag, fuze timing; "none" leaves the handover error, the
# tracker's, and the 10 ms guidance step). Prints the median, p90 and
# intercepted-of-engaged of each.
#
#   bash tools/miss_sources.sh [N]
#
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-5}
canopy=build/release/apps/canopy/canopy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The generic interceptor's error sources, as scenario keys (defaults when
# absent): sigma_mrad 1, glint_fraction 0.2, autopilot 0.15 s, fuze 1 ms.
variant() {  # name sigma_mrad glint lag fuze_ms
  sed -e "s|    seeker: {range_km: 4, sigma_mrad: 1}|    seeker: {range_km: 4, sigma_mrad: $2, glint_fraction: $3}\n    autopilot_time_constant_s: $4\n    fuze_sigma_ms: $5|" \
    scenarios/default.yaml >"$work/$1.yaml"
  grep -q "glint_fraction: $3" "$work/$1.yaml" || { echo "miss_sources: could not edit the scenario" >&2; exit 1; }
}
variant all 1 0.2 0.15 1
variant none 0 0 0 0
variant angle_noise 1 0 0 0
variant glint 0 0.2 0 0
variant autopilot_lag 0 0 0.15 0
variant fuze_timing 0 0 0 1
for v in all none angle_noise glint autopilot_lag fuze_timing; do
  for s in $(seq 1 "$n"); do echo "$v $s"; done
done | xargs -P "$(nproc)" -n 2 sh -c \
  "$canopy run $work/\$0.yaml --seed \$1 --quiet --trajectory-interval 0 --out $work/\$0-\$1"
python3 - "$work" "$n" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
print(f"{'source':<14} {'passes':>6} {'median m':>9} {'p90 m':>7} {'intercepted':>12}")
for v in ["all", "none", "angle_noise", "glint", "autopilot_lag", "fuze_timing"]:
    misses, eng, kil = [], 0, 0
    for s in range(1, n + 1):
        for line in open(f"{work}/{v}-{s}/events.jsonl"):
            e = json.loads(line)
            if e["type"] == "intercept" and not e.get("debris", False):
                misses.append(e["miss_m"])
        summary = json.load(open(f"{work}/{v}-{s}/summary.json"))["engagement"]
        eng += summary["rockets_engaged"]
        kil += summary["rockets_intercepted"]
    misses.sort()
    med = misses[len(misses) // 2] if misses else float("nan")
    p90 = misses[int(0.9 * (len(misses) - 1))] if misses else float("nan")
    print(f"{v:<14} {len(misses):>6} {med:>9.2f} {p90:>7.2f} {100 * kil / max(1, eng):>11.1f}%")
PY
