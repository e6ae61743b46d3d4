"""SARIF 2.1.0 output, so code-scanning tools show lint findings in pull requests.

The schema kept in ``privsim/data/sarif-schema-2.1.0.json`` (OASIS committee
specification) validates the output in the tests; it is never fetched.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from privsim.tester.lint.base import Check, Finding
from privsim.tester.lint.runner import Report

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "data" / "sarif-schema-2.1.0.json"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
# GitHub code scanning reads rule property "security-severity" (0–10) to label results
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.0", "low": "2.0"}


def to_sarif(report: Report) -> dict[str, Any]:
    """The report as a SARIF 2.1.0 log with one run."""
    from privsim import __version__

    index = {c.id: i for i, c in enumerate(report.checks)}
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "privsim lint", "version": __version__,
                                "rules": [_rule(c) for c in report.checks]}},
            "invocations": [_invocation(report)],
            "results": [_result(f, index[f.check.id]) for f in report.findings],
            "properties": {"notice": report.notice,
                           "packs": [{"id": p.id, "title": p.title, "checked": p.checked.isoformat()}
                                     for p in report.packs]},
        }],
    }


def _invocation(report: Report) -> dict[str, Any]:
    """The run's invocation; what a data map import could not map are its warnings, located in the map."""
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if report.warnings:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": f"{w.field}: {w.message}" if w.field else w.message},
             "locations": [_location(w.source, w.line)]} for w in report.warnings]
    return invocation


def _location(source: str, line: int | None) -> dict[str, Any]:
    """A SARIF location: the file (repository-relative when it can be) and its line."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(source)}}
    if line:
        physical["region"] = {"startLine": line}
    return {"physicalLocation": physical}


def _rule(c: Check) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": "".join(w[:1].upper() + w[1:] for w in c.title.replace("'", "").replace(",", "").split()
                        if w.isalnum()),
        "shortDescription": {"text": c.title},
        "fullDescription": {"text": f"Trigger: {c.trigger}"},
        "help": {"text": f"Rule or case: {c.rule}. Fix: {c.fix_hint}. Heuristic, not legal advice.",
                 "markdown": f"**Rule or case:** {c.rule}\n\n**Fix:** {c.fix_hint}\n\n_Heuristic, not legal advice._"},
        "defaultConfiguration": {"level": LEVEL[c.severity]},
        "properties": {"tags": ["privacy", c.pda, c.linddun], "security-severity": SECURITY_SEVERITY[c.severity],
                       "precision": "medium", "packs": sorted(c.packs)},
    }


def _result(f: Finding, rule_index: int) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.check.id,
        "ruleIndex": rule_index,
        "kind": "fail" if f.failed else "review",
        "level": LEVEL[f.severity] if f.failed else "none",
        "message": {"text": f.message if f.failed else f"cannot evaluate: {f.message}"},
        "properties": {"severity": f.severity, "field": f.field},
    }
    if not f.source.startswith("<"):
        result["locations"] = [_location(f.source, f.line)]
    if f.price is not None:
        result["properties"]["price"] = {"status": f.price.status, "value": f.price.value,
                                         "backlash_peak": f.price.backlash_peak,
                                         "regulator_action": f.price.regulator_action}
    return result


def _uri(source: str) -> str:
    """A repository-relative POSIX path when the file is under the working directory, else a file URI."""
    path = Path(source)
    if not path.is_absolute():
        return path.as_posix()
    try:
        return Path(os.path.relpath(path, Path.cwd())).as_posix() if path.is_relative_to(Path.cwd()) \
            else path.as_uri()
    except ValueError:
        return path.as_uri()
