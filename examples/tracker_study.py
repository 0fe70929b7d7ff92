#!/usr/bin/env python3
"""A tracker study on recorded detections.

Records the radars' plots of one run (plots.csv: range, azimuth and
elevation per radar, clutter included, each plot tagged with the rocket
that made it), then runs the tracker alone on them with several motion
models and association methods, and scores every configuration against
the rockets' truth: tracks confirmed, the share of truth-rocket time
covered by a track, and the position error of the tracks (docs/python.md).

    python3 examples/tracker_study.py [SCENARIO] [--seed N] [--raids K]
        [--out tracker_study.csv]
"""

import argparse
import sys

import numpy as np
import pandas as pd

import canopy

CONFIGS = [
    {"model": "cv", "association": "gnn"},
    {"model": "ballistic", "association": "gnn"},
    {"model": "ballistic", "association": "jpda"},
    {"model": "imm", "association": "gnn"},
]


def truth_at(trajectories: pd.DataFrame, rocket: int, t: np.ndarray) -> np.ndarray:
    """The rocket's position at times t, linear between samples (NaN outside
    its flight)."""
    r = trajectories[trajectories["rocket"] == rocket]
    out = np.full((len(t), 3), np.nan)
    inside = (t >= r["t"].iloc[0]) & (t <= r["t"].iloc[-1])
    for k, col in enumerate(("e_m", "n_m", "u_m")):
        out[inside, k] = np.interp(t[inside], r["t"], r[col])
    return out


def score(tracks: pd.DataFrame, plots: pd.DataFrame, trajectories: pd.DataFrame) -> dict:
    """Each track follows the rocket nearest to it on average; its error is
    the distance to that rocket."""
    errors, covered = [], {}
    for _, tr in tracks.groupby("track_id"):
        t = tr["time_s"].to_numpy()
        p = tr[["x", "y", "z"]].to_numpy()
        best, best_err = None, None
        for rocket in trajectories["rocket"].unique():
            d = np.linalg.norm(truth_at(trajectories, rocket, t) - p, axis=1)
            if np.isnan(d).all():
                continue
            m = np.nanmedian(d)
            if best_err is None or m < np.nanmedian(best_err):
                best, best_err = rocket, d
        if best is None or np.nanmedian(best_err) > 500:  # a clutter track
            continue
        errors.extend(best_err[~np.isnan(best_err)])
        covered.setdefault(best, set()).update(np.round(t, 2))
    seen = plots[plots["truth_id"] > 0]
    detected = seen["truth_id"].nunique()
    scan_times = seen.groupby("truth_id")["time_s"].apply(lambda s: set(np.round(s, 2)))
    coverage = np.mean(
        [len(covered.get(r, set()) & times) / len(times) for r, times in scan_times.items()]
    )
    e = np.asarray(errors)
    return {
        "tracks": tracks["track_id"].nunique(),
        "rockets_tracked": len(covered),
        "rockets_detected": detected,
        "coverage": coverage,
        "error_median_m": float(np.median(e)) if len(e) else np.nan,
        "error_p90_m": float(np.percentile(e, 90)) if len(e) else np.nan,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", help="scenario YAML (default: the built-in one)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--raids", type=int, default=2, help="record the first K raids (default 2)")
    ap.add_argument("--out", default="tracker_study.csv", help="the scores (CSV)")
    args = ap.parse_args()

    # The recording: the first raids, radars only (no batteries, so no
    # interceptor plots), until the last rocket has landed.
    raids = canopy.load(args.scenario).to_dict()["raids"][: args.raids]
    end_s = max(r["at_s"] + r.get("count", 1) * r.get("interval_s", 0) for r in raids) + 150
    scenario = canopy.with_overrides(
        args.scenario,
        {"raids": raids, "run.duration_s": end_s, "batteries": [], "interceptor_types": []},
    )
    recording = canopy.run(scenario, seed=args.seed, plots=True, trajectory_interval_s=0.25)
    plots = pd.read_csv(recording.dir / "plots.csv")
    truth = recording.trajectories
    print(
        f"{scenario.name}: {len(plots)} plots from {plots['sensor'].nunique()} radars, "
        f"{(plots['truth_id'] < 0).mean():.0%} clutter, {truth['rocket'].nunique()} rockets"
    )

    rows = []
    for config in CONFIGS:
        tracks = canopy.track(plots, sensors=scenario, threats=scenario, **config)
        rows.append({**config, **score(tracks, plots, truth)})
    table = pd.DataFrame(rows)
    with pd.option_context("display.width", 120, "display.precision", 3):
        print(table.to_string(index=False))
    table.to_csv(args.out, index=False)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
