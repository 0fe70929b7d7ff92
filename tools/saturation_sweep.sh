#!/usr/bin/env bash
# Saturation sweep (docs/engage.md): the default scenario's defense against
# one salvo of N rockets (default 10 40 100 300) aimed at three towns
# (Northport and Southbay: medium rockets from Border; Eastmere: long
# rockets from Hills; a third each, 0.1 s apart), over seeds 1..S. Prints,
# per N, the leak rate into defended areas with its Wilson 95 % interval,
# interceptors fired and rockets engaged: where inventories and launch
# rates start to bind.
#
#   bash tools/saturation_sweep.sh [SEEDS] [N ...]
#
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-5}
shift || true
sizes=${*:-10 40 100 300}
canopy=build/release/apps/canopy/canopy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for n in $sizes; do
  python3 - "$n" scenarios/default.yaml "$work/sat$n.yaml" <<'PY'
import sys
n, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3]
lines = open(src).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.startswith("raids:"))
end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" "))
k = [n // 3 + (1 if i < n % 3 else 0) for i in range(3)]
raids = ["raids:"]
for (site, kind, area, sigma), count in zip(
        [("Border", "medium", "Northport", 250), ("Border", "medium", "Southbay", 250),
         ("Hills", "long", "Eastmere", 400)], k):
    if count:
        raids.append(f"  - {{at_s: 10, site: {site}, type: {kind}, count: {count}, interval_s: 0.1, "
                     f"aim: {{area: {area}}}, aim_sigma_m: {sigma}}}")
out = lines[:start] + raids + [""] + lines[end:]
text = "\n".join(out).replace("name: default", f"name: saturation-{n}", 1)
open(dst, "w").write(text)
PY
  for s in $(seq 1 "$seeds"); do echo "$n $s"; done
done | xargs -P "$(nproc)" -n 2 sh -c \
  "$canopy run $work/sat\$0.yaml --seed \$1 --quiet --trajectory-interval 0 --out $work/out-\$0-\$1"
python3 - "$work" "$seeds" $sizes <<'PY'
import json, math, sys
work, seeds, sizes = sys.argv[1], int(sys.argv[2]), [int(x) for x in sys.argv[3:]]
def wilson(k, m, z=1.959963984540054):
    if m == 0: return (0.0, 1.0)
    p = k / m; d = 1 + z * z / m
    c = (p + z * z / (2 * m)) / d; h = z / d * math.sqrt(p * (1 - p) / m + z * z / (4 * m * m))
    return (max(0, c - h), min(1, c + h))
print(f"{'salvo':>6} {'threatening':>11} {'leakers':>8} {'leak rate':>10} {'95 % CI':>14} {'fired':>7} {'engaged':>8} {'killed':>7}")
for n in sizes:
    e = [json.load(open(f"{work}/out-{n}-{s}/summary.json"))["engagement"] for s in range(1, seeds + 1)]
    thr = sum(x["threatening"] for x in e); leak = sum(x["leakers"] for x in e)
    lo, hi = wilson(leak, thr)
    print(f"{n:>6} {thr:>11} {leak:>8} {leak / max(1, thr):>10.3f} {lo:>6.3f}-{hi:<6.3f} "
          f"{sum(x['interceptors_fired'] for x in e) / seeds:>7.1f} {sum(x['rockets_engaged'] for x in e) / seeds:>8.1f} "
          f"{sum(x['rockets_intercepted'] for x in e) / seeds:>7.1f}")
print(f"(sums over seeds 1..{seeds}; fired, engaged and killed are per run)")
PY
