"""The regulator: violations on record, the investigation hazard, outcomes and orders."""

import numpy as np
import pytest

from privsim.model.regulator import OPT_OUT_LIMIT_DAYS, Regulator, force_opt_in, record_flow_violations
from privsim.model.rng import Streams
from privsim.scenario.coefficients import Behavior
from tests.model.sim import QUIET, replication


def regulator(**coefficients):
    b = Behavior().model_copy(update={"regulator": Behavior().regulator.model_copy(update=coefficients)})
    return Regulator(b, ["eu", "us"], "USD", 1e9, Streams(1, 0))


def test_violations_stay_on_record_for_their_time():
    r = regulator()
    r.record("breach", 10, persons=500, lasts=30)
    r.record("breach", 20, persons=100, lasts=5)
    r.record("opt_out_ignored", 15, messages=40)
    assert r.persons == {"breach": 600, "opt_out_ignored": 0.0} and r.messages["opt_out_ignored"] == 40
    assert r.weight(40) == 2 and r.weight(41) == 1 and r.weight(15 + 365 + 1) == 0


def test_hazard_is_the_documented_sum():
    r = regulator(violation_per_year=0.6, salience_factor=4.0, per_complaint=0.02)
    r.record("breach", 0)
    assert r.hazard(1, salience=0.5, formal_complaints=3) == pytest.approx(0.6 / 365 * 1 * 3.0 + 0.02 * 3)
    assert regulator().hazard(1, 0.0, 0.0) == 0.0


def test_the_strictest_opt_out_limit_applies():
    assert regulator().opt_out_limit == min(OPT_OUT_LIMIT_DAYS["eu"], OPT_OUT_LIMIT_DAYS["us"])


@pytest.mark.parametrize("p_nothing, p_order, outcome", [(1.0, 0.0, "no_action"), (0.0, 1.0, "forced_opt_in"),
                                                          (0.0, 0.0, "fine")])
def test_an_investigation_opens_on_the_hazard_and_ends_in_one_outcome(p_nothing, p_order, outcome):
    r = regulator(per_complaint=1.0, investigation_days=30, p_nothing=p_nothing, p_forced_opt_in=p_order)
    r.record("consent_bypassed", 0, persons=1000)
    assert r.step(0, 0.0, formal_complaints=5) is None and r.opened == 0
    assert all(r.step(d, 0.0, 5) is None for d in range(1, 30))     # one investigation at a time
    assert r.step(30, 0.0, 5) == outcome and r.opened is None
    kinds = [k for _, k, _ in r.actions]
    assert kinds == ["investigation", outcome]
    assert (r.fine_on(30) > 0) == (outcome == "fine")


def test_nothing_on_record_to_fine_closes_without_action():
    r = regulator(per_complaint=1.0, investigation_days=1, p_nothing=0.0, p_forced_opt_in=0.0)
    r.step(0, 0.0, 5)
    assert r.step(1, 0.0, 5) == "no_action"


@pytest.mark.parametrize("practice, jurisdictions, kind", [
    ("{id: p, purpose: profiling, data: [health], consent: notice_only}", "[us]", "sensitive_without_consent"),
    ("{id: p, purpose: profiling, data: [browsing], consent: opt_out}", "[eu]", "consent_bypassed"),
    ("{id: p, purpose: profiling, data: [browsing], consent: opt_out}", "[us]", None),
    ("{id: p, purpose: profiling, data: [browsing], consent: none, disclosed: false}", "[us]", "consent_bypassed"),
    ("{id: p, purpose: profiling, data: [browsing], consent: opt_in, ui_patterns: [pre_ticked]}", "[eu]",
     "invalid_consent"),
    ("{id: p, purpose: profiling, data: [browsing], consent: opt_in, ui_patterns: [pre_ticked]}", "[us]", None),
    ("{id: p, purpose: service_delivery, data: [contact], consent: none}", "[eu]", None),
])
def test_flow_violations_by_jurisdiction(practice, jurisdictions, kind):
    eng = replication(f"strategy: {{practices: [{practice}]}}\n" + QUIET, until=2, size=300,
                      jurisdictions=jurisdictions)
    eng.regulator.persons.clear()
    eng.flows[0].extra.clear()
    record_flow_violations(eng, 2)
    assert list(eng.regulator.persons) == ([kind] if kind else [])
    if kind:
        assert eng.regulator.persons[kind] == eng.practices.touched_count[0]


def test_violations_count_each_person_once_per_flow():
    eng = replication("strategy: {practices: [{id: p, purpose: profiling, data: [health], consent: none}]}\n"
                      + QUIET, until=10, size=300)
    assert eng.regulator.persons["sensitive_without_consent"] == eng.practices.touched_count[0]


def test_an_order_turns_consent_needing_flows_into_opt_in_and_bounds_the_latency():
    eng = replication("strategy: {practices: [{id: p, purpose: profiling, data: [browsing], consent: none, "
                      "disclosed: false}], controls: {opt_out_latency_days: null}}\n" + QUIET, until=3, size=300)
    force_opt_in(eng, 3)
    f = eng.flows[0]
    assert (f.mode, f.disclosed) == ("opt_in", True)
    [ask] = eng.asks
    assert ask.mode == "opt_in" and np.array_equal(ask.idx, np.flatnonzero(eng.practices.reach[0]))
    assert eng.controls.opt_out_latency_days == eng.regulator.opt_out_limit
