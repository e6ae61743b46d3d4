"""Pricing findings: the fix simulated against the strategy as written under common random numbers;
fixes that touch no simulation input are "not modelled", never 0."""

from __future__ import annotations

import pytest

from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from privsim.tester.lint import lint, price, simulated_inputs
from tests.conftest import ROOT, SCENARIOS

FIXTURES = ROOT / "tests" / "fixtures" / "lint"


def test_lint_only_fields_are_not_simulation_inputs():
    s = load_scenario(FIXTURES / "LNT-10.passes.yaml")
    assert simulated_inputs(s) == simulated_inputs(override(s, {"strategy.practices.p.opt_out_steps": 4,
                                                                 "strategy.dpia_done": True}))
    assert simulated_inputs(s) != simulated_inputs(override(s, {"strategy.practices.p.contacts_per_month": 9}))
    # the facts the law reads are simulation inputs: the regulator judges them
    assert simulated_inputs(s) != simulated_inputs(override(s, {"strategy.practices.p.unsubscribe_link": False}))


@pytest.mark.parametrize("check", ["LNT-06", "LNT-24", "LNT-29", "LNT-30"])
def test_lint_only_fix_is_not_modelled(check):
    report = lint(FIXTURES / f"{check}.fires.yaml")
    price(report, size=300, reps=2)
    mine = [f for f in report.failures if f.check.id == check]
    assert mine and all(f.price.status == "not_modelled" and f.price.value is None for f in mine)


def test_finding_without_automatic_fix_says_so():
    s = override(load_scenario(FIXTURES / "LNT-12.fires.yaml"), {"strategy.practices.p.data": ["location"]})
    report = lint(s)
    price(report, size=300, reps=1)
    lnt12 = next(f for f in report.failures if f.check.id == "LNT-12")
    assert lnt12.fix is None and lnt12.price.status == "no_fix"


def test_fixing_covert_sharing_lowers_backlash_under_crn():
    report = lint(SCENARIOS / "covert_sharing.yaml")
    price(report, size=1000, reps=6)      # a notice read by a share of its channel: a smaller, noisier gain
    for check in ("LNT-01", "LNT-21"):
        f = next(x for x in report.failures if x.check.id == check)
        assert f.price.status == "priced" and f.price.reps == 6 and f.price.size == 1000
        assert f.price.backlash_peak < 0
        low, high = f.price.backlash_ci
        assert low <= f.price.backlash_peak <= high < 0


def test_pricing_is_reproducible_and_paired():
    first = lint(SCENARIOS / "covert_sharing.yaml")
    second = lint(SCENARIOS / "covert_sharing.yaml")
    price(first, size=500, reps=2, seed=11)
    price(second, size=500, reps=2, seed=11)
    assert [f.price for f in first.failures] == [f.price for f in second.failures]
    third = lint(SCENARIOS / "covert_sharing.yaml")
    price(third, size=500, reps=2, seed=12)
    assert [f.price for f in third.failures] != [f.price for f in first.failures]


def test_priced_fix_changes_a_simulation_input():
    report = lint(FIXTURES / "LNT-09.fires.yaml")
    price(report, size=300, reps=2)
    f = next(x for x in report.failures if x.check.id == "LNT-09")
    assert f.price.status == "priced"
    assert simulated_inputs(override(report.scenario, f.fix)) != simulated_inputs(report.scenario)


def test_a_planned_response_is_priced_by_simulation():
    """LNT-33's fix is a response policy: priced like any other fix, and it lowers backlash."""
    report = lint(FIXTURES / "LNT-33.fires.yaml")
    price(report, size=400, reps=4)
    f = next(x for x in report.failures if x.check.id == "LNT-33")
    assert f.price.status == "priced" and f.price.backlash_peak < 0
    fixed = override(report.scenario, f.fix)
    assert simulated_inputs(fixed) != simulated_inputs(report.scenario)
    assert fixed.strategy.response.actions == ["apologise", "stop"]
