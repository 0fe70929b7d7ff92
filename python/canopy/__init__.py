"""canopy from Python: counter-rocket defense battle-management simulation.

A thin layer over canopy's C++ library (docs/python.md). Every call runs the
same code as the matching command line, so a run from Python writes the
files `canopy run` writes, byte for byte, and the tables here are those
files read by pandas:

    import canopy
    sc = canopy.load("scenarios/default.yaml")      # or a dict, or None
    r = canopy.run(sc, seed=7)
    r.summary["engagement"]["leak_rate"]
    r.events_frame("intercept")
    mc = canopy.montecarlo(sc, runs=20, threads=2)  # runs.csv as a DataFrame
    mc.attrs["aggregate"]["metrics"]

Long calls release the GIL (threads can run several at once) and stop at
Ctrl-C with KeyboardInterrupt.
"""

from __future__ import annotations

import io
import json
import math
import os
import pathlib
import tempfile
from typing import TYPE_CHECKING, Any, Iterable, Mapping, NamedTuple, Sequence, Union

if TYPE_CHECKING:  # pandas is imported where it is used: `import canopy` stays light
    import pandas as pd

from . import _canopy

__version__: str = _canopy.version

__all__ = [
    "CanopyError",
    "Diagnostic",
    "Run",
    "Scenario",
    "ScenarioError",
    "compare",
    "fly",
    "load",
    "montecarlo",
    "range_table",
    "run",
    "sweep",
    "track",
    "with_overrides",
    "wta",
]


# --------------------------------------------------------------------------
# Errors


class CanopyError(RuntimeError):
    """A canopy call failed; the message is the command line's.

    exit_code is the code the command line would exit with: 1 when an output
    could not be written, 2 for bad input, 3 for an internal error.
    """

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


class Diagnostic(NamedTuple):
    """One problem in a scenario: where it is and what is wrong."""

    file: str
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown
    path: str  # key path, e.g. "raids[1].aim.area"
    message: str

    def __str__(self) -> str:
        out = ""
        if self.file:
            out = self.file
            if self.line > 0:
                out += f":{self.line}"
                if self.column > 0:
                    out += f":{self.column}"
            out += ": "
        if self.path:
            out += self.path + ": "
        return out + self.message


class ScenarioError(CanopyError, ValueError):
    """A scenario is invalid. diagnostics lists every problem, each as the
    CLI prints it (`file:line:col: key: message`); str(error) is those lines."""

    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ()):
        super().__init__(message, exit_code=2)
        self.diagnostics = list(diagnostics)


def _raise_for(code: int, errors: str, what: str) -> None:
    """Turns a command's exit code and error lines into an exception."""
    if code == 0:
        return
    if code == _canopy.EXIT_INTERRUPTED:
        raise KeyboardInterrupt(errors or f"{what} interrupted")
    message = errors or f"{what} failed (exit code {code})"
    if code == _canopy.EXIT_BAD_INPUT:
        raise ScenarioError(message)
    raise CanopyError(message, exit_code=code)


# --------------------------------------------------------------------------
# Scenarios


class Scenario:
    """A loaded, valid scenario and the text it was loaded from.

    Make one with canopy.load(path_or_dict). The text (`yaml`) is what a run
    keeps as scenario.yaml; `to_dict()` parses it back.
    """

    __slots__ = ("_loaded",)

    def __init__(self, loaded: "_canopy.LoadedScenario"):
        self._loaded = loaded

    @property
    def name(self) -> str:
        """The scenario's `name`."""
        return self._loaded.name

    @property
    def source(self) -> str:
        """Where it came from: a file name, "<default>" or "<dict>"."""
        return self._loaded.source_name

    @property
    def yaml(self) -> str:
        """The scenario text."""
        return self._loaded.yaml

    @property
    def seed(self) -> int:
        """run.seed: the seed a run takes unless given one."""
        return self._loaded.seed

    @property
    def duration_s(self) -> float:
        """run.duration_s: simulated seconds."""
        return self._loaded.duration_s

    @property
    def total_rockets(self) -> int:
        """Rockets over all raids."""
        return self._loaded.total_rockets

    @property
    def names(self) -> dict[str, list[str]]:
        """Names of the defended areas, alert zones, rocket types, launch
        sites, sensors, interceptor types and batteries."""
        return self._loaded.names

    def to_dict(self) -> dict[str, Any]:
        """The scenario text as a dict (YAML parsed by PyYAML)."""
        import yaml as pyyaml

        return pyyaml.safe_load(self.yaml)

    def __repr__(self) -> str:
        return (
            f"<canopy.Scenario {self.name!r} from {self.source}: "
            f"{self.total_rockets} rockets, {self.duration_s:g} s>"
        )


ScenarioLike = Union[Scenario, str, os.PathLike, Mapping[str, Any], None]


def _dict_text(d: Mapping[str, Any]) -> str:
    """A dict as scenario text: YAML, one key per line, so diagnostics'
    line numbers point somewhere readable (their key paths are exact)."""
    import yaml as pyyaml

    return pyyaml.safe_dump(_plain(d), sort_keys=False, default_flow_style=False, width=100)


def _plain(x: Any) -> Any:
    """numpy scalars and arrays, tuples and mappings as plain YAML values."""
    if isinstance(x, Mapping):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if hasattr(x, "tolist"):  # numpy
        return _plain(x.tolist())
    if isinstance(x, float) and not math.isfinite(x):
        raise ValueError(f"not a finite number: {x}")
    return x


def _load_text(yaml_text: str, name: str, base_dir: str) -> Scenario:
    loaded, diagnostics = _canopy.load_source(yaml_text, name, base_dir)
    if loaded is None:
        ds = [Diagnostic(*d[:5]) for d in diagnostics]
        lines = [d[5] for d in diagnostics]
        lines.append(f"{len(ds)} error{'' if len(ds) == 1 else 's'} in {name}")
        raise ScenarioError("\n".join(lines), ds)
    return Scenario(loaded)


def load(scenario: ScenarioLike = None) -> Scenario:
    """Loads a scenario: a path to a YAML file, a dict with the same keys,
    an already loaded Scenario (returned as is), or None for the built-in
    default. Raises ScenarioError listing every problem
    (`file:line:col: key: message`; a dict's are named "<dict>" with key
    paths), or ValueError when a file cannot be read."""
    if isinstance(scenario, Scenario):
        return scenario
    if scenario is None:
        return _load_text(*_canopy.read_source(""))
    if isinstance(scenario, Mapping):
        return _load_text(_dict_text(scenario), "<dict>", os.getcwd())
    if isinstance(scenario, (str, os.PathLike)):
        path = os.fspath(scenario)
        if path == "":
            raise ValueError("scenario: an empty path (pass None for the built-in default)")
        return _load_text(*_canopy.read_source(path))
    raise TypeError(
        f"scenario: expected a canopy.Scenario, a path, a dict or None, not {type(scenario).__name__}"
    )


def with_overrides(scenario: ScenarioLike, overrides: Mapping[str, Any]) -> Scenario:
    """The scenario with keys set, as `--set KEY=VALUE` sets them: KEY is a
    path such as "raids[0].count" or "batteries[*].launchers[*].interceptors"
    ([*]: every entry); VALUE any YAML value (a number, a list, a dict)."""
    sc = load(scenario)
    text = sc.yaml
    base_dir = sc._loaded.base_dir
    for key, value in overrides.items():
        text = _canopy.with_override(
            text, sc.source, base_dir, str(key), json.dumps(_plain(value), allow_nan=False)
        )
    return _load_text(text, sc.source, base_dir)


# --------------------------------------------------------------------------
# One run


def _read_csv(path: pathlib.Path) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(path)


class Run:
    """One run's outputs: the files of `canopy run`, read on demand.

    dir is the run directory (a temporary one, removed with this object,
    unless `out` was given).
    """

    def __init__(self, directory: pathlib.Path, keep: Any = None):
        self.dir = pathlib.Path(directory)
        self._keep = keep  # a TemporaryDirectory, removed with this object
        with open(self.dir / "summary.json", encoding="utf-8") as f:
            self.summary: dict[str, Any] = json.load(f)
        self._events: list[dict[str, Any]] | None = None

    def events(self) -> list[dict[str, Any]]:
        """Every event, in order: the lines of events.jsonl as dicts, read
        once (a new list each call; the dicts are shared between calls)."""
        if self._events is None:
            with open(self.dir / "events.jsonl", encoding="utf-8") as f:
                self._events = [json.loads(line) for line in f]
        return list(self._events)

    def events_frame(self, type: str) -> pd.DataFrame:
        """The events of one type (e.g. "launch", "fire", "intercept",
        "alert_on") as a pandas DataFrame, one column per key; nested
        objects are flattened to "a.b" columns, vectors stay lists."""
        import pandas as pd

        if self._events is None:
            self.events()
        rows = [e for e in self._events if e.get("type") == type]
        if not rows:
            return pd.DataFrame(columns=["t", "type"])
        return pd.json_normalize(rows)

    @property
    def tracks(self) -> pd.DataFrame:
        """tracks.csv: the confirmed tracks, one row per track per scan."""
        return _read_csv(self.dir / "tracks.csv")

    @property
    def trajectories(self) -> pd.DataFrame:
        """trajectories.csv: the rockets' truth, one row per rocket per sample."""
        return _read_csv(self.dir / "trajectories.csv")

    @property
    def interceptors(self) -> pd.DataFrame:
        """interceptors.csv: the interceptors' truth."""
        return _read_csv(self.dir / "interceptors.csv")

    def __repr__(self) -> str:
        return f"<canopy.Run {self.summary.get('scenario')!r} seed {self.summary.get('seed')} in {self.dir}>"


def _out_dir(out: str | os.PathLike | None, prefix: str):
    """(directory to write, object keeping a temporary one alive)."""
    if out is not None:
        path = pathlib.Path(os.fspath(out))
        return path, None
    keep = tempfile.TemporaryDirectory(prefix=f"canopy-{prefix}-")
    return pathlib.Path(keep.name) / prefix, keep


def _check_int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) and not hasattr(value, "__index__"):
        raise TypeError(f"{name}: expected a whole number, not {type(value).__name__}")
    v = int(value)
    if not lo <= v <= hi:
        raise ValueError(f"{name}: {v} is not in [{lo}, {hi}]")
    return v


def run(
    scenario: ScenarioLike = None,
    seed: int | None = None,
    run: int = 0,
    out: str | os.PathLike | None = None,
    *,
    trajectory_interval_s: float = 1.0,
    plots: bool = False,
    report: bool = False,
) -> Run:
    """Runs the scenario once: `canopy run [--seed S] [--run I] [--out DIR]`.

    seed overrides the scenario's run.seed; run is the Monte Carlo run
    index (its random streams). Without `out` the files go to a temporary
    directory that lives as long as the Run."""
    sc = load(scenario)
    if seed is not None:
        seed = _check_int("seed", seed, 0, 2**64 - 1)
    run = _check_int("run", run, 0, 100_000_000)
    if not (0 <= float(trajectory_interval_s) <= 3600):
        raise ValueError("trajectory_interval_s: must be in [0, 3600]")
    directory, keep = _out_dir(out, "run")
    code, errors = _canopy.run(
        sc._loaded, str(directory), seed, run, float(trajectory_interval_s), bool(plots), bool(report)
    )
    _raise_for(code, errors, "canopy.run")
    return Run(directory, keep)


# --------------------------------------------------------------------------
# Monte Carlo, sweep, compare


def _mc_args(runs: Any, threads: Any, resume: bool, force: bool) -> tuple[int, int]:
    if resume and force:
        raise ValueError("resume and force exclude each other")
    return _check_int("runs", runs, 1, 10_000_000), _check_int("threads", threads, 0, 1024)


def _finish(directory: pathlib.Path, keep: Any, table: str, extra: str) -> pd.DataFrame:
    """The table as a DataFrame, with the JSON file `extra` in
    .attrs[its stem] and the directory (None if temporary) in .attrs["dir"]."""
    import pandas as pd

    frame = pd.read_csv(directory / table, keep_default_na=False, na_values=[""])
    with open(directory / extra, encoding="utf-8") as f:
        frame.attrs[pathlib.Path(extra).stem] = json.load(f)
    frame.attrs["dir"] = str(directory) if keep is None else None
    return frame


def montecarlo(
    scenario: ScenarioLike,
    runs: int,
    threads: int = 1,
    out: str | os.PathLike | None = None,
    *,
    resume: bool = False,
    force: bool = False,
    report: bool = False,
) -> pd.DataFrame:
    """A Monte Carlo: `canopy montecarlo --runs N --threads T`.

    Returns runs.csv as a pandas DataFrame (one row per run, empty cells as
    NaN); `.attrs["aggregate"]` holds aggregate.json as a dict (every
    metric's estimate and 95 % interval). threads=0 uses every core."""
    sc = load(scenario)
    runs, threads = _mc_args(runs, threads, resume, force)
    directory, keep = _out_dir(out, "montecarlo")
    code, errors = _canopy.montecarlo(
        sc._loaded, runs, threads, str(directory), resume, force, report
    )
    _raise_for(code, errors, "canopy.montecarlo")
    return _finish(directory, keep, "runs.csv", "aggregate.json")


def sweep(
    scenario: ScenarioLike,
    set: Mapping[str, Iterable[Any]],
    runs: int,
    threads: int = 1,
    out: str | os.PathLike | None = None,
    *,
    resume: bool = False,
    force: bool = False,
    report: bool = False,
    one_at_a_time: bool = False,
) -> pd.DataFrame:
    """A Monte Carlo for every combination of values: `canopy sweep --set
    'KEY=[V1, V2]' ...`, the first key varying slowest; with
    one_at_a_time=True (`--one-at-a-time`), the base scenario and then each
    key alone at each of its values (a key a row does not set is empty).

    Returns sweep.csv as a DataFrame (one row per combination: the values,
    then every metric's estimate, _lo and _hi); `.attrs["sweep"]` holds
    sweep.json."""
    sc = load(scenario)
    runs, threads = _mc_args(runs, threads, resume, force)
    if not set:
        raise ValueError("set: give at least one key and its values")
    sets = []
    for key, values in set.items():
        values = _plain(list(values)) if not isinstance(values, str) else None
        if not values:
            raise ValueError(f"set[{key!r}]: expected a non-empty list of values")
        sets.append(f"{key}={json.dumps(values, allow_nan=False)}")
    directory, keep = _out_dir(out, "sweep")
    code, errors = _canopy.sweep(
        sc._loaded, sets, runs, threads, str(directory), resume, force, report, one_at_a_time
    )
    _raise_for(code, errors, "canopy.sweep")
    return _finish(directory, keep, "sweep.csv", "sweep.json")


def compare(
    designs: Sequence[ScenarioLike],
    runs: int,
    threads: int = 1,
    out: str | os.PathLike | None = None,
    *,
    resume: bool = False,
    force: bool = False,
    report: bool = False,
) -> pd.DataFrame:
    """Designs on common random numbers: `canopy compare A.yaml B.yaml ...`.

    Returns compare.csv as a DataFrame (per metric and design: estimate and
    interval, and the paired difference from the first design);
    `.attrs["compare"]` holds compare.json. Designs are named by the stem
    of their file name, as on the command line; a dict, the built-in
    default or a repeated stem is named design-K (K from 0, in order)."""
    if isinstance(designs, (str, os.PathLike, Mapping, Scenario)) or len(designs) < 2:
        raise ValueError("designs: give a list of at least two scenarios")
    scenarios = [load(d) for d in designs]
    stems = [pathlib.Path(sc.source).stem for sc in scenarios]
    names = [
        sc.source if not sc.source.startswith("<") and stems.count(stem) == 1 else f"design-{k}"
        for k, (sc, stem) in enumerate(zip(scenarios, stems))
    ]
    runs, threads = _mc_args(runs, threads, resume, force)
    directory, keep = _out_dir(out, "compare")
    code, errors = _canopy.compare(
        [sc._loaded for sc in scenarios], names, runs, threads, str(directory), resume, force, report
    )
    _raise_for(code, errors, "canopy.compare")
    return _finish(directory, keep, "compare.csv", "compare.json")


# --------------------------------------------------------------------------
# Weapon-target assignment, tracking, flight


def _array(name: str, x: Any, ndim: int):
    import numpy as np

    try:
        a = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as e:
        raise ValueError(f"{name}: not an array of numbers ({e})") from None
    if a.ndim != ndim:
        raise ValueError(f"{name}: expected {ndim} dimension{'s' if ndim > 1 else ''}, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise ValueError(f"{name}{list(bad)}: not a finite number")
    return a


def wta(
    values: Any,
    p: Any,
    counts: Any,
    time_limit_s: float = 0.01,
    exact: bool = False,
    seed: int = 1,
) -> dict[str, Any]:
    """Solves a static weapon-target assignment, as `canopy wta`.

    values: (T,) target values >= 0; p: (W, T) kill probabilities in
    [0, 1]; counts: (W,) whole rounds >= 0 per weapon type. Returns the
    CLI's JSON as a dict: assignment (per weapon type, the target index of
    every round fired), objective (expected surviving value), lower_bound
    (or None), solve_s."""
    v = _array("values", values, 1)
    pp = _array("p", p, 2)
    c = _array("counts", counts, 1)
    if (c < 0).any() or (c != c.round()).any():
        i = int(((c < 0) | (c != c.round())).nonzero()[0][0])
        raise ValueError(f"counts[{i}] = {c[i]:g}: not a whole number >= 0")
    if pp.shape != (len(c), len(v)):
        raise ValueError(f"p: shape {pp.shape}, expected {(len(c), len(v))} (weapon types x targets)")
    limit = float(time_limit_s)
    if not (math.isfinite(limit) and limit >= 0):
        raise ValueError("time_limit_s: must be a finite number >= 0")
    seed = _check_int("seed", seed, 0, 2**64 - 1)
    return json.loads(_canopy.wta(v.tolist(), pp.tolist(), c.tolist(), limit, bool(exact), seed))


_MODELS = ("cv", "ca", "ballistic", "imm")


def _part(name: str, x: Any, keep: list):
    """(loaded scenario, path) for a sensors/threats argument. A dict is
    written to a temporary YAML file (kept alive by `keep`) and read as the
    command line reads such a file."""
    if x is None:
        return None, ""
    if isinstance(x, Scenario):
        return x._loaded, ""
    if isinstance(x, (str, os.PathLike)):
        return None, os.fspath(x)
    if isinstance(x, Mapping):
        f = tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix=f"canopy-{name}-", encoding="utf-8")
        f.write(_dict_text(x))
        f.flush()
        keep.append(f)
        return None, f.name
    raise TypeError(f"{name}: expected a path, a dict or a canopy.Scenario, not {type(x).__name__}")


def track(
    detections: Any,
    *,
    sensors: Any = None,
    threats: Any = None,
    sigma_m: float | None = None,
    model: str = "ballistic",
    filter: str = "ekf",
    association: str = "gnn",
    earth: str = "sphere",
    confirm_m: int = 3,
    confirm_n: int = 5,
    reorder_window_s: float = 0.5,
) -> pd.DataFrame:
    """The tracker alone on recorded detections, as `canopy track`.

    detections: a pandas DataFrame or numpy structured array with the
    columns of the detections CSV (Cartesian: time_s, x_m, y_m, z_m; radar
    polar: time_s, sensor, range_m, azimuth_rad, elevation_rad
    [, range_rate_mps]), or a path to such a CSV. Polar input needs
    `sensors`: a sensors file (YAML with `sensors:` and `origin:`), such a
    dict, or a Scenario (its sensors). Cartesian input needs sigma_m.
    threats: the threat library: a file or dict with `rocket_types:`, or a
    Scenario (its rocket types); by default the generic library.

    Returns the tracks CSV of `canopy track` as a DataFrame: time_s,
    track_id, x, y, z, vx, vy, vz."""
    import pandas as pd

    if isinstance(detections, (str, os.PathLike)):
        name = os.fspath(detections)
        with open(name, "rb") as f:
            text = f.read().decode("utf-8")
    else:
        frame = detections
        if not isinstance(frame, pd.DataFrame):
            if getattr(getattr(detections, "dtype", None), "names", None) is None:
                raise TypeError("detections: expected a DataFrame, a numpy structured array or a path")
            frame = pd.DataFrame.from_records(detections)
        if frame.empty:
            raise ValueError("detections: no rows")
        name = "<detections>"
        buf = io.StringIO()
        frame.to_csv(buf, index=False, float_format="%.17g", lineterminator="\n")
        text = buf.getvalue()
    if model not in _MODELS:
        raise ValueError(f"model: {model!r} is not one of {', '.join(_MODELS)}")
    if filter not in ("ekf", "ukf"):
        raise ValueError(f"filter: {filter!r} is not ekf or ukf")
    if association not in ("gnn", "jpda"):
        raise ValueError(f"association: {association!r} is not gnn or jpda")
    if earth not in ("sphere", "flat"):
        raise ValueError(f"earth: {earth!r} is not sphere or flat")
    confirm_m = _check_int("confirm_m", confirm_m, 1, 20)
    confirm_n = _check_int("confirm_n", confirm_n, 1, 20)
    if confirm_m > confirm_n:
        raise ValueError("confirm_m: must not exceed confirm_n")
    if not 0 <= float(reorder_window_s) <= 60:
        raise ValueError("reorder_window_s: must be in [0, 60]")
    sigma = 0.0 if sigma_m is None else float(sigma_m)
    if not (math.isfinite(sigma) and sigma >= 0):
        raise ValueError("sigma_m: must be a finite number > 0")
    keep: list = []
    s_from, s_path = _part("sensors", sensors, keep)
    t_from, t_path = _part("threats", threats, keep)
    code, errors, out = _canopy.track(
        text, name, s_from, s_path, t_from, t_path, sigma, model, filter, association,
        earth == "flat", confirm_m, confirm_n, float(reorder_window_s),
    )
    _raise_for(code, errors, "canopy.track")
    return pd.read_csv(io.StringIO(out))


def range_table(
    rocket_type: str,
    scenario: ScenarioLike = None,
    from_deg: float = 10.0,
    to_deg: float = 80.0,
    step_deg: float = 5.0,
) -> pd.DataFrame:
    """`canopy range-table TYPE`: range, apogee, flight time and impact speed
    against elevation, in calm air from the origin, with the row of maximum
    range inserted (max_range True). Returns a DataFrame with columns
    elevation_deg, range_m, apogee_m, flight_time_s, impact_speed_mps,
    max_range."""
    import pandas as pd

    sc = load(scenario)
    rows = _canopy.range_table(sc._loaded, str(rocket_type), float(from_deg), float(to_deg), float(step_deg))
    return pd.DataFrame(
        rows,
        columns=["elevation_deg", "range_m", "apogee_m", "flight_time_s", "impact_speed_mps", "max_range"],
    )


def fly(
    rocket_type: str,
    elevation_deg: float,
    azimuth_deg: float,
    scenario: ScenarioLike = None,
    *,
    launch_en_m: tuple[float, float] = (0.0, 0.0),
    interval_s: float = 0.5,
) -> pd.DataFrame:
    """One rocket's flight in the scenario's environment (its wind
    included), launched from launch_en_m (east, north of the origin, m) at
    an elevation and azimuth (degrees, clockwise from north), sampled every
    interval_s to the ground impact (the last row). Returns a DataFrame:
    t_s, e_m, n_m, u_m, ve_mps, vn_mps, vu_mps (ENU at the scenario's
    origin, as trajectories.csv)."""
    import pandas as pd

    sc = load(scenario)
    e, n = (float(v) for v in launch_en_m)
    a = _canopy.fly(
        sc._loaded, str(rocket_type), float(elevation_deg), float(azimuth_deg), e, n, float(interval_s)
    )
    return pd.DataFrame(a, columns=["t_s", "e_m", "n_m", "u_m", "ve_mps", "vn_mps", "vu_mps"])
