"""Parameter sweeps: any scenario field by its ``override`` path, on a grid or a Latin hypercube.

Every point runs the same replicates on the same seed (common random numbers across points),
so differences between points are not noise. With an output folder each point is written as
soon as its replications finish; an interrupted sweep resumes and skips finished points; a
point that fails (a value the scenario rejects, a replication that raises) is recorded with
its error while the rest go on.

All points' replications go to the executor as one batch (the no-practice baseline runs once per
replicate for all points that change only the strategy's practices); ``on_point(point, partial)``
sees the result so far each time a point lands, for faces that draw points as they come.

Parameter syntax: ``PATH=START:STOP:N`` (N evenly spaced numbers; whole numbers stay whole
when the step is whole) or ``PATH=[v1, v2, …]`` (any values, e.g. consent modes).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from privsim import model
from privsim.errors import InputError
from privsim.experiments.arms import run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.results import ReplicationResult, kpi_frame, summarize
from privsim.experiments.sweepstore import SweepStore
from privsim.files import versions
from privsim.model.rng import Decision, Streams, source_key
from privsim.scenario.load import dump_scenario
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import load_value

DESIGNS = ("grid", "lhs")
MAX_POINTS = 10_000      # points of one sweep: each runs every replication
SYNTAX = "PATH=START:STOP:N or PATH=[v1, v2, …]"


@dataclass(frozen=True)
class Param:
    """One swept field: its grid values, and for a numeric range its bounds (Latin hypercube)."""

    path: str
    values: tuple[Any, ...]
    bounds: tuple[float, float] | None = None
    integer: bool = False

    @property
    def spec(self) -> str:
        """The parameter in command-line syntax."""
        if self.bounds is not None and self.values:
            return f"{self.path}={_num(self.bounds[0])}:{_num(self.bounds[1])}:{len(self.values)}"
        if self.bounds is not None:
            return f"{self.path}={_num(self.bounds[0])}:{_num(self.bounds[1])}"
        return f"{self.path}={yaml.safe_dump(list(self.values), default_flow_style=True).strip()}"


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def _clean(v: float) -> float:
    """A float without binary noise (0.30000000000000004 → 0.3)."""
    return float(f"{v:.12g}")


def parse_param(text: str, source: str = "--param") -> Param:
    """``PATH=START:STOP:N``, ``PATH=START:STOP`` (Latin hypercube) or ``PATH=[v1, v2, …]``."""
    path, eq, rhs = text.partition("=")
    path, rhs = path.strip(), rhs.strip()
    if not eq or not path or not rhs:
        raise InputError.single(source, f"got {text!r}; allowed: {SYNTAX}")
    if rhs.startswith("["):
        try:
            values = load_value(rhs, source)
        except InputError:
            values = None
        if not isinstance(values, list) or not values:
            raise InputError.single(source, f"values {rhs!r} cannot be read; allowed: a list such as [opt_in, opt_out]",
                                    field=path)
        return Param(path, tuple(values))
    try:
        parts = [load_value(p, source) if p.strip() else None for p in rhs.split(":")]
    except InputError:
        parts = []
    numbers = all(isinstance(p, int | float) and not isinstance(p, bool) for p in parts[:2])
    if len(parts) not in (2, 3) or not numbers or (len(parts) == 3 and not (isinstance(parts[2], int)
                                                                          and parts[2] >= 1)):
        raise InputError.single(source, f"got {rhs!r}; allowed: START:STOP:N with numbers and a whole N ≥ 1 "
                                f"(or START:STOP with --design lhs)", field=path)
    start, stop = parts[0], parts[1]
    integer = isinstance(start, int) and isinstance(stop, int)
    if len(parts) == 2:
        return Param(path, (), (float(start), float(stop)), integer)
    n = parts[2]
    if n > MAX_POINTS:
        raise InputError.single(source, f"got {n:,} points; allowed: at most {MAX_POINTS:,}", field=path)
    grid = np.linspace(start, stop, n)
    whole = integer and (n == 1 or (stop - start) % (n - 1) == 0)
    values = tuple(round(float(v)) for v in grid) if whole else tuple(_clean(v) for v in grid)
    return Param(path, values, (float(start), float(stop)), integer)


def as_params(params: Sequence[str | Param] | Mapping[str, Sequence[Any]]) -> list[Param]:
    """Parameters from strings, :class:`Param` objects or a ``{path: values}`` mapping."""
    if isinstance(params, Mapping):
        return [Param(path, tuple(values)) for path, values in params.items()]
    return [parse_param(p) if isinstance(p, str) else p for p in params]


def design_points(params: Sequence[Param], design: str = "grid", points: int | None = None,
                  seed: int = 0) -> list[dict[str, Any]]:
    """The points of a design: the full grid (first parameter slowest) or a Latin hypercube of ``points``."""
    if design not in DESIGNS:
        raise InputError.single("--design", f"got {design!r}; allowed: {', '.join(DESIGNS)}")
    if not params:
        raise InputError.single("--param", f"no parameter given; allowed: {SYNTAX}")
    paths = [p.path for p in params]
    if len(set(paths)) != len(paths):
        raise InputError.single("--param", "a path is swept twice; allowed: each path once")
    if points is not None and not 1 <= points <= MAX_POINTS:
        raise InputError.single("--points", f"got {points}; allowed: 1 to {MAX_POINTS:,}")
    total = math.prod(len(p.values) for p in params) if design == "grid" else points or 10
    if total > MAX_POINTS:
        raise InputError.single("--param", f"the design has {total:,} points; allowed: at most {MAX_POINTS:,}")
    if design == "grid":
        short = [p.path for p in params if not p.values]
        if short:
            raise InputError.single("--param", "START:STOP needs :N on a grid; allowed: START:STOP:N",
                                    field=short[0])
        return [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*(p.values for p in params))]
    from scipy.stats import qmc  # loads on first use: the CLI starts without it

    k = points or 10
    gen = Streams(seed, 0).generator(Decision.COEFFICIENTS, source_key("sweep.lhs"))
    unit = qmc.LatinHypercube(len(params), rng=gen).random(k)
    out = []
    for row in unit:
        point = {}
        for u, p in zip(row, params, strict=True):
            if p.bounds is None:
                point[p.path] = p.values[min(int(u * len(p.values)), len(p.values) - 1)]
            else:
                v = p.bounds[0] + u * (p.bounds[1] - p.bounds[0])
                point[p.path] = round(float(v)) if p.integer else _clean(v)
        out.append(point)
    return out


@dataclass
class SweepResult:
    """KPIs of every point of a sweep, per replication."""

    scenario: Scenario
    params: list[Param]
    design: str
    points: list[dict[str, Any]]
    seed: int
    reps: int
    kpis: pd.DataFrame                      # point, replicate, segment, kpi, value
    errors: dict[int, str] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)   # points found finished in the folder
    folder: Path | None = None

    @property
    def paths(self) -> list[str]:
        """The swept paths."""
        return [p.path for p in self.params]

    def points_frame(self) -> pd.DataFrame:
        """One row per point: its values, status (ok / failed) and error."""
        rows = [{"point": i, **values, "status": "failed" if i in self.errors else "ok",
                 "error": self.errors.get(i, "")} for i, values in enumerate(self.points)]
        return pd.DataFrame(rows, columns=["point", *self.paths, "status", "error"])

    def to_frame(self) -> pd.DataFrame:
        """Per-replication KPIs with the point's parameter values: point, <paths>, replicate, segment, kpi, value."""
        values = self.points_frame().drop(columns=["status", "error"])
        return values.merge(self.kpis, on="point")

    def summary(self) -> pd.DataFrame:
        """Per point, segment and KPI: mean, 95% CI of the mean, P5–P95, n; with the parameter values."""
        parts = [summarize(g.drop(columns="point")).assign(point=i)
                 for i, g in self.kpis.groupby("point", sort=True)]
        if not parts:
            return pd.DataFrame(columns=["point", *self.paths, "segment", "kpi", "mean", "ci_low", "ci_high",
                                         "p5", "p95", "n"])
        table = pd.concat(parts, ignore_index=True)
        values = self.points_frame().drop(columns=["status", "error"])
        return values.merge(table, on="point")

    def kpi(self, name: str, segment: str = "all") -> pd.DataFrame:
        """One KPI's summary per point (a convenience for charts)."""
        s = self.summary()
        return s[(s["kpi"] == name) & (s["segment"] == segment)].reset_index(drop=True)


def build_points(scenario: Scenario, points: list[dict[str, Any]]) -> tuple[dict[int, Scenario], dict[int, str]]:
    """Each point's scenario, or the error its values raise; every point failing is bad input."""
    built: dict[int, Scenario] = {}
    failures: dict[int, InputError] = {}
    for i, values in enumerate(points):
        try:
            built[i] = override(scenario, values, source="--param")
        except InputError as exc:
            failures[i] = exc
    if failures and not built:
        raise failures[0]
    return built, {i: "; ".join(str(p) for p in exc.problems) for i, exc in failures.items()}


def _error(results: list[ReplicationResult]) -> str | None:
    failed = [r for r in results if r.failed]
    return f"replicate {failed[0].replicate}: {failed[0].error}" if failed else None


OnPoint = Callable[[int, SweepResult], None]     # (point, the sweep so far: finished and failed points)


def sweep(scenario: Scenario, params: Sequence[str | Param] | Mapping[str, Sequence[Any]], *,
          design: str = "grid", points: int | None = None, reps: int | None = None, seed: int | None = None,
          executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
          progress: Progress = no_progress, baseline: bool = True, out: str | Path | None = None,
          force: bool = False, on_point: OnPoint | None = None) -> SweepResult:
    """Run every point of a design on the same seed and replicates; stream points to ``out`` if given.

    Args:
        scenario: the base scenario
        params: ``PATH=START:STOP:N`` / ``PATH=[v1, v2]`` strings, :class:`Param` objects or ``{path: values}``
        design: ``grid`` (every combination, first parameter slowest) or ``lhs`` (Latin hypercube)
        points: points of a Latin hypercube (default 10)
        reps: replications per scenario (default: the scenario's ``replications``)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
        baseline: also run the no-practice baseline arm, for privacy churn and NPV against doing nothing
        out: folder to stream points into; a rerun with the same sweep resumes and skips finished points
        force: replace a different sweep's folder at ``out`` (only the files privsim wrote there)
        on_point: called as ``on_point(point, partial)`` when a point finishes or fails; ``partial`` is the
            sweep so far (an exception raised there stops the sweep; finished points stay in ``out``)
    """
    plist = as_params(params)
    reps = scenario.replications if reps is None else reps
    seed = scenario.seed if seed is None else seed
    values = design_points(plist, design, points, seed)
    built, errors = build_points(scenario, values)
    store = None
    done: dict[int, pd.DataFrame] = {}
    if out is not None:
        manifest = {"kind": "sweep", "scenario_sha256": scenario.digest(), "model_sha256": model.fingerprint(),
                    "seed": seed, "replications": reps,
                    "baseline": baseline, "design": design, "params": [p.spec for p in plist], "points": values}
        store = SweepStore(Path(out), manifest, dump_scenario(scenario), force=force)
        done = {i: f for i, f in store.finished().items() if i < len(values)}
        for i, error in errors.items():
            store.write_error(i, values[i], error)
    todo = [i for i in built if i not in done]
    frames = {i: f.assign(point=i) for i, f in done.items()}
    pending: dict[int, list[ReplicationResult]] = {i: [] for i in todo}
    columns = ["point", "replicate", "segment", "kpi", "value"]

    def so_far() -> SweepResult:
        kpis = (pd.concat([frames[i] for i in sorted(frames)], ignore_index=True)[columns] if frames
                else pd.DataFrame(columns=columns))
        return SweepResult(scenario=scenario, params=plist, design=design, points=values, seed=seed, reps=reps,
                           kpis=kpis, errors=dict(sorted(errors.items())), skipped=sorted(done),
                           folder=Path(out) if out is not None else None)

    def finished(j: int, result: ReplicationResult) -> None:
        i = todo[j // reps]
        pending[i].append(result)
        if len(pending[i]) < reps:
            return
        results = sorted(pending.pop(i), key=lambda r: r.replicate)
        error = _error(results)
        if error is not None:
            errors[i] = error
            if store:
                store.write_error(i, values[i], error)
        else:
            kpis = kpi_frame(results)
            if store:
                store.write_point(i, kpis)
            frames[i] = kpis.assign(point=i)
        if on_point is not None:
            on_point(i, so_far())

    cells = [(built[i], r) for i in todo for r in range(reps)]
    if cells:
        with make_executor(executor, workers, scheduler) as runner:
            run_cells(cells, seed, runner, baseline=baseline, progress=progress, stage="points", on_result=finished)
    result = so_far()
    if store:
        store.write_outputs(result.points_frame(), result.summary(), result.kpis, info(result))
    return result


def info(result: SweepResult, kind: str = "sweep") -> dict[str, Any]:
    """The ``summary.json`` of a sweep folder."""
    return {"kind": kind, "name": result.scenario.name, "scenario_sha256": result.scenario.digest(),
            "seed": result.seed, "replications": result.reps, "design": result.design,
            "params": [p.spec for p in result.params], "points": len(result.points),
            "failed": [{"point": i, "error": e} for i, e in result.errors.items()],
            "resumed_points": result.skipped, "currency": result.scenario.economics.currency,
            "versions": versions()}
