"""Intervals: t for means, Wilson for proportions, Newcombe for differences, Holm for families."""

import numpy as np
import pandas as pd
import pytest

from privsim.experiments.intervals import holm, mean_ci, newcombe, welch_ci, wilson
from privsim.experiments.results import summarize


def test_mean_ci_and_summary():
    low, high = mean_ci(np.array([1.0, 2.0, 3.0]))
    assert low < 2.0 < high and high - 2.0 == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-5)
    assert mean_ci(np.array([5.0])) == (5.0, 5.0)
    table = summarize(pd.DataFrame({"replicate": [0, 1, 2], "segment": "all", "kpi": "npv", "value": [1.0, 2, 3]}))
    row = table.iloc[0]
    assert row["mean"] == 2.0 and row.p5 == pytest.approx(1.1) and row.p95 == pytest.approx(2.9) and row.n == 3


def test_welch_ci_covers_the_difference_and_degenerates_without_spread():
    a, b = np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.5, 1.0])
    low, high = welch_ci(a, b)
    assert low < 1.5 < high
    assert welch_ci(np.ones(3), np.zeros(3)) == (1.0, 1.0)


def test_wilson_matches_the_published_values():
    assert wilson(81, 263) == pytest.approx((0.2553, 0.3662), abs=1e-4)       # Newcombe 1998, table I
    assert wilson(0, 3) == pytest.approx((0.0, 0.5615), abs=1e-4)             # 0 of 3 is not "0% (0–0%)"
    assert wilson(3, 3) == pytest.approx((0.4385, 1.0), abs=1e-4)


def test_newcombe_difference_matches_the_published_example():
    assert newcombe(56, 70, 48, 80) == pytest.approx((0.0524, 0.3339), abs=1e-4)   # Newcombe 1998, method 10


def test_holm_steps_down():
    assert holm([0.01, 0.04, 0.03, 0.005], alpha=0.05) == [True, False, False, True]
    assert holm([0.2, 0.3]) == [False, False]


def test_a_probability_kpi_gets_a_wilson_interval_in_the_kpi_table():
    rows = [{"replicate": r, "segment": "all", "kpi": "regulator_action", "value": 1.0} for r in range(3)]
    row = summarize(pd.DataFrame(rows)).iloc[0]
    assert row["mean"] == 1.0 and row["ci_low"] == pytest.approx(0.4385, abs=1e-4) and row["ci_high"] == 1.0
