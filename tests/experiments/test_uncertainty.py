"""Uncertainty analysis: reproducible coefficient draws, reported apart from replication noise."""

import numpy as np
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
    assert result.source == "posterior" and result.inner == 1


def test_report_separates_coefficient_variance_from_noise(result):
    t = result.to_frame().set_index(["segment", "kpi"])
    assert ((t["coefficient_share"] >= 0) & (t["coefficient_share"] <= 1)).all()
    assert (t["p5"] <= t["p95"]).all() and (t["noise_p5"] <= t["noise_p95"]).all()
    trust = t.loc[("all", "trust_end")]
    assert trust["sd"] > trust["noise_sd"]            # behaviour coefficients move trust far more than noise
    breached = t.loc[("all", "breached")]             # nothing in the scenario can breach: no spread at all
    assert breached["sd"] == pytest.approx(0, abs=1e-12) and breached["noise_sd"] == pytest.approx(0, abs=1e-12)


def test_drivers_rank_only_coefficients_with_a_detectable_effect(covert):
    wide = uncertainty(covert, 16)
    d = wide.drivers("trust_end")
    assert list(d.columns) == ["parameter", "kpi", "spearman", "p", "effect", "rank"]
    ranked = d[d["effect"]]
    assert list(ranked["rank"]) == list(range(1, len(ranked) + 1))
    assert ranked["spearman"].abs().is_monotonic_decreasing and (ranked["spearman"].abs() <= 1).all()
    assert d.loc[~d["effect"], "rank"].isna().all()
    cost = d.set_index("parameter").loc["behavior.breach.cost_exponent"]    # no breach in this scenario
    assert not cost["effect"] and pd.isna(cost["rank"])


def test_fitted_coefficients_are_drawn_jointly_from_the_posterior(covert):
    from privsim.experiments.posterior import load_sample

    sample = load_sample()
    ranges = factor_ranges(covert, ["behavior"])
    draws = pd.DataFrame([draw_coefficients(ranges, 5, r, sample) for r in range(40)])
    rows = {tuple(np.round(r, 6)) for r in sample.to_numpy()}
    assert all(tuple(np.round(v, 6)) in rows for v in draws[list(sample.columns)].to_numpy())
    uniform = pd.DataFrame([draw_coefficients(ranges, 5, r) for r in range(40)])
    fitted = "behavior.consent.intercept"
    assert draws[fitted].std() < uniform[fitted].std()           # the fit narrows what the range allows
    assert all(lo <= draws[p].min() and draws[p].max() <= hi for p, (_, lo, hi) in ranges.items())


def test_nested_replications_split_the_variance(covert):
    nested = uncertainty(covert, 4, inner=3)
    assert len(nested.drawn.replications) == 12 == len(nested.fixed.replications) and len(nested.draws) == 4
    t = nested.to_frame().set_index(["segment", "kpi"])
    assert ((t["coefficient_share"] >= 0) & (t["coefficient_share"] <= 1)).all()
    assert t.loc[("all", "trust_end"), "coefficient_share"] > 0.5


def test_processes_draw_the_same(covert, result):
    again = uncertainty(covert, 3, executor="processes", workers=2)
    pd.testing.assert_frame_equal(again.to_frame(), result.to_frame())


def test_drivers_with_too_few_draws_rank_nothing(covert):
    two = uncertainty(covert, 2, params=["behavior.trust.apology"])
    d = two.drivers("trust_end")
    assert not d["effect"].any() and d["rank"].isna().all()
