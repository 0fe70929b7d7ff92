#!/usr/bin/env bash
# Closed-loop invariants over generated scenarios (docs/metrics.md,
# "Closed-loop safety"): generates scenarios FIRST..LAST with `canopy
# generate`, runs each, and pools the safety figures of their event logs,
# as canopy scores them (summary.json) and as tools/safety_check.py does
# from events.jsonl alone. Every breach is listed with the command that
# reproduces it.
#
#   bash tools/closed_loop.sh [LAST] [FIRST] [-- extra canopy generate flags]
#
# Needs a release build (cmake --preset release && cmake --build --preset release).
set -euo pipefail
cd "$(dirname "$0")/.."
last=${1:-200}
first=${2:-1}
shift $(($# >= 2 ? 2 : $#))
[[ ${1:-} == -- ]] && shift
gen_flags=("$@")
canopy=build/release/apps/canopy/canopy
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run_one() {
  local s=$1
  "$canopy" generate --seed "$s" "${gen_flags[@]}" --out "$work/g$s.yaml" >/dev/null
  "$canopy" run "$work/g$s.yaml" --quiet --trajectory-interval 0 --out "$work/$s"
}
export -f run_one
export canopy work
export gen_flags_str="${gen_flags[*]:-}"
start=$(date +%s)
seq "$first" "$last" | xargs -P "$(nproc)" -I{} bash -c 'gen_flags=($gen_flags_str); run_one {}'
echo "ran $((last - first + 1)) generated scenarios in $(($(date +%s) - start)) s"
python3 - "$work" "$first" "$last" "${gen_flags[*]:-}" <<'PY'
import json, sys
work, first, last, flags = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
keys = ["warnable_impacts", "unwarned", "late", "kill_assessments", "false_kill_claims",
        "kills_revoked", "alerts_on", "debris_alerts", "alerts_cancelled_while_alive",
        "interceptors_fired", "wrong_target_kills", "fires_on_debris", "debris_classified_tracks",
        "debris_classified_on_rockets", "threats_not_engaged"]
tot = {k: 0 for k in keys}
eng = {"rockets_engaged": 0, "rockets_intercepted": 0, "leakers": 0, "threatening": 0}
reasons, breaches, rockets = {}, [], 0
for s in range(first, last + 1):
    summary = json.load(open(f"{work}/{s}/summary.json"))
    rockets += summary["rockets_launched"]
    safety = summary.get("safety", {})
    for k in keys: tot[k] += safety.get(k, 0)
    for k in eng: eng[k] += summary.get("engagement", {}).get(k, 0)
    for r, n in safety.get("not_engaged_by_reason", {}).items(): reasons[r] = reasons.get(r, 0) + n
    for b in safety.get("breaches", []):
        breaches.append(f"seed {s}: {b}   (canopy generate --seed {s} {flags} --out g.yaml && canopy run g.yaml)")
def pct(a, b): return 100.0 * a / b if b else 0.0
t = tot
print(f"{last - first + 1} scenarios, {rockets} rockets")
print(f"  warnable impacts {t['warnable_impacts']}: no alert {t['unwarned']}, late {t['late']}")
print(f"  kill assessments {t['kill_assessments']}: false claims {t['false_kill_claims']} "
      f"({pct(t['false_kill_claims'], t['kill_assessments']):.2f} %), revoked {t['kills_revoked']}")
print(f"  alerts {t['alerts_on']}: by tracks with no rocket {t['debris_alerts']} "
      f"({pct(t['debris_alerts'], t['alerts_on']):.1f} %), cancelled while alive "
      f"{t['alerts_cancelled_while_alive']}")
print(f"  wrong-target kills {t['wrong_target_kills']} of {t['interceptors_fired']} "
      f"({pct(t['wrong_target_kills'], t['interceptors_fired']):.2f} %); fires on debris {t['fires_on_debris']}")
print(f"  debris tracks {t['debris_classified_tracks']} (on a live rocket {t['debris_classified_on_rockets']})")
print(f"  engaged {eng['rockets_engaged']}, intercepted {eng['rockets_intercepted']} "
      f"({pct(eng['rockets_intercepted'], eng['rockets_engaged']):.1f} %); leak "
      f"{eng['leakers']} of {eng['threatening']} ({pct(eng['leakers'], eng['threatening']):.1f} %)")
print(f"  declared threats never engaged {t['threats_not_engaged']}: "
      + ", ".join(f"{r} {n}" for r, n in sorted(reasons.items())))
print(f"  breaches: {len(breaches)}")
for b in breaches: print("   ", b)
PY
if [[ -x /usr/bin/python3 ]]; then
  echo "independent check from events.jsonl (tools/safety_check.py):"
  /usr/bin/python3 tools/safety_check.py $(seq -f "$work/%g" "$first" "$last") | sed 's/^/  /'
fi
