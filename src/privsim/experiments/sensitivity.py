"""Sensitivity analysis over behaviour and economics coefficients: tornado and Morris.

Factors and their ranges: every behaviour coefficient with a documented plausible range
(``coefficient_ranges``), plus the economics in ``ECONOMICS``. All points run on the same
seed and replicates (CRN), so a few replications rank effects reliably.

- **Tornado** (one at a time): each factor at the low and the high end of its range, the
  others at the scenario's values; the swing |KPI(high) − KPI(low)| ranks the factors.
- **Morris elementary effects**: ``trajectories`` random one-factor-at-a-time paths on a
  ``levels``-level grid of the unit cube (step Δ = levels / (2·(levels − 1))); per factor
  μ (mean effect), μ* (mean absolute effect, the ranking) and σ (spread: interaction or
  non-linearity). Effects are in KPI units per full range of the factor.

The scenario as written runs first, its no-practice baselines recording which scenario values they
read (``privsim.model.reads``); every point that changes none of those shares them, bit for bit, and
the other points go to the executor as one batch. ``on_point(point, partial)`` sees a partial result
each time a point's replications are all in (tornado: the factors whose three points have landed;
Morris: the complete trajectories), so a face can draw each bar as it lands.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from privsim.errors import InputError, did_you_mean
from privsim.experiments.arms import baseline_key, run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.results import ReplicationResult, kpi_frame
from privsim.model import vocabulary
from privsim.model.reads import touches
from privsim.model.rng import Decision, Streams, source_key
from privsim.model.vocabulary import is_kpi
from privsim.scenario.coefficients import coefficient_ranges
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario

# economics factors: path -> (kind, lo, hi); "relative" ranges multiply the scenario's own value
ECONOMICS: dict[str, tuple[str, float, float]] = {
    "economics.discount_rate": ("absolute", 0.03, 0.15),       # [A] typical corporate discount rates
    "economics.cost_per_contact": ("relative", 0.5, 2.0),      # [A] ×½ … ×2 of the scenario's unit cost
    "economics.cost_per_complaint": ("relative", 0.5, 2.0),    # [A] same
}
KPIS = ("npv", "privacy_churn", "backlash_peak", "opt_outs", "complaints")
METHODS = ("tornado", "morris")
DEFAULT_REPS = 5
COLUMNS = ["method", "parameter", "kpi", "low", "high", "base_value", "value_low", "value_high", "mu", "mu_star",
           "sigma", "effect", "rank"]


def factor_ranges(scenario: Scenario, include: Sequence[str] | None = None,
                  source: str = "--param") -> dict[str, tuple[float, float, float]]:
    """``path -> (value, lo, hi)`` of every factor with a non-empty range, optionally only under ``include``."""
    out = {k: v for k, v in coefficient_ranges(scenario.behavior).items() if v[2] > v[1]}
    for path, (kind, lo, hi) in ECONOMICS.items():
        value = float(getattr(scenario.economics, path.rsplit(".", 1)[1]))
        rng = (lo, hi) if kind == "absolute" else (value * lo, value * hi)
        if rng[1] > rng[0]:
            out[path] = (value, *rng)
    if not include:
        return out
    chosen = {k: v for k, v in out.items() if any(k == p or k.startswith(p + ".") for p in include)}
    groups = {k.rsplit(".", n)[0] for k in out for n in range(k.count("."))}
    for p in include:
        if not any(k == p or k.startswith(p + ".") for k in out):
            raise InputError.single(source, f"no coefficient {p!r}{did_you_mean(p, [*out, *groups])}; allowed: a "
                                    "path or group such as behavior.consent or economics.discount_rate")
    return chosen


@dataclass
class Sensitivity:
    """A ranked sensitivity table (one method) and the KPI means of every design point."""

    method: str
    factors: dict[str, tuple[float, float, float]]
    kpis: list[str]
    table: pd.DataFrame
    points: pd.DataFrame          # point, <factor paths>, <kpi means>
    failed: int = 0               # failed replications

    def to_frame(self) -> pd.DataFrame:
        """The ranked table: method, parameter, kpi, range, values or effects, effect, rank."""
        return self.table

    def ranked(self, kpi: str) -> pd.DataFrame:
        """The table for one KPI, most influential factor first."""
        return self.table[self.table["kpi"] == kpi].sort_values("rank").reset_index(drop=True)


OnPoint = Callable[[int, Sensitivity], None]     # (design point, the partial result so far)


def morris_design(k: int, trajectories: int, levels: int, gen: np.random.Generator) -> np.ndarray:
    """``trajectories`` Morris paths of k + 1 points each in the unit cube, shape (r, k + 1, k)."""
    delta = levels / (2.0 * (levels - 1))
    grid = np.arange(levels) / (levels - 1)
    out = np.empty((trajectories, k + 1, k))
    for t in range(trajectories):
        up = gen.random(k) < 0.5
        start = np.where(up, gen.choice(grid[grid <= 1 - delta + 1e-12], k),
                         gen.choice(grid[grid >= delta - 1e-12], k))
        x = start.copy()
        out[t, 0] = x
        for step, i in enumerate(gen.permutation(k), start=1):
            x[i] += delta if up[i] else -delta
            out[t, step] = x
    return out


def _point_means(results: list[ReplicationResult], kpis: Sequence[str]) -> list[float]:
    """Mean of each KPI (whole population) over one point's replications, in replicate order."""
    f = kpi_frame(sorted(results, key=lambda r: r.replicate))
    f = f[f["segment"] == "all"].groupby("kpi")["value"].mean()
    return [f.get(k, np.nan) for k in kpis]


def _means(scenario: Scenario, rows: list[dict[str, float]], kpis: Sequence[str], reps: int, seed: int,
           runner: Executor, baseline: bool, progress: Progress,
           landed: Callable[[int, np.ndarray, np.ndarray], None]) -> tuple[np.ndarray, int]:
    """Mean of each KPI at each design point, (points, kpis); ``landed(point, means, done)`` as each completes."""
    built = [override(scenario, row, source="sensitivity") for row in rows]
    cells = [(s, r) for s in built for r in range(reps)]
    means = np.full((len(rows), len(kpis)), np.nan)
    done = np.zeros(len(rows), dtype=bool)
    pending: dict[int, list[ReplicationResult]] = {p: [] for p in range(len(rows))}

    def finished(i: int, result: ReplicationResult) -> None:
        p = i // reps
        pending[p].append(result)
        if len(pending[p]) == reps:
            means[p], done[p] = _point_means(pending.pop(p), kpis), True
            landed(p, means, done)

    if not baseline:
        results = run_cells(cells, seed, runner, baseline=False, progress=progress, stage="points",
                            on_result=finished)
        return means, sum(r.failed for r in results)
    # the first point (the scenario as written) runs first, its baselines recording what they read; a point that
    # changes none of that shares them (privsim.model.reads), and the rest go to the executor as one batch
    keys = [baseline_key(s) for s in built]
    bases: dict[tuple[str, int], ReplicationResult] = {}
    first = run_cells(cells[:reps], seed, runner, progress=lambda d, _, st: progress(d, len(cells), st),
                      stage="points", on_result=finished, keys=keys[:1] * reps, bases=bases, record=True)
    read: set[str] = set()
    for base in bases.values():
        read |= base.reads or {""}           # a failed baseline read everything: nothing shares it
    keys = [keys[0] if not touches(row, read) else key for row, key in zip(rows, keys, strict=True)]
    rest = run_cells(cells[reps:], seed, runner, progress=lambda d, _, st: progress(reps + d, len(cells), st),
                     stage="points", on_result=lambda i, r: finished(reps + i, r),
                     keys=[k for k in keys[1:] for _ in range(reps)], bases=bases)
    return means, sum(r.failed for r in [*first, *rest])


def sensitivity(scenario: Scenario, method: str = "tornado", *, params: Sequence[str] | None = None,
                kpis: Sequence[str] = KPIS, reps: int | None = None, seed: int | None = None,
                trajectories: int = 4, levels: int = 4, executor: str | Executor = "serial",
                workers: int | None = None, scheduler: str | None = None, progress: Progress = no_progress,
                baseline: bool = True, on_point: OnPoint | None = None) -> Sensitivity:
    """Rank behaviour and economics coefficients by their effect on ``kpis`` (tornado or Morris).

    Args:
        scenario: the scenario whose coefficients are varied
        method: ``tornado`` (one at a time) or ``morris``
        params: coefficient paths or groups to vary, e.g. ``behavior.consent`` (default: every ranged one)
        kpis: whole-population KPIs to rank by
        reps: replications per design point (default 5)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        trajectories: Morris trajectories
        levels: Morris grid levels
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
        baseline: also run the no-practice baseline arm, for privacy churn and NPV against doing nothing
        on_point: called as ``on_point(point, partial)`` when a design point's replications are all in;
            ``partial`` holds the factors (tornado) or trajectories (Morris) complete so far
    """
    if method not in METHODS:
        raise InputError.single("--method", f"got {method!r}{did_you_mean(method, METHODS)}; "
                                f"allowed: {', '.join(METHODS)}")
    unknown = [k for k in kpis if not is_kpi(k)]
    if unknown:
        raise InputError.single("--kpi", f"got {unknown[0]!r}{did_you_mean(unknown[0], vocabulary.KPIS)}; allowed: "
                                f"{', '.join(vocabulary.KPIS)} (or consent.<practice id>)")
    if levels < 2 or trajectories < 1:
        raise InputError.single("--levels", "allowed: levels ≥ 2 and trajectories ≥ 1")
    factors = factor_ranges(scenario, params)
    names = list(factors)
    reps = DEFAULT_REPS if reps is None else reps
    seed = scenario.seed if seed is None else seed
    lo = np.array([factors[n][1] for n in names])
    hi = np.array([factors[n][2] for n in names])
    unit = np.empty((0, 0, 0))
    if method == "tornado":
        rows: list[dict[str, Any]] = [{}]
        for n in names:
            rows += [{n: factors[n][1]}, {n: factors[n][2]}]
    else:
        gen = Streams(seed, 0).generator(Decision.COEFFICIENTS, source_key("sensitivity.morris"))
        unit = morris_design(len(names), trajectories, levels, gen)
        rows = [dict(zip(names, (lo + x * (hi - lo)).tolist(), strict=True)) for x in unit.reshape(-1, len(names))]

    design = Design(method, factors, list(kpis), rows, unit)

    def landed(point: int, means: np.ndarray, done: np.ndarray) -> None:
        if on_point is not None:
            on_point(point, design.result(means, done))

    with make_executor(executor, workers, scheduler) as runner:
        means, failed = _means(scenario, rows, kpis, reps, seed, runner, baseline, progress, landed)
    return design.result(means, np.ones(len(rows), dtype=bool), failed)


@dataclass
class Design:
    """A sensitivity design (its points and, for Morris, the unit-cube paths) that turns means into a result."""

    method: str
    factors: dict[str, tuple[float, float, float]]
    kpis: list[str]
    rows: list[dict[str, Any]]
    unit: np.ndarray

    def result(self, means: np.ndarray, done: np.ndarray, failed: int = 0) -> Sensitivity:
        """The result from the points ``done`` so far: only factors (tornado) or paths (Morris) complete."""
        names = list(self.factors)
        if self.method == "tornado":
            whole = [i for i in range(len(names)) if done[[0, 1 + 2 * i, 2 + 2 * i]].all()]
            rows = [0, *(j for i in whole for j in (1 + 2 * i, 2 + 2 * i))]
            table = _tornado([names[i] for i in whole], self.factors, self.kpis, means[rows])
        else:
            paths = done.reshape(self.unit.shape[:2]).all(axis=1)
            table = _morris(names, self.factors, self.kpis,
                            means.reshape(*self.unit.shape[:2], -1)[paths].reshape(-1, len(self.kpis)),
                            self.unit[paths])
        points = pd.DataFrame([{"point": i, **row} for i, row in enumerate(self.rows)])
        points[self.kpis] = means
        return Sensitivity(self.method, self.factors, self.kpis, table, points[done].reset_index(drop=True), failed)


def _rank(table: pd.DataFrame) -> pd.DataFrame:
    table["rank"] = table.groupby("kpi")["effect"].rank(ascending=False, method="first", na_option="bottom")
    table["rank"] = table["rank"].astype(int)
    return table.sort_values(["kpi", "rank"], kind="stable").reset_index(drop=True)[COLUMNS]


def _tornado(names: list[str], factors: dict[str, tuple[float, float, float]], kpis: Sequence[str],
             means: np.ndarray) -> pd.DataFrame:
    rows = []
    for i, n in enumerate(names):
        for j, kpi in enumerate(kpis):
            low, high = means[1 + 2 * i, j], means[2 + 2 * i, j]
            rows.append({"method": "tornado", "parameter": n, "kpi": kpi, "low": factors[n][1], "high": factors[n][2],
                         "base_value": means[0, j], "value_low": low, "value_high": high,
                         "mu": np.nan, "mu_star": np.nan, "sigma": np.nan, "effect": abs(high - low)})
    return _rank(pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"]))


def _morris(names: list[str], factors: dict[str, tuple[float, float, float]], kpis: Sequence[str],
            means: np.ndarray, unit: np.ndarray) -> pd.DataFrame:
    r, steps, k = unit.shape
    if r == 0:
        return pd.DataFrame(columns=COLUMNS)
    y = means.reshape(r, steps, len(kpis))
    moved = np.argmax(np.abs(np.diff(unit, axis=1)), axis=2)              # (r, k): factor changed at each step
    dx = np.take_along_axis(np.diff(unit, axis=1), moved[:, :, None], axis=2)[:, :, 0]
    ee = np.diff(y, axis=1) / dx[:, :, None]                              # (r, k, kpis)
    effects = np.empty((r, k, len(kpis)))
    for t in range(r):
        effects[t, moved[t]] = ee[t]
    rows = []
    for i, n in enumerate(names):
        for j, kpi in enumerate(kpis):
            e = effects[:, i, j]
            rows.append({"method": "morris", "parameter": n, "kpi": kpi, "low": factors[n][1], "high": factors[n][2],
                         "base_value": np.nan, "value_low": np.nan, "value_high": np.nan, "mu": float(np.mean(e)),
                         "mu_star": float(np.mean(np.abs(e))), "sigma": float(np.std(e, ddof=1)) if r > 1 else 0.0,
                         "effect": float(np.mean(np.abs(e)))})
    return _rank(pd.DataFrame(rows, columns=[c for c in COLUMNS if c != "rank"]))
