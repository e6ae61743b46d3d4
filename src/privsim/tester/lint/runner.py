"""Run the checks of the selected jurisdiction packs over a scenario and locate every finding."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from privsim.errors import Problem
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import LineMap, dotted
from privsim.tester.lint.base import CHECKS, SEVERITIES, Check, Finding, rank
from privsim.tester.lint.context import Context
from privsim.tester.lint.packs import NOTICE, Pack, packs_for
from privsim.tester.lint.target import Target, read_target, scenario_target

FAIL_ON = (*SEVERITIES, "never")


@dataclass
class Report:
    """Findings of one lint run, with the packs (and their check dates) that produced them."""

    scenario: Scenario
    source: str
    packs: list[Pack]
    checks: list[Check]
    findings: list[Finding] = field(default_factory=list)
    notice: str = NOTICE
    warnings: list[Problem] = field(default_factory=list)   # what a data map import could not map

    @property
    def failures(self) -> list[Finding]:
        """Findings whose check fired."""
        return [f for f in self.findings if f.failed]

    @property
    def unknowns(self) -> list[Finding]:
        """Checks that could not be evaluated (an optional field is not stated)."""
        return [f for f in self.findings if not f.failed]

    def exceeds(self, fail_on: str) -> bool:
        """A finding at or above ``fail_on`` severity exists (``never``: always False)."""
        if fail_on == "never":
            return False
        return any(rank(f.severity) >= rank(fail_on) for f in self.failures)

    def counts(self) -> dict[str, int]:
        """Number of failed findings per severity, highest first."""
        return {s: sum(f.severity == s for f in self.failures) for s in reversed(SEVERITIES)}


def lint(target: Scenario | Target | str | Path, *, jurisdictions: list[str] | None = None,
         source: str | None = None, lines: LineMap | None = None) -> Report:
    """Lint a scenario against the worst-practice checks of its jurisdiction packs.

    Args:
        target: a scenario, a :class:`Target`, or the path of a scenario file or Fides data map (findings
            then carry its files and lines)
        jurisdictions: jurisdictions whose packs apply (default: the scenario's)
        source: the name findings are reported under (a scenario given as an object)
        lines: field path → line map for locating findings (a scenario given as an object)
    """
    if isinstance(target, Scenario):
        target = scenario_target(target, source or "<scenario>", lines)
    elif not isinstance(target, Target):
        target = read_target(target)
    scenario, source = target.scenario, target.source
    packs = packs_for(jurisdictions if jurisdictions else list(scenario.jurisdictions),
                      "--jurisdiction" if jurisdictions else f"{source}: jurisdictions")
    ctx = Context(scenario, packs, list(jurisdictions) if jurisdictions else list(scenario.jurisdictions))
    chosen = {p.id for p in packs}
    checks = [c for c in CHECKS.values() if c.packs & chosen]
    report = Report(scenario, source, packs, checks, warnings=list(target.warnings))
    for c in checks:
        for hit in c.evaluate(ctx):
            file, line = target.locate(hit.path)
            report.findings.append(Finding(
                check=c, status="fail" if hit.evaluable else "cannot_evaluate",
                severity=hit.severity or c.severity, message=hit.message, source=file,
                line=line, field=dotted(hit.path), fix=hit.fix if hit.evaluable else None,
                subject=hit.subject))
    report.findings.sort(key=lambda f: (not f.failed, -rank(f.severity), f.source, f.line or 0, f.check.id))
    return report


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-able data."""
    return {
        "notice": report.notice,
        "scenario": report.scenario.name,
        "file": report.source,
        "packs": [{"id": p.id, "title": p.title, "laws": p.laws, "checked": p.checked.isoformat()}
                  for p in report.packs],
        "checks_run": [c.id for c in report.checks],
        "counts": report.counts(),
        "warnings": [str(w) for w in report.warnings],
        "findings": [{
            "check": f.check.id, "title": f.check.title, "status": f.status, "severity": f.severity,
            "message": f.message, "file": f.source, "line": f.line, "field": f.field,
            "rule": f.check.rule, "fix_hint": f.check.fix_hint, "fix": f.fix,
            "price": None if f.price is None else {
                "status": f.price.status, "value": f.price.value, "value_ci": f.price.value_ci,
                "backlash_peak": f.price.backlash_peak, "backlash_ci": f.price.backlash_ci,
                "regulator_action": f.price.regulator_action, "reps": f.price.reps, "size": f.price.size},
        } for f in report.findings],
    }
