#!/usr/bin/env python3
"""How many interceptors per launcher keep the leak rate under 10 %?

A sweep over the interceptors loaded on every launcher of every battery,
each value a Monte Carlo on common run indices; prints the leak rate (of
the whole defense, or of one town with --area) with its 95 % interval per
value, names the smallest load whose whole interval lies under the target,
and saves the plot (docs/python.md).

    python3 examples/interceptors_per_launcher.py [SCENARIO] [--runs N]
        [--loads 2,4,6,8,12] [--target 0.10] [--area NAME] [--raids K]
        [--out leak_rate.png]
"""

import argparse
import sys

import matplotlib

matplotlib.use("Agg")  # files only: no display needed
import matplotlib.pyplot as plt

import canopy

KEY = "batteries[*].launchers[*].interceptors"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", help="scenario YAML (default: the built-in one)")
    ap.add_argument("--runs", type=int, default=20, help="runs per load (default 20)")
    ap.add_argument("--loads", default="2,4,6,8,12", help="interceptors per launcher to try")
    ap.add_argument("--target", type=float, default=0.10, help="leak rate to stay under")
    ap.add_argument("--threads", type=int, default=0, help="worker threads (0: every core)")
    ap.add_argument("--area", help="one defended area's leak rate (default: all areas)")
    ap.add_argument("--raids", type=int, help="keep only the first K raids (a quick look)")
    ap.add_argument("--out", default="leak_rate.png", help="the plot (PNG)")
    args = ap.parse_args()

    scenario = canopy.load(args.scenario)
    if args.raids:
        raids = scenario.to_dict()["raids"][: args.raids]
        end_s = max(r["at_s"] + r.get("count", 1) * r.get("interval_s", 0) for r in raids) + 150
        scenario = canopy.with_overrides(scenario, {"raids": raids, "run.duration_s": end_s})
    loads = [int(v) for v in args.loads.split(",")]
    areas = [a["name"] for a in scenario.to_dict().get("defended_areas", [])]
    if args.area is not None and args.area not in areas:
        print(f"--area {args.area!r}: the scenario's areas are {', '.join(areas)}", file=sys.stderr)
        return 2
    metric = f"leak_rate[{args.area}]" if args.area else "leak_rate"
    table = canopy.sweep(scenario, set={KEY: loads}, runs=args.runs, threads=args.threads)

    where = f" of {args.area}" if args.area else ""
    print(f"{scenario.name}: leak rate{where} against interceptors per launcher ({args.runs} runs each)")
    print(f"  {'load':>5}  {'leak rate':>9}  95 % interval")
    enough = None
    for load, est, lo, hi in zip(
        table[KEY], table[metric], table[metric + "_lo"], table[metric + "_hi"]
    ):
        print(f"  {load:>5}  {est:9.3f}  [{lo:.3f}, {hi:.3f}]")
        if enough is None and hi < args.target:
            enough = load
    if enough is None:
        print(f"no load tried keeps the whole interval under {args.target:.0%}")
    else:
        print(f"smallest load with the interval under {args.target:.0%}: {enough} per launcher")

    fig, ax = plt.subplots(figsize=(6, 4))
    ax.errorbar(
        table[KEY],
        table[metric],
        yerr=[table[metric] - table[metric + "_lo"], table[metric + "_hi"] - table[metric]],
        fmt="o-",
        capsize=4,
        label=f"leak rate{where}, 95 % interval",
    )
    ax.axhline(args.target, color="tab:red", linestyle="--", label=f"target {args.target:.0%}")
    ax.set_xlabel("interceptors per launcher")
    ax.set_ylabel("leak rate (leakers / threatening rockets)")
    ax.set_title(f"{scenario.name}: {args.runs} runs per load")
    ax.set_ylim(bottom=0)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
