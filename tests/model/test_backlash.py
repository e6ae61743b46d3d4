"""Discovery, media, word of mouth, breaches, regulator and company response: each mechanism can fail."""

import numpy as np
import pytest

from privsim.experiments.calibration import DEFAULT_TARGETS
from privsim.experiments.runs import replicate, simulate
from privsim.model.backlash import audience_weights
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override, resize
from tests.conftest import SCENARIOS
from tests.model.sim import persons, scenario

CAL = DEFAULT_TARGETS.parent


def cal(name: str, size: int = 2000):
    return resize(load_scenario(CAL / name), size)


def mean_kpi(run, kpi, segment="all"):
    table = run.kpis()
    return table[(table.kpi == kpi) & (table.segment == segment)]["value"].mean()


def test_consented_practice_draws_less_backlash_than_the_covert_one_under_crn():
    covert, consented = cal("covert_feed_peripheral.yaml"), cal("disclosed_feed_consented.yaml")
    for r in range(3):
        a, b = simulate(covert, r, baseline=False), simulate(consented, r, baseline=False)
        assert b.kpis[("all", "backlash_peak")] < 0.25 * a.kpis[("all", "backlash_peak")]
        assert b.kpis[("all", "complaints")] <= a.kpis[("all", "complaints")]


def test_covert_practice_once_discovered_costs_more_than_consented():
    covert, consented = cal("covert_feed_peripheral.yaml"), cal("disclosed_feed_consented.yaml")
    a = replicate(covert, 3)
    b = replicate(consented, 3)
    assert mean_kpi(b, "npv_vs_baseline") > mean_kpi(a, "npv_vs_baseline")
    assert mean_kpi(a, "privacy_churn") > mean_kpi(b, "privacy_churn")


def test_no_discovery_without_hazard_or_story():
    s = override(cal("covert_feed_peripheral.yaml", 1000), {"behavior.discovery.per_year": 0.0, "events": []})
    run = replicate(s, 3, baseline=False)
    assert not [m for r in run.replications for m in r.marks if m[1] == "discovery"]
    assert mean_kpi(run, "backlash_peak") == 0.0 and mean_kpi(run, "salience_peak") == 0.0


def test_hazard_alone_eventually_discovers_a_covert_practice():
    s = override(cal("covert_feed_peripheral.yaml", 1000),
                 {"behavior.discovery.per_year": 40.0, "events": [], "horizon_days": 120})
    run = replicate(s, 3, baseline=False)
    assert all(any(m[1] == "discovery" for m in r.marks) for r in run.replications)


def test_reversal_stops_the_practice_and_its_contacts():
    body = """
strategy:
  practices:
    - {id: promo, purpose: profiling, data: [purchase_history, browsing], consent: notice_only,
       channel: email, contacts_per_month: 8, revenue_lift: 0.03}
  response: {posture: responsive, actions: [stop]}
events:
  - {type: media_story, day: 30, practices: [promo], intensity: 1.0}
"""
    r = simulate(scenario(body, size=1500, horizon=120), 0)
    reversal = next(d for d, kind, what in r.marks if kind == "reversal" and what == "promo")
    assert 30 < reversal <= 40
    sends = r.series["sends"][:, -1]
    assert sends[:reversal].sum() > 0 and sends[reversal:].sum() == 0
    assert r.series["consent.promo"][reversal:, -1].max() == 0.0


def test_reaction_time_grows_with_revenue_at_stake_and_posture():
    """The calibration pair: a peripheral practice of a responsive company, the business of a defensive one."""
    def mean_days(name):
        run = replicate(cal(name), 4)
        return mean_kpi(run, "reversal_days.partner_feed")

    p, c = mean_days("covert_feed_peripheral.yaml"), mean_days("covert_feed_central.yaml")
    assert p <= 7 and 7 <= c <= 56 and c > 3 * max(p, 1)


def test_network_and_mean_field_agree_on_a_dense_random_network():
    """With degree 100 and full rewiring the graph is a random graph: awareness within 0.05 of mean field."""
    base = cal("covert_feed_peripheral.yaml", 2000)
    dense = override(base, {"population.network": {"kind": "small_world", "degree": 100, "rewire": 1.0}})
    aware = []
    for s in (base, dense):
        run = replicate(s, 2, baseline=False)
        frame = run.to_frame()
        total = frame[frame.segment == "all"].groupby("replicate")["aware"].sum().mean()
        aware.append(total / (s.population.size * s.population.represents))
    assert aware[0] > 0.3
    assert abs(aware[0] - aware[1]) < 0.05


def test_a_sparse_ring_spreads_word_of_mouth_slower_than_mean_field():
    base = override(cal("covert_feed_peripheral.yaml", 2000), {"behavior.discovery.media_reach": 0.02,
                                                                "behavior.discovery.word_of_mouth": 0.4})
    ring = override(base, {"population.network": {"kind": "small_world", "degree": 4, "rewire": 0.0}})
    a = simulate(base, 0, baseline=False).series["aware"][:, -1].sum()
    b = simulate(ring, 0, baseline=False).series["aware"][:, -1].sum()
    assert b < a


def test_encryption_lowers_breach_cost():
    plain = resize(load_scenario(SCENARIOS / "remote_breach_unencrypted.yaml"), 2000)
    crypt = resize(load_scenario(SCENARIOS / "remote_breach_encrypted.yaml"), 2000)
    a, b = replicate(plain, 3, baseline=False), replicate(crypt, 3, baseline=False)
    assert mean_kpi(b, "breach_costs") < 0.5 * mean_kpi(a, "breach_costs")
    assert mean_kpi(b, "breached") < mean_kpi(a, "breached")


def test_notified_breach_causes_abnormal_churn_and_a_say_do_gap():
    s = cal("breach_notified.yaml", 2000)
    r = simulate(s, 0)
    realised = r.kpis[("all", "privacy_churn")]
    stated = r.kpis[("all", "stated_intent")]
    assert 0.01 < realised < 0.06
    assert stated > 5 * realised


def test_no_remote_staff_means_no_device_or_remote_access_incident():
    s = override(resize(load_scenario(SCENARIOS / "remote_breach_unencrypted.yaml"), 1000),
                 {"operations.remote.staff": 0, "events": []})
    r = simulate(s, 0, baseline=False)
    assert r.kpis[("all", "incidents.lost_laptop")] == r.kpis[("all", "incidents.remote_access")] == 0.0


def test_dark_patterns_raise_consent_now_and_backlash_later():
    s = resize(load_scenario(SCENARIOS / "dark_pattern_consent.yaml"), 2000)
    plain = override(s, {"strategy.practices.ad_profiling.ui_patterns": []})
    a, b = simulate(s, 0, baseline=False), simulate(plain, 0, baseline=False)
    assert a.kpis[("all", "granted_at_ask.ad_profiling")] > b.kpis[("all", "granted_at_ask.ad_profiling")] + 0.1
    assert a.kpis[("all", "backlash_peak")] > 2 * b.kpis[("all", "backlash_peak")]


def test_violations_raise_the_odds_of_regulator_action():
    lawful = resize(load_scenario(SCENARIOS / "newsletter_opt_in.yaml"), 1000)
    unlawful = override(lawful, {"strategy.controls.opt_out_latency_days": None,
                                 "strategy.practices.newsletter.consent": "none",
                                 "strategy.practices.newsletter.data": ["contact", "health"]})
    a, b = replicate(lawful, 3, baseline=False), replicate(unlawful, 3, baseline=False)
    assert mean_kpi(b, "regulator_action") > mean_kpi(a, "regulator_action")


def test_retroactive_change_tells_readers_and_is_a_violation():
    s = resize(load_scenario(SCENARIOS / "retroactive_policy_change.yaml"), 2000)
    from privsim.model.engine import Replication

    eng = Replication(s, 0)
    eng.run()
    assert persons(eng, "retroactive_change") is not None
    assert eng.practices.learned[0].any()
    assert eng.flows[0].retroactive


def test_salience_spikes_then_decays():
    one_story = override(cal("covert_feed_peripheral.yaml", 1000), {"behavior.media.escalate_national": 1.0,
                                                                           "behavior.media.escalate_front_page": 1.0})
    r = simulate(one_story, 0, baseline=False)
    s = r.company["salience"]
    national = audience_weights(one_story.behavior)[1]          # a national story, weighed by its audience
    assert s[59] == 0.0 and s[60] == pytest.approx(0.8 * national)
    assert s[61] < s[60] and s[90] < 0.2 * s[60]
    assert np.all(np.diff(s[61:]) <= 1e-12)


def test_a_sale_with_consent_sells_only_agreeing_records_and_stories_can_name_it():
    body = """
events:
  - {type: data_sale, id: list_sale, day: 5, data: [contact, purchase_history], price_per_record: 2.0,
     share_of_records: 0.5, consent: CONSENT, disclosed: true}
  - {type: media_story, day: 20, practices: [list_sale], intensity: 0.8}
"""
    covert = simulate(scenario(body.replace("CONSENT", "none").replace("disclosed: true", "disclosed: false"),
                               size=2000, horizon=60), 0)
    asked = simulate(scenario(body.replace("CONSENT", "opt_in"), size=2000, horizon=60), 0)
    sold = covert.series["consent.list_sale"][6, -1]
    assert 0.45 < sold < 0.55
    assert asked.series["consent.list_sale"][6, -1] < 0.5 * sold
    assert asked.series["revenue"][5, -1] - asked.series["revenue"][4, -1] < \
        covert.series["revenue"][5, -1] - covert.series["revenue"][4, -1]
    assert any(kind == "discovery" and what == "list_sale" for _, kind, what in covert.marks)
    assert covert.kpis[("all", "backlash_peak")] > asked.kpis[("all", "backlash_peak")]


def test_breach_exposing_nobody_is_no_violation():
    s = override(resize(load_scenario(SCENARIOS / "remote_breach_encrypted.yaml"), 500),
                 {"operations": None, "events": [
                     {"type": "breach", "day": 10, "share_of_records": 0.0, "cause": "lost_laptop"}]})
    from privsim.model.engine import Replication

    eng = Replication(s, 0)
    eng.run()
    assert persons(eng, "breach") is None
