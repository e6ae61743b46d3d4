"""Scenario changes in words: patches, overrides and differences read as sentences, never as paths or reprs."""

import re

import pytest

from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from privsim.scenario.words import changes, describe, patch_in_words
from tests.conftest import SCENARIOS

CASES = sorted((SCENARIOS / "cases").glob("*.yaml"))
NEWSLETTER = "newsletter_opt_in.yaml"
# overrides the tests and docs use as examples (--set, override(), sweeps), on the scenario they change
EXAMPLES = {
    NEWSLETTER: {"strategy.practices.newsletter.contacts_per_month": 8, "population.lock_in": 0.3,
                 "horizon_days": 90, "population.size": 200_000, "economics.discount_rate": 0.05,
                 "economics.cost_per_contact": 0.02, "behavior.consent.intercept": 3.5, "behavior.trust_sd": 0.1,
                 "behavior.discovery.per_year": 0.0, "behavior.media.escalate_national": 1.0, "events": [],
                 "population.network": {"kind": "small_world", "degree": 100, "rewire": 1.0},
                 "population.network.kind": "small_world", "population.network.degree": 6,
                 "strategy.controls.opt_out_latency_days": None, "start_date": "2003-06-01", "name": "Pricier",
                 "strategy.practices.newsletter.data": ["purchase_history", "health"],
                 "strategy.practices.newsletter.ui_patterns": [], "strategy.practices.newsletter.opt_out_steps": 4,
                 "strategy.practices.newsletter.unsubscribe_link": False, "seed": 7,
                 "population.represents": 500.0, "jurisdictions": ["uk", "us_ca"]},
    "covert_sharing.yaml": {"strategy.practices.partner_feed.data_revenue_per_record": 8.0,
                            "strategy.practices.partner_feed.centrality": 0.8},
}
PATH = re.compile(r"\b[a-z_]+\.[a-z_0-9]+")            # a dotted path: events.0, strategy.practices
REPR = re.compile(r"\b(True|False|None)\b|[\[\]{}]|\d[eE][+-]?\d")


def assert_words(text: str) -> None:
    assert not PATH.search(text), text
    assert not REPR.search(text), text


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_case_counterfactual_reads_in_words(path):
    s = load_scenario(path)
    lines = patch_in_words(s, s.counterfactual)
    assert len(lines) == len(s.counterfactual)
    for line in lines:
        assert_words(line)


@pytest.mark.parametrize("file", EXAMPLES)
def test_every_example_override_reads_in_words(file):
    s = load_scenario(SCENARIOS / file)
    for line in patch_in_words(s, EXAMPLES[file]):
        assert_words(line)


def test_a_share_money_boolean_list_and_event_in_words():
    target = load_scenario(SCENARIOS / "cases" / "target_pregnancy_2012.yaml")
    assert describe(target, "strategy.practices.pregnancy_score.disclosed", True) == \
        "Practice “pregnancy_score”: disclosed to customers — no → yes"
    breach = load_scenario(SCENARIOS / "remote_breach_unencrypted.yaml")
    assert describe(breach, "events.0.share_of_records", 0.001) == \
        "Event 1 (breach on day 100): share of records exposed — 10% → 0.1%"
    s = load_scenario(SCENARIOS / NEWSLETTER)
    assert describe(s, "economics.cost_per_contact", 0.02) == "Economics: cost per contact — $0.005 → $0.02"
    euro = override(s, {"economics.currency": "EUR"})
    assert describe(euro, "strategy.practices.newsletter.incentive", 2_500_000) == \
        "Practice “newsletter”: one-off value offered for consent — €0 → €2.5 million"
    assert describe(s, "strategy.practices.newsletter.data", ["purchase_history", "health", "location"]) == \
        "Practice “newsletter”: data categories — contact and purchase history → purchase history, health and location"
    assert describe(s, "jurisdictions", ["uk", "us_ca"]) == "Scenario: jurisdictions — EU → UK and California"
    assert describe(s, "strategy.practices.newsletter.consent", "opt_out") == \
        "Practice “newsletter”: consent — opt-in → opt-out"


def test_nulls_sections_and_unknown_paths_read_without_raising():
    s = load_scenario(SCENARIOS / NEWSLETTER)
    assert describe(s, "strategy.controls.opt_out_latency_days", None) == \
        "Strategy, controls: time to honour an opt-out — 10 days → opt-outs never honoured"
    assert describe(s, "population.network", {"kind": "small_world", "degree": 6}) == \
        "Population, network: kind — mean field → small world; contacts per customer — 10 → 6"
    assert describe(s, "operations.service.broad_share", 0.5) == \
        "Operations, service desk: share of agents who can open every record set to 50%"
    assert describe(s, "strategy.practices.nope.contacts_per_month", 2) == \
        "Practice “nope”: contacts per month set to 2"
    equifax = load_scenario(SCENARIOS / "cases" / "equifax_breach_2017.yaml")
    assert patch_in_words(equifax, equifax.counterfactual)[1].endswith(
        "yearly rate — none (on a fixed day) → the rate operations and controls imply")


def test_changes_list_every_differing_field_in_words_and_nothing_for_the_same_scenario():
    s = load_scenario(SCENARIOS / NEWSLETTER)
    assert changes(s, s) == []
    variant = override(s, {"strategy.practices.newsletter.contacts_per_month": 8, "horizon_days": 90},
                       name="Twice as often")
    assert changes(s, variant) == ["Scenario: name — “Opt-in newsletter” → “Twice as often”",
                                   "Scenario: horizon — 365 days → 90 days",
                                   "Strategy: name — “Opt-in newsletter” → “Twice as often”",
                                   "Practice “newsletter”: contacts per month — 4 → 8"]
    covert = load_scenario(SCENARIOS / "covert_sharing.yaml")
    lines = changes(s, covert)
    assert "Practice “newsletter”: removed" in lines and "Scenario: events — none → media story on day 120" in lines
    assert any(line.startswith("Practice “partner_feed”: added (purpose: third party sharing;") for line in lines)
    for line in lines:
        assert_words(line)


@pytest.mark.parametrize("path", CASES[:4], ids=lambda p: p.stem)
def test_a_case_and_its_better_practice_differ_by_exactly_the_patch(path):
    s = load_scenario(path)
    assert changes(s, override(s, s.counterfactual)) == patch_in_words(s, s.counterfactual)
