"""Sensitivity: factor ranges, tornado swings, Morris design and elementary effects."""

import numpy as np
import pytest

from privsim.errors import InputError
from privsim.experiments.sensitivity import ECONOMICS, factor_ranges, morris_design, sensitivity
from privsim.model.rng import Streams
from privsim.scenario.overrides import override
from tests.conftest import small

FACTORS = ["behavior.discovery.media_reach", "economics.discount_rate"]


@pytest.fixture(scope="module")
def covert():
    return override(small("covert_sharing.yaml", 500), {"horizon_days": 180})


def test_factor_ranges(covert):
    ranges = factor_ranges(covert)
    assert "behavior.opt_out.reference_per_month" not in ranges          # lo == hi: nothing to vary
    assert set(ECONOMICS) <= set(ranges)
    value, lo, hi = ranges["economics.cost_per_contact"]
    assert (lo, hi) == (value * 0.5, value * 2.0)
    chosen = factor_ranges(covert, ["behavior.consent", "economics.discount_rate"])
    assert all(k.startswith("behavior.consent.") for k in chosen if k != "economics.discount_rate")
    with pytest.raises(InputError, match=r"did you mean 'behavior\.consent'"):
        factor_ranges(covert, ["behavior.consnt"])


def test_tornado_swings_follow_the_model(covert):
    result = sensitivity(covert, "tornado", params=FACTORS, reps=2)
    t = result.to_frame().set_index(["parameter", "kpi"])
    money = t.loc[("economics.discount_rate", "npv")]
    assert money.value_high < money.base_value < money.value_low       # discounting more lowers NPV
    assert t.loc[("economics.discount_rate", "backlash_peak"), "effect"] == 0.0   # money does not feed back (CRN)
    media = t.loc[("behavior.discovery.media_reach", "backlash_peak")]
    assert media.value_high > media.value_low and media["rank"] == 1
    assert set(result.ranked("npv")["rank"]) == {1, 2}
    assert len(result.points) == 1 + 2 * len(FACTORS)


def test_morris_design_moves_one_factor_by_delta_per_step():
    unit = morris_design(5, 3, 4, Streams(1, 0).generator(13))
    assert unit.shape == (3, 6, 5) and unit.min() >= 0 and unit.max() <= 1
    steps = np.diff(unit, axis=1)
    moved = np.abs(steps) > 1e-12
    assert (moved.sum(axis=2) == 1).all() and (moved.sum(axis=1) == 1).all()
    assert np.allclose(np.abs(steps[moved]), 4 / 6)


def test_morris_effects_rank_and_zero_for_no_effect(covert):
    result = sensitivity(covert, "morris", params=FACTORS, reps=1, trajectories=3)
    t = result.to_frame().set_index(["parameter", "kpi"])
    assert t.loc[("economics.discount_rate", "backlash_peak"), "mu_star"] == 0.0
    assert t.loc[("economics.discount_rate", "npv"), "mu"] < 0
    assert t.loc[("behavior.discovery.media_reach", "backlash_peak"), "mu_star"] > 0
    assert len(result.points) == 3 * (len(FACTORS) + 1)


def test_bad_method_is_bad_input(covert):
    with pytest.raises(InputError, match="allowed: tornado, morris"):
        sensitivity(covert, "sobol", params=FACTORS, reps=1)
