"""Consent: who is asked grants with the documented probability; a campaign only changes yes-sayers."""

import numpy as np
import pytest

from privsim.model import behavior as eq
from privsim.model.consent import Ask, stage_consent
from privsim.model.practices import DENIED, GRANTED, UNASKED
from tests.model.sim import QUIET, replication

OPT_IN = """
strategy:
  practices: [{id: p, purpose: profiling, data: [browsing], consent: opt_in, start_day: 5, incentive: 2.0}]
"""


def test_opt_in_grants_with_probability_sigma_of_utility():
    eng = replication(OPT_IN + QUIET, until=5, size=20000, represents=3.0)
    pop, f = eng.pop, eng.flows[0]
    asked = np.flatnonzero(pop.active)
    ratio = f.incentive / np.maximum(pop.value[asked], np.float32(1.0))
    expected = eq.sigmoid(eq.consent_utility(eng.b, pop.trust[asked], pop.concern[asked], f.x, f.shift, ratio))
    eng.run(until=6)
    consent = eng.practices.consent[0]
    granted = consent[asked] == GRANTED
    assert granted.mean() == pytest.approx(expected.mean(), abs=4 * np.sqrt(0.25 / asked.size))
    assert set(np.unique(consent[asked])) == {GRANTED, DENIED} and (np.delete(consent, asked) == UNASKED).all()
    assert np.array_equal(eng.practices.reach[0], (consent == GRANTED) & eng.pop.active)
    assert eng.recorder.company["costs"][5] == pytest.approx(2.0 * granted.sum() * 3.0)   # incentives paid


def test_an_opt_out_notice_leaves_non_readers_in():
    eng = replication(OPT_IN.replace("opt_in", "opt_out") + QUIET, until=6, size=20000)
    attention = eng.b.notice.email
    denied = (eng.practices.consent[0] == DENIED).mean()
    assert 0 < denied < attention                     # only readers can say no


def test_a_campaign_changes_only_the_minds_of_those_who_say_yes():
    eng = replication(OPT_IN + QUIET, until=6, size=3000)
    p = eng.practices
    before = p.consent[0].copy()
    refused = np.flatnonzero((before == DENIED) & eng.pop.active)
    eng.begin_day()
    eng.asks.append(Ask(0, refused, "campaign", attention=1.0, label="again"))
    stage_consent(eng, 6)
    after = p.consent[0]
    assert ((after == before) | (after == GRANTED)).all()     # nobody is turned from yes to no
    won = np.flatnonzero((before == DENIED) & (after == GRANTED))
    assert 0 < won.size < refused.size and p.reach[0, won].all()
    assert eng.day_counts["asked.again"].sum() == refused.size
    assert eng.day_counts["granted.again"].sum() == won.size


def test_nobody_churned_is_asked():
    eng = replication(OPT_IN + QUIET, until=5, size=500)
    eng.pop.active[:100] = False
    eng.run(until=6)
    assert (eng.practices.consent[0, :100] == UNASKED).all()
