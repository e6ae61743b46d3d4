"""The NIST PRAM annex of a DPIA as an Excel workbook: one row per data action, with the simulated figures.

Sheets: ``Data actions`` (PRAM worksheets 2 and 3: data action, problematic data actions, problems, lint
findings, likelihood, impact, risk, each figure with its interval and unit), ``Stress test`` (the figures
``privsim test`` reports), ``Lint findings`` and ``About`` (sources, scenario hash, seed, replications and
every threshold used). Numeric cells stay numbers; text cells use the shared human formatting.
"""

from __future__ import annotations

import io
import math
from typing import Any

from privsim.files import versions
from privsim.tester.assessments import thresholds
from privsim.tester.assessments.assess import ActionRisk, Assessment
from privsim.tester.assessments.figures import text
from privsim.tester.assessments.problems import MAPPING
from privsim.tester.lint import NOTICE, SEVERITIES, Finding

PRAM_URL = "https://www.nist.gov/itl/applied-cybersecurity/privacy-engineering/resources"
CATALOG_URL = ("https://github.com/usnistgov/PrivacyEngCollabSpace/blob/master/tools/risk-assessment/"
               "NIST-Privacy-Risk-Assessment-Methodology-PRAM/catalog-PDAP.md")

COLUMNS = (
    "data action", "type", "description", "line", "problematic data actions", "potential problems",
    "lint findings", "highest severity",
    "likelihood", "likelihood low", "likelihood high", "likelihood unit", "problematic replications",
    "replications",
    "impact", "impact low", "impact high", "expected loss", "expected loss low", "expected loss high", "money unit",
    "likelihood score", "impact score", "risk score", "share of risk", "rank", "summary",
)
FIGURE_COLUMNS = ("figure", "value", "low", "high", "unit", "interval", "limit", "result", "text")
FINDING_COLUMNS = ("data action", "check", "status", "severity", "title", "line", "field", "message", "rule", "fix",
                   "problematic data actions")
ABOUT_COLUMNS = ("section", "item", "value", "unit")


def cell(value: Any) -> Any:
    """A value as a cell: numbers stay numbers, a non-finite number becomes an empty cell, never NaN or inf."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def scores(a: Assessment) -> list[tuple[int, int, int]]:
    """PRAM likelihood, impact and risk scores (L × I) of every data action."""
    out = []
    for r in a.risks:
        lik = thresholds.likelihood_score(r.likelihood.value or 0.0)
        imp = thresholds.impact_score(a.share(r.impact.value))
        out.append((lik, imp, lik * imp))
    return out


def action_rows(a: Assessment) -> list[list[Any]]:
    """One row per data action, in the order of :data:`COLUMNS`."""
    scored = scores(a)
    total = sum(s[2] for s in scored)
    order = sorted(range(len(scored)), key=lambda i: -scored[i][2])
    rank = {i: order.index(i) + 1 for i in order}
    rows = []
    for i, (r, (lik, imp, risk)) in enumerate(zip(a.risks, scored, strict=True)):
        like, impact, expected = r.likelihood, r.impact, r.expected_loss
        severities = [f.severity for f in r.findings]
        rows.append([
            r.action.id, r.action.kind, r.action.description, r.action.line, "; ".join(r.mapping.pdas),
            "; ".join(r.mapping.problems), _findings(r), max(severities, key=SEVERITIES.index, default=""),
            like.value, like.low, like.high, f"{like.unit} ({like.interval})", int(r.problematic.sum()),
            int(r.problematic.size),
            impact.value, impact.low, impact.high, expected.value, expected.low, expected.high,
            f"{a.currency} ({impact.interval})",
            lik, imp, risk, risk / total if total else None, rank[i],
            f"becomes problematic in {text(like, a.currency)} of replications; loss then "
            f"{text(impact, a.currency)}; expected {text(expected, a.currency)}",
        ])
    return rows


def _findings(r: ActionRisk) -> str:
    return "; ".join(f"{f.check.id} {f.severity}: {f.check.title}" for f in r.findings)


def figure_rows(a: Assessment) -> list[list[Any]]:
    """The stress test's figures, then its gate verdicts (measured value, limit, pass or FAIL)."""
    rows: list[list[Any]] = [[f.label, f.value, f.low, f.high, f.unit, f.interval, None, None, text(f, a.currency)]
                             for f in a.figures()]
    for v in a.gate.verdicts:
        unit = a.currency if v.name == "max_value_loss" else "share"
        rows.append([f"gate: {v.label}", v.value, None, None, unit, "", v.limit, "pass" if v.passed else "FAIL",
                     f"{v.shown(v.value)} against the limit {v.shown(v.limit)}"])
    return rows


def finding_rows(a: Assessment) -> list[list[Any]]:
    """Every lint finding (fired or cannot evaluate), with the data action it concerns."""
    def owner(f: Finding) -> str:
        return next((r.action.id for r in a.risks if r.action.owns(f)), "strategy-wide")

    return [[owner(f), f.check.id, f.status, f.severity, f.check.title, f.line, f.field,
             f.message, f.check.rule, f.check.fix_hint, f.check.pda] for f in a.report.findings]


def about_rows(a: Assessment) -> list[list[Any]]:
    """What the annex was made from, how, and with which thresholds."""
    s, g, run = a.scenario, a.gate.gate, a.gate.run
    pop = s.population
    rows: list[list[Any]] = [
        ["notice", "heuristics, not legal advice", NOTICE, ""],
        ["scenario", "name", s.name, ""], ["scenario", "file", a.report.source, ""],
        ["scenario", "hash (SHA-256 of the resolved scenario)", s.digest(), ""],
        ["scenario", "hash of the stress-tested scenario (adverse draws added)", a.gate.scenario.digest(), ""],
        ["run", "seed", run.seed, ""], ["run", "replications", len(run.replications), "replications"],
        ["run", "simulated customers", pop.size, "customers"], ["run", "each stands for", pop.represents, "customers"],
        ["run", "horizon", s.horizon_days, "days"], ["run", "start date", s.start_date.isoformat(), ""],
        ["run", "jurisdictions", ", ".join(s.jurisdictions), ""], ["run", "currency", a.currency, ""],
        ["run", "privsim version", versions()["privsim"], ""],
        ["run", "failed replications", len(a.errors), "replications"],
        *(["run", "failure", e, ""] for e in a.errors),
        ["gate", "max_value_loss (P95 loss of total value)", g.max_value_loss, a.currency],
        ["gate", "max_value_loss_share (P95 loss / baseline total value)", g.max_value_loss_share, "share"],
        ["gate", "max_regulator_probability", g.max_regulator_probability, "probability"],
        ["gate", "max_backlash_peak (P95)", g.max_backlash_peak, "share of customers"],
        ["gate", "covert practices exposed after", g.discovery_after_days, "days"],
        ["gate", "extra concern drift", g.extra_concern_drift_per_year, "per year"],
        ["gate", "incidents drawn from operations", "yes" if g.breaches else "no", ""],
        ["method", "pairing", "each data action is taken out and the stress test rerun on the same seeds; "
                              "replicate r without it pairs with replicate r with it (common random numbers)", ""],
        ["method", "likelihood", "share of pairs in which the data action became problematic: it was exposed, "
                                 "or the stress test has a regulator investigation or more incidents than its "
                                 "pair without it (Wilson 95% interval)", ""],
        ["method", "impact", "mean loss of total value (NPV + terminal value, without it minus with it) in the "
                             "pairs where it became problematic (t 95% CI of the mean)", ""],
        ["method", "expected loss", "mean loss over all pairs (t 95% CI of the mean)", ""],
        ["thresholds [A]", "likelihood score", "0 when it never became problematic, else ceil(10 × likelihood)",
         "0–10"],
        *(["thresholds [A]", f"impact score {i + 2} from", edge, "impact / baseline total value"]
          for i, edge in enumerate(thresholds.PRAM_IMPACT)),
        ["thresholds [A]", "impact score 1", "any loss above 0 and below the first edge", ""],
        ["thresholds [A]", "risk score", "likelihood score × impact score (PRAM worksheet 3)", "0–100"],
        ["sources", "NIST Privacy Risk Assessment Methodology (PRAM) worksheets", PRAM_URL, ""],
        ["sources", "NIST Catalog of Problematic Data Actions and Problems", CATALOG_URL, ""],
        ["sources", "mapping of purposes, events and lint checks to problematic data actions",
         f"privsim/data/{MAPPING}", ""],
        ["sources", "lint catalogue and the stress-test gate", "docs/lint.md", ""],
        ["sources", "this export", "docs/assessments.md", ""],
    ]
    return rows


def workbook(a: Assessment) -> bytes:
    """The annex as the bytes of an .xlsx file."""
    from openpyxl import Workbook  # loads with the export, not with every command
    from openpyxl.styles import Font

    book = Workbook()
    sheets = (("Data actions", COLUMNS, action_rows(a)), ("Stress test", FIGURE_COLUMNS, figure_rows(a)),
              ("Lint findings", FINDING_COLUMNS, finding_rows(a)), ("About", ABOUT_COLUMNS, about_rows(a)))
    book.remove(book.active)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title)
        sheet.append(list(columns))
        for c in sheet[1]:
            c.font = Font(bold=True)
        for row in rows:
            sheet.append([cell(v) for v in row])
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
