"""Uncertainty analysis: reproducible coefficient draws, reported apart from replication noise."""

import pandas as pd
import pytest

from privsim.experiments.runs import replicate
from privsim.experiments.sensitivity import factor_ranges
from privsim.experiments.uncertainty import draw_coefficients, uncertainty
from privsim.scenario.overrides import override
from tests.conftest import small


@pytest.fixture(scope="module")
def covert():
    return override(small("covert_sharing.yaml", 500), {"horizon_days": 180})


@pytest.fixture(scope="module")
def result(covert):
    return uncertainty(covert, 3)


def test_draws_are_reproducible_per_replicate_and_within_ranges(covert):
    ranges = factor_ranges(covert, ["behavior"])
    a, b = draw_coefficients(ranges, 5, 1), draw_coefficients(ranges, 5, 1)
    assert a == b != draw_coefficients(ranges, 5, 2)
    assert all(lo <= a[k] <= hi for k, (_, lo, hi) in ranges.items())
    assert not any(k.startswith("economics.") for k in a)


def test_fixed_arm_is_pure_replication_noise(covert, result):
    pd.testing.assert_frame_equal(result.fixed.kpis(), replicate(covert, 3).kpis())
    assert len(result.draws) == 3 and len(result.draws.columns) == len(factor_ranges(covert, ["behavior"])) + 1


def test_report_separates_coefficient_variance_from_noise(result):
    t = result.to_frame().set_index(["segment", "kpi"])
    assert ((t["coefficient_share"] >= 0) & (t["coefficient_share"] <= 1)).all()
    assert (t["p5"] <= t["p95"]).all() and (t["noise_p5"] <= t["noise_p95"]).all()
    trust = t.loc[("all", "trust_end")]
    assert trust["sd"] > trust["noise_sd"]            # behaviour coefficients move trust far more than noise
    breached = t.loc[("all", "breached")]             # nothing in the scenario can breach: no spread at all
    assert breached["sd"] == pytest.approx(0, abs=1e-12) and breached["noise_sd"] == pytest.approx(0, abs=1e-12)


def test_drivers_rank_coefficients_by_rank_correlation(result):
    d = result.drivers("trust_end")
    assert list(d.columns) == ["parameter", "kpi", "spearman"]
    rho = d["spearman"].dropna().abs()
    assert rho.is_monotonic_decreasing and rho.max() <= 1


def test_processes_draw_the_same(covert, result):
    again = uncertainty(covert, 3, executor="processes", workers=2)
    pd.testing.assert_frame_equal(again.to_frame(), result.to_frame())
