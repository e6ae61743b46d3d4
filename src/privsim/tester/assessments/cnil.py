"""Risks in the CNIL PIA tool's import/export format, with likelihood and severity from the stress test.

The shape is what the open-source PIA software (github.com/LINCnil/pia) exports and imports
(``PiaService.exportData`` / ``importData``): ``{"pia", "answers", "measures", "evaluations", "comments"}``.
Answers refer to the questions of ``src/assets/files/pia_architecture.json``: 111 (the processing), 121
(the data), and per feared event — illegitimate access 32x, unwanted modification 33x, disappearance of
data 34x — x = 1 impacts, 2 threats, 3 risk sources, 4 controls (lists), 5 severity and 6 likelihood
(gauges 1 negligible, 2 limited, 3 significant, 4 maximum; 0 not estimated). The levels follow the
documented thresholds of :mod:`privsim.tester.assessments.thresholds`. The JSON schema of what is written
is ``privsim/data/cnil_pia.schema.json``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from privsim.files import versions
from privsim.output.formatting import money
from privsim.tester.assessments import thresholds
from privsim.tester.assessments.actions import OPERATIONS
from privsim.tester.assessments.assess import ActionRisk, Assessment
from privsim.tester.assessments.figures import Figure, percent, text
from privsim.tester.assessments.problems import union
from privsim.tester.lint import NOTICE

PIA_ID = 1
SCHEMA = "cnil_pia.schema.json"


@dataclass(frozen=True)
class FearedEvent:
    """One of the PIA tool's three risks: its question block and the stress-test probability behind it."""

    key: str
    block: int                      # 32, 33, 34: answers 321–326 …
    title: str
    likelihood: str | None          # the figure of Assessment.figures() its likelihood comes from; None: not simulated
    unestimated: str                # why the gauges are 0 when that figure has no value


FEARED_EVENTS = (
    FearedEvent("access", 32, "Illegitimate access to data", "regulator_or_incident",
                "no stress-test replication succeeded"),
    FearedEvent("change", 33, "Unwanted modification of data", None,
                "privsim does not simulate changes to data (integrity)"),
    FearedEvent("disappearance", 34, "Disappearance of data", "lost_device",
                "no operations were simulated (the scenario states none and the gate draws no incidents)"),
)


@dataclass(frozen=True)
class Gauges:
    """Severity and likelihood of one feared event, with the reasons in words."""

    severity: int
    likelihood: int
    why_severity: str
    why_likelihood: str


def severity(a: Assessment) -> tuple[int, str]:
    """The severity level: the higher of the money level and the people level, and why."""
    loss, heard = a.figure("value_loss_p95"), a.figure("heard_p95")
    share = a.share(loss.value)
    by_money = thresholds.cnil_level(share, thresholds.CNIL_MONEY)
    by_people = thresholds.cnil_level(heard.value, thresholds.CNIL_PEOPLE)
    level = max(by_money, by_people)
    money_text = "–" if share is None else f"{text(loss, a.currency)}, {percent(share)} of the baseline's total value"
    why = (f"{thresholds.CNIL_LEVELS[level]}: the higher of the money level "
           f"({thresholds.CNIL_LEVELS[by_money]}: P95 loss of total value {money_text}; edges "
           f"{_edges(thresholds.CNIL_MONEY)}) and the people level ({thresholds.CNIL_LEVELS[by_people]}: P95 "
           f"{text(heard, a.currency)} of customers learned of a violation or incident; edges "
           f"{_edges(thresholds.CNIL_PEOPLE)})")
    return level, why


def _edges(edges: tuple[float, ...]) -> str:
    return " / ".join(percent(e) for e in edges)


def gauges(a: Assessment, event: FearedEvent) -> Gauges:
    """The gauges of one feared event from the stress test (0 and 0, not estimated, when nothing measures it)."""
    f: Figure | None = a.figure(event.likelihood) if event.likelihood else None
    if f is None or f.value is None:
        why = f"not estimated: {event.unestimated}; the assessor sets this gauge"
        return Gauges(0, 0, why, why)
    level = thresholds.cnil_level(f.value, thresholds.CNIL_LIKELIHOOD)
    why_likelihood = (f"{thresholds.CNIL_LEVELS[level]}: {f.label} {text(f, a.currency)} over "
                      f"{len(a.ok)} stress-test replications; edges {_edges(thresholds.CNIL_LIKELIHOOD)}")
    sev, why_severity = severity(a)
    return Gauges(sev, level, why_severity, why_likelihood)


def _html(*paragraphs: str) -> str:
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs if p)


def concerned(a: Assessment, event: FearedEvent) -> list[ActionRisk]:
    """The data actions behind a feared event: every one for access, operations for disappearance, none else."""
    if event.key == "access":
        return a.risks
    if event.key == "disappearance":
        return [r for r in a.risks if r.action.kind == OPERATIONS]
    return []


def _lists(a: Assessment, event: FearedEvent) -> tuple[list[str], list[str], list[str]]:
    """Impacts, threats and risk sources of a feared event, from its data actions and their findings."""
    risks = concerned(a, event)
    if not risks or gauges(a, event).likelihood == 0:
        return [], [], []
    loss = a.figure("value_loss_p95")
    impacts = [*union([r.mapping for r in risks]).problems,
               f"P95 loss of total value {money(loss.value or 0.0, a.currency)} (stress test)"]
    threats = [f"{f.check.id} {f.check.title} ({f.severity})" for r in risks for f in r.findings]
    if event.key == "disappearance":
        threats.append("loss or theft of a laptop or phone holding customer data")
    sources = [f"{r.action.id}: {r.action.description}" for r in risks]
    return impacts, threats, sources


def answers(a: Assessment, created: str) -> list[dict[str, Any]]:
    """The PIA's answers: the processing (111), the data (121) and the three feared events (32x–34x)."""
    s, run = a.scenario, a.gate.run
    made = (f"Made by privsim {versions()['privsim']} from {a.report.source} (scenario SHA-256 {s.digest()}), "
            f"seed {run.seed}, {len(run.replications)} stress-test replications × {s.population.size:,} simulated "
            f"customers (each stands for {s.population.represents:g}). Levels follow the thresholds of "
            "privsim's docs/assessments.md (our assumptions). " + NOTICE)
    failed = f"Failed replications (left out of every figure): {'; '.join(a.errors)}." if a.errors else ""
    processing = _html(s.name, s.description.strip(), f"Strategy: {s.strategy.name}.",
                       *(f"{r.action.id}: {r.action.description}" for r in a.risks), made, failed)
    data = sorted({c for p in s.strategy.practices for c in p.data}
                  | {c for e in s.events for c in (getattr(e, "data", None) or [])})
    items: list[tuple[int, str | None, int | None, list[str]]] = [
        (111, processing, None, []), (121, _html(f"Data categories: {', '.join(data)}."), None, [])]
    for event in FEARED_EVENTS:
        g = gauges(a, event)
        impacts, threats, sources = _lists(a, event)
        base = event.block * 10
        items += [(base + 1, None, None, impacts), (base + 2, None, None, threats), (base + 3, None, None, sources),
                  (base + 4, None, None, []), (base + 5, _html(g.why_severity), g.severity, []),
                  (base + 6, _html(g.why_likelihood), g.likelihood, [])]
    return [{"id": i + 1, "pia_id": PIA_ID, "reference_to": ref, "data": {"text": body, "gauge": gauge, "list": items_},
             "created_at": created} for i, (ref, body, gauge, items_) in enumerate(items)]


def pia(a: Assessment, created: datetime, *, author: str = "", evaluator: str = "",
        validator: str = "") -> dict[str, Any]:
    """The PIA as the CNIL tool exports it (ready for its "Import" button)."""
    stamp = created.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {
        "pia": {
            "id": PIA_ID, "status": 0, "name": a.scenario.name, "category": "privsim stress test",
            "author_name": author, "evaluator_name": evaluator, "validator_name": validator,
            "dpo_status": 0, "dpo_opinion": "", "dpos_names": "", "people_names": "",
            "concerned_people_opinion": "", "concerned_people_status": 0,
            "concerned_people_searched_opinion": False, "concerned_people_searched_content": "",
            "rejection_reason": "", "applied_adjustments": "", "is_example": 0, "is_archive": 0,
            "structure_id": None, "structure_name": "", "structure_sector_name": "", "structure_data": None,
            "created_at": stamp, "updated_at": stamp,
        },
        "answers": answers(a, stamp),
        "measures": [],
        "evaluations": [],
        "comments": [],
    }
