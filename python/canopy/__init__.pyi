# Type hints of the canopy package (docs/python.md).
import os
from typing import Any, Iterable, Mapping, NamedTuple, Sequence, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

__version__: str

class CanopyError(RuntimeError):
    exit_code: int
    def __init__(self, message: str, exit_code: int = ...) -> None: ...

class Diagnostic(NamedTuple):
    file: str
    line: int
    column: int
    path: str
    message: str

class ScenarioError(CanopyError, ValueError):
    diagnostics: list[Diagnostic]
    def __init__(self, message: str, diagnostics: Sequence[Diagnostic] = ...) -> None: ...

class Scenario:
    @property
    def name(self) -> str: ...
    @property
    def source(self) -> str: ...
    @property
    def yaml(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def duration_s(self) -> float: ...
    @property
    def total_rockets(self) -> int: ...
    @property
    def names(self) -> dict[str, list[str]]: ...
    def to_dict(self) -> dict[str, Any]: ...

ScenarioLike = Union[Scenario, str, os.PathLike[str], Mapping[str, Any], None]
PathLike = Union[str, os.PathLike[str]]

class Run:
    dir: os.PathLike[str]
    summary: dict[str, Any]
    def events(self) -> list[dict[str, Any]]: ...
    def events_frame(self, type: str) -> pd.DataFrame: ...
    @property
    def tracks(self) -> pd.DataFrame: ...
    @property
    def trajectories(self) -> pd.DataFrame: ...
    @property
    def interceptors(self) -> pd.DataFrame: ...

def load(scenario: ScenarioLike = ...) -> Scenario: ...
def with_overrides(scenario: ScenarioLike, overrides: Mapping[str, Any]) -> Scenario: ...
def run(
    scenario: ScenarioLike = ...,
    seed: int | None = ...,
    run: int = ...,
    out: PathLike | None = ...,
    *,
    trajectory_interval_s: float = ...,
    plots: bool = ...,
    report: bool = ...,
) -> Run: ...
def montecarlo(
    scenario: ScenarioLike,
    runs: int,
    threads: int = ...,
    out: PathLike | None = ...,
    *,
    resume: bool = ...,
    force: bool = ...,
    report: bool = ...,
) -> pd.DataFrame: ...
def sweep(
    scenario: ScenarioLike,
    set: Mapping[str, Iterable[Any]],
    runs: int,
    threads: int = ...,
    out: PathLike | None = ...,
    *,
    resume: bool = ...,
    force: bool = ...,
    report: bool = ...,
    one_at_a_time: bool = ...,
) -> pd.DataFrame: ...
def compare(
    designs: Sequence[ScenarioLike],
    runs: int,
    threads: int = ...,
    out: PathLike | None = ...,
    *,
    resume: bool = ...,
    force: bool = ...,
    report: bool = ...,
) -> pd.DataFrame: ...
def wta(
    values: npt.ArrayLike,
    p: npt.ArrayLike,
    counts: npt.ArrayLike,
    time_limit_s: float = ...,
    exact: bool = ...,
    seed: int = ...,
) -> dict[str, Any]: ...
def track(
    detections: pd.DataFrame | np.ndarray | PathLike,
    *,
    sensors: PathLike | Mapping[str, Any] | Scenario | None = ...,
    threats: PathLike | Mapping[str, Any] | Scenario | None = ...,
    sigma_m: float | None = ...,
    model: str = ...,
    filter: str = ...,
    association: str = ...,
    earth: str = ...,
    confirm_m: int = ...,
    confirm_n: int = ...,
    reorder_window_s: float = ...,
) -> pd.DataFrame: ...
def range_table(
    rocket_type: str,
    scenario: ScenarioLike = ...,
    from_deg: float = ...,
    to_deg: float = ...,
    step_deg: float = ...,
) -> pd.DataFrame: ...
def fly(
    rocket_type: str,
    elevation_deg: float,
    azimuth_deg: float,
    scenario: ScenarioLike = ...,
    *,
    launch_en_m: tuple[float, float] = ...,
    interval_s: float = ...,
) -> pd.DataFrame: ...
