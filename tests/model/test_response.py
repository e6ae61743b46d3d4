"""The company's response: a decision under pressure against a posture's tolerance and the revenue at stake;
steps in order (an apology with the next one); partial responses act through consent, notices and controls."""

import numpy as np
import pytest

from privsim.experiments.runs import replicate
from privsim.model.discovery import FRONT_PAGE, NATIONAL, TRADE, reveal
from privsim.model.engine import Replication
from privsim.model.response import backlash_share, pressure, stake, take_step, tolerance
from tests.model.sim import QUIET, replication, scenario

FEED = """
strategy:
  practices: [{{id: feed, purpose: third_party_sharing, data: [purchase_history], consent: none, disclosed: false,
               data_revenue_per_record: {revenue}}}]
  response: {{posture: {posture}, actions: [{actions}]}}
"""


def feed(posture="responsive", actions="apologise, stop", revenue=1.0, **kw):
    return FEED.format(posture=posture, actions=actions, revenue=revenue) + QUIET


def reversal_days(body: str, tier: int, reps: int = 6, size: int = 3000) -> float:
    """Mean days from a story of ``tier`` on day 10 to the reversal (the horizon when it never comes)."""
    days = []
    for r in range(reps):
        eng = replication(body, until=10, size=size, horizon=200, replicate=r)
        reveal(eng, 0, 10, intensity=0.8, tier=tier)
        eng.run(until=200)
        stopped = eng.flows[0].reversed_day
        days.append((stopped if stopped is not None else 200) - 10)
    return float(np.mean(days))


def test_more_pressure_means_a_faster_reversal():
    body = feed(posture="defensive")
    front, trade = reversal_days(body, FRONT_PAGE), reversal_days(body, TRADE)
    assert front < trade
    assert front <= 20


def test_more_revenue_at_stake_means_a_slower_reversal():
    cheap = reversal_days(feed(posture="defensive", revenue=0.1), NATIONAL)
    dear = reversal_days(feed(posture="defensive", revenue=60.0), NATIONAL)
    assert dear > cheap + 3
    eng = replication(feed(revenue=60.0), until=2, size=2000)
    assert 0.05 < stake(eng, 0) < 1 and stake(eng, 0) > stake(replication(feed(revenue=0.1), until=2, size=2000), 0)


@pytest.mark.parametrize("posture, longer", [("responsive", "defensive"), ("defensive", "stonewall")])
def test_a_harder_posture_bears_more(posture, longer):
    eng = replication(feed(posture), until=2, size=500)
    other = replication(feed(longer), until=2, size=500)
    assert tolerance(eng, 0) < tolerance(other, 0)


def test_no_actions_means_it_never_responds():
    body = feed(actions="")
    eng = replication(body, until=10, size=2000)
    reveal(eng, 0, 10, intensity=1.0, tier=FRONT_PAGE)
    eng.run(until=120)
    assert eng.flows[0].live and not [m for m in eng.recorder.marks if m[1] in ("response", "reversal")]


def test_pressure_adds_backlash_salience_and_an_open_investigation():
    eng = replication(feed(), until=10, size=2000)
    assert pressure(eng, 10) == 0.0
    reveal(eng, 0, 10, intensity=1.0, tier=FRONT_PAGE)
    eng.run(until=12)
    r = eng.b.response
    base = backlash_share(eng) / r.backlash_reference + eng.backlash.salience(11)
    assert pressure(eng, 11) == pytest.approx(base)
    eng.regulator.opened = 11
    assert pressure(eng, 11) == pytest.approx(base + r.investigation)


def test_steps_come_in_order_with_the_apology_going_with_the_next():
    eng = replication(feed(actions="add_notice, apologise, add_opt_out, stop"), until=10, size=4000)
    eng.response_next[0] = 10**6                             # the steps are taken by hand here
    reveal(eng, 0, 10, intensity=1.0, tier=FRONT_PAGE)
    eng.run(until=11)
    f, source = eng.flows[0], eng.backlash.sources[0]
    step = take_step(eng, 0, 0, 11)                          # add a notice: disclosed, readers informed
    assert step == 1 and f.disclosed and f.ever_covert and eng.practices.informed[0].any()
    half_life = source.half_life
    step = take_step(eng, 0, step, 11)                       # apologise + add an opt-out
    assert step == 3 and f.mode == "opt_out" and source.half_life == half_life / 2
    eng.run(until=13)
    assert eng.practices.reach[0].sum() < eng.practices.targets[0].sum()     # readers who said no have left
    assert f.live
    step = take_step(eng, 0, step, 13)
    assert step == 4 and not f.live
    kinds = [(k, w) for _, k, w in eng.recorder.marks if k in ("response", "apology", "reversal")]
    assert kinds == [("response", "add_notice:feed"), ("apology", "feed"), ("response", "add_opt_out:feed"),
                     ("reversal", "feed"), ("response", "stop:feed")]


def test_asking_for_opt_in_keeps_only_those_who_agree():
    eng = replication(feed(actions="ask_opt_in"), until=10, size=3000)
    eng.response_next[0] = 10**6
    reveal(eng, 0, 10, intensity=1.0, tier=FRONT_PAGE)
    eng.run(until=11)
    before = eng.practices.reach[0].sum()
    take_step(eng, 0, 0, 11)
    eng.run(until=13)
    f = eng.flows[0]
    assert f.mode == "opt_in" and f.disclosed and 0 < eng.practices.reach[0].sum() < before


def test_tightened_controls_cut_the_incident_rate():
    body = """
strategy:
  controls: {opt_out_latency_days: null}
  response: {posture: responsive, actions: [add_controls]}
operations:
  service: {staff: 400, broad_share: 1.0}
  remote: {staff: 100}
""" + QUIET
    runs = replicate(scenario(body, size=2000, horizon=365), 6)
    after = [m for r in runs.replications for m in r.marks if m[1] == "response"]
    assert after and all(w == "add_controls:company" for _, _, w in after)
    eng = replication(body, until=365, size=2000, horizon=365)
    tightened = eng.hazards()
    assert any(m[1] == "response" for m in eng.recorder.marks)      # replicate 0 tightens its controls
    c = eng.controls
    assert c.access_logging and c.mfa and c.disk_encryption and c.opt_out_latency_days is not None
    assert eng.operations is not None and eng.operations.service.broad_share == 0.0
    fresh = Replication(eng.s, 0).hazards()
    assert all(tightened[k] < fresh[k] for k in ("insider", "departure", "lost_laptop", "remote_access"))
