"""Churn: the segment baseline without practices, decided exits after their delay, leaving clears all state."""

import numpy as np
import pytest

from privsim.model.churn import deactivate, decide_exits
from tests.model.sim import QUIET, replication


def test_without_practices_churn_is_the_segment_baseline():
    eng = replication(QUIET, until=366, size=30000, horizon=365)
    left = eng.recorder.series["churned"].sum(axis=0)[:-1] / np.diff(eng.pop.bounds)
    expected = [s.churn_per_year for s in eng.s.population.segments.values()]
    assert left == pytest.approx(expected, abs=0.012)


def test_leaving_clears_state_and_every_flow():
    eng = replication("strategy: {practices: [{id: p, purpose: profiling, data: [browsing], consent: none}]}\n"
                      + QUIET, until=3, size=300)
    idx = np.flatnonzero(eng.pop.active)[::2]        # only customers still active can leave
    reached, leaving = eng.practices.reach_count.sum(), eng.practices.reach[:, idx].sum()
    eng.begin_day()
    deactivate(eng, idx, 3)
    assert not eng.pop.active[idx].any() and (eng.churned_day[idx] == 3).all()
    assert (eng.pop.trust[idx] == 0).all() and (eng.pop.base_hazard[idx] == 0).all()
    assert not eng.practices.reach[:, idx].any() and eng.practices.reach_count.sum() == reached - leaving
    assert eng.active_count.sum() == eng.pop.active.sum()
    assert eng.day_counts["churned"].sum() == idx.size


def test_decided_exits_come_after_a_delay_and_are_kept_past_the_horizon():
    eng = replication(QUIET, until=10, size=2000, horizon=200)
    idx = np.arange(2000)
    q = np.full(2000, 1.0, dtype=np.float32)
    v = np.zeros(2000, dtype=np.float32)             # every draw under s·q: all decide to leave
    decide_exits(eng, idx, q, v, key=1, day=10)
    days = sorted(eng.exits)
    assert days[0] > 10 and eng.any_stated
    deciding = int(np.count_nonzero(eng.pop.active))          # all who are still customers; past the horizon
    assert sum(e.size for e in eng.exits.values()) == deciding   # their exits shorten the terminal value
    within = sum(e.size for d, e in eng.exits.items() if d < 200)
    mean_delay = eng.b.churn.leave_delay_days
    assert within / 2000 == pytest.approx(1 - np.exp(-(200 - 11) / mean_delay), abs=0.04)


def test_no_exit_without_stated_intent():
    eng = replication(QUIET, until=10, size=500)
    decide_exits(eng, np.arange(500), np.zeros(500, dtype=np.float32), np.zeros(500, dtype=np.float32), 1, 10)
    assert not eng.exits


def test_trust_earned_above_the_baseline_lowers_churn_within_its_bound():
    """A consented practice that delivers value raises trust above its baseline: privacy-driven churn < 0."""
    from privsim.experiments.runs import replicate
    from tests.model.sim import scenario

    body = """
strategy:
  practices: [{id: care, purpose: service_delivery, data: [contact, purchase_history], consent: opt_in,
               revenue_lift: 0.20}]
""" + QUIET
    k = replicate(scenario(body, size=8000, horizon=730), 6).kpis()
    k = k[k["segment"] == "all"].pivot(index="replicate", columns="kpi", values="value")
    churn = k["privacy_churn"].to_numpy()
    assert churn.mean() + 3 * churn.std(ddof=1) / np.sqrt(churn.size) < 0
    assert churn.mean() > -2 * 0.01               # never more than the 1 pp a year the evidence bounds


def test_loyalty_is_bounded():
    from privsim.model import behavior as eq

    eng = replication(QUIET, until=1, size=10)
    base = np.full(3, 0.5, dtype=np.float32)
    trust = np.array([0.25, 0.5, 1.0], dtype=np.float32)
    q = eq.chronic_intent(eng.b, trust, base, 1 / base, np.empty(3, dtype=np.float32))
    c = eng.b.churn
    assert q[0] == pytest.approx(c.intent_trust * 0.5) and q[1] == 0.0
    assert q[2] == pytest.approx(-min(c.intent_loyalty * 1.0, c.loyalty_max))
