"""Uncertainty analysis: the second kind of Monte Carlo.

Replication r draws every behaviour coefficient uniformly from its documented plausible
range with the generator of (seed, r, COEFFICIENTS), so the draws are the same on every
executor. The same replicates also run with the scenario's own coefficients; on common
random numbers that run is pure replication noise, and the two are reported side by side:
the spread with coefficient uncertainty, the spread from noise alone, and the share of the
variance the coefficients add.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privsim.experiments.arms import run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.runs import RunResult
from privsim.experiments.sensitivity import factor_ranges
from privsim.model.rng import Decision, Streams
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario

COLUMNS = ["segment", "kpi", "mean", "ci_low", "ci_high", "p5", "p95", "noise_mean", "noise_p5", "noise_p95",
           "sd", "noise_sd", "coefficient_share", "n"]


def draw_coefficients(ranges: dict[str, tuple[float, float, float]], seed: int, replicate: int) -> dict[str, float]:
    """Replicate ``replicate``'s coefficient values: uniform over each range, in the ranges' order."""
    u = Streams(seed, replicate).generator(Decision.COEFFICIENTS).random(len(ranges))
    return {path: float(lo + x * (hi - lo)) for x, (path, (_, lo, hi)) in zip(u, ranges.items(), strict=True)}


@dataclass
class Uncertainty:
    """Replications with drawn coefficients beside the same replications with fixed ones."""

    drawn: RunResult
    fixed: RunResult
    draws: pd.DataFrame           # replicate, <coefficient paths>

    def to_frame(self) -> pd.DataFrame:
        """Per segment and KPI: the spread with coefficient uncertainty beside the spread from noise alone.

        Mean, CI and P5–P95 with drawn coefficients; mean and P5–P95 with fixed ones; both standard
        deviations and the share of the variance the coefficients add.
        """
        a, b = self.drawn.kpis(), self.fixed.kpis()
        both = a.merge(b, on=["replicate", "segment", "kpi"], suffixes=("", "_noise"))
        rows = []
        drawn = self.drawn.summary().set_index(["segment", "kpi"])
        for (segment, kpi), g in both.groupby(["segment", "kpi"], sort=False, observed=True):
            v, w = g["value"].to_numpy(float), g["value_noise"].to_numpy(float)
            v, w = v[~np.isnan(v)], w[~np.isnan(w)]
            if v.size == 0 or w.size == 0 or (segment, kpi) not in drawn.index:
                continue
            s = drawn.loc[(segment, kpi)]
            sd, noise_sd = float(v.std(ddof=1)) if v.size > 1 else 0.0, float(w.std(ddof=1)) if w.size > 1 else 0.0
            share = max(0.0, 1.0 - noise_sd**2 / sd**2) if sd > 0 else 0.0
            rows.append({"segment": segment, "kpi": kpi, "mean": s["mean"], "ci_low": s["ci_low"],
                         "ci_high": s["ci_high"], "p5": s["p5"], "p95": s["p95"], "noise_mean": float(w.mean()),
                         "noise_p5": float(np.percentile(w, 5)), "noise_p95": float(np.percentile(w, 95)),
                         "sd": sd, "noise_sd": noise_sd, "coefficient_share": share, "n": int(v.size)})
        return pd.DataFrame(rows, columns=COLUMNS)

    def drivers(self, kpi: str, segment: str = "all") -> pd.DataFrame:
        """Spearman rank correlation of each drawn coefficient with a KPI, strongest first."""
        from scipy import stats  # loads on first use: the CLI starts without it

        k = self.drawn.kpis()
        k = k[(k["kpi"] == kpi) & (k["segment"] == segment)].set_index("replicate")["value"]
        d = self.draws.set_index("replicate").loc[k.index]
        rows = []
        for path in d.columns:
            rho = stats.spearmanr(d[path], k).statistic if d[path].nunique() > 1 and k.nunique() > 1 else np.nan
            rows.append({"parameter": path, "kpi": kpi, "spearman": float(rho)})
        out = pd.DataFrame(rows, columns=["parameter", "kpi", "spearman"])
        return out.reindex(out["spearman"].abs().sort_values(ascending=False).index).reset_index(drop=True)


def uncertainty(scenario: Scenario, reps: int | None = None, *, params: Sequence[str] | None = None,
                seed: int | None = None, executor: str | Executor = "serial", workers: int | None = None,
                scheduler: str | None = None, progress: Progress = no_progress, baseline: bool = True) -> Uncertainty:
    """Replications with behaviour coefficients drawn from their ranges, beside the same replications without.

    Args:
        scenario: the scenario
        reps: replications per scenario (default: the scenario's ``replications``)
        params: coefficient paths or groups to draw (default: every behaviour coefficient)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
        baseline: also run the no-practice baseline arm, for privacy churn and NPV against doing nothing
    """
    reps = scenario.replications if reps is None else reps
    seed = scenario.seed if seed is None else seed
    ranges = factor_ranges(scenario, params or ["behavior"])
    draws = [draw_coefficients(ranges, seed, r) for r in range(reps)]
    drawn = [override(scenario, d, source="uncertainty") for d in draws]
    cells = [*((s, r) for r, s in enumerate(drawn)), *((scenario, r) for r in range(reps))]
    with make_executor(executor, workers, scheduler) as runner:
        results = run_cells(cells, seed, runner, baseline=baseline, progress=progress, stage="replications")
    return Uncertainty(drawn=RunResult(scenario=scenario, seed=seed, replications=results[:reps]),
                       fixed=RunResult(scenario=scenario, seed=seed, replications=results[reps:]),
                       draws=pd.DataFrame([{"replicate": r, **d} for r, d in enumerate(draws)]))
