#!/usr/bin/env bash
# Scores `canopy wta` against the stored proven optima (bench/wta/references.json):
# regenerates every instance with wta_gen.py, solves it, recomputes the objective
# of the returned assignment, and prints gap to the optimum, solve time and
# lower-bound gap by family and size, with pass/fail against the targets of
# docs/wta.md. Exits 1 if a target is missed. Needs only python3 (no scipy).
#
#   tools/wta_check.sh [--time-limit-s T] [--family F]
#
# Environment: WTA_PEERS (directory of wta_gen.py; default tools/peers/wta),
# CANOPY_BUILD_DIR (default build/release).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
time_limit=1
family=""
while (($#)); do
  case $1 in
    --time-limit-s) time_limit=$2; shift 2 ;;
    --family) family=$2; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "wta_check.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
peers=${WTA_PEERS:-$root/tools/peers/wta}
build=${CANOPY_BUILD_DIR:-build/release}
bin=$build/apps/canopy/canopy
[[ -f $peers/wta_gen.py ]] || { echo "wta_check.sh: no wta_gen.py in $peers (set WTA_PEERS)" >&2; exit 2; }
[[ -x $bin ]] || { echo "wta_check.sh: no $bin (build it, or set CANOPY_BUILD_DIR)" >&2; exit 2; }
py=python3
[[ -x /usr/bin/python3 ]] && py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

exec "$py" - "$root/bench/wta/references.json" "$peers/wta_gen.py" "$bin" "$time_limit" "$tmp" "$family" <<'PY'
import json, subprocess, sys, os
refs, gen, binary, tl, tmp, only = sys.argv[1:7]
tl = float(tl)
# Targets (docs/wta.md): gap to the proven optimum at a 0.01 s limit, per
# family; at 1 s (or more) 2 % for every family.
def target(fam):
    if tl <= 0.0101:
        return {"ahuja": 0.1, "dome": 2.0, "andersen": 8.0}[fam]
    if tl >= 1.0:
        return 2.0
    return None

def evaluate(inst, a):
    V, P, C = inst["values"], inst["p"], inst["counts"]
    if len(a) != len(P):
        raise ValueError("assignment has %d rows for %d weapon types" % (len(a), len(P)))
    s = [1.0] * len(V)
    for i, row in enumerate(a):
        if len(row) > C[i]:
            raise ValueError("type %d fires %d > %d rounds" % (i, len(row), C[i]))
        for j in row:
            if not (0 <= j < len(V)) or P[i][j] <= 0:
                raise ValueError("type %d cannot engage target %s" % (i, j))
            s[j] *= 1.0 - P[i][j]
    return sum(v * x for v, x in zip(V, s))

rows, bad = {}, []
for r in json.load(open(refs))["instances"]:
    fam = r["family"]
    if only and fam != only:
        continue
    name = "%s_%dx%d_mu%d_s%d" % (fam, r["W"], r["T"], r["mu"], r["seed"])
    path = os.path.join(tmp, name + ".json")
    subprocess.run([sys.executable, gen, "--family", fam, "-W", str(r["W"]), "-T", str(r["T"]),
                    "--mu", str(r["mu"]), "--seed", str(r["seed"]), "-o", path], check=True)
    inst = json.load(open(path))
    p = subprocess.run([binary, "wta", path, "--time-limit-s", str(tl)], capture_output=True, text=True)
    if p.returncode != 0:
        bad.append("%s: canopy wta exited %d: %s" % (name, p.returncode, p.stderr.strip()))
        continue
    out = json.loads(p.stdout)
    try:
        f = evaluate(inst, out["assignment"])
    except ValueError as e:
        bad.append("%s: infeasible: %s" % (name, e))
        continue
    opt = r["optimum"]
    gap = 100.0 * (f - opt) / opt if opt > 0 else 0.0
    lb = out["lower_bound"]
    lbgap = 100.0 * (opt - lb) / opt if (lb is not None and opt > 0) else float("nan")
    if lb is None or lb > opt * (1 + 1e-9) + 1e-9:
        bad.append("%s: lower bound %s is missing or above the optimum %.10g" % (name, lb, opt))
    if abs(out["objective"] - f) > 1e-9 * max(1.0, abs(f)):
        bad.append("%s: reported objective %.10g != recomputed %.10g" % (name, out["objective"], f))
    if f > r["mmr_ls"] * (1 + 1e-9):
        bad.append("%s: %.10g is worse than MMR + local search (%.10g)" % (name, f, r["mmr_ls"]))
    tg = target(fam)
    if tg is not None and gap > tg:
        bad.append("%s: gap %.3f %% above the target %.1f %%" % (name, gap, tg))
    key = (fam, r["W"], r["T"])
    rows.setdefault(key, []).append((gap, out["solve_s"], lbgap, tg is None or gap <= tg))

print("canopy wta, --time-limit-s %g: gap to the proven optimum (bench/wta/references.json)" % tl)
print("%-9s %-9s %4s %10s %10s %10s %12s %7s" % ("family", "W x T", "n", "mean gap%", "max gap%",
                                                  "max t (s)", "mean lb gap%", "target"))
for key in sorted(rows, key=lambda k: (k[0], k[1] * k[2])):
    v = rows[key]
    tg = target(key[0])
    ok = all(x[3] for x in v)
    print("%-9s %-9s %4d %10.3f %10.3f %10.4f %12.2f %7s" % (
        key[0], "%dx%d" % (key[1], key[2]), len(v), sum(x[0] for x in v) / len(v),
        max(x[0] for x in v), max(x[1] for x in v), sum(x[2] for x in v) / len(v),
        ("-" if tg is None else ("<=%g%%" % tg)) + (" ok" if ok else " MISS")))
for b in bad:
    print("FAIL", b)
print("all targets met" if not bad else "%d failure(s)" % len(bad))
sys.exit(1 if bad else 0)
PY
