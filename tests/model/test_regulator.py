"""The regulator: what reaches it, investigations as 1 − exp(−hazard), violations judged once, outcomes, orders."""

import math
from datetime import date

import numpy as np
import pytest

from privsim.model.regulator import Regulator, force_opt_in, record_flow_violations
from privsim.model.rng import Streams
from privsim.scenario import law
from privsim.scenario.coefficients import Behavior
from tests.model.sim import QUIET, replication

SALE = law.Use("sale", "data_sale", frozenset({"contact"}), "none", disclosed=False)


def regulator(jurisdictions=("eu",), start=date(2026, 1, 1), **coefficients):
    b = Behavior()
    b = b.model_copy(update={"regulator": b.regulator.model_copy(update=coefficients)})
    return Regulator(b, list(jurisdictions), "USD", 1e9, Streams(1, 0), start)


def test_each_violation_is_judged_once():
    r = regulator(per_formal_complaint=1.0, investigation_days=10, no_action=0.0)
    r.judge(law.Act("use", SALE), "sale", 0, persons=1000)
    assert {v.rule.kind for v in r.unjudged()} == {"undisclosed_use", "consent_bypassed"}
    r.step(0, formal_complaints=5, salience=0.0, notified=0.0)
    outcome = r.step(10, 5, 0.0, 0.0)
    assert outcome in ("order", "fine") and not r.unjudged()
    r.judge(law.Act("use", SALE), "sale", 20, persons=0)     # the same people again: nothing new to judge
    assert not r.unjudged()
    r.judge(law.Act("use", SALE), "sale", 21, persons=50)    # new people are judged by the next investigation
    assert {v.persons - v.judged_persons for v in r.unjudged()} == {50}


def test_the_hazard_is_what_reaches_the_regulator():
    b = Behavior().regulator
    r = regulator()
    assert r.hazard(100.0, 0.9, 4e6) == 0.0                     # complaints and stories about nothing unlawful
    r.judge(law.Act("use", SALE), "sale", 0, persons=1000)     # covert: nobody outside knows
    audit = b.audit_per_year / 365
    assert r.hazard(0.0, 0.0, 0.0) == pytest.approx(audit)
    assert r.hazard(100.0, 0.0, 0.0) == pytest.approx(audit + 100 * b.per_formal_complaint)
    assert r.hazard(0.0, 0.5, 0.0) == pytest.approx(audit + b.media_per_year / 365 * 0.5)
    assert r.hazard(0.0, 0.0, 4e6) == pytest.approx(audit + b.breach_notice * 2)


def test_a_day_opens_an_investigation_with_probability_one_minus_exp_of_the_hazard():
    opened = 0
    for seed in range(4000):
        r = Regulator(Behavior(), ["eu"], "USD", 1e9, Streams(seed, 0), date(2026, 1, 1))
        r.judge(law.Act("use", SALE), "sale", 0, persons=1000, public=True)
        r.step(0, formal_complaints=0.3 / Behavior().regulator.per_formal_complaint, salience=0.0, notified=0.0)
        opened += r.opened is not None
    assert opened / 4000 == pytest.approx(1 - math.exp(-0.3), abs=0.025)


def test_nothing_on_record_opens_no_investigation():
    r = regulator(per_formal_complaint=1.0, investigation_days=1, no_action=0.0)
    for day in range(30):
        assert r.step(day, 5, 0.9, 1e6) is None
    assert r.opened is None and not r.actions


@pytest.mark.parametrize("data, group", [("contact", "order_us"), ("children", "order_us_penalty")])
def test_us_orders_without_money_follow_the_fitted_share_of_their_statute(data, group):
    use = law.Use("s", "data_sale", frozenset({data}), "none", disclosed=False)      # children's data: COPPA
    outcomes = []
    for seed in range(600):
        r = Regulator(Behavior(), ["us"], "USD", 1e9, Streams(seed, 0), date(2026, 1, 1))
        r.b = r.b.model_copy(update={"regulator": r.b.regulator.model_copy(update={
            "per_formal_complaint": 1.0, "investigation_days": 1, "no_action": 0.0})})
        r.judge(law.Act("use", use), "s", 0, persons=1e4)
        r.step(0, 100, 0.0, 0.0)
        outcomes.append(r.step(1, 100, 0.0, 0.0))
        assert r.ordered                                           # a later violation is a repeat
        assert (outcomes[-1] == "order") == (r.money_on(1) == 0.0)
    share = outcomes.count("order") / len(outcomes)
    assert share == pytest.approx(getattr(Behavior().enforcement, group), abs=0.06)


def test_a_company_under_an_earlier_order_is_a_repeat_offender():
    bound = Regulator(Behavior(), ["us"], "USD", 1e9, Streams(1, 0), date(2026, 1, 1), law.Company(under_order=True))
    bound.judge(law.Act("use", SALE), "sale", 0, persons=1e4)
    found = bound.unjudged()
    assert bound.ordered and bound.order_share("us", found, 0) == Behavior().enforcement.order_us_penalty
    free = regulator(("us",))
    free.judge(law.Act("use", SALE), "sale", 0, persons=1e4)
    assert free.order_share("us", free.unjudged(), 0) == Behavior().enforcement.order_us
    assert bound.amount("us", found, 0, 0.0) > free.amount("us", free.unjudged(), 0, 0.0)


def test_fines_are_capped_by_the_statute_and_converted():
    r = regulator(("uk",))
    r.judge(law.Act("repermission", law.Use("n", "marketing_email", frozenset({"contact"}), "opt_in"),
                    target="opted_out", channel="email"), "winback", 0, persons=1e9, messages=1e9)
    found = r.unjudged()
    assert r.amount("uk", found, 0, z=5.0) <= 500_000 * 1.278 + 1e-6     # PECR: at most £500k
    eur = Regulator(Behavior(), ["eu"], "EUR", 1e9, Streams(1, 0), date(2026, 1, 1))
    eur.judge(law.Act("use", SALE), "sale", 0, persons=1e9)
    assert eur.amount("eu", eur.unjudged(), 0, z=5.0) <= max(20e6, 0.04 * 1e9) + 1e-6


def test_the_law_of_the_day_applies():
    before = regulator(("us",), start=date(1990, 4, 1))
    before.judge(law.Act("use", SALE), "sale", 0, persons=1000)
    assert not before.unjudged()                                  # no US privacy rule in force in 1990
    soft = law.Use("n", "marketing_email", frozenset({"contact"}), "opt_out")
    r = regulator(("eu", "uk"))
    r.judge(law.Act("use", soft), "n", 0, persons=1000)
    assert not r.unjudged()                                       # the soft opt-in to one's own customers


@pytest.mark.parametrize("practice, jurisdictions, kinds", [
    ("{id: p, purpose: profiling, data: [health], consent: notice_only}", "[eu]",
     {"sensitive_without_consent", "consent_bypassed"}),
    ("{id: p, purpose: profiling, data: [health], consent: notice_only}", "[us]", set()),
    ("{id: p, purpose: profiling, data: [financial], consent: opt_in}", "[eu]", set()),
    ("{id: p, purpose: profiling, data: [browsing], consent: opt_out}", "[eu]", {"consent_bypassed"}),
    ("{id: p, purpose: data_sale, data: [browsing], consent: none, disclosed: false}", "[us]", {"undisclosed_use"}),
    ("{id: p, purpose: profiling, data: [browsing], consent: opt_in, ui_patterns: [pre_ticked]}", "[eu]",
     {"invalid_consent"}),
    ("{id: p, purpose: profiling, data: [browsing], consent: opt_in, ui_patterns: [pre_ticked]}", "[us]", set()),
    ("{id: p, purpose: marketing_email, data: [contact], consent: opt_out, channel: email, contacts_per_month: 2}",
     "[eu]", set()),
    ("{id: p, purpose: profiling, data: [biometric], consent: opt_out}", "[us_il]", {"biometric_without_consent"}),
])
def test_flow_violations_by_jurisdiction(practice, jurisdictions, kinds):
    eng = replication(f"strategy: {{practices: [{practice}]}}\n" + QUIET, until=2, size=300,
                      jurisdictions=jurisdictions)
    eng.regulator.violations.clear()
    eng.flows[0].counted, eng.flows[0].judged = 0, ()      # as if never judged
    record_flow_violations(eng, 2)
    assert {v.rule.kind for v in eng.regulator.violations.values()} == kinds
    for v in eng.regulator.violations.values():
        assert v.persons == eng.practices.touched_count[0]


def test_an_order_remedies_what_it_found_and_keeps_the_covert_past():
    eng = replication("strategy: {practices: [{id: p, purpose: profiling, data: [browsing], consent: none, "
                      "disclosed: false}, {id: q, purpose: profiling, data: [browsing], consent: none, "
                      "disclosed: false, start_day: 50}], controls: {opt_out_latency_days: null}}\n" + QUIET,
                      until=3, size=300)
    for v in eng.regulator.violations.values():          # what the investigation looked at: p, not q
        v.judged_persons = v.persons
    force_opt_in(eng, 3)
    f = eng.flows[0]
    assert (f.mode, f.disclosed, f.ever_covert) == ("opt_in", True, True)
    assert eng.flows[1].mode == "none"
    assert eng.practices.outrage_weight(0) == eng.b.outrage.covert     # learning of it later is still a betrayal
    [ask] = eng.asks
    assert ask.mode == "opt_in" and np.array_equal(ask.idx, np.flatnonzero(eng.practices.reach[0]))
    assert eng.controls.opt_out_latency_days is None                   # no late opt-out was found
    eng.regulator.judge(law.Act("opt_out", f.use(), latency_days=None), "p", 3, messages=10, public=True)
    for v in eng.regulator.violations.values():
        v.judged_messages = v.messages
    force_opt_in(eng, 3)
    assert eng.controls.opt_out_latency_days == eng.regulator.opt_out_limit(3)
