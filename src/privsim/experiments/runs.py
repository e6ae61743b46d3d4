"""Running the model: one replication (``simulate``) and Monte Carlo replications (``replicate``).

Each replication also runs the no-practice baseline arm on the same seed (common random
numbers), so privacy-driven churn and NPV against doing nothing are paired differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from privsim.experiments.arms import arm, run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.results import ReplicationResult, company_frame, kpi_frame, summarize, timeseries_frame
from privsim.model.engine import Probe
from privsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd


def simulate(scenario: Scenario, replicate: int = 0, *, seed: int | None = None, baseline: bool = True,
             exclusions: dict[str, Any] | None = None, probe: Probe | None = None) -> ReplicationResult:
    """Run one replication (and its no-practice baseline arm) and return its series and KPIs.

    Args:
        scenario: the resolved scenario
        replicate: replicate index; with the seed it picks the random streams
        seed: base seed (default: the scenario's)
        baseline: also run the no-practice baseline arm, for privacy churn and NPV against doing nothing
        exclusions: ``{practice id: customer indexes}`` left out of a practice's targets (CRN tests)
        probe: called as ``probe(day, replication)`` after every simulated day
    """
    base = arm(scenario, replicate, seed, with_strategy=False) if baseline else None
    return arm(scenario, replicate, seed, base=base, exclusions=exclusions, probe=probe)


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
        """Tidy daily series per segment of every successful replication (replicate, day, segment, metrics)."""
        return timeseries_frame(self.replications)

    def company_frame(self) -> pd.DataFrame:
        """Tidy daily company-level series (NPV, cash, salience, …) of every successful replication."""
        return company_frame(self.replications)

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
              executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
              progress: Progress = no_progress, baseline: bool = True) -> RunResult:
    """Run ``reps`` replications of a scenario on the chosen executor.

    Args:
        scenario: the resolved scenario
        reps: replications per scenario (default: the scenario's ``replications``)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
        baseline: also run the no-practice baseline arm, for privacy churn and NPV against doing nothing
    """
    reps = scenario.replications if reps is None else reps
    seed = scenario.seed if seed is None else seed
    with make_executor(executor, workers, scheduler) as runner:   # one pool for baseline and strategy arms
        results = run_cells([(scenario, r) for r in range(reps)], seed, runner, baseline=baseline,
                            progress=progress)
    return RunResult(scenario=scenario, seed=seed, replications=results)
