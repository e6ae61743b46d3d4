"""The calendar and what each event does on its day: policy changes, breaches, stories, campaigns, sales."""

import numpy as np
import pytest

from privsim.model.backlash import audience_weights
from privsim.model.practices import GRANTED
from tests.model.sim import QUIET, persons, replication, scenario

NOTICE = """
strategy:
  practices: [{id: p, purpose: personalisation, data: [purchase_history], consent: opt_out, notice: email}]
"""


def marks(eng, kind):
    return [(d, w) for d, k, w in eng.recorder.marks if k == kind]


def test_an_event_on_a_day_happens_on_that_day_and_only_then():
    eng = replication(QUIET + "events: [{type: media_story, day: 12, intensity: 0.5}]", until=12)
    assert marks(eng, "media_story") == []
    eng.run(until=13)
    assert marks(eng, "media_story") == [(12, "")]
    assert eng.backlash.salience(12) == pytest.approx(0.5 * audience_weights(eng.b)[1])   # general, national


def test_yearly_rate_events_arrive_as_a_poisson_process():
    body = QUIET + "events: [{type: media_story, id: press, rate_per_year: 12, intensity: 0.1}]"
    counts = [len(marks(replication(body, until=366, horizon=365, size=50, replicate=r), "media_story"))
              for r in range(40)]
    assert np.mean(counts) == pytest.approx(12, rel=0.2) and np.var(counts) == pytest.approx(12, rel=0.6)


def test_a_retroactive_change_enrols_those_never_reached_and_tells_only_notice_readers():
    body = NOTICE + QUIET + "events: [{type: policy_change, day: 20, practices: [p], retroactive: true, " \
                            "notice: email}]"
    eng = replication(body, until=20, size=30000)    # the few who said no to the opt-out notice are enrolled
    before = eng.practices.reach[0].copy()
    eng.run(until=21)
    p = eng.practices
    enrolled = p.reach[0] & ~before
    assert p.reach[0][p.eligible(0)].all() and enrolled.sum() > 500     # everyone eligible is now used
    assert not (p.learned[0] & before).any()                               # those who agreed are not told
    assert (p.learned[0] & enrolled).sum() / enrolled.sum() == pytest.approx(eng.b.notice.email, abs=0.03)
    assert persons(eng, "retroactive_change") == enrolled.sum()


def test_a_notified_breach_exposes_its_share_costs_by_its_size_and_tells_the_victims():
    body = QUIET + "events: [{type: breach, day: 5, share_of_records: 0.3, notify: true}]"
    eng = replication(body, until=6, size=3000, represents=10)
    breached = eng.recorder.tallies["breached"].sum()
    assert breached == pytest.approx(0.3 * 30000, rel=0.08)
    b = eng.b.breach
    direct = (1 - b.lost_business_share) * b.cost_reference_usd * (breached / b.reference_records) ** b.cost_exponent
    assert eng.recorder.company["breach_costs"][5] == pytest.approx(direct, rel=1e-6)
    source = eng.backlash.sources[-1]
    assert source.aware[source.affected & eng.pop.active].all()      # every victim still a customer is told
    assert persons(eng, "breach") == pytest.approx(breached)


def test_a_story_naming_a_practice_reveals_it():
    body = "strategy: {practices: [{id: hidden, purpose: data_sale, data: [contact], consent: none, " \
           "disclosed: false}]}\n" + QUIET + "events: [{type: media_story, day: 8, practices: [hidden]}]"
    eng = replication(body, until=9, size=500)
    assert eng.backlash.sources[0].story_day == 8 and marks(eng, "discovery") == [(8, "hidden")]


def test_a_campaign_to_opted_out_customers_is_a_violation_and_draws_complaints():
    body = """
strategy:
  practices: [{id: n, purpose: marketing_email, data: [contact], consent: opt_in, channel: email,
               contacts_per_month: 30}]
  controls: {opt_out_latency_days: 0}
events: [{type: repermission_campaign, id: winback, day: 30, practices: [n], target: opted_out}]
""" + QUIET
    eng = replication(body, until=30, size=5000)
    opted = int((eng.practices.requested[0] & eng.pop.active).sum())
    assert opted > 0
    eng.run(until=31)
    assert persons(eng, "repermission_to_opted_out") == opted
    asked = eng.recorder.tallies["asked.winback"].sum()
    assert asked == opted and eng.recorder.series["complaints"][30, -1] > 0
    granted = eng.recorder.tallies["granted.winback"].sum()
    assert eng.practices.consent[0][eng.practices.reach[0]].tolist().count(GRANTED) >= granted


def test_a_sale_sells_its_share_of_records_once():
    body = QUIET + "events: [{type: data_sale, day: 3, data: [contact], share_of_records: 0.25, " \
                   "price_per_record: 2.0}]"
    eng = replication(body, until=5, size=4000)
    sold = eng.practices.touched_count[0]
    assert sold == pytest.approx(1000, rel=0.1)
    revenue = eng.recorder.series["revenue"][:, -1]
    assert revenue[3] - revenue[2] == pytest.approx(2.0 * sold, rel=0.01)   # paid on its day only
    assert abs(revenue[4] - revenue[2]) < 0.01 * 2.0 * sold


def test_the_baseline_arm_skips_company_caused_events():
    from privsim.model.engine import Replication

    s = scenario(QUIET + "events: [{type: breach, day: 2}, {type: media_story, day: 2}]", size=200)
    eng = Replication(s, 0, with_strategy=False)
    eng.run(until=3)
    assert [k for _, k, _ in eng.recorder.marks] == ["media_story"]


def test_breach_cost_per_record_falls_with_size():
    """The IBM power law: an average breach costs C_ref, a mega breach far less per record (Equifax ≈ $0.5bn)."""
    from privsim.model.events import breach_cost

    b = replication(QUIET, until=0, size=100).b
    ref = b.breach.reference_records
    assert breach_cost(b, ref, True) == pytest.approx((1 - b.breach.lost_business_share) * b.breach.cost_reference_usd)
    per_record = [breach_cost(b, n, True) / n for n in (1e3, 1e5, 1e7)]
    assert per_record[0] > per_record[1] > per_record[2]
    assert 2e8 < breach_cost(b, 147e6, True) < 1.4e9            # Equifax: ≈ $1.4bn realised, incl. lost business
    assert breach_cost(b, 1e6, False) < breach_cost(b, 1e6, True)
    assert breach_cost(b, 0, True) == 0.0
