"""The tolerance frontier: how much intrusion customers tolerate, and what it earns.

A one-parameter sweep along an intrusion axis (contacts per month, a consent mode, a data
use …), all points on the same replicates (CRN). Per point it reports total value (NPV within the
horizon + terminal value), NPV and revenue against opt-outs, complaints, backlash and privacy-driven
churn, and marks:

- the **value-optimal** point (highest mean total value);
- the **Pareto-efficient** points: no other point has at least as high total value, at most as much
  customer pushback (opt-outs and complaints per customer) and as low a backlash peak, and is strictly
  better in one (the chart shows all three);
- the **cliff**: the first step i−1 → i where the mean backlash peak or the pushback rises by more than
  ``CLIFF_FACTOR`` (2×) beyond the axis's own rise (on a numeric axis: doubling the contacts and the
  pushback is proportional, not a cliff), counted from at least ``CLIFF_FLOOR`` (0.1% of customers)
  so that noise around zero is not a cliff. Backlash counts offence at a violation; pushback also counts customers
  who have had enough of lawful contact, so an over-contacting frontier has its cliff too.

``on_point(point, partial)`` sees the frontier of the points landed so far, for a face that draws
each point as it comes; the final marks need every point, so a partial optimum or cliff may move.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from privsim.errors import InputError
from privsim.experiments.executors import Executor, Progress, no_progress
from privsim.experiments.sweep import Param, SweepResult, info, parse_param, sweep
from privsim.files import record_file, write_atomic, write_frame
from privsim.scenario.schema import Scenario

CLIFF_FACTOR = 2.0
CLIFF_FLOOR = 0.001
OBJECTIVE = "total_value"          # NPV within the horizon + terminal value
HARMS = ("pushback", "backlash_peak")
KPIS = ("total_value", "total_vs_baseline", "npv", "npv_vs_baseline", "revenue", "opt_outs", "complaints",
        "pushback", "backlash_peak", "privacy_churn")


@dataclass
class Frontier:
    """A frontier sweep with its optimum, Pareto-efficient points and cliff (point indexes)."""

    path: str
    sweep: SweepResult
    table: pd.DataFrame          # one row per successful point: point, value, <kpi>, <kpi>_ci_low, <kpi>_ci_high
    optimum: int | None
    pareto: list[int]
    cliff: int | None
    cliff_factor: float = CLIFF_FACTOR

    def to_frame(self) -> pd.DataFrame:
        """The frontier table with boolean ``optimal``, ``pareto`` and ``cliff`` columns."""
        t = self.table.copy()
        t["optimal"] = t["point"] == self.optimum
        t["pareto"] = t["point"].isin(self.pareto)
        t["cliff"] = t["point"] == self.cliff
        return t

    def value(self, point: int | None) -> Any:
        """The parameter value of a point (None for None)."""
        return None if point is None else self.sweep.points[point][self.path]


def frontier_table(result: SweepResult, path: str, kpis: tuple[str, ...] = KPIS) -> pd.DataFrame:
    """Means and CIs of the frontier KPIs for the whole population, one row per successful point."""
    s = result.summary()
    s = s[s["segment"] == "all"]
    landed = set(result.kpis["point"])
    ok = [i for i in range(len(result.points)) if i in landed]
    table = pd.DataFrame({"point": ok, "value": [result.points[i][path] for i in ok]})
    for kpi in kpis:
        k = s[s["kpi"] == kpi].set_index("point")
        for col, name in (("mean", kpi), ("ci_low", f"{kpi}_ci_low"), ("ci_high", f"{kpi}_ci_high")):
            table[name] = table["point"].map(k[col]) if len(k) else np.nan
    return table


def pareto_efficient(better: np.ndarray) -> np.ndarray:
    """Rows not dominated by any other row; columns are oriented so that higher is better."""
    ge = (better[None, :, :] >= better[:, None, :]).all(axis=2)     # ge[i, j]: j at least as good as i
    gt = (better[None, :, :] > better[:, None, :]).any(axis=2)
    return ~(ge & gt).any(axis=1)


def find_cliff(harms: np.ndarray, factor: float = CLIFF_FACTOR, floor: float = CLIFF_FLOOR,
               axis: np.ndarray | None = None) -> int | None:
    """Index of the first step where any harm (a column of ``harms``) rises by more than ``factor``, else None.

    Along a numeric ``axis`` the rise is counted beyond the axis's own: a harm that doubles when the
    contacts double grows in proportion, and only one growing ``factor`` times faster than that is a cliff.
    """
    h = harms.reshape(len(harms), -1)
    step = np.ones(len(h))
    if axis is not None and len(axis) == len(h) and (axis > 0).all():
        step[1:] = np.maximum(axis[1:] / axis[:-1], 1.0)
    for i in range(1, len(h)):
        if (h[i] > factor * step[i] * np.maximum(h[i - 1], floor)).any():
            return i
    return None


def analyse(result: SweepResult, path: str, cliff_factor: float = CLIFF_FACTOR) -> Frontier:
    """Optimum, Pareto set and cliff of a one-parameter sweep."""
    table = frontier_table(result, path)
    if table.empty:
        return Frontier(path, result, table, None, [], None, cliff_factor)
    value = table[OBJECTIVE].to_numpy(float)
    optimum = int(table["point"].iloc[int(np.nanargmax(value))]) if np.isfinite(value).any() else None
    better = np.column_stack([value, *(-table[h].to_numpy(float) for h in HARMS)])
    better = np.nan_to_num(better, nan=-np.inf)
    pareto = [int(p) for p in table["point"][pareto_efficient(better)]]
    values = pd.to_numeric(table["value"], errors="coerce").to_numpy(float)
    axis = values if np.isfinite(values).all() else None
    cliff_at = find_cliff(np.nan_to_num(table[list(HARMS)].to_numpy(float)), cliff_factor, axis=axis)
    cliff = None if cliff_at is None else int(table["point"].iloc[cliff_at])
    return Frontier(path, result, table, optimum, pareto, cliff, cliff_factor)


OnPoint = Callable[[int, Frontier], None]        # (point, the frontier of the points landed so far)


def frontier(scenario: Scenario, param: str | Param, *, reps: int | None = None, seed: int | None = None,
             executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
             progress: Progress = no_progress, baseline: bool = True, out: str | Path | None = None,
             cliff_factor: float = CLIFF_FACTOR, force: bool = False, on_point: OnPoint | None = None) -> Frontier:
    """Sweep one intrusion parameter (grid) and mark the NPV optimum, the Pareto set and the cliff.

    Args:
        scenario: the base scenario
        param: the intrusion axis, ``PATH=START:STOP:N`` or ``PATH=[v1, v2, …]``
        reps: replications per scenario (default: the scenario's ``replications``)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
        baseline: also run the no-practice baseline arm, for privacy churn and NPV against doing nothing
        out: folder to stream points into (and write ``frontier.csv``)
        cliff_factor: rise of the mean backlash peak or pushback in one step that marks the cliff
        force: replace a different sweep's folder at ``out`` (only the files privsim wrote there)
        on_point: called as ``on_point(point, partial)`` when a point lands, with the frontier so far
    """
    p = parse_param(param) if isinstance(param, str) else param
    if not p.values:
        raise InputError.single("--param", "a frontier needs the points; allowed: START:STOP:N or [v1, v2, …]",
                                field=p.path)

    def landed(point: int, partial: SweepResult) -> None:
        if on_point is not None:
            on_point(point, analyse(partial, p.path, cliff_factor))

    result = sweep(scenario, [p], reps=reps, seed=seed, executor=executor, workers=workers, scheduler=scheduler,
                   progress=progress, baseline=baseline, out=out, force=force, on_point=landed)
    f = analyse(result, p.path, cliff_factor)
    if out is not None:
        folder = Path(out)
        write_frame(folder / "frontier.csv", f.to_frame())
        record_file(folder, "frontier.csv")
        extra = {"path": p.path, "optimum": f.optimum, "optimum_value": f.value(f.optimum), "pareto": f.pareto,
                 "cliff": f.cliff, "cliff_value": f.value(f.cliff), "cliff_factor": cliff_factor,
                 "cliff_floor": CLIFF_FLOOR}
        write_atomic(folder / "summary.json",
                     json.dumps({**info(result, "frontier"), **extra}, indent=2, default=str) + "\n")
    return f
