"""Opt-out: requests honoured after the latency (or never), per-send hazards, deliverability."""

import numpy as np
import pytest

from privsim.model.flows import Flow
from privsim.model.optout import deliverability, request_opt_out, stage_opt_out
from tests.model.sim import QUIET, persons, replication

NEWSLETTER = """
strategy:
  practices: [{{id: n, purpose: marketing_email, data: [contact], consent: notice_only, channel: email,
               contacts_per_month: {per_month}}}]
  controls: {{opt_out_latency_days: {latency}}}
"""


def eng_with(latency="10", per_month=4, **kw):
    return replication(NEWSLETTER.format(latency=latency, per_month=per_month) + QUIET, until=1, **kw)


@pytest.mark.parametrize("latency", [0, 3, 10])
def test_a_request_is_honoured_after_the_latency(latency):
    eng = eng_with(str(latency), size=200)
    idx = np.arange(20)
    eng.begin_day()
    request_opt_out(eng, 0, idx, 5)
    assert eng.practices.requested[0, idx].all() and eng.day_counts["opt_outs"].sum() == 20
    assert eng.practices.reach[0, idx].all() == (latency > 0)
    eng.sends = [0]
    for day in range(6, 5 + latency):
        eng.begin_day()
        stage_opt_out(eng, day)
    if latency:
        assert eng.practices.reach[0, idx].all()        # still used until the day it is due
        eng.begin_day()
        stage_opt_out(eng, 5 + latency)
    assert not eng.practices.reach[0, idx].any()


def test_a_request_counts_once_and_never_honoured_is_a_violation():
    eng = eng_with("null", size=200)
    eng.begin_day()
    request_opt_out(eng, 0, np.arange(10), 5)
    request_opt_out(eng, 0, np.arange(10), 6)
    assert eng.day_counts["opt_outs"].sum() == 10
    assert eng.practices.reach[0, :10].all() and persons(eng, "opt_out_ignored") == 10
    assert not eng.pending


def test_a_lawful_latency_is_no_violation():
    eng = eng_with("10", size=200)
    eng.begin_day()
    request_opt_out(eng, 0, np.arange(10), 5)
    assert persons(eng, "opt_out_ignored") is None


def test_unsubscribes_per_send_match_the_hazard_without_intrusion_or_trust_effects():
    body = NEWSLETTER.format(latency=0, per_month=4) + """
behavior:
  discovery: {per_year: 0.0}
  regulator: {per_formal_complaint: 0.0, media_per_year: 0.0, audit_per_year: 0.0, breach_notice: 0.0}
  opt_out: {trust_elasticity: 0.0, intrusion_elasticity: 0.0, deliverability_penalty: 0.0}
"""
    eng = replication(body, until=121, size=20000, horizon=120)
    r = eng.recorder.series
    per_send = r["opt_outs"][1:, -1].sum() / r["sends"][1:, -1].sum()   # day 0: reactions to the notice itself
    assert per_send == pytest.approx(eng.b.opt_out.per_send, rel=0.1)


def test_deliverability_drops_above_the_complaint_ceiling_and_recovers():
    b = eng_with(size=50).b
    f = Flow(id="n", purpose="marketing_email", data=["contact"], mode="opt_in", disclosed=True, ask_on_start=True,
             notice="email", shift=0.0, dark=False, channel="email", per_month=4, lift=0.0, data_revenue=0.0,
             one_off_price=0.0, share_of_records=1.0, segments=None, share=1.0, start=0, end=None, incentive=0.0,
             all_at_once=False, centrality=0.0, reversible=True)
    deliverability(b, f, sent=10_000, spam=10)            # 0.1%: under the 0.3% ceiling
    assert f.deliverability == 1.0
    deliverability(b, f, sent=10_000, spam=100)
    assert f.deliverability == pytest.approx(1.0 - b.opt_out.deliverability_penalty)
    for _ in range(120):                                    # a clean month and more: the rate decays back
        deliverability(b, f, sent=10_000, spam=0)
    assert f.deliverability == 1.0
