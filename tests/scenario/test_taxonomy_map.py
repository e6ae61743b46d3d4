"""The fideslang → privsim map (data/taxonomy_map.csv, docs/taxonomy_sources.md) and the entries it added."""

from __future__ import annotations

import csv
from collections import Counter
from importlib.resources import files

import pytest

from privsim.experiments.runs import simulate
from privsim.scenario import law, taxonomy
from privsim.tester.lint import lint
from privsim.tester.lint.data import COMPATIBLE, NEEDED
from tests.model.sim import QUIET, persons, replication, scenario

ROWS = list(csv.DictReader((files("privsim") / "data" / "taxonomy_map.csv").open(encoding="utf-8")))
TABLES = {"category": taxonomy.CATEGORIES, "use": taxonomy.PURPOSES}
LISTS = {"gdpr", "dpd", "cpra", "bipa", "coppa"}
# the entries the map proposed as NEW and taxonomy.py now has (docs/taxonomy_sources.md §5), with their values
NEW_CATEGORIES = {"account_credentials": 0.85, "coarse_location": 0.35, "racial_ethnic_origin": 0.50,
                  "religious_beliefs": 0.50, "political_opinions": 0.45, "union_membership": 0.50,
                  "sex_life_orientation": 0.65, "neural": 0.90, "criminal_history": 0.80, "self_image": 0.60,
                  "public_content": 0.20}
NEW_PURPOSES = {"limited_data_ads": 0.50, "unspecified_purpose": 0.20, "ai_training": 0.20, "legal_disclosure": 0.70}
ART_9 = {"racial_ethnic_origin", "religious_beliefs", "political_opinions", "union_membership", "sex_life_orientation"}


def name(row: dict[str, str]) -> str:
    """The privsim entry a row maps to (a proposed ``NEW:<name>`` is that name)."""
    return row["privsim"].removeprefix("NEW:")


def value(kind: str, entry: str) -> float:
    """Sensitivity of a category, expectedness of a purpose."""
    e = TABLES[kind][entry]
    return e.sensitivity if isinstance(e, taxonomy.Category) else e.expectedness


def test_the_map_has_every_fideslang_key_once():
    assert Counter(r["kind"] for r in ROWS) == {"category": 85, "use": 56}
    keys = Counter((r["kind"], r["fides_key"]) for r in ROWS)
    assert [k for k, n in keys.items() if n > 1] == []
    assert all(r["fides_key"] and r["fides_name"] for r in ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r['kind']}:{r['fides_key']}")
def test_every_row_maps_to_an_existing_category_or_purpose(row):
    if row["privsim"] == "none":                   # what privsim does not model (system data, employees, the root)
        assert row["note"], row
        return
    assert name(row) in TABLES[row["kind"]], row
    if row["privsim"].startswith("NEW:"):          # the value it proposed is the one taxonomy.py has
        assert float(row["sensitivity_or_expectedness"]) == value(row["kind"], name(row)), row
        if row["kind"] == "category":
            assert set(filter(None, row["special"].split(";"))) <= taxonomy.CATEGORIES[name(row)].special, row
    else:
        assert row["sensitivity_or_expectedness"] == "", row
    assert set(filter(None, row["special"].split(";"))) <= LISTS, row
    assert row["kind"] == "category" or row["special"] == "", row


def test_every_new_entry_is_in_the_taxonomy_with_its_value_and_a_tagged_source():
    for kind, new in (("category", NEW_CATEGORIES), ("use", NEW_PURPOSES)):
        for entry, v in new.items():
            assert value(kind, entry) == v, entry
            why = TABLES[kind][entry].why
            assert why[:4] in ("[V] ", "[R] ", "[A] ") and len(why) > 20, entry
    mapped = {(r["kind"], name(r)) for r in ROWS if r["privsim"].startswith("NEW:")}
    # union membership and neural data have no fides key (docs/taxonomy_sources.md §5)
    assert mapped == ({("category", c) for c in NEW_CATEGORIES} - {("category", "union_membership"),
                                                                    ("category", "neural")}
                      | {("use", p) for p in NEW_PURPOSES})


def test_new_categories_are_on_the_lists_the_laws_put_them_on():
    special = {c: taxonomy.CATEGORIES[c].special for c in NEW_CATEGORIES}
    assert all("gdpr" in special[c] for c in ART_9)
    assert all("dpd" in special[c] for c in ART_9 - {"sex_life_orientation"})   # the Directive names sex life only
    assert {c for c in NEW_CATEGORIES if "cpra" in special[c]} == (ART_9 - {"political_opinions"}) | {
        "account_credentials", "neural"}
    assert not special["criminal_history"] and not special["coarse_location"]    # GDPR Art. 10 is not Art. 9
    assert not special["self_image"] and not special["public_content"]
    assert taxonomy.is_sensitive(["contact", "religious_beliefs"], "gdpr")
    assert not taxonomy.is_sensitive(["political_opinions"], "cpra")


def test_new_purposes_need_consent_unless_the_law_compels_them():
    assert {p for p in NEW_PURPOSES if taxonomy.PURPOSES[p].needs_consent} == set(NEW_PURPOSES) - {"legal_disclosure"}


def test_lint_tables_cover_every_purpose():
    for p in taxonomy.PURPOSES:
        assert p in COMPATIBLE and p in NEEDED
        assert NEEDED[p] <= set(taxonomy.CATEGORIES)
    assert all("legal_disclosure" in allowed for allowed in COMPATIBLE.values())


PRACTICE = ("strategy: {practices: [{id: train, purpose: ai_training, data: [account_credentials], "
            "consent: notice_only, collected_for: service_delivery, revenue_lift: 0.01}]}\n")


def test_a_scenario_with_a_new_category_and_purpose_loads_and_runs():
    s = scenario(PRACTICE, size=300, horizon=30, jurisdictions="[eu, us_ca]")
    practice = s.strategy.practices[0]
    assert (practice.purpose, practice.data) == ("ai_training", ["account_credentials"])

    eng = replication(PRACTICE + QUIET, until=30, size=300, horizon=30, jurisdictions="[eu, us_ca]")
    flow = eng.flows[0]
    assert flow.x == pytest.approx(0.85 * (1 - 0.20)) and flow.sensitive and flow.needs_consent
    assert persons(eng, "consent_bypassed")             # GDPR Art. 6(1)(a): ai_training needs consent
    assert persons(eng, "sensitive_without_consent")    # CPRA §1798.121: credentials with no choice offered

    result = simulate(s)
    assert not result.failed, result.error
    assert result.kpis and all(k in result.kpis for k in (("all", "churn"), ("all", "privacy_churn")))


@pytest.mark.parametrize("purpose", sorted(NEW_PURPOSES))
def test_lint_runs_on_every_new_purpose_and_category(purpose):
    data = ", ".join(NEW_CATEGORIES)
    s = scenario(f"strategy: {{practices: [{{id: p, purpose: {purpose}, data: [{data}], consent: opt_out, "
                 "collected_for: service_delivery}]}\n", jurisdictions="[eu, us_ca]")
    found = {f.check.id for f in lint(s).failures}
    assert "LNT-13" in found                            # Art. 9 data on opt-out
    assert ("LNT-11" in found) == (purpose != "legal_disclosure")   # a compelled disclosure is no purpose creep
    act = law.Act("use", law.Use("p", purpose, frozenset(NEW_CATEGORIES), "opt_in"))
    assert "sensitive_without_consent" not in law.kinds(act, ["eu", "us_ca"], law.REFERENCE_DATE)
