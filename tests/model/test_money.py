"""Money: revenue of active customers and lifts, unit costs, and NPV discounted daily."""

import numpy as np
import pytest

from privsim.model.flows import frequency_lift
from tests.model.sim import QUIET, replication


def test_without_practices_revenue_is_active_value_per_day_and_npv_discounts_it():
    eng = replication(QUIET, until=366, size=1000, represents=4.0, horizon=365)
    r = eng.recorder
    revenue = r.series["revenue"][:, -1]
    assert revenue[-1] == pytest.approx(float(eng.active_value.sum()) / 365 * 4.0, rel=1e-9)
    assert revenue[0] > revenue[-1] * 1.05                            # a tenth of the base leaves in a year
    cash = r.company["cash"]
    assert np.allclose(cash, eng.s.economics.margin * revenue)        # nothing to pay: the contribution
    discount = (1 + eng.s.economics.discount_rate) ** (-(np.arange(365) + 1) / 365)
    assert r.company["npv"][-1] == pytest.approx(float((cash * discount).sum()), rel=1e-9)


def test_a_lift_and_data_revenue_apply_to_reached_customers_and_contacts_cost():
    body = """
strategy:
  practices: [{id: n, purpose: marketing_email, data: [contact], consent: notice_only, channel: email,
               contacts_per_month: 30.4375, revenue_lift: 0.1, data_revenue_per_record: 3.65}]
economics: {cost_per_contact: 0.01}
""" + QUIET
    plain = replication(QUIET, until=3, size=800)
    eng = replication(body, until=3, size=800)
    reach = eng.practices.reach_count[0]
    lift = frequency_lift(eng.b, 0.1, 30.4375) * eng.practices.reach_value[0].sum() / 365 + 3.65 * reach.sum() / 365
    assert eng.revenue.sum() - plain.revenue.sum() == pytest.approx(lift, rel=0.01)
    assert eng.costs["contacts"] == pytest.approx(0.01 * reach.sum() * eng.sends[0])


def closed_form(eng) -> float:
    """Σ c/(h + δ) at a constant hazard, discounted from the horizon: the margin-multiple CLV."""
    e, pop = eng.s.economics, eng.pop
    active = pop.active
    h = 365.0 * pop.base_hazard[active].astype(float)
    rate = h + np.log1p(e.discount_rate)
    value = e.margin * pop.value[active].astype(float) / rate
    return float(value.sum()) * eng.represents / (1 + e.discount_rate) ** (eng.horizon / 365)


def test_terminal_value_is_the_lifetime_value_of_who_is_left():
    body = QUIET + "economics: {margin: 0.3}\n"
    eng = replication(body, until=366, size=1000, represents=5.0, horizon=365)
    assert eng.terminal == pytest.approx(closed_form(eng), rel=1e-3)    # no practices: a constant hazard
    assert eng.recorder.company["terminal_value"][-1] == eng.terminal
    off = replication(body.replace("margin: 0.3", "margin: 0.3, terminal_value: none"), until=366, size=1000,
                      represents=5.0, horizon=365)
    assert off.terminal == 0.0 and off.npv == pytest.approx(eng.npv, rel=1e-12)


def test_margin_scales_sales_not_data_revenue():
    body = """
strategy:
  practices: [{id: d, purpose: third_party_sharing, data: [contact], consent: notice_only,
               data_revenue_per_record: 3.65}]
""" + QUIET
    full = replication(body + "economics: {margin: 1.0}\n", until=3, size=500)
    thin = replication(body + "economics: {margin: 0.25}\n", until=3, size=500)
    data = 3.65 * float(full.practices.reach_count[0].sum()) / 365
    sales = float(full.active_value.sum()) / 365
    assert full.cash == pytest.approx(sales + data, rel=1e-6)
    assert thin.cash == pytest.approx(0.25 * sales + data, rel=1e-6)


def test_decided_exits_after_the_horizon_shorten_the_terminal_value():
    eng = replication(QUIET, until=200, size=600, horizon=200)
    before = eng.terminal
    leaving = np.flatnonzero(eng.pop.active)[:100]
    eng.exits[eng.horizon + 365] = leaving                  # they have decided to leave in a year
    from privsim.model.money import terminal_value
    after = terminal_value(eng)
    pop, e = eng.pop, eng.s.economics
    rate = 365.0 * pop.base_hazard[leaving].astype(float) + np.log1p(e.discount_rate)
    lost = float((pop.value[leaving] * np.exp(-rate) / rate).sum()) / (1 + e.discount_rate) ** (200 / 365)
    assert before - after == pytest.approx(lost * e.margin, rel=1e-3)


def test_trust_left_below_its_baseline_recovers_past_the_horizon():
    """The privacy excess of churn fades as trust recovers by the trust equation, not held forever."""
    eng = replication(QUIET, until=120, size=600, horizon=120)
    from privsim.model.money import discounted_survival
    idx = np.flatnonzero(eng.pop.active)
    never = np.full(idx.size, np.inf)
    calm = discounted_survival(eng, idx, never)
    eng.pop.trust[idx] *= 0.5                                 # a shock halves trust on the last day
    shaken = discounted_survival(eng, idx, never)
    rate = 365.0 * eng.pop.base_hazard[idx].astype(float) + np.log1p(eng.s.economics.discount_rate)
    assert np.all(shaken < calm) and calm == pytest.approx(-np.expm1(-50 * rate) / rate, rel=1e-4)
    h_low = rate + eng.pop.switching[idx] * eng.b.churn.intent_trust * 0.5
    assert np.all(shaken > 1 / h_low)                          # better than the shock held forever


def test_lift_has_diminishing_returns_in_frequency():
    eng = replication(QUIET, until=0, size=10)
    at = [frequency_lift(eng.b, 0.02, f) for f in (1, 4, 8, 16, 32)]
    assert at[1] == pytest.approx(0.02)                             # stated at the reference frequency
    gains = np.diff(at)
    assert np.all(gains > 0) and np.all(np.diff(gains / np.diff([1, 4, 8, 16, 32])) < 0)
    assert at[-1] < 0.02 / (1 - np.exp(-4 / 6)) + 1e-12             # saturates
    assert frequency_lift(eng.b, 0.02, 0.0) == 0.02                 # a practice that sends nothing


def test_the_terminal_value_is_the_same_valued_in_blocks(monkeypatch):
    """Blocks bound the working set only: every customer's value is elementwise, and summed once."""
    body = """
strategy:
  practices: [{id: n, purpose: marketing_email, data: [contact], consent: notice_only, channel: email,
               contacts_per_month: 4, revenue_lift: 0.1, data_revenue_per_record: 3.65}]
""" + QUIET
    eng = replication(body, until=200, size=900, horizon=200)
    eng.exits[eng.horizon + 30] = np.flatnonzero(eng.pop.active)[::7]
    from privsim.model import money
    whole = money.terminal_value(eng)
    monkeypatch.setattr(money, "CHUNK", 64)
    assert money.terminal_value(eng) == whole and whole > 0
