"""Uncertainty analysis: the second kind of Monte Carlo.

Draw d sets the behaviour coefficients with the generator of (seed, d, COEFFICIENTS), so the draws are the
same on every executor: the coefficients fitted to calibration targets jointly from the shipped posterior
sample (``experiments/posterior.py``: they move together and stay near the figures they were fitted to),
the rest uniformly from their plausible ranges (``coefficients="ranges"`` draws every one uniformly). Each
draw runs ``inner`` replications (nested Monte Carlo), and the same replicates also run with the scenario's
own coefficients; on common random numbers that run is pure replication noise. Reported side by side: the
spread with coefficient uncertainty, the spread from noise alone, and the share of the variance the
coefficients add.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from privsim.experiments.arms import run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.intervals import holm
from privsim.experiments.posterior import load_sample
from privsim.experiments.runs import RunResult
from privsim.experiments.sensitivity import factor_ranges
from privsim.model.rng import Decision, Streams
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario

COLUMNS = ["segment", "kpi", "mean", "ci_low", "ci_high", "p5", "p95", "noise_mean", "noise_p5", "noise_p95",
           "sd", "noise_sd", "coefficient_share", "n"]


def draw_coefficients(ranges: dict[str, tuple[float, float, float]], seed: int, replicate: int,
                      joint: pd.DataFrame | None = None) -> dict[str, float]:
    """Draw ``replicate``'s coefficient values: uniform over each range, in the ranges' order.

    The paths of ``joint`` (a posterior sample) are drawn together, from one of its rows picked by the same
    generator.
    """
    g = Streams(seed, replicate).generator(Decision.COEFFICIENTS)
    u = g.random(len(ranges))
    out = {path: float(lo + x * (hi - lo)) for x, (path, (_, lo, hi)) in zip(u, ranges.items(), strict=True)}
    if joint is not None and len(joint):
        row = joint.iloc[int(g.integers(len(joint)))]
        out.update({p: float(row[p]) for p in joint.columns if p in out})
    return out


@dataclass
class Uncertainty:
    """Replications with drawn coefficients beside the same replications with fixed ones."""

    drawn: RunResult              # replicate d·inner + j: draw d, replication j
    fixed: RunResult              # the same replicates with the scenario's own coefficients
    draws: pd.DataFrame           # draw, <coefficient paths>
    inner: int = 1                # replications per draw
    source: str = "posterior"     # posterior | ranges

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
            share = self._coefficient_share(g, sd, noise_sd)
            rows.append({"segment": segment, "kpi": kpi, "mean": s["mean"], "ci_low": s["ci_low"],
                         "ci_high": s["ci_high"], "p5": s["p5"], "p95": s["p95"], "noise_mean": float(w.mean()),
                         "noise_p5": float(np.percentile(w, 5)), "noise_p95": float(np.percentile(w, 95)),
                         "sd": sd, "noise_sd": noise_sd, "coefficient_share": share, "n": int(v.size)})
        return pd.DataFrame(rows, columns=COLUMNS)

    def _coefficient_share(self, g: pd.DataFrame, sd: float, noise_sd: float) -> float:
        """Var(coefficients) / Var(total): nested when draws repeat, else against the fixed arm's noise."""
        if self.inner > 1:
            per = g.assign(draw=g["replicate"] // self.inner).groupby("draw")["value"]
            within = float(per.var(ddof=1).mean())
            between = float(per.mean().var(ddof=1)) - within / self.inner
            total = max(between, 0.0) + within
            return max(between, 0.0) / total if total > 0 else 0.0
        return max(0.0, 1.0 - noise_sd**2 / sd**2) if sd > 0 else 0.0

    def drivers(self, kpi: str, segment: str = "all", level: float = 0.05) -> pd.DataFrame:
        """Spearman rank correlation of each drawn coefficient with a KPI, its p-value and Holm's verdict.

        The KPI is its mean over a draw's replications; only coefficients with a detectable effect are ranked.
        """
        from scipy import stats  # loads on first use: the CLI starts without it

        k = self.drawn.kpis()
        k = k[(k["kpi"] == kpi) & (k["segment"] == segment)]
        k = k.assign(draw=k["replicate"] // self.inner).groupby("draw")["value"].mean()
        d = self.draws.set_index("draw").loc[k.index]
        rows = []
        for path in d.columns:
            if d[path].nunique() > 1 and k.nunique() > 1:
                test = stats.spearmanr(d[path], k)
                rho, p = float(test.statistic), float(test.pvalue)
            else:
                rho, p = float("nan"), float("nan")
            rows.append({"parameter": path, "kpi": kpi, "spearman": rho, "p": p})
        out = pd.DataFrame(rows, columns=["parameter", "kpi", "spearman", "p"])
        tested = out["p"].notna()
        out["effect"] = False
        if tested.any():
            out.loc[tested, "effect"] = holm(out.loc[tested, "p"].to_numpy(float), level)
        out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
        order = out[out["effect"]].sort_values("spearman", key=np.abs, ascending=False).index
        out.loc[order, "rank"] = np.arange(1, len(order) + 1)
        rest = out.index.difference(order)
        return pd.concat([out.loc[order], out.loc[rest].sort_values("spearman", key=np.abs, ascending=False)]
                         ).reset_index(drop=True)


def uncertainty(scenario: Scenario, reps: int | None = None, *, params: Sequence[str] | None = None,
                coefficients: Literal["posterior", "ranges"] = "posterior", inner: int = 1,
                seed: int | None = None, executor: str | Executor = "serial", workers: int | None = None,
                scheduler: str | None = None, progress: Progress = no_progress, baseline: bool = True) -> Uncertainty:
    """Replications with behaviour coefficients drawn, beside the same replications without.

    Args:
        scenario: the scenario
        reps: coefficient draws (default: the scenario's ``replications``)
        params: coefficient paths or groups to draw (default: every behaviour coefficient)
        coefficients: ``posterior`` (fitted coefficients jointly from the shipped sample, the rest from their
            ranges) or ``ranges`` (every one uniformly from its range)
        inner: replications per draw (nested Monte Carlo: the variance split is estimated within and between)
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
    joint = load_sample() if coefficients == "posterior" else None
    draws = [draw_coefficients(ranges, seed, d, joint) for d in range(reps)]
    drawn = [override(scenario, d, source="uncertainty") for d in draws]
    n = reps * inner
    cells = [*((drawn[r // inner], r) for r in range(n)), *((scenario, r) for r in range(n))]
    with make_executor(executor, workers, scheduler) as runner:
        results = run_cells(cells, seed, runner, baseline=baseline, progress=progress, stage="replications")
    return Uncertainty(drawn=RunResult(scenario=scenario, seed=seed, replications=results[:n]),
                       fixed=RunResult(scenario=scenario, seed=seed, replications=results[n:]),
                       draws=pd.DataFrame([{"draw": d, **v} for d, v in enumerate(draws)]), inner=inner,
                       source=coefficients)
