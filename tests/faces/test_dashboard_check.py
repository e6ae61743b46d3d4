"""Strategy check page: lint findings with severity, location and simulated price; the stress-test gate."""

from __future__ import annotations

import pytest

from privsim.dashboard import workspace
from privsim.scenario.overrides import resize
from privsim.tester.gate import stress
from privsim.tester.lint import NOTICE, lint
from tests.faces.test_dashboard import page_app, texts

SIZE, REPS, FILE = 500, 2, "dark_pattern_consent.yaml"


@pytest.fixture(scope="module")
def check():
    at = page_app("pages.check", SIZE, REPS, **{"check-pick": FILE}).run()
    assert not at.exception
    return at


def test_findings_are_shown_with_severity_line_and_field(check):
    entry = workspace.bundled()[FILE]
    report = lint(workspace.scenario(entry), source=entry.source, lines=workspace.lines(entry))
    assert NOTICE in texts(check.warning)
    assert {m.label: m.value for m in check.metric} == {k: str(v) for k, v in report.counts().items()}
    heads = [m for m in texts(check.markdown) if "-badge[" in m]
    helps = [m.help for m in check.markdown if "-badge[" in m.value]
    assert len(heads) == len(report.failures) > 0
    for head, f in zip(heads, report.failures, strict=True):
        assert head.startswith(":") and f"[{f.severity.upper()}] **{f.check.id}**" in head
        assert head.endswith(f"line {f.line}") and f.field not in head        # the field is named in its help
    assert helps == [f"Field: {f.field}" for f in report.failures]


def test_pricing_adds_the_simulated_effect_of_each_fix(check):
    assert all("not priced yet" in c for c in texts(check.caption) if c.startswith("Fix:"))
    check.button(key="run-Price each fix").click().run()
    prices = [c for c in texts(check.caption) if c.startswith("Fix:")]
    assert prices and not any("not priced yet" in c for c in prices)
    assert any("total value" in c and "95% CI" in c for c in prices)


def test_the_gate_verdict_is_the_stress_test_result():
    check = page_app("pages.check", SIZE, REPS, **{"check-pick": FILE}).run()   # fresh: nothing priced before
    check.button(key="run-Run the stress test").click().run()
    result = stress(resize(workspace.scenario(workspace.bundled()[FILE]), SIZE), reps=REPS)
    verdict = texts(check.success) + texts(check.error)
    assert ("Gate: pass" if result.passed else "Gate: FAIL") in verdict
    table = check.dataframe[-1].value
    assert list(table["result"]) == ["pass" if v.passed else "FAIL" for v in result.verdicts]


def test_jurisdictions_choose_the_packs(check):
    check.multiselect(key="check-jurisdictions").set_value(["us_ca"]).run()
    packs = next(c for c in texts(check.caption) if c.startswith("Packs: "))
    assert "California" in packs and "EU and UK" not in packs
