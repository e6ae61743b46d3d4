"""Strategy lint: every check fires on its triggering fixture at the marked line and stays quiet on its
non-triggering one; missing optional fields say "cannot evaluate"; packs, severities and exit rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from privsim.errors import InputError
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from privsim.tester.lint import CHECKS, NOTICE, PACKS, lint, packs_for
from tests.conftest import ROOT, SCENARIOS

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
IDS = sorted(CHECKS)


def marked_line(path: Path, check: str) -> int:
    """The 1-based line the fixture marks with ``# <- LNT-xx``."""
    lines = path.read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.endswith(f"# <- {check}"))


def test_catalogue_has_at_least_25_checks_with_provenance():
    assert len(CHECKS) >= 25
    for c in CHECKS.values():
        assert c.severity in ("critical", "high", "medium", "low")
        assert c.title and c.trigger and c.rule and c.fix_hint and c.packs
        assert c.packs <= set(PACKS), c.id


@pytest.mark.parametrize("check", IDS)
def test_every_check_has_both_fixtures(check):
    assert (FIXTURES / f"{check}.fires.yaml").is_file()
    assert (FIXTURES / f"{check}.passes.yaml").is_file()


@pytest.mark.parametrize("check", IDS)
def test_check_fires_at_the_offending_line(check):
    path = FIXTURES / f"{check}.fires.yaml"
    report = lint(path)
    hits = [f for f in report.failures if f.check.id == check]
    assert hits, f"{check} did not fire on {path.name}"
    assert {f.line for f in hits} == {marked_line(path, check)}
    assert all(f.source == str(path) for f in hits)


@pytest.mark.parametrize("check", IDS)
def test_check_passes_on_the_clean_fixture(check):
    report = lint(FIXTURES / f"{check}.passes.yaml")
    mine = [f for f in report.findings if f.check.id == check]
    assert mine == [], [(f.status, f.message) for f in mine]


@pytest.mark.parametrize("check", IDS)
def test_every_fix_applies_and_silences_its_finding(check):
    path = FIXTURES / f"{check}.fires.yaml"
    report = lint(path)
    for f in (f for f in report.failures if f.check.id == check):
        assert f.fix, f"{check} offers no fix"
        fixed = override(report.scenario, f.fix)
        again = [g for g in lint(fixed).failures if g.check.id == check and g.field == f.field]
        assert again == [], f"{check}: still fires after its fix {f.fix}"


@pytest.mark.parametrize("check, field, path", [
    ("LNT-10", "unsubscribe_link", ("strategy", "practices", 0, "unsubscribe_link")),
    ("LNT-06", "opt_in_steps", ("strategy", "practices", 0, "opt_in_steps")),
    ("LNT-16", "audience_min_age", ("strategy", "practices", 0, "audience_min_age")),
    ("LNT-24", "erasure_honoured", ("strategy", "controls", "erasure_honoured")),
    ("LNT-26", "access_logging", ("strategy", "controls", "access_logging")),
    ("LNT-30", "contracts_in_place", ("strategy", "practices", 0, "contracts_in_place")),
])
def test_missing_optional_field_cannot_evaluate_never_passes(check, field, path):
    clean = load_scenario(FIXTURES / f"{check}.passes.yaml")
    assert not [f for f in lint(clean).findings if f.check.id == check]
    dotted = ".".join(str(p) for p in path)
    unstated = override(clean, {dotted: None})
    mine = [f for f in lint(unstated).findings if f.check.id == check]
    assert mine and all(f.status == "cannot_evaluate" and not f.failed for f in mine)
    assert any(field in f.message for f in mine)


def test_policy_claims_unstated_cannot_evaluate():
    report = lint(SCENARIOS / "covert_sharing.yaml")
    lnt22 = [f for f in report.findings if f.check.id == "LNT-22"]
    assert [f.status for f in lnt22] == ["cannot_evaluate"]


def test_covert_sharing_findings_point_at_its_practice():
    path = SCENARIOS / "covert_sharing.yaml"
    text = path.read_text().splitlines()
    report = lint(path)
    by_id = {f.check.id: f for f in report.failures}
    assert {"LNT-01", "LNT-21"} <= set(by_id)
    assert text[by_id["LNT-01"].line - 1].strip().startswith("consent:")
    assert text[by_id["LNT-21"].line - 1].strip().startswith("disclosed:")
    assert by_id["LNT-01"].field == "strategy.practices[0].consent"


def test_severity_escalates_with_sensitive_data():
    fires = load_scenario(FIXTURES / "LNT-21.fires.yaml")
    plain = [f for f in lint(fires).failures if f.check.id == "LNT-21"]
    sensitive = override(fires, {"strategy.practices.p.data": ["purchase_history", "health"]})
    worse = [f for f in lint(sensitive).failures if f.check.id == "LNT-21"]
    assert [f.severity for f in plain] == ["high"] and [f.severity for f in worse] == ["critical"]


def test_jurisdiction_packs_select_checks():
    s = load_scenario(FIXTURES / "LNT-01.fires.yaml")
    assert any(f.check.id == "LNT-01" for f in lint(s).failures)
    us = lint(s, jurisdictions=["us"])
    assert not any(f.check.id == "LNT-01" for f in us.findings)
    assert {p.id for p in us.packs} == {"us"}
    assert {p.id for p in packs_for(["us_ca"])} == {"us", "us_ca"}
    ca = lint(load_scenario(FIXTURES / "LNT-17.fires.yaml"), jurisdictions=["eu"])
    assert not any(f.check.id == "LNT-17" for f in ca.findings)


def test_pack_limits_follow_the_strictest_jurisdiction():
    s = override(load_scenario(FIXTURES / "LNT-07.passes.yaml"), {"strategy.controls.opt_out_latency_days": 20,
                 "strategy.practices.p.channel": "email", "strategy.practices.p.contacts_per_month": 4})
    assert not any(f.check.id == "LNT-07" and f.severity == "high" for f in lint(s, jurisdictions=["eu"]).failures)
    us = [f for f in lint(s, jurisdictions=["eu", "us"]).failures if f.check.id == "LNT-07"]
    assert us and us[0].severity == "high" and "limit is 14" in us[0].message      # CAN-SPAM, for e-mail
    old = override(s, {"start_date": "2003-06-01"})                                 # before CAN-SPAM
    assert not any(f.check.id == "LNT-07" and f.severity == "high"
                   for f in lint(old, jurisdictions=["us"]).failures)


def test_every_pack_states_when_its_rules_were_checked():
    for pack in PACKS.values():
        assert pack.checked.year >= 2025 and pack.laws
    assert "not legal advice" in NOTICE


def test_unknown_jurisdiction_is_bad_input():
    with pytest.raises(InputError, match="us_ca"):
        lint(FIXTURES / "LNT-01.fires.yaml", jurisdictions=["us_cal"])


def test_exceeds_respects_fail_on():
    report = lint(SCENARIOS / "covert_sharing.yaml")
    top = max(report.failures, key=lambda f: ["low", "medium", "high", "critical"].index(f.severity)).severity
    assert top == "critical"
    assert report.exceeds("high") and report.exceeds("critical")
    assert not report.exceeds("never")
    clean = lint(FIXTURES / "LNT-25.passes.yaml")
    assert not clean.exceeds("high")


def test_missing_file_is_bad_input():
    with pytest.raises(InputError, match="no such file"):
        lint(FIXTURES / "nope.yaml")


def test_docs_list_every_check_with_its_severity():
    doc = (ROOT / "docs" / "lint.md").read_text()
    for c in CHECKS.values():
        assert f"| {c.id} | {c.severity} | {c.title} |" in doc, c.id


def test_public_api_lint_is_the_function_after_submodule_imports():
    import privsim
    import privsim.tester.lint.sarif

    report = privsim.lint(SCENARIOS / "covert_sharing.yaml")
    assert {"LNT-01", "LNT-21"} <= {f.check.id for f in report.failures}


def test_a_check_id_registered_twice_is_an_error():
    from privsim.tester.lint.base import check

    taken = next(iter(CHECKS))
    with pytest.raises(ValueError, match=f"{taken}' is registered twice"):
        check(taken, "again", "low", packs=["eu_uk"], trigger="", rule="", fix="", pda="", linddun="")(lambda ctx: [])
    assert CHECKS[taken].title != "again"
