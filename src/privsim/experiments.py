"""Running the model: one replication (``simulate``) and Monte Carlo replications (``replicate``).

Each replication also runs the no-practice baseline arm on the same seed (common random
numbers), so privacy-driven churn and NPV against doing nothing are paired differences.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from privsim.engine import Probe, Replication
from privsim.executors import Progress, make_executor, no_progress
from privsim.results import ReplicationResult, kpi_frame, kpis_of, summarize, timeseries_frame
from privsim.scenario import Scenario


def simulate(scenario: Scenario, replicate: int = 0, *, seed: int | None = None, baseline: bool = True,
             exclusions: dict[str, Any] | None = None, probe: Probe | None = None) -> ReplicationResult:
    """Run one replication (and its no-practice baseline arm) and return its series and KPIs."""
    eng = Replication(scenario, replicate, seed=seed, exclusions=exclusions, probe=probe)
    rec = eng.run()
    base = None
    if baseline:
        base = Replication(scenario, replicate, seed=seed, with_strategy=False).run()
    size0 = np.diff(eng.pop.bounds)
    return ReplicationResult(replicate=replicate, segments=rec.segments, series=rec.series,
                             company=rec.company, marks=rec.marks, kpis=kpis_of(rec, base, size0))


def run_task(task: tuple[Scenario, int, int | None, bool]) -> ReplicationResult:
    """Worker entry point: one replication; an exception is recorded, never raised."""
    scenario, replicate, seed, baseline = task
    try:
        return simulate(scenario, replicate, seed=seed, baseline=baseline)
    except Exception as exc:  # a failed replication is recorded; the rest go on
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return ReplicationResult(replicate=replicate, segments=[], error=detail)


@dataclass
class RunResult:
    """All replications of one scenario, with frames and the KPI table."""

    scenario: Scenario
    seed: int
    replications: list[ReplicationResult] = field(default_factory=list)

    @property
    def failed(self) -> list[ReplicationResult]:
        """Replications that raised."""
        return [r for r in self.replications if r.failed]

    def to_frame(self) -> pd.DataFrame:
        """Tidy daily time series of every successful replication."""
        return timeseries_frame(self.replications)

    def kpis(self) -> pd.DataFrame:
        """Per-replication KPIs (long)."""
        return kpi_frame(self.replications)

    def summary(self) -> pd.DataFrame:
        """The KPI table: mean, 95% CI of the mean, P5–P95 spread, n."""
        return summarize(self.kpis())

    @property
    def marks(self) -> list[tuple[int, str, str]]:
        """Event markers of the first successful replication (scheduled events are shared)."""
        ok = [r for r in self.replications if not r.failed]
        return ok[0].marks if ok else []


def replicate(scenario: Scenario, reps: int | None = None, *, seed: int | None = None,
              executor: str = "serial", workers: int | None = None, scheduler: str | None = None,
              progress: Progress = no_progress, baseline: bool = True) -> RunResult:
    """Run ``reps`` replications (default: the scenario's) on the chosen executor."""
    reps = scenario.replications if reps is None else reps
    seed = scenario.seed if seed is None else seed
    tasks = [(scenario, r, seed, baseline) for r in range(reps)]
    runner = make_executor(executor, workers, scheduler)
    results = runner.map(run_task, tasks, progress, "replications")
    return RunResult(scenario=scenario, seed=seed, replications=results)
