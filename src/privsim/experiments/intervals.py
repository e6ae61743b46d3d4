"""Confidence intervals for the kind of quantity at hand: means (t), proportions (Wilson), differences.

A probability KPI is a share of replications in which something happened (0 or 1 each); its interval
is Wilson's score interval, which stays inside [0, 1] and is not degenerate at 0 of n or n of n (a
t-interval says "100% (100–100%)" at n = 3). Two independent proportions differ by Newcombe's hybrid
score interval; several comparisons are held to one family-wise level by Holm's step-down method.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

import numpy as np


def z_of(level: float) -> float:
    """The two-sided normal quantile of a confidence level (1.96 at 95%)."""
    return NormalDist().inv_cdf(0.5 + level / 2)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """t-based confidence interval of the mean (degenerate to the mean for n = 1 or no spread)."""
    from scipy import stats  # loads on first use: workers and the CLI start without it

    v = np.asarray(values, dtype=float)
    m = float(v.mean())
    if v.size < 2 or float(v.std()) == 0.0:
        return m, m
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return m - half, m + half


def welch_ci(a: np.ndarray, b: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Unpaired (Welch) CI of mean(a) − mean(b), ignoring that the replicates share random numbers."""
    diff = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return diff, diff
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    se = float(np.sqrt(va + vb))
    if se == 0.0:
        return diff, diff
    from scipy import stats

    df = (va + vb) ** 2 / (va**2 / (a.size - 1) + vb**2 / (b.size - 1))
    half = float(stats.t.ppf(0.5 + level / 2, df) * se)
    return diff - half, diff + half


def wilson(successes: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``successes / n`` (Wilson 1927; Newcombe 1998, method 3)."""
    if n <= 0:
        return math.nan, math.nan
    z = z_of(level)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(k1: float, n1: int, k2: float, n2: int, level: float = 0.95) -> tuple[float, float]:
    """CI of p1 − p2 for independent proportions: Newcombe's hybrid score interval (1998, method 10)."""
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, level)
    l2, u2 = wilson(k2, n2, level)
    d = p1 - p2
    return (d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2))


def holm(p_values: Sequence[float], alpha: float = 0.05) -> list[bool]:
    """Which hypotheses Holm's step-down method rejects at family-wise level ``alpha`` (Holm 1979)."""
    order = sorted(range(len(p_values)), key=lambda i: p_values[i])
    rejected = [False] * len(p_values)
    for rank, i in enumerate(order):
        if p_values[i] > alpha / (len(p_values) - rank):
            break
        rejected[i] = True
    return rejected


def holm_levels(count: int, alpha: float = 0.01) -> list[float]:
    """The confidence level of each of ``count`` intervals so that, by Holm, all hold at 1 − ``alpha``.

    An interval at level 1 − alpha/m for the comparison ranked first (Bonferroni) is what Holm's first step
    needs; the test uses that level for every comparison, the conservative end of Holm.
    """
    return [1 - alpha / count] * count
