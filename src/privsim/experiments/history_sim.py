"""Simulating what a history observed: daily series per replicate, summed over each history row's period.

The scenario's day 0 is the history's first date and its horizon the days the history covers. A replication
records sends, opt-outs, complaints and leavers per day and segment (``model.recorder``); the per-practice
opt-outs, consent questions and grants a history may name by purpose are read each day through the engine's
probe. Every replicate runs on one seed (common random numbers), so the same coefficients give the same sums.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from privsim.experiments.executors import Executor, Progress, no_progress
from privsim.model.engine import Replication
from privsim.scenario.history import History, check_against
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

SERIES = {"sends": "sends", "unsubscribes": "opt_outs", "complaints": "complaints", "churn": "churned"}


def for_history(scenario: Scenario, history: History) -> Scenario:
    """The scenario starting on the history's first date and running for the days it covers."""
    check_against(history, scenario)
    return override(scenario, {"start_date": history.start.isoformat(), "horizon_days": history.days},
                    source=history.source)


def arrays(rows: pd.DataFrame) -> list[str]:
    """The daily arrays the rows need: recorder series, and per-practice counts read by the probe."""
    need = {"sends"}
    for metric, purpose in zip(rows["metric"], rows["purpose"], strict=True):
        if metric == "consent_rate":
            need |= {f"asked.{purpose}", f"granted.{purpose}"}
        elif metric == "unsubscribes" and purpose:
            need.add(f"opt_outs.{purpose}")
        else:
            need.add(SERIES[metric])
    return sorted(need)


def observe(task: tuple[Scenario, int, int, list[str]]) -> dict[str, np.ndarray] | str:
    """Worker entry point: one replication's daily arrays (days × segments + all); an error is returned as text.

    Recorder series are in real customers (× represents); per-practice opt-outs too; consent questions and
    grants stay in simulated customers, the sample a rate's uncertainty rests on.
    """
    scenario, replicate, seed, names = task
    probed = [n for n in names if "." in n]
    days, segments = scenario.horizon_days, len(scenario.population.segments)
    out = {n: np.zeros((days, segments + 1)) for n in probed}
    scale = {n: scenario.population.represents if n.startswith("opt_outs.") else 1.0 for n in probed}

    def probe(day: int, eng: Any) -> None:
        for name in probed:
            counts = eng.day_counts.get(name)
            if counts is not None:
                out[name][day, :-1] = counts * scale[name]
                out[name][day, -1] = counts.sum() * scale[name]

    try:
        rec = Replication(scenario, replicate, seed=seed, probe=probe).run()
    except Exception as exc:  # a failed replication is reported, never raised in a worker
        return traceback.format_exception_only(type(exc), exc)[-1].strip()
    return {**{n: rec.series[n] for n in names if "." not in n}, **out}


@dataclass(frozen=True)
class Simulated:
    """Per replicate and history row: the simulated sum over the row's period.

    ``count`` is the metric's count in real customers (consent rows: grants); ``sends`` the simulated sends of
    the row's period and segment (what per-send rows scale by); ``asked`` and ``granted`` the consent questions
    and grants of a consent row in simulated customers. Arrays are (replicates, rows).
    """

    count: np.ndarray
    sends: np.ndarray
    asked: np.ndarray
    represents: float


def simulate_rows(scenario: Scenario, rows: pd.DataFrame, reps: int, seed: int, runner: Executor,
                  progress: Progress = no_progress, stage: str = "replications") -> Simulated:
    """Run ``reps`` replications and sum each row's period; a failed replication stops the fit."""
    names = arrays(rows)
    results = runner.map(observe, [(scenario, r, seed, names) for r in range(reps)], progress, stage)
    failed = [r for r in results if isinstance(r, str)]
    if failed:
        raise RuntimeError(f"replication failed: {failed[0]}")
    column = _columns(scenario, rows)
    start, end = rows["day"].to_numpy(), rows["end"].to_numpy()
    source = [f"asked.{p}" if m == "consent_rate" else f"opt_outs.{p}" if m == "unsubscribes" and p else SERIES[m]
              for m, p in zip(rows["metric"], rows["purpose"], strict=True)]
    granted = [f"granted.{p}" if m == "consent_rate" else "" for m, p in zip(rows["metric"], rows["purpose"],
                                                                             strict=True)]
    count, sends, asked = (np.zeros((reps, len(rows))) for _ in range(3))
    for r, daily in enumerate(results):
        assert not isinstance(daily, str)
        sums = {n: np.vstack([np.zeros((1, a.shape[1])), np.cumsum(a, axis=0)]) for n, a in daily.items()}

        def period(name: str, idx: np.ndarray, sums: dict[str, np.ndarray] = sums) -> np.ndarray:
            c = sums[name]
            return c[end[idx], column[idx]] - c[start[idx], column[idx]]

        for name in set(source) | {g for g in granted if g}:
            idx = np.flatnonzero([s == name for s in source])
            if idx.size:
                (asked if name.startswith("asked.") else count)[r, idx] = period(name, idx)
            idx = np.flatnonzero([g == name for g in granted])
            if idx.size:
                count[r, idx] = period(name, idx)
        sends[r] = period("sends", np.arange(len(rows)))
    return Simulated(count=count, sends=sends, asked=asked, represents=scenario.population.represents)


def _columns(scenario: Scenario, rows: pd.DataFrame) -> np.ndarray:
    """The series column of each row: its segment's, or the last (all customers) when blank."""
    names = list(scenario.population.segments)
    return np.asarray([names.index(s) if s else len(names) for s in rows["segment"]], dtype=np.int64)
