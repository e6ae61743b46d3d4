"""privsim lint on a Fides data map: findings and SARIF point at the manifest and the declaration's line."""

from __future__ import annotations

import json

import jsonschema
import pytest

from privsim.tester.lint import lint, to_dict, to_sarif
from privsim.tester.lint.sarif import SCHEMA_FILE
from privsim.tester.lint.target import read_target
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "fides"
ADS, SHOP = EXAMPLE / "ads.yml", EXAMPLE / "shop.yml"
DECLARATIONS = {str(ADS): range(8, 22), str(SHOP): range(8, 35)}   # the lines of the declarations of each file


@pytest.fixture(scope="module")
def validator():
    return jsonschema.Draft7Validator(json.loads(SCHEMA_FILE.read_text()))


def test_a_manifest_or_folder_is_read_as_a_data_map_and_a_scenario_as_a_scenario():
    assert read_target(EXAMPLE).warnings and read_target(ADS).source == str(ADS)
    assert len(read_target(ADS).scenario.strategy.practices) == 2
    scenario = read_target(ROOT / "scenarios" / "newsletter_opt_in.yaml")
    assert scenario.warnings == [] and scenario.locate(("strategy", "practices", 0, "consent"))[1] == 26


def test_findings_point_at_the_declaration_that_made_the_practice():
    report = lint(EXAMPLE)
    by_check = {(f.check.id, f.field): f for f in report.failures}
    retargeting = by_check[("LNT-15", "strategy.practices[0].consent")]
    assert (retargeting.source, retargeting.line, retargeting.severity) == (str(ADS), 12, "critical")
    assert (by_check[("LNT-02", "strategy.practices[0].consent")].line,
            by_check[("LNT-01", "strategy.practices[1].consent")].line) == (12, 15)
    assert by_check[("LNT-12", "strategy.practices[0].data")].line == 9        # its data_categories line
    for f in report.findings:
        assert f.line in DECLARATIONS[f.source] or f.line == 3, (f.check.id, f.field, f.line)   # 3: first system
    assert {w.source for w in report.warnings} == {str(ADS), str(SHOP)}
    assert to_dict(report)["warnings"][0].startswith(f"{ADS}:16: ")


def test_sarif_validates_and_locates_results_and_warnings_in_the_map(validator, monkeypatch):
    monkeypatch.chdir(ROOT)
    log = to_sarif(lint("examples/fides"))
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0].message
    run = log["runs"][0]
    lnt15 = next(r for r in run["results"] if r["ruleId"] == "LNT-15")
    assert lnt15["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "examples/fides/ads.yml"},
                                                         "region": {"startLine": 12}}
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [(n["level"], n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             n["locations"][0]["physicalLocation"]["region"]["startLine"]) for n in notes] == [
        ("warning", "examples/fides/ads.yml", 16), ("warning", "examples/fides/shop.yml", 31)]
    assert "user.derived.identifiable.location" in notes[0]["message"]["text"]


def test_a_scenario_file_keeps_a_notification_free_invocation():
    log = to_sarif(lint(ROOT / "scenarios" / "covert_sharing.yaml"))
    assert log["runs"][0]["invocations"] == [{"executionSuccessful": True}]
