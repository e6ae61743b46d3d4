"""Lint and the simulated regulator read one rule base: on every lint fixture, bundled scenario and library
case, every violation the engine puts on record for a use or an act is one lint reports. (Lint may report
more: an opt-out rule nobody tested in a small run, a re-permission campaign that found nobody to mail.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from privsim.model.engine import Replication
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import resize
from privsim.tester.lint import lint
from tests.conftest import ROOT, SCENARIOS

FILES = sorted((ROOT / "tests" / "fixtures" / "lint").glob("*.yaml")) + sorted(SCENARIOS.glob("*.yaml")) + sorted(
    (SCENARIOS / "cases").glob("*.yaml"))


def judged_by_lint(scenario) -> set[tuple[str, str]]:
    """(subject, kind) of every violation lint reports."""
    report = lint(scenario)
    return {(f.subject, f.check.kind) for f in report.failures if f.check.kind and f.subject}


def judged_by_engine(scenario) -> set[tuple[str, str]]:
    """(subject, kind) the engine records for uses and the company's acts, under rules in force at the start.

    Breaches and incidents are events that happen to a strategy, not a strategy lint judges; nor is what the
    company's response makes of a practice once it is in the news (an opt-out added where the law wants opt-in).
    """
    eng = Replication(resize(scenario, min(scenario.population.size, 300)), 0)
    eng.run()
    acts = {p.id for p in scenario.strategy.practices} | {e.id or f"{e.type}_{i}" for i, e in
                                                        enumerate(scenario.events)
                                                        if e.type not in ("breach", "service_incident")}
    responded = {}
    for day, kind, text in eng.recorder.marks:
        if kind == "response":
            responded.setdefault(text.split(":", 1)[1], day)
    return {(v.subject, v.rule.kind) for v in eng.regulator.violations.values()
            if v.subject in acts and v.rule.start <= eng.regulator.start
            and v.first_day < responded.get(v.subject, eng.horizon + 1)}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_lint_and_engine_find_the_same_violations(path: Path):
    scenario = load_scenario(path)
    engine, linted = judged_by_engine(scenario), judged_by_lint(scenario)
    assert engine <= linted, f"the engine records what lint misses: {sorted(engine - linted)}"
