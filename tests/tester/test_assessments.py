"""Exports for assessments: data actions, the PRAM mapping and workbook, the CNIL PIA and their thresholds."""

from __future__ import annotations

import io
import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files

import jsonschema
import numpy as np
import openpyxl
import pytest

from privsim.scenario import taxonomy
from privsim.scenario.load import read_scenario, scenario_from_data
from privsim.scenario.overrides import resize
from privsim.scenario.schema import Gate
from privsim.tester.assessments import (
    COLUMNS,
    FEARED_EVENTS,
    Figure,
    assess,
    cnil,
    data_actions,
    pia,
    problems,
    thresholds,
    without,
    workbook,
)
from privsim.tester.assessments.actions import EVENT_ACTIONS
from privsim.tester.gate import stress
from privsim.tester.lint import CHECKS, lint
from tests.conftest import ROOT, SCENARIOS

REPS, SIZE, SEED = 3, 400, 11
CREATED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SCIENTIFIC = re.compile(r"\d[eE][+-]\d")    # 1.3e+07, 1e-05


def assessed(name: str, size: int = SIZE, reps: int = REPS):
    s, lines = read_scenario(SCENARIOS / name)
    s = resize(s, size)
    return assess(s, lint(s, source=name, lines=lines), lines, reps, seed=SEED)


@pytest.fixture(scope="module")
def dark():
    return assessed("dark_pattern_consent.yaml")


@pytest.fixture(scope="module")
def book(dark):
    return openpyxl.load_workbook(io.BytesIO(workbook(dark)))


def schema():
    return json.loads((files("privsim") / "data" / cnil.SCHEMA).read_text(encoding="utf-8"))


# ------------------------------------------------------------------ data actions
def test_data_actions_are_practices_company_events_and_operations():
    s, lines = read_scenario(SCENARIOS / "data_merger.yaml")
    actions = data_actions(s, Gate(), lines)
    assert [(a.id, a.kind) for a in actions] == [("newsletter", "practice"), ("identity_merge", "data_merger"),
                                                ("operations", "operations")]
    assert actions[0].line is not None and actions[1].line is not None and actions[2].line is None
    assert [a.id for a in data_actions(s, Gate(breaches=False))] == ["newsletter", "identity_merge"]


def test_without_drops_the_action_and_events_only_about_it():
    s, _ = read_scenario(SCENARIOS / "dark_pattern_consent.yaml")
    practice = data_actions(s, Gate())[0]
    left = without(s, practice)
    assert left.strategy.practices == [] and left.events == []      # its media story went with it
    assert without(s, data_actions(s, Gate())[-1]).operations is None


def test_a_practice_that_reaches_no_one_has_no_problem_and_no_loss():
    s, lines = read_scenario(SCENARIOS / "newsletter_opt_in.yaml")
    data = resize(s, 300).model_dump(mode="json", by_alias=True)
    ghost = {**data["strategy"]["practices"][0], "id": "ghost", "segments": []}
    data["strategy"]["practices"].append(ghost)
    s = scenario_from_data(data)
    a = assess(s, lint(s), lines, 2, seed=SEED)
    risk = next(r for r in a.risks if r.action.id == "ghost")
    assert not risk.problematic.any() and np.array_equal(risk.losses, np.zeros(2))   # CRN: exactly nothing


# ------------------------------------------------------------------ the PRAM mapping
def test_mapping_covers_every_check_purpose_and_event_with_nist_terms_only():
    table = problems.table()
    for (kind, key), m in table.items():
        assert set(m.pdas) <= set(problems.PDAS) and set(m.problems) <= set(problems.PROBLEMS), (kind, key)
        assert m.source or not m.pdas, f"{kind} {key} maps to {m.pdas} without a source"
    assert {k for kind, k in table if kind == "check"} == set(CHECKS)
    assert {k for kind, k in table if kind == "purpose"} == set(taxonomy.PURPOSES)
    events = {k for kind, k in table if kind in ("event", "purpose")}
    assert set(EVENT_ACTIONS) <= events


def test_mapping_agrees_with_each_checks_own_tag():
    for c in CHECKS.values():
        if c.pda in problems.PDAS:
            assert c.pda in problems.mapped("check", c.id).pdas, c.id


# ------------------------------------------------------------------ the workbook
def test_workbook_has_one_row_per_data_action_with_documented_columns(dark, book):
    assert book.sheetnames == ["Data actions", "Stress test", "Lint findings", "About"]
    rows = list(book["Data actions"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == [r.action.id for r in dark.risks] == ["ad_profiling", "operations"]
    row = dict(zip(COLUMNS, rows[1], strict=True))
    assert row["lint findings"].startswith("LNT-") and "Induced disclosure" in row["problematic data actions"]
    assert row["replications"] == REPS and row["line"] == 21
    assert row["likelihood low"] <= row["likelihood"] <= row["likelihood high"]
    assert row["risk score"] == row["likelihood score"] * row["impact score"]


def test_workbook_figures_equal_the_stress_test_on_the_same_seed(dark, book):
    g = stress(dark.scenario, reps=REPS, seed=SEED)
    figures = {r[0]: r for r in book["Stress test"].iter_rows(min_row=2, values_only=True)}
    for label, expected in (("P5 loss of total value vs no-practice baseline", g.value_loss[0]),
                            ("P95 loss of total value vs no-practice baseline", g.value_loss[2]),
                            ("probability of regulator action", g.regulator_probability),
                            ("P95 peak backlash", g.backlash_peak[1]),
                            ("total value of the no-practice baseline", g.baseline_value)):
        assert figures[label][1] == pytest.approx(expected, rel=1e-12, abs=1e-12), label
    about = {r[1]: r[2] for r in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["seed"] == SEED and about["replications"] == REPS
    assert about["hash (SHA-256 of the resolved scenario)"] == dark.scenario.digest()


def test_likelihood_is_wilson_and_impact_a_mean_with_its_ci(dark):
    from privsim.experiments.intervals import mean_ci, wilson

    r = dark.risks[0]
    k, n = int(r.problematic.sum()), r.problematic.size
    assert (r.likelihood.value, r.likelihood.interval) == (k / n, "Wilson 95%")
    if 0 < k < n:
        assert (r.likelihood.low, r.likelihood.high) == pytest.approx(wilson(k, n))
    assert (r.expected_loss.low, r.expected_loss.high) == pytest.approx(mean_ci(r.losses))


def test_no_cell_is_nan_or_infinite(book):
    for sheet in book:
        for row in sheet.iter_rows(values_only=True):
            for v in row:
                assert not (isinstance(v, float) and not math.isfinite(v)), (sheet.title, row)
                assert not (isinstance(v, str) and (v.lower() == "nan" or SCIENTIFIC.search(v))), (sheet.title, row)


# ------------------------------------------------------------------ thresholds
@pytest.mark.parametrize("value, level", [(0.0, 1), (0.0499, 1), (0.05, 2), (0.1999, 2), (0.20, 3), (0.4999, 3),
                                          (0.50, 4), (1.0, 4), (None, 0), (float("nan"), 0)])
def test_cnil_likelihood_levels_at_their_edges(value, level):
    assert thresholds.cnil_level(value, thresholds.CNIL_LIKELIHOOD) == level


@pytest.mark.parametrize("p, score", [(0.0, 0), (0.01, 1), (0.1, 1), (0.11, 2), (0.3, 3), (0.7, 7), (1.0, 10)])
def test_pram_likelihood_score(p, score):
    assert thresholds.likelihood_score(p) == score


@pytest.mark.parametrize("share, score", [(None, 0), (0.0, 0), (-0.1, 0), (0.00005, 1), (0.0001, 2), (0.0099, 5),
                                          (0.01, 6), (1.0, 10), (5.0, 10)])
def test_pram_impact_score(share, score):
    assert thresholds.impact_score(share) == score


def test_docs_list_every_threshold_as_the_code_has_it():
    doc = (ROOT / "docs" / "assessments.md").read_text()
    for name, (edges, measured, scale) in thresholds.TABLES.items():
        assert f"| `{name}` | {measured} | {' / '.join(f'{e:g}' for e in edges)} | {scale} |" in doc, name


@dataclass
class Stub:
    """The parts of an Assessment the CNIL gauges read, set to chosen figures."""

    values: dict[str, float | None]
    baseline: float = 1000.0
    currency: str = "EUR"
    ok: tuple = (1, 2, 3)

    def figure(self, name: str) -> Figure:
        return Figure(name, name, self.values[name], None, None, "probability", "Wilson 95%")

    def share(self, money: float | None) -> float | None:
        return None if money is None else money / self.baseline


@pytest.mark.parametrize("loss, heard, level", [(0.0, 0.0, 1), (0.99, 0.0, 1), (1.0, 0.0, 2), (10.0, 0.0, 3),
                                                (50.0, 0.0, 4), (0.0, 0.01, 3), (0.0, 0.0999, 3), (0.0, 0.10, 4),
                                                (10.0, 0.001, 3), (None, 0.001, 2)])
def test_cnil_severity_is_the_higher_of_money_and_people_levels(loss, heard, level):
    stub = Stub({"value_loss_p95": loss, "heard_p95": heard})
    assert cnil.severity(stub)[0] == level          # money edges 0.1% / 1% / 5% of a baseline of 1,000


def test_cnil_gauges_follow_the_likelihood_edges_and_leave_modification_unestimated():
    stub = Stub({"value_loss_p95": 0.0, "heard_p95": 0.0, "regulator_or_incident": 0.2, "lost_device": 0.0499})
    access, change, gone = (cnil.gauges(stub, e) for e in FEARED_EVENTS)
    assert (access.likelihood, gone.likelihood) == (3, 1)
    assert (change.severity, change.likelihood) == (0, 0) and "not estimated" in change.why_likelihood
    stub.values["lost_device"] = None                # no operations simulated: not estimated, never 'negligible'
    gone = cnil.gauges(stub, FEARED_EVENTS[2])
    assert (gone.severity, gone.likelihood) == (0, 0) and "no operations were simulated" in gone.why_likelihood


# ------------------------------------------------------------------ the CNIL PIA
def test_pia_matches_the_documented_schema_and_the_thresholds(dark):
    data = pia(dark, CREATED, author="A. Analyst")
    jsonschema.validate(data, schema())
    json.dumps(data, allow_nan=False)                       # no NaN or infinity anywhere
    gauge = {x["reference_to"]: x["data"]["gauge"] for x in data["answers"]}
    p = dark.figure("regulator_or_incident").value
    assert gauge[326] == thresholds.cnil_level(p, thresholds.CNIL_LIKELIHOOD)
    assert gauge[325] == cnil.severity(dark)[0] and gauge[335] == gauge[336] == 0
    assert data["pia"]["author_name"] == "A. Analyst" and data["pia"]["created_at"] == "2026-03-01T12:00:00.000Z"
    assert {x["reference_to"] for x in data["answers"]} == {111, 121, *(b * 10 + i for b in (32, 33, 34)
                                                                           for i in range(1, 7))}


def test_schema_refuses_what_the_pia_tool_would_not_import(dark):
    data = pia(dark, CREATED)
    for broken in ({k: v for k, v in data.items() if k != "measures"},
                   {**data, "answers": [{**a, "data": {**a["data"], "gauge": 5}} for a in data["answers"]]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema())
