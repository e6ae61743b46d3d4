import math

import numpy as np
import pytest
from pydantic import BaseModel

from privsim.model import behavior as eq
from privsim.scenario import taxonomy
from privsim.scenario.coefficients import Behavior, coefficient_ranges

B = Behavior()


def arr(*values):
    return np.asarray(values, dtype=np.float32)


def test_sigmoid():
    assert eq.sigmoid(arr(0.0))[0] == pytest.approx(0.5)
    assert eq.sigmoid(arr(20.0))[0] == pytest.approx(1.0)


def test_consent_falls_with_concern_and_privacy_cost_rises_with_trust_and_incentive():
    def u(trust, concern, x, inc=0.0):
        return eq.consent_utility(B, arr(trust), arr(concern), x, 0.0, inc)[0]

    assert u(0.6, 0.8, 0.3) < u(0.6, 0.2, 0.3)
    assert u(0.6, 0.5, 0.4) < u(0.6, 0.5, 0.1)
    assert u(0.8, 0.5, 0.3) > u(0.3, 0.5, 0.3)
    assert u(0.6, 0.5, 0.3, arr(0.05)) > u(0.6, 0.5, 0.3)


def test_a_default_on_choice_is_more_often_kept_than_an_opt_in_is_given():
    utility = arr(-1.0, 0.0, 1.0)
    p_in = eq.choice_probability(B, "opt_in", utility.copy())
    p_out = eq.choice_probability(B, "opt_out", utility.copy())
    assert np.all(p_out > p_in)
    assert p_out[0] == pytest.approx(1 / (1 + math.exp(-(-1.0 + B.consent.default_shift))), rel=1e-6)


def test_same_coefficients_give_both_opt_in_figures_through_the_taxonomy():
    """ATT-style tracking and a first-party banner differ only in purpose expectedness."""
    tracking = taxonomy.privacy_cost(["browsing"], "cross_context_tracking")
    banner = taxonomy.privacy_cost(["browsing"], "site_analytics")
    assert tracking > 2 * banner


def test_per_send_hazards_rise_with_frequency_intrusion_and_low_trust():
    felt, concern = arr(0.5), arr(0.5)
    base, _ = eq.per_send_hazards(B, 4, 0.2, felt.copy(), concern, eq.trust_factor(B, arr(0.6)))
    freq, _ = eq.per_send_hazards(B, 16, 0.2, felt.copy(), concern, eq.trust_factor(B, arr(0.6)))
    low_trust, _ = eq.per_send_hazards(B, 4, 0.2, felt.copy(), concern, eq.trust_factor(B, arr(0.2)))
    intrusive, _ = eq.per_send_hazards(B, 4, 0.8, felt.copy(), concern, eq.trust_factor(B, arr(0.6)))
    assert freq[0] == pytest.approx(base[0] * 4 ** B.opt_out.frequency_elasticity, rel=1e-5)
    assert low_trust[0] > base[0] and intrusive[0] > base[0]


def test_chronic_intent_from_lost_trust_and_a_bounded_intent_to_stay_from_trust_earned():
    out = np.empty(3, dtype=np.float32)
    base = arr(0.6, 0.6, 0.6)
    q = eq.chronic_intent(B, arr(0.7, 0.6, 0.3), base, 1 / base, out)
    assert q[0] == pytest.approx(-B.churn.intent_loyalty / 6, rel=1e-5)      # 0.1 above 0.6: a sixth
    assert q[1] == 0 and q[2] == pytest.approx(B.churn.intent_trust * 0.5, rel=1e-5)


def test_intent_on_learning_is_capped_at_stated_share():
    q = eq.intent_on_learning(B, arr(0.9, 0.1), arr(0.3, 0.4))
    assert q[0] == pytest.approx(B.churn.intent_offended) and q[1] == pytest.approx(B.churn.intent_offended * 0.25)


def test_salience_shape_and_half_life():
    assert eq.salience_shape(B, 0) == pytest.approx(1.0)
    assert eq.salience_shape(B, -1) == 0.0
    assert 0.5 < eq.salience_shape(B, 1) < 0.65 and eq.salience_shape(B, 2) < 0.5  # half-life ≈ 1.5 days
    assert eq.salience_shape(B, 30) < 0.1 < eq.salience_shape(B, 7)


def test_discovery_hazard_zero_without_reach_and_grows_with_it():
    assert eq.discovery_hazard(B, 0.0, 0.5, 0.9, False, False, 0.0) == 0.0
    small = eq.discovery_hazard(B, 0.1, 0.5, 0.9, False, False, 0.0)
    full = eq.discovery_hazard(B, 1.0, 0.5, 0.9, False, False, 0.0)
    assert full > small > 0
    assert eq.discovery_hazard(B, 1.0, 0.5, 0.9, True, False, 0.0) < full
    assert eq.discovery_hazard(B, 1.0, 0.5, 0.9, False, True, 0.0) > full


def test_every_coefficient_has_a_source_and_range():
    ranges = coefficient_ranges()
    assert len(ranges) > 60
    for path, (_, lo, hi) in ranges.items():
        assert lo <= hi, path
    for group in Behavior.model_fields:
        sub = getattr(B, group)
        if isinstance(sub, BaseModel):
            for name, f in type(sub).model_fields.items():
                assert f.description and f.description[:3] in ("[V]", "[R]", "[N]", "[A]", "[F]"), f"{group}.{name}"


def test_taxonomy_values_have_rationale():
    for table in (taxonomy.CATEGORIES, taxonomy.PURPOSES):
        for name, entry in table.items():
            assert entry.why.startswith(("[V]", "[R]", "[N]", "[A]")), name
    assert all(0 <= c.sensitivity <= 1 for c in taxonomy.CATEGORIES.values())
    assert all(0 <= p.expectedness <= 1 for p in taxonomy.PURPOSES.values())
