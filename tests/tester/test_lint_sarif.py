"""SARIF 2.1.0 output validates against the OASIS schema kept in the repo, and carries rules, levels and lines."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from privsim.tester.lint import lint, to_sarif
from privsim.tester.lint.sarif import SCHEMA_FILE
from tests.conftest import ROOT, SCENARIOS

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
PRIVSIM = Path(sys.executable).parent / "privsim"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text())
    assert "2.1.0" in schema["title"]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


@pytest.mark.parametrize("path", [SCENARIOS / "covert_sharing.yaml", SCENARIOS / "newsletter_opt_in.yaml",
                                  FIXTURES / "LNT-05.fires.yaml", FIXTURES / "LNT-29.fires.yaml"])
def test_sarif_validates_against_the_schema(path, validator):
    log = to_sarif(lint(path))
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0].message


def test_schema_rejects_a_broken_log(validator):
    log = to_sarif(lint(SCENARIOS / "covert_sharing.yaml"))
    log["runs"][0]["results"][0]["level"] = "critical"
    assert list(validator.iter_errors(log))


def test_results_carry_rule_level_and_line():
    path = SCENARIOS / "covert_sharing.yaml"
    report = lint(path)
    run = to_sarif(report)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert len(rules) == len(report.checks)
    failed = [r for r in run["results"] if r["kind"] == "fail"]
    review = [r for r in run["results"] if r["kind"] == "review"]
    assert len(failed) == len(report.failures) and len(review) == len(report.unknowns)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    lnt01 = next(r for r in failed if r["ruleId"] == "LNT-01")
    finding = next(f for f in report.failures if f.check.id == "LNT-01")
    location = lnt01["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "scenarios/covert_sharing.yaml" or \
        location["artifactLocation"]["uri"].endswith("scenarios/covert_sharing.yaml")
    assert location["region"]["startLine"] == finding.line
    assert lnt01["level"] == "error"
    assert all(r["level"] == "none" for r in review)
    assert "not legal advice" in run["properties"]["notice"]
    assert all(p["checked"] for p in run["properties"]["packs"])
    assert rules[lnt01["ruleIndex"]]["properties"]["security-severity"] == "9.5"


def test_cli_writes_a_valid_sarif_file(tmp_path, validator):
    target = tmp_path / "out" / "lint.sarif"
    result = subprocess.run([str(PRIVSIM), "lint", "scenarios/covert_sharing.yaml", "--format", "sarif",
                             "--no-price", "--output", str(target)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    log = json.loads(target.read_text())
    assert not list(validator.iter_errors(log))
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "scenarios/covert_sharing.yaml"
    assert [p.name for p in target.parent.iterdir()] == ["lint.sarif"]
