"""Calibration by fitting: choose coefficients so the model reproduces target figures.

The scenario's behaviour block is the model being fitted. Each target of a calibration
target file (``calibration.py`` format) is measured on its own calibration scenario with that
behaviour block; the chosen coefficients move within their documented ranges. The objective,
Σ ((simulated − target) / target)² over targets, is averaged over several replications on one
seed (common random numbers), so it is a deterministic function of the coefficients and
Nelder–Mead (scipy) can minimise it. The result carries a before/after table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from privsim.errors import InputError
from privsim.experiments.arms import run_cells
from privsim.experiments.calibration import DEFAULT_TARGETS, Target, load_targets, metric_value, scenario_for, select
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.sensitivity import factor_ranges
from privsim.scenario.overrides import override, resize
from privsim.scenario.schema import Scenario

DEFAULT_REPS = 3
START_STEP = 0.15          # initial simplex: 15% of each coefficient's range
BASELINE_KPIS = ("privacy_churn", "npv_vs_baseline", "total_vs_baseline")


@dataclass
class Calibration:
    """A fit: coefficients before and after, and every target's simulated value before and after."""

    scenario: Scenario                       # the input scenario with the fitted coefficients
    ranges: dict[str, tuple[float, float, float]]
    start: dict[str, float]
    fitted: dict[str, float]
    targets: list[Target]
    before: list[float]
    after: list[float]
    objective_before: float
    objective_after: float
    evaluations: int
    success: bool
    message: str
    history: list[tuple[dict[str, float], float]] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Targets before and after the fit, one row each.

        Columns: id, figure, target, bounds, simulated values, point errors, and ``passed`` (the fitted
        value lies within the published bounds).
        """
        rows = []
        for t, b, a in zip(self.targets, self.before, self.after, strict=True):
            lo, hi = t.bounds
            rows.append({"id": t.id, "figure": t.figure, "target": t.target, "low": lo, "high": hi,
                         "before": b, "after": a, "error_before": _error(t, b), "error_after": _error(t, a),
                         "passed": (lo is None or a >= lo) and (hi is None or a <= hi)})
        return pd.DataFrame(rows)

    def params_frame(self) -> pd.DataFrame:
        """Fitted coefficients: parameter, documented range, start and fitted value."""
        return pd.DataFrame([{"parameter": p, "low": self.ranges[p][1], "high": self.ranges[p][2],
                              "start": self.start[p], "fitted": self.fitted[p]} for p in self.fitted])


def _error(t: Target, value: float) -> float:
    return (value - t.target) / t.target if t.target else float("nan")


class Objective:
    """The fit objective on the unit cube of the chosen coefficients; remembers every evaluation."""

    def __init__(self, scenario: Scenario, targets: list[Target], base: Path, ranges: dict[str, tuple[float, float,
                 float]], reps: int | None, seed: int, size: int | None, runner: Executor, progress: Progress,
                 maxiter: int):
        self.targets, self.ranges, self.reps, self.seed = targets, ranges, reps, seed
        self.runner, self.progress, self.maxiter = runner, progress, maxiter
        behavior = scenario.behavior.model_dump(mode="json")
        self.settings = []
        for t in targets:
            s = override(scenario_for(t, base), {"behavior": behavior}, source=t.id)
            if size:
                s = resize(s, min(size, s.population.size))
            self.settings.append(s)
        self.baseline = any(t.metric.kpi in BASELINE_KPIS for t in targets)
        self.cache: dict[tuple[float, ...], tuple[float, list[float]]] = {}
        self.history: list[tuple[dict[str, float], float]] = []

    def values(self, z: np.ndarray) -> dict[str, float]:
        """Coefficient values of a unit-cube point."""
        return {p: float(lo + min(max(x, 0.0), 1.0) * (hi - lo)) for x, (p, (_, lo, hi)) in
                zip(z, self.ranges.items(), strict=True)}

    def measure(self, values: dict[str, float]) -> list[float]:
        """Each target's simulated mean with these coefficient values."""
        cells, owner = [], []
        for k, (t, s) in enumerate(zip(self.targets, self.settings, strict=True)):
            s = override(s, values, source="--fit")
            for r in range(self.reps or t.replications):
                cells.append((s, r))
                owner.append(k)
        results = run_cells(cells, self.seed, self.runner, baseline=self.baseline)
        failed = [r for r in results if r.failed]
        if failed:
            raise RuntimeError(f"replication failed during the fit: {failed[0].error}")
        per: list[list[float]] = [[] for _ in self.targets]
        for k, (s, _), r in zip(owner, cells, results, strict=True):
            per[k].append(metric_value(self.targets[k].metric, r, s))
        return [float(np.nanmean(v)) if np.isfinite(v).any() else float("nan") for v in map(np.asarray, per)]

    def loss(self, means: list[float]) -> float:
        """Σ relative squared errors (targets without a point value count when outside their bounds)."""
        total = 0.0
        for t, m in zip(self.targets, means, strict=True):
            if np.isnan(m):
                return float("inf")
            if t.target:
                total += ((m - t.target) / t.target) ** 2
            else:
                lo, hi = t.bounds
                width = (hi - lo) if lo is not None and hi is not None and hi > lo else 1.0
                gap = max((lo - m) if lo is not None else 0.0, (m - hi) if hi is not None else 0.0, 0.0)
                total += (gap / width) ** 2
        return total

    def __call__(self, z: np.ndarray) -> float:
        key = tuple(np.round(np.clip(z, 0.0, 1.0), 9))
        if key not in self.cache:
            values = self.values(np.asarray(key))
            means = self.measure(values)
            self.cache[key] = (self.loss(means), means)
            self.history.append((values, self.cache[key][0]))
            self.progress(min(len(self.history), self.maxiter), self.maxiter, "fit evaluations")
        return self.cache[key][0]


def calibrate(scenario: Scenario, params: Sequence[str], targets: str | Path = DEFAULT_TARGETS, *,
              only: Sequence[str] | None = None, reps: int | None = DEFAULT_REPS, seed: int | None = None,
              size: int | None = None, maxiter: int = 60, executor: str | Executor = "serial",
              workers: int | None = None, scheduler: str | None = None,
              progress: Progress = no_progress) -> Calibration:
    """Fit coefficients of the scenario's behaviour block to target figures (Nelder–Mead on CRN means).

    Args:
        scenario: the scenario whose ``behavior:`` block is fitted
        params: single coefficient paths to fit, e.g. ``behavior.consent.intercept``
        targets: calibration target file
        only: target ids to fit to (default: all in the file)
        reps: replications per target and evaluation (``None``: each target's own)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        size: simulated customers of each target's scenario (at most its own)
        maxiter: objective evaluations at most
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called after each evaluation
    """
    if not params:
        raise InputError.single("--fit", "no coefficient to fit; allowed: paths such as behavior.consent.intercept")
    chosen = select(load_targets(targets), only)
    ranges = factor_ranges(scenario, params, source="--fit")
    missing = [p for p in params if p not in ranges]
    if missing:
        raise InputError.single("--fit", f"{missing[0]!r} is a group or has no range; allowed: single coefficients "
                                "such as behavior.consent.intercept")
    from scipy import optimize  # loads on first use: the CLI starts without it

    seed = scenario.seed if seed is None else seed
    with make_executor(executor, workers, scheduler) as runner:
        objective = Objective(scenario, chosen, Path(targets).parent, ranges, reps, seed, size, runner, progress,
                              maxiter)
        z0 = np.array([(v - lo) / (hi - lo) for v, lo, hi in ranges.values()]).clip(0.0, 1.0)
        simplex = np.vstack([z0] + [z0 + np.eye(len(z0))[i] * (START_STEP if z0[i] <= 0.5 else -START_STEP)
                                    for i in range(len(z0))])
        loss0 = objective(z0)
        before = objective.cache[tuple(np.round(z0, 9))][1]
        fit = optimize.minimize(objective, z0, method="Nelder-Mead", bounds=[(0.0, 1.0)] * len(z0),
                                options={"maxfev": maxiter, "initial_simplex": simplex, "xatol": 1e-3,
                                         "fatol": 1e-6})
        best = min(objective.cache, key=lambda k: objective.cache[k][0])
        loss1, after = objective.cache[best]
    fitted = objective.values(np.asarray(best))
    return Calibration(scenario=override(scenario, fitted, source="--fit"), ranges=ranges,
                       start={p: v[0] for p, v in ranges.items()}, fitted=fitted, targets=chosen, before=before,
                       after=after, objective_before=loss0, objective_after=loss1, evaluations=len(objective.history),
                       success=bool(fit.success), message=str(fit.message),
                       history=objective.history)
