"""Resolution independence: the same real population simulated by different numbers of customers.

A result for a real population must not depend on how many customers simulate it beyond noise. This
runs a scenario at several sizes (same real population, same seed), and compares every KPI between two
sizes: probabilities by Newcombe's interval for a difference of proportions, everything else by Welch's,
with p-values (the level at which the interval first contains 0) for Holm's step-down method across the
comparisons made (docs/model.md §13). A share of fewer than five customers a replication at either size
is too discrete for Welch's normal approximation: it is reported, not tested.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from privsim.experiments.executors import Executor
from privsim.experiments.intervals import holm, newcombe, welch_ci
from privsim.experiments.results import summarize
from privsim.experiments.runs import replicate
from privsim.model.vocabulary import PROBABILITY, term
from privsim.scenario.overrides import resize
from privsim.scenario.schema import Scenario

MIN_EVENTS = 5.0     # a share below 5 customers a replication is too discrete for Welch's normal approximation
COUNTED = frozenset({"customers", "requests", "complaints"})   # units counted on simulated customers × represents


def by_size(scenario: Scenario, sizes: Sequence[int], reps: int, *, executor: str | Executor = "serial",
            workers: int | None = None) -> dict[int, pd.DataFrame]:
    """Per-replication KPIs (whole population) of ``scenario`` resized to each of ``sizes``: kpi × replicate."""
    out = {}
    for size in sizes:
        k = replicate(resize(scenario, size), reps, executor=executor, workers=workers).kpis()
        k = k[k.segment == "all"]
        out[size] = k.pivot(index="replicate", columns="kpi", values="value")
    return out


def summary(values: dict[int, pd.DataFrame], level: float = 0.95) -> pd.DataFrame:
    """Mean and interval of every KPI at every size, as the KPI table gives them (Wilson for probabilities)."""
    tables = []
    for size, wide in values.items():
        long = wide.reset_index().melt(id_vars="replicate", var_name="kpi", value_name="value")
        t = summarize(long.assign(segment="all"), level).rename(columns={"ci_low": "low", "ci_high": "high"})
        tables.append(t.assign(size=size)[["kpi", "size", "mean", "low", "high", "n"]])
    return pd.concat(tables, ignore_index=True)


@dataclass(frozen=True)
class Difference:
    """One KPI compared between two sizes."""

    kpi: str
    sizes: tuple[int, int]
    difference: float
    low: float
    high: float
    p_value: float
    scale: float                # the larger of the two means' magnitudes, for a relative reading
    testable: bool = True       # False: a share of fewer than MIN_EVENTS customers a replication

    @property
    def relative(self) -> float:
        """The difference as a share of the KPI's magnitude (0 when both are 0)."""
        return abs(self.difference) / self.scale if self.scale else 0.0


def compare(values: dict[int, pd.DataFrame], a: int, b: int, kpis: Sequence[str] | None = None,
            level: float = 0.99, real: float | None = None) -> list[Difference]:
    """Every KPI (or ``kpis``) at size ``a`` minus size ``b``, with its interval at ``level`` and p-value.

    With ``real`` (the real population), a count of fewer than five simulated customers a replication at
    either size is too discrete to test, as a share is.
    """
    left, right = values[a], values[b]
    out = []
    for kpi in kpis or sorted(set(left.columns) & set(right.columns)):
        x, y = left[kpi].dropna().to_numpy(float), right[kpi].dropna().to_numpy(float)
        if x.size < 2 or y.size < 2:
            continue
        scale = max(abs(x.mean()), abs(y.mean()))
        if term(kpi).unit == PROBABILITY:
            low, high = newcombe(x.sum(), x.size, y.sum(), y.size, level)
            p, testable = newcombe_p(x.sum(), x.size, y.sum(), y.size), True
        else:
            low, high = welch_ci(x, y, level)
            constant = np.allclose(x, x[0]) and np.allclose(y, y[0])
            p = (1.0 if math.isclose(x[0], y[0]) else 0.0) if constant else float(
                stats.ttest_ind(x, y, equal_var=False).pvalue)
            identical = constant and math.isclose(x[0], y[0])
            unit = term(kpi).unit
            events = {"share": (a, b)}.get(unit) or ((a / real, b / real) if real and unit in COUNTED else None)
            testable = identical or events is None or min(abs(x.mean()) * events[0],
                                                          abs(y.mean()) * events[1]) >= MIN_EVENTS
        out.append(Difference(kpi, (a, b), float(x.mean() - y.mean()), low, high, p, scale, testable))
    return out


def newcombe_p(k1: float, n1: int, k2: float, n2: int) -> float:
    """The p-value of Newcombe's interval: 1 − the level at which it first contains 0 (bisection)."""
    if k1 / n1 == k2 / n2:
        return 1.0

    def contains_zero(level: float) -> bool:
        low, high = newcombe(k1, n1, k2, n2, level)
        return low <= 0.0 <= high

    excludes, includes = 1e-9, 1.0 - 1e-12
    if not contains_zero(includes):
        return 1.0 - includes
    for _ in range(60):
        mid = (excludes + includes) / 2
        if contains_zero(mid):
            includes = mid
        else:
            excludes = mid
    return 1.0 - includes


def disagreements(differences: Sequence[Difference], alpha: float = 0.01) -> list[Difference]:
    """The testable differences Holm's method calls real at family-wise level ``alpha``."""
    tested = [d for d in differences if d.testable]
    rejected = holm([d.p_value for d in tested], alpha)
    return [d for d, r in zip(tested, rejected, strict=True) if r]
