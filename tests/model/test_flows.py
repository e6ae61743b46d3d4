"""Flows: practices and merger/sale events compile into one mechanism with the right constants."""

import numpy as np
import pytest

from privsim.model.flows import compile_flows
from privsim.scenario import taxonomy
from privsim.scenario.overrides import override
from tests.conftest import small
from tests.model.sim import scenario


@pytest.mark.parametrize("per_month", [1, 4, 30.4375, 60])
def test_sends_follow_the_monthly_rate(per_month):
    s = small("newsletter_opt_in.yaml", 100)
    [flow] = compile_flows(override(s, {"strategy.practices.newsletter.contacts_per_month": per_month}))
    sends = [flow.sends_on(d) for d in range(365)]
    assert sum(sends) == pytest.approx(per_month * 12, abs=1.01)
    assert max(sends) == int(np.ceil(per_month / 30.4375))


def test_a_flow_without_a_channel_sends_nothing():
    [flow] = compile_flows(scenario("""
strategy:
  practices: [{id: p, purpose: profiling, data: [browsing], consent: opt_in}]
"""))
    assert not flow.contacts and all(flow.sends_on(d) == 0 for d in range(60))


def test_privacy_cost_is_the_most_sensitive_category_times_unexpectedness():
    [flow] = compile_flows(scenario("""
strategy:
  practices: [{id: p, purpose: profiling, data: [contact, location, browsing], consent: opt_in,
               framing: benefit, ui_patterns: [pre_ticked, nagging]}]
"""))
    s = max(taxonomy.CATEGORIES[c].sensitivity for c in ("contact", "location", "browsing"))
    e = taxonomy.PURPOSES["profiling"].expectedness
    assert flow.sensitivity == s and flow.x == pytest.approx(s * (1 - e))
    c = scenario().behavior.consent
    assert flow.shift == pytest.approx(c.framing_benefit + c.pre_ticked + c.nagging) and flow.dark
    assert flow.sensitive and flow.needs_consent


def test_mergers_and_sales_are_flows_from_their_day_and_a_sale_cannot_be_reversed():
    s = scenario("""
events:
  - {type: data_merger, day: 30, data: [browsing], revenue_lift: 0.03}
  - {type: data_sale, id: list_sale, day: 50, data: [contact], share_of_records: 0.4, price_per_record: 0.5}
""")
    merger, sale = compile_flows(s)
    assert (merger.id, merger.start, merger.purpose, merger.reversible, merger.lift) == \
        ("data_merger_0", 30, "data_merger", True, 0.03)
    assert (sale.id, sale.start, sale.one_off_price, sale.share_of_records, sale.reversible) == \
        ("list_sale", 50, 0.5, 0.4, False)
    assert sale.lift == 0.0 and sale.data_revenue == 0.0


def test_the_baseline_arm_has_no_flows():
    assert compile_flows(small("covert_sharing.yaml", 100), with_strategy=False) == []
