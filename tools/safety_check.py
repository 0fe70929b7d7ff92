#!/usr/bin/python3
"""Closed-loop safety figures of canopy runs, from their event logs alone.

An independent check of the battle manager's promises (docs/metrics.md, "Closed-loop safety"):
it reads events.jsonl and nothing of canopy's own scoring, except the
baseline alert policy and the leak rate, which only summary.json holds.

    tools/safety_check.py RUN_DIR [RUN_DIR ...] [--min-warning-s 10] [--json]

Definitions (issue 13):
  warnable impact  an impact in an alert zone whose rocket was named by a
                   track_confirm at least min_warning_s + 2 s before it;
  warned           some (zone, track) alert on at the impact began at least
                   min_warning_s before it (an alert raised again counts
                   from its own alert_on);
  false claim      a kill_assessment with killed true and rocket_killed false;
  wrong target     an intercept with killed true whose rocket differs from the
                   non-null rocket of the fire of the same interceptor;
  debris alert     an alert_on whose rocket is null;
  cancelled while alive
                   an alert_off for a kill claim or for debris (reason killed
                   or debris) while the rocket its track follows (`following`,
                   else `rocket`) is still in flight.
"""
import argparse
import json
import os
import statistics
import sys


def point_in_polygon(x, y, poly):
    inside = False
    n = len(poly)
    for i in range(n):
        x1, y1 = poly[i]
        x2, y2 = poly[(i + 1) % n]
        if (y1 > y) != (y2 > y):
            xc = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xc:
                inside = not inside
    return inside


def zones_from_scenario(run_dir):
    """Alert zones given as polygon_km in the run's scenario.yaml (only
    needed when impact events carry no `zone`)."""
    try:
        import yaml
    except ImportError:
        return None
    path = os.path.join(run_dir, "scenario.yaml")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        sc = yaml.safe_load(f)
    zones = []
    for z in sc.get("alert_zones", []) or []:
        if "polygon_km" not in z:
            return None
        zones.append((z["id"], [(1000 * e, 1000 * n) for e, n in z["polygon_km"]]))
    return zones


def check_run(run_dir, min_warning_s):
    events = []
    with open(os.path.join(run_dir, "events.jsonl")) as f:
        for line in f:
            events.append(json.loads(line))
    zones = None
    gone = {}  # rocket -> when it stopped flying (impact or kill)
    for e in events:
        if e["type"] == "impact" or (e["type"] == "intercept" and e["killed"]):
            gone.setdefault(e["rocket"], e["t"])
    confirm = {}  # rocket -> earliest track_confirm t
    impacts = []
    alerts = {}  # (zone, track) -> list of [on, off or None, rocket]
    alert_on = alert_on_null = 0
    fires = {}
    claims = false_claims = 0
    wrong = fired = 0
    misses = []
    cancelled_alive = 0
    problems = []
    for e in events:
        t, kind = e["t"], e["type"]
        if kind == "track_confirm" and e.get("rocket") is not None:
            r = e["rocket"]
            confirm[r] = min(confirm.get(r, t), t)
        elif kind == "impact":
            impacts.append(e)
        elif kind == "alert_on":
            alert_on += 1
            if e.get("rocket") is None:
                alert_on_null += 1
            alerts.setdefault((e["zone"], e["track"]), []).append([t, None, e.get("rocket")])
        elif kind == "alert_off":
            iv = alerts.get((e["zone"], e["track"]))
            if iv and iv[-1][1] is None:
                iv[-1][1] = t
            r = e["following"] if "following" in e else e.get("rocket")
            if (e.get("reason") in ("killed", "debris") and r is not None
                    and gone.get(r, float("inf")) > t):
                cancelled_alive += 1
                problems.append(f"alert {e['zone']} of track {e['track']} cancelled ({e['reason']}) "
                                f"at {t:.2f} s while rocket {r} flies")
        elif kind == "fire":
            fired += 1
            fires[e["interceptor"]] = e.get("rocket")
        elif kind == "intercept":
            misses.append(e["miss_m"])
            if e["killed"]:
                want = fires.get(e["interceptor"])
                if want is not None and want != e["rocket"]:
                    wrong += 1
        elif kind == "kill_assessment":
            claims += 1
            if e["killed"] and e.get("rocket_killed") is False:
                false_claims += 1

    warnable = warned = missed = late = 0
    for imp in impacts:
        zone = imp.get("zone", "?")
        if zone == "?":
            if zones is None:
                zones = zones_from_scenario(run_dir) or []
            zone = None
            e, n = imp["p_enu_m"][0], imp["p_enu_m"][1]
            for zid, poly in zones:
                if point_in_polygon(e, n, poly):
                    zone = zid
                    break
        if zone is None:
            continue
        r, t = imp["rocket"], imp["t"]
        if r not in confirm or confirm[r] > t - (min_warning_s + 2):
            continue
        warnable += 1
        best = None  # the oldest alert on at impact
        for (z, track), ivs in alerts.items():
            if z != zone:
                continue
            for on, off, _ in ivs:
                if on <= t and (off is None or off >= t):
                    best = t - on if best is None else max(best, t - on)
        if best is None:
            missed += 1
            problems.append(f"rocket {r} hit zone {zone} at {t:.2f} s with no alert on")
        elif best < min_warning_s:
            late += 1
            problems.append(f"rocket {r} hit zone {zone} at {t:.2f} s with {best:.1f} s of warning")
        else:
            warned += 1

    out = {
        "run": run_dir,
        "warnable_impacts": warnable,
        "warned": warned,
        "missed": missed,
        "late": late,
        "kill_assessments": claims,
        "false_claims": false_claims,
        "alerts_cancelled_while_alive": cancelled_alive,
        "alert_on": alert_on,
        "alert_on_no_rocket": alert_on_null,
        "interceptors_fired": fired,
        "wrong_target_kills": wrong,
        "misses_m": misses,
        "problems": problems,
    }
    summary_path = os.path.join(run_dir, "summary.json")
    if os.path.exists(summary_path):
        with open(summary_path) as f:
            s = json.load(f)
        eng = s.get("engagement", {})
        alerts_s = s.get("assessment", {}).get("alerts", {})
        out["false_population_s"] = alerts_s.get("canopy", {}).get("false_population_s", 0)
        out["false_population_s_a"] = alerts_s.get("radius_5km", {}).get("false_population_s", 0)
        out["rockets_engaged"] = eng.get("rockets_engaged", 0)
        out["rockets_intercepted"] = eng.get("rockets_intercepted", 0)
        out["threatening"] = eng.get("threatening", 0)
        out["leakers"] = eng.get("leakers", 0)
    return out


def pct(a, b):
    return 100.0 * a / b if b else 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--min-warning-s", type=float, default=10.0)
    ap.add_argument("--json", action="store_true", help="print the pooled figures as JSON")
    ap.add_argument("--problems", action="store_true", help="list every missed or late alert")
    args = ap.parse_args()
    runs = [check_run(r, args.min_warning_s) for r in args.runs]

    def tot(k):
        return sum(r.get(k, 0) for r in runs)

    misses = sorted(m for r in runs for m in r["misses_m"])
    pooled = {
        "runs": len(runs),
        "warnable_impacts": tot("warnable_impacts"),
        "missed": tot("missed"),
        "late": tot("late"),
        "kill_assessments": tot("kill_assessments"),
        "false_claims": tot("false_claims"),
        "alerts_cancelled_while_alive": tot("alerts_cancelled_while_alive"),
        "alert_on": tot("alert_on"),
        "alert_on_no_rocket": tot("alert_on_no_rocket"),
        "interceptors_fired": tot("interceptors_fired"),
        "wrong_target_kills": tot("wrong_target_kills"),
        "miss_median_m": statistics.median(misses) if misses else None,
        "miss_p90_m": misses[int(0.9 * (len(misses) - 1))] if misses else None,
        "rockets_engaged": tot("rockets_engaged"),
        "rockets_intercepted": tot("rockets_intercepted"),
        "threatening": tot("threatening"),
        "leakers": tot("leakers"),
        "false_population_s": tot("false_population_s"),
        "false_population_s_a": tot("false_population_s_a"),
    }
    if args.json:
        json.dump(pooled, sys.stdout, indent=1)
        print()
        return
    p = pooled
    print(f"{p['runs']} runs")
    print(f"  alerts: {p['warnable_impacts']} warnable impacts, {p['missed']} missed, {p['late']} late")
    print(f"  kill claims: {p['false_claims']} false of {p['kill_assessments']} "
          f"({pct(p['false_claims'], p['kill_assessments']):.2f} %); "
          f"alerts cancelled while alive {p['alerts_cancelled_while_alive']}")
    print(f"  alert_on with no rocket: {p['alert_on_no_rocket']} of {p['alert_on']} "
          f"({pct(p['alert_on_no_rocket'], p['alert_on']):.1f} %)")
    if p["false_population_s_a"]:
        print(f"  over-alerting: {p['false_population_s']:.4g} pop*s, "
              f"{p['false_population_s'] / p['false_population_s_a']:.3f} of baseline (a)")
    print(f"  wrong-target kills: {p['wrong_target_kills']} of {p['interceptors_fired']} fired "
          f"({pct(p['wrong_target_kills'], p['interceptors_fired']):.2f} %)")
    if misses:
        print(f"  miss: median {p['miss_median_m']:.2f} m, p90 {p['miss_p90_m']:.2f} m "
              f"({len(misses)} closest approaches)")
    print(f"  engaged intercepted: {p['rockets_intercepted']} of {p['rockets_engaged']} "
          f"({pct(p['rockets_intercepted'], p['rockets_engaged']):.1f} %); "
          f"leak {p['leakers']} of {p['threatening']} ({pct(p['leakers'], p['threatening']):.1f} %)")
    if args.problems:
        for r in runs:
            for line in r["problems"]:
                print(f"  {r['run']}: {line}")


if __name__ == "__main__":
    main()
