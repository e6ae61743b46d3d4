"""Money: revenue of active customers and lifts, unit costs, and NPV discounted daily."""

import numpy as np
import pytest

from tests.model.sim import QUIET, replication


def test_without_practices_revenue_is_active_value_per_day_and_npv_discounts_it():
    eng = replication(QUIET, until=366, size=1000, represents=4.0, horizon=365)
    r = eng.recorder
    revenue = r.series["revenue"][:, -1]
    assert revenue[-1] == pytest.approx(float(eng.active_value.sum()) / 365 * 4.0, rel=1e-9)
    assert revenue[0] > revenue[-1] * 1.05                            # a tenth of the base leaves in a year
    cash = r.company["cash"]
    assert np.allclose(cash, revenue)                                 # nothing to pay
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
    lift = 0.1 * eng.practices.reach_value[0].sum() / 365 + 3.65 * reach.sum() / 365
    assert eng.revenue.sum() - plain.revenue.sum() == pytest.approx(lift, rel=0.01)
    assert eng.costs["contacts"] == pytest.approx(0.01 * reach.sum() * eng.sends[0])
