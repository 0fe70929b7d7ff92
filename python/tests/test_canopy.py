"""The Python module against the command line (docs/python.md).

Run by tools/test.sh on the release build:
    PYTHONPATH=build/release/python /usr/bin/python3 -m pytest -q python/tests
The CLI is build/release/apps/canopy/canopy (CANOPY_BINARY overrides).
"""

import _thread
import io
import json
import os
import pathlib
import subprocess
import sys
import threading
import time

import numpy as np
import pandas as pd
import pytest

import canopy

ROOT = pathlib.Path(__file__).resolve().parents[2]
CLI = os.environ.get("CANOPY_BINARY", str(ROOT / "build/release/apps/canopy/canopy"))

# A short design: the default geography and defence, two raids.
SMALL = {
    "run.duration_s": 200,
    "raids": [
        {"at_s": 10, "site": "Border", "type": "medium", "count": 6, "interval_s": 1.0,
         "aim": {"area": "Northport"}, "aim_sigma_m": 250},
        {"at_s": 20, "site": "Border", "type": "short", "count": 4, "interval_s": 0.5,
         "aim": {"point_km": [-4, 4]}, "aim_sigma_m": 150},
    ],
}


def cli(*args, check=True):
    return subprocess.run([CLI, *map(str, args)], capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """The short design as a Scenario and as a file."""
    sc = canopy.with_overrides(None, SMALL)
    path = tmp_path_factory.mktemp("design") / "small.yaml"
    path.write_text(sc.yaml)
    return canopy.load(path), path


# ---------------------------------------------------------------- run


def test_run_writes_the_files_of_the_cli_byte_for_byte(tmp_path, small):
    sc, path = small
    cli("run", path, "--seed", 11, "--run", 2, "--out", tmp_path / "cli", "--quiet")
    r = canopy.run(sc, seed=11, run=2, out=tmp_path / "py")
    for name in ("events.jsonl", "summary.json", "tracks.csv", "trajectories.csv",
                 "interceptors.csv", "scenario.yaml"):
        assert (tmp_path / "cli" / name).read_bytes() == (tmp_path / "py" / name).read_bytes(), name


def test_run_summary_and_events_equal_the_cli_files(tmp_path, small):
    sc, path = small
    cli("run", path, "--seed", 4, "--out", tmp_path / "cli", "--quiet")
    r = canopy.run(path, seed=4)
    assert r.summary == json.loads((tmp_path / "cli/summary.json").read_text())
    lines = (tmp_path / "cli/events.jsonl").read_text().splitlines()
    assert r.events() == [json.loads(line) for line in lines]
    fires = r.events_frame("fire")
    assert len(fires) == sum('"type":"fire"' in line for line in lines) > 0
    assert {"t", "battery", "track"} <= set(fires.columns)
    assert r.events_frame("no_such_type").empty
    pd.testing.assert_frame_equal(r.tracks, pd.read_csv(tmp_path / "cli/tracks.csv"))
    pd.testing.assert_frame_equal(r.trajectories, pd.read_csv(tmp_path / "cli/trajectories.csv"))


def test_the_scenario_seed_is_used_without_one_and_the_temporary_directory_goes(small):
    sc, _ = small
    r = canopy.run(sc)
    assert r.summary["seed"] == sc.seed
    d = r.dir
    assert d.exists()
    del r
    import gc

    gc.collect()
    assert not d.exists()


def test_a_dict_a_path_and_a_scenario_give_the_same_run(small):
    sc, path = small
    a = canopy.run(sc, seed=3).summary
    b = canopy.run(path, seed=3).summary
    c = canopy.run(sc.to_dict(), seed=3).summary
    assert a == b
    # A dict scenario is named "<dict>", the rest is the same.
    assert {k: v for k, v in c.items() if k != "source"} == {k: v for k, v in a.items() if k != "source"}


def test_runs_release_the_gil(small):
    """A Python thread makes progress while canopy.run works in another."""
    sc, _ = small
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("run", canopy.run(sc, seed=5)))
    ticks = 0
    worker.start()
    while worker.is_alive():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    assert "run" in result
    assert ticks >= 20  # the main thread ran all along (the count, not a time)


def test_runs_on_two_threads_equal_runs_one_after_the_other(small):
    sc, _ = small
    alone = [canopy.run(sc, seed=s).summary for s in (1, 2)]
    together = {}
    threads = [threading.Thread(target=lambda s=s: together.__setitem__(s, canopy.run(sc, seed=s).summary))
               for s in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [together[1], together[2]] == alone


def test_ctrl_c_stops_a_run_with_keyboard_interrupt_and_leaves_no_directory(tmp_path):
    # The default scenario takes seconds; the interrupt comes once the run
    # is under way (the module polls signals every 0.1 s).
    sc = canopy.load(None)
    timer = threading.Timer(1.0, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            canopy.run(sc, out=tmp_path / "run")
    finally:
        timer.cancel()
    assert list(tmp_path.iterdir()) == []  # no run, no staging directory


# ---------------------------------------------------------------- Monte Carlo


def read_csv(path):
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def test_montecarlo_equals_the_cli_runs_csv_and_aggregate(tmp_path, small):
    sc, path = small
    cli("montecarlo", path, "--runs", 3, "--threads", 2, "--out", tmp_path / "cli", "--quiet")
    df = canopy.montecarlo(sc, runs=3, threads=2)
    pd.testing.assert_frame_equal(df, read_csv(tmp_path / "cli/runs.csv"))
    assert df.attrs["aggregate"] == json.loads((tmp_path / "cli/aggregate.json").read_text())
    assert list(df["run"]) == [0, 1, 2]
    # Each row is the run of that index.
    one = canopy.run(sc, run=1)
    assert df.loc[1, "leakers"] == one.summary["engagement"]["leakers"]


def test_sweep_and_compare_equal_the_cli(tmp_path, small):
    sc, path = small
    key = "batteries[*].launchers[*].interceptors"
    cli("sweep", path, "--set", f"{key}=[2, 6]", "--runs", 2, "--out", tmp_path / "sweep", "--quiet")
    s = canopy.sweep(sc, set={key: [2, 6]}, runs=2, threads=2)
    pd.testing.assert_frame_equal(s, read_csv(tmp_path / "sweep/sweep.csv"))
    assert list(s[key]) == [2, 6]
    assert s.attrs["sweep"]["keys"] == [key]
    cli("sweep", path, "--set", f"{key}=[2, 6]", "--one-at-a-time", "--runs", 2,
        "--out", tmp_path / "oat", "--quiet")
    o = canopy.sweep(sc, set={key: [2, 6]}, runs=2, one_at_a_time=True)
    pd.testing.assert_frame_equal(o, read_csv(tmp_path / "oat/sweep.csv"))
    assert o.attrs["sweep"]["mode"] == "one-at-a-time"
    assert len(o) == 3  # the base, then the key at 2 and at 6

    other = tmp_path / "other.yaml"
    other.write_text(canopy.with_overrides(sc, {key: 2}).yaml)
    cli("compare", path, other, "--runs", 2, "--out", tmp_path / "compare", "--quiet")
    c = canopy.compare([path, other], runs=2)
    pd.testing.assert_frame_equal(c, read_csv(tmp_path / "compare/compare.csv"))
    assert set(c["design"]) == {"small", "other"}
    assert c.attrs["compare"]["runs"] == 2
    # Designs without a file name of their own get one each.
    d = canopy.compare([sc.to_dict(), canopy.with_overrides(sc.to_dict(), {key: 2})], runs=1)
    assert list(d["design"].unique()) == ["design-0", "design-1"]


def test_montecarlo_writes_its_directory_when_asked(tmp_path, small):
    sc, _ = small
    df = canopy.montecarlo(sc, runs=2, out=tmp_path / "mc")
    assert (tmp_path / "mc/runs.csv").exists() and (tmp_path / "mc/aggregate.json").exists()
    assert df.attrs["dir"] == str(tmp_path / "mc")


# ---------------------------------------------------------------- scenarios and errors


def test_a_bad_dict_raises_scenario_error_with_key_paths():
    bad = canopy.load(None).to_dict()
    bad["raids"][1]["type"] = "no_such_type"
    bad["run"]["duration_s"] = -5
    with pytest.raises(canopy.ScenarioError) as e:
        canopy.load(bad)
    paths = [d.path for d in e.value.diagnostics]
    assert "raids[1].type" in paths and "run.duration_s" in paths
    assert all(d.file == "<dict>" for d in e.value.diagnostics)
    assert "errors in <dict>" in str(e.value)
    assert e.value.exit_code == 2


def test_a_bad_file_raises_the_cli_messages(tmp_path):
    path = tmp_path / "bad.yaml"
    text = canopy.load(None).yaml.replace("count: 20,", "count: -20,", 1)
    path.write_text(text)
    proc = cli("validate", path, check=False)
    assert proc.returncode == 2
    with pytest.raises(canopy.ScenarioError) as e:
        canopy.load(path)
    # The same lines, file:line:col: key: message, as the CLI prints.
    assert str(e.value).splitlines() == proc.stderr.splitlines()
    d = e.value.diagnostics[0]
    assert d.file == str(path) and d.line > 0 and d.column > 0 and d.path == "raids[0].count"
    assert str(d) == proc.stderr.splitlines()[0]


def test_a_missing_file_and_a_wrong_type_raise():
    with pytest.raises(ValueError, match="no_such.yaml"):
        canopy.load("no_such.yaml")
    with pytest.raises(TypeError):
        canopy.load(42)


def test_with_overrides_sets_keys_as_set_does():
    sc = canopy.with_overrides(None, {"batteries[*].launchers[*].interceptors": 8, "run.seed": 99})
    d = sc.to_dict()
    assert sc.seed == 99
    assert {l["interceptors"] for b in d["batteries"] for l in b["launchers"]} == {8}
    with pytest.raises(ValueError, match="raids\\[40\\]"):
        canopy.with_overrides(None, {"raids[40].count": 3})


def test_an_unwritable_output_raises_canopy_error_with_the_message(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(canopy.CanopyError, match="canopy run:") as e:
        canopy.run(None, out=blocker / "run")
    assert e.value.exit_code == 1


def test_an_unreachable_aim_is_named_when_the_override_is_loaded():
    with pytest.raises(canopy.ScenarioError, match=r"raids\[0\]: medium reaches"):
        canopy.with_overrides(None, {"raids[0].aim": {"point_km": [300, 300]}})


# ---------------------------------------------------------------- wta


def test_wta_equals_the_cli(tmp_path):
    rng = np.random.default_rng(3)
    values = rng.uniform(1, 10, 12)
    p = rng.uniform(0, 0.9, (3, 12))
    counts = np.array([4, 3, 5])
    inst = tmp_path / "inst.json"
    inst.write_text(json.dumps({"values": values.tolist(), "p": p.tolist(), "counts": counts.tolist()}))
    for exact in (False, True):
        args = ["wta", inst, "--seed", 2] + (["--exact"] if exact else ["--time-limit-s", 0])
        want = json.loads(cli(*args).stdout)
        got = canopy.wta(values, p, counts, time_limit_s=0, exact=exact, seed=2)
        assert list(got) == ["assignment", "objective", "lower_bound", "solve_s"]
        assert got["assignment"] == want["assignment"]
        assert got["objective"] == pytest.approx(want["objective"], rel=1e-12)


@pytest.mark.parametrize(
    "values, p, counts, match",
    [
        ([1.0, np.nan], [[0.5, 0.5]], [1], r"values\[1\]"),
        ([1.0, 2.0], [[0.5, 0.5]], [-1], r"counts\[0\]"),
        ([1.0, 2.0], [[0.5, 0.5]], [1.5], r"counts\[0\]"),
        ([1.0, 2.0], [[0.5, 0.5, 0.5]], [1], r"^p:"),
        ([1.0, 2.0], [0.5, 0.5], [1], r"^p:"),
        ([1.0, 2.0], [[0.5, 1.5]], [1], r"p\[0\]\[1\]"),
        ([-1.0, 2.0], [[0.5, 0.5]], [1], r"values\[0\]"),
    ],
)
def test_bad_wta_arrays_raise_value_error_naming_the_argument(values, p, counts, match):
    with pytest.raises(ValueError, match=match):
        canopy.wta(np.array(values), np.array(p, dtype=float), np.array(counts, dtype=float))


# ---------------------------------------------------------------- track


def test_track_on_a_frame_equals_the_cli_on_the_file(tmp_path, small):
    sc, path = small
    r = canopy.run(sc, seed=2, plots=True)
    plots_csv = r.dir / "plots.csv"
    d = sc.to_dict()
    sensors = {"origin": d["origin"], "sensors": d["sensors"]}
    threats = {"rocket_types": d["rocket_types"]}
    (tmp_path / "sensors.yaml").write_text(json.dumps(sensors))
    (tmp_path / "threats.yaml").write_text(json.dumps(threats))
    for model, assoc in (("ballistic", "gnn"), ("cv", "jpda"), ("imm", "gnn")):
        out = tmp_path / f"tracks-{model}.csv"
        cli("track", plots_csv, "--out", out, "--sensors", tmp_path / "sensors.yaml", "--threats",
            tmp_path / "threats.yaml", "--model", model, "--association", assoc, "--quiet")
        want = pd.read_csv(out)
        got = canopy.track(pd.read_csv(plots_csv), sensors=sc, threats=sc, model=model, association=assoc)
        pd.testing.assert_frame_equal(got, want)
        assert len(got) > 100
    # Files, dicts and a numpy structured array read the same.
    want = pd.read_csv(tmp_path / "tracks-ballistic.csv")
    pd.testing.assert_frame_equal(
        canopy.track(plots_csv, sensors=tmp_path / "sensors.yaml", threats=tmp_path / "threats.yaml"), want)
    pd.testing.assert_frame_equal(canopy.track(plots_csv, sensors=sensors, threats=threats), want)
    records = pd.read_csv(plots_csv).to_records(index=False)
    pd.testing.assert_frame_equal(canopy.track(records, sensors=sc, threats=sc), want)


def test_track_errors_name_the_problem():
    cart = pd.DataFrame({"time_s": [0.0, 1.0], "x_m": [0.0, 1.0], "y_m": [0.0, 1.0], "z_m": [100.0, 101.0]})
    with pytest.raises(canopy.ScenarioError, match="--sigma-m"):
        canopy.track(cart)
    assert len(canopy.track(cart, sigma_m=10).columns) == 8
    polar = pd.DataFrame({"time_s": [0.0], "sensor": ["Crest"], "range_m": [1000.0],
                          "azimuth_rad": [0.1], "elevation_rad": [0.1]})
    with pytest.raises(canopy.ScenarioError, match="sensors"):
        canopy.track(polar)
    with pytest.raises(canopy.ScenarioError, match="Nowhere"):
        canopy.track(polar.assign(sensor="Nowhere"), sensors=canopy.load(None))
    with pytest.raises(ValueError, match="model"):
        canopy.track(cart, sigma_m=1, model="kalman")


# ---------------------------------------------------------------- range table and flight


def test_range_table_equals_the_cli_csv():
    want = pd.read_csv(io.StringIO(cli("range-table", "medium", "--csv", "--step-deg", 10).stdout))
    got = canopy.range_table("medium", step_deg=10)
    assert got["max_range"].sum() == 1
    np.testing.assert_allclose(got["elevation_deg"], want["elevation_deg"], atol=5e-4)
    np.testing.assert_allclose(got["range_m"], want["range_m"], atol=0.05)
    np.testing.assert_allclose(got["flight_time_s"], want["flight_time_s"], atol=0.005)
    with pytest.raises(ValueError, match="no rocket type 'huge'.*short, medium, long"):
        canopy.range_table("huge")
    with pytest.raises(ValueError, match="from_deg"):
        canopy.range_table("medium", from_deg=60, to_deg=20)


def test_fly_lands_where_the_range_table_says_in_calm_air():
    calm = canopy.with_overrides(None, {"environment": {}})
    row = canopy.range_table("long", calm, from_deg=40, to_deg=40).query("not max_range").iloc[0]
    traj = canopy.fly("long", 40, 90, calm, interval_s=0.5)
    assert list(traj.columns) == ["t_s", "e_m", "n_m", "u_m", "ve_mps", "vn_mps", "vu_mps"]
    last = traj.iloc[-1]
    assert last["t_s"] == pytest.approx(row["flight_time_s"], abs=1e-6)
    assert np.hypot(last["e_m"], last["n_m"]) == pytest.approx(row["range_m"], rel=1e-3)
    assert last["e_m"] > 0.99 * row["range_m"]  # azimuth 90: east
    assert traj["u_m"].max() == pytest.approx(row["apogee_m"], rel=0.01)
    with pytest.raises(ValueError, match="elevation_deg"):
        canopy.fly("long", 95, 0)


def test_an_out_holding_another_result_needs_force(tmp_path, small):
    sc, _ = small
    out = tmp_path / "mc"
    canopy.montecarlo(sc, runs=1, out=out)
    runs = (out / "runs.csv").read_bytes()
    with pytest.raises(canopy.CanopyError, match="--force") as e:
        canopy.montecarlo(sc, runs=2, out=out)
    assert e.value.exit_code == 2
    assert (out / "runs.csv").read_bytes() == runs
    df = canopy.montecarlo(sc, runs=2, out=out, force=True)
    assert len(df) == 2
    with pytest.raises(ValueError, match="exclude"):
        canopy.montecarlo(sc, runs=2, out=out, force=True, resume=True)


# ---------------------------------------------------------------- examples


@pytest.mark.parametrize(
    "script, args, output",
    [
        ("interceptors_per_launcher.py", ["--raids", "2", "--runs", "3", "--loads", "1,4"], "leak_rate.png"),
        (
            "interceptors_per_launcher.py",
            ["--raids", "2", "--runs", "2", "--loads", "4", "--area", "Northport"],
            "leak_rate_northport.png",
        ),
        ("tracker_study.py", ["--raids", "1"], "tracker_study.csv"),
    ],
)
def test_the_examples_run(tmp_path, script, args, output):
    package_parent = str(pathlib.Path(canopy.__file__).parents[1])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [package_parent, os.environ.get("PYTHONPATH")])))
    command = [sys.executable, str(ROOT / "examples" / script), *args, "--out", str(tmp_path / output)]
    proc = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / output).stat().st_size > 200
    assert "wrote" in proc.stdout


# ---------------------------------------------------------------- the interface


def test_every_public_name_has_a_docstring_and_a_type_stub():
    import ast
    import inspect

    stub = pathlib.Path(canopy.__file__).with_suffix(".pyi")
    tree = ast.parse(stub.read_text())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    assert set(canopy.__all__) <= stubbed
    for name in canopy.__all__:
        obj = getattr(canopy, name)
        assert inspect.getdoc(obj), name
        if inspect.isfunction(obj):
            assert "return" in obj.__annotations__, name
