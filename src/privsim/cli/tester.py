"""Worst-practice tester commands: lint, test (the stress-test gate) and cases list|show|run.

Exit codes: 0 ok; 1 a finding at or above ``--fail-on``, a gate threshold exceeded or a
replication failed; 2 bad input. Every output carries the "heuristics, not legal advice" notice.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from privsim.cli.common import (
    MAX_REPS,
    MAX_SIZE,
    Force,
    Format,
    RunOptions,
    app,
    capped,
    choice,
    err,
    guarded,
    out,
    progress_bar,
    run_options,
    size_for,
)
from privsim.files import claim_file, write_atomic
from privsim.output.formatting import fmt, label, money, plain
from privsim.scenario import words
from privsim.scenario.overrides import override, parse_assignment
from privsim.scenario.schema import Gate
from privsim.tester import cases as library
from privsim.tester.gate import GateResult, stress
from privsim.tester.lint import FAIL_ON, NOTICE, Finding, Report, lint, packs_for, price, to_dict, to_sarif
from privsim.tester.lint.target import read_target

cases_app = typer.Typer(no_args_is_help=True, help="Historical worst-practice cases: list, show, run.")
app.add_typer(cases_app, name="cases")

Jurisdictions = Annotated[list[str] | None, typer.Option(
    "--jurisdiction", "-j", help="jurisdiction pack(s): eu, uk, us, us_ca (default: the scenario's)")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="write the report to this file")]


# ------------------------------------------------------------------ lint
@app.command("lint")
@guarded
@run_options(without=("reps", "size"))
def lint_command(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file, or a Fides data map (a manifest or a folder "
                                                  "of them; docs/fides.md)")],
    format: Annotated[str, typer.Option("--format", "-f", help="table, json or sarif")] = "table",
    fail_on: Annotated[str, typer.Option("--fail-on", help=f"exit 1 at this severity or above: {', '.join(FAIL_ON)}")]
    = "high",
    jurisdiction: Jurisdictions = None,
    do_price: Annotated[bool, typer.Option("--price/--no-price", help="simulate each fix (CRN)")] = True,
    reps: Annotated[int, typer.Option("--reps", "-r", min=1, max=MAX_REPS, help="replications per pricing arm")] = 3,
    size: Annotated[int, typer.Option("--size", min=1, max=MAX_SIZE,
                                      help="simulated customers in pricing runs")] = 2000,
    output: Output = None, force: Force = False, *, run: RunOptions,
) -> None:
    """Check a strategy against the worst-practice catalogue; price each finding by simulating its fix."""
    if output:
        claim_file(output, force=force)
    choice(format, ("table", "json", "sarif"), "--format")
    choice(fail_on, FAIL_ON, "--fail-on")
    codes = [j.strip() for item in jurisdiction or [] for j in item.split(",") if j.strip()]
    packs_for(codes)
    target = read_target(scenario)
    for warning in target.warnings:
        err.print(f"warning: {warning}", markup=False)
    if run.sets:
        target = dataclasses.replace(target, scenario=override(
            target.scenario, dict(parse_assignment(a) for a in run.sets), source="--set"))
    report = lint(target, jurisdictions=codes or None)
    if do_price:
        with progress_bar(format == "table") as progress:
            price(report, size=capped(size, "PRIVSIM_SIZE"), reps=capped(reps, "PRIVSIM_REPS"), progress=progress,
                  **run.runner)
    if format == "sarif":
        _emit(json.dumps(to_sarif(report), indent=2), output)
    elif format == "json":
        _emit(json.dumps(_clean(to_dict(report) | {"fail_on": fail_on, "failed": report.exceeds(fail_on)}),
                         indent=2), output)
    else:
        _lint_table(report, fail_on)
        if output:
            _emit(json.dumps(_clean(to_dict(report)), indent=2), output)
    if report.exceeds(fail_on):
        raise typer.Exit(1)


def _lint_table(report: Report, fail_on: str) -> None:
    currency = report.scenario.economics.currency
    out.print(f"[bold]{report.source}[/bold] — {report.scenario.strategy.name}", markup=True)
    out.print(f"notice: {report.notice}")
    out.print("packs: " + "; ".join(f"{p.title} ({p.laws}; rules checked {p.checked.isoformat()})"
                                    for p in report.packs))
    table = Table(title="Findings", title_justify="left")
    table.add_column("severity", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("line", justify="right")
    table.add_column("finding and fix", ratio=3)
    table.add_column("if fixed (paired, CRN): total value · backlash peak", ratio=2)
    for f in report.failures:
        where = str(f.line or "?") if f.source == report.source else f"{f.source}:{f.line or '?'}"
        table.add_row(f.severity.upper(), f.check.id, where,
                      f"{f.check.title}. {f.message}\nfix: {f.check.fix_hint}", _price_cell(f, currency))
    out.print(table)
    if report.unknowns:
        out.print("cannot evaluate (an optional field is not stated; see docs/scenario.md):")
        for f in report.unknowns:
            out.print(f"  {f.check.id} {f.source}:{f.line or '?'}: {f.message}", markup=False)
    counts = ", ".join(f"{n} {s}" for s, n in report.counts().items() if n) or "none"
    verdict = "FAIL" if report.exceeds(fail_on) else "pass"
    out.print(f"{len(report.failures)} findings ({counts}); {len(report.unknowns)} checks could not be evaluated; "
              f"--fail-on {fail_on}: {verdict}")


def _price_cell(f: Finding, currency: str) -> str:
    p = f.price
    if p is None:
        return "–"
    if p.status == "not_modelled":
        return "not modelled (the fix changes no simulation input)"
    if p.status == "no_fix":
        return "no automatic fix"
    if p.value == 0 and p.backlash_peak == 0:
        return "no simulated effect in this scenario"
    value = f"{'+' if (p.value or 0) >= 0 else ''}{money(p.value or 0.0, currency)}"
    if p.value_ci:
        value += f" (95% CI {money(p.value_ci[0], currency)} – {money(p.value_ci[1], currency)})"
    return f"{value} · {(p.backlash_peak or 0.0) * 100:+.2f} pp"


# ------------------------------------------------------------------ test (the gate)
@app.command("test")
@guarded
@run_options()
def test_command(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    max_value_loss: Annotated[float | None, typer.Option(
        min=0.0, max=1e15, help="P95 loss of total value (NPV + terminal value) vs baseline, currency")] = None,
    max_value_loss_share: Annotated[float | None, typer.Option(
        min=0.0, max=100.0, help="P95 loss of total value / baseline total value")] = None,
    max_regulator_probability: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="probability of regulator action")] = None,
    max_backlash_peak: Annotated[float | None, typer.Option(
        min=0.0, max=1.0, help="P95 peak backlash, share of customers")] = None,
    format: Format = "table", *, run: RunOptions,
) -> None:
    """Stress-test a strategy under adverse draws; exit 1 when a gate threshold is exceeded."""
    choice(format, ("table", "json"), "--format")
    s = run.scenario(scenario)
    flags = {"max_value_loss": max_value_loss, "max_value_loss_share": max_value_loss_share,
             "max_regulator_probability": max_regulator_probability, "max_backlash_peak": max_backlash_peak}
    gate = (s.gate or Gate()).model_copy(update={k: v for k, v in flags.items() if v is not None})
    with progress_bar(format == "table") as progress:
        result = stress(s, gate, run.replications(s), progress=progress, **run.runner)
    if format == "json":
        out.print_json(json.dumps(_clean(_gate_dict(result))))
    else:
        _gate_table(result)
    for r in result.run.failed:
        err.print(f"replication {r.replicate} failed: {r.error}", markup=False)
    if not result.passed:
        raise typer.Exit(1)


def _gate_dict(r: GateResult) -> dict[str, Any]:
    return {
        "notice": NOTICE, "scenario": r.scenario.name, "replications": len(r.run.replications),
        "adverse_draws": r.adverse_draws(),
        "value_loss": dict(zip(("p5", "p50", "p95"), r.value_loss, strict=True)),
        "baseline_value": r.baseline_value, "regulator_probability": r.regulator_probability,
        "backlash_peak": dict(zip(("p50", "p95"), r.backlash_peak, strict=True)),
        "verdicts": [{"threshold": v.name, "label": v.label, "value": v.value, "limit": v.limit, "passed": v.passed,
                      "reason": v.reason} for v in r.verdicts],
        "warnings": r.warnings,
        "failed_replications": [{"replicate": x.replicate, "error": x.error} for x in r.run.failed],
        "passed": r.passed,
    }


def _gate_table(r: GateResult) -> None:
    out.print(f"[bold]Stress test[/bold] — {r.scenario.name}: {len(r.run.replications)} replications × "
              f"{r.scenario.population.size:,} customers (each = {plain(r.scenario.population.represents)})")
    out.print(f"notice: {NOTICE}")
    out.print("adverse draws: " + "; ".join(r.adverse_draws()))
    out.print(r.outcome(), markup=False)
    table = Table(title="Gate", title_justify="left")
    for col in ("threshold", "measured", "limit", "result"):
        table.add_column(col)
    for v in r.verdicts:
        table.add_row(v.label, v.shown(v.value), v.shown(v.limit),
                      "[green]pass[/green]" if v.passed else "[red]FAIL[/red]")
    out.print(table)
    for v in r.verdicts:
        if v.reason:
            out.print(f"failed: {v.reason}", markup=False)
    for w in r.warnings:
        out.print(f"warning: {w}", markup=False)
    out.print("gate: " + ("pass" if r.passed else "FAIL"))


# ------------------------------------------------------------------ cases
@cases_app.command("list")
@guarded
def cases_list(format: Format = "table") -> None:
    """List the historical cases."""
    choice(format, ("table", "json"), "--format")
    loaded = [library.load_case(c) for c in library.case_ids()]
    if format == "json":
        out.print_json(json.dumps([{"id": c.id, "company": c.case.company, "year": c.case.year,
                                    "name": c.scenario.name} for c in loaded]))
        return
    table = Table(title="Worst-practice cases (scenarios/cases/)", title_justify="left")
    for col in ("id", "year", "company", "case"):
        table.add_column(col)
    for c in loaded:
        table.add_row(c.id, str(c.case.year), c.case.company, c.scenario.name)
    out.print(table)


@cases_app.command("show")
@guarded
def cases_show(case_id: Annotated[str, typer.Argument(help="case id (see cases list) or file")],
               format: Format = "table") -> None:
    """Show a case: story, what happened, sources, lesson, the better practice and the checks it trips."""
    choice(format, ("table", "json"), "--format")
    c = library.load_case(case_id)
    findings = lint(c.path).failures
    meta = c.case
    if format == "json":
        out.print_json(json.dumps(_clean({
            "id": c.id, "name": c.scenario.name, **meta.model_dump(mode="json"),
            "counterfactual": c.scenario.counterfactual,
            "checks_that_fire": sorted({f.check.id for f in findings})})))
        return
    out.print(f"[bold]{c.scenario.name}[/bold] — {meta.company}, {meta.year}")
    for heading, text in (("Story", meta.story), ("What happened", meta.what_happened), ("Lesson", meta.lesson)):
        out.print(f"\n[bold]{heading}[/bold]\n{text.strip()}")
    out.print("\n[bold]The better practice (counterfactual)[/bold]")
    for line in words.patch_in_words(c.scenario, c.scenario.counterfactual or {}):
        out.print(f"  - {line}", markup=False, highlight=False)
    out.print("\n[bold]Checks that fire[/bold]")
    for cid in sorted({f.check.id for f in findings}):
        f = next(x for x in findings if x.check.id == cid)
        out.print(f"  {cid} {f.check.title}", markup=False)
    if meta.model_gap:
        out.print(f"\n[bold]Where the model departs from history[/bold]\n{meta.model_gap.strip()}")
    out.print("\n[bold]Sources[/bold]")
    for s in meta.sources:
        out.print(f"  {s}", markup=False)


@cases_app.command("run")
@guarded
@run_options(without=("sets",))
def cases_run(
    case_id: Annotated[str, typer.Argument(help="case id (see cases list) or file")],
    counterfactual: Annotated[bool, typer.Option("--counterfactual", help="also run the better practice")] = False,
    format: Format = "table", *, run: RunOptions,
) -> None:
    """Replay a case: what happened beside what the simulation gives (and its counterfactual)."""
    choice(format, ("table", "json"), "--format")
    c = library.load_case(case_id)
    size = size_for(c.scenario, run.size)
    with progress_bar(format == "table") as progress:
        r = library.run_case(c, run.replications(c.scenario), size=size, counterfactual=counterfactual,
                             progress=progress, **run.runner)
    if format == "json":
        out.print_json(json.dumps(_clean(_case_dict(r))))
    else:
        _case_table(r)
    failed = r.history.failed + (r.better.failed if r.better else [])
    for x in failed:
        err.print(f"replication {x.replicate} failed: {x.error}", markup=False)
    if failed:
        raise typer.Exit(1)


KEY_KPIS = ("npv", "backlash_peak", "regulator_action", "fines", "privacy_churn", "complaints")


def _case_dict(r: library.CaseRun) -> dict[str, Any]:
    return {
        "id": r.case.id, "name": r.case.scenario.name, "replications": len(r.history.replications),
        "comparisons": [{"kpi": x.observation.kpi, "observed": x.observation.value, "what_happened": x.observation.text,
                         "simulated": x.simulated, "counterfactual": x.counterfactual, "agrees": x.agrees,
                         "note": x.observation.note} for x in r.comparisons],
        "kpis": {k: {"case": r.mean(k), "counterfactual": r.mean(k, True) if r.better else None} for k in KEY_KPIS},
        "model_gap": r.case.case.model_gap,
    }


def _case_table(r: library.CaseRun) -> None:
    s = r.case.scenario
    currency = s.economics.currency
    pop = r.history.scenario.population
    out.print(f"[bold]{s.name}[/bold] — {len(r.history.replications)} replications × {pop.size:,} customers "
              f"(each = {plain(pop.represents)}); the same seeds for both arms")
    table = Table(title="What happened beside what the simulation gives", title_justify="left")
    cols = ["KPI", "what happened", "simulated"] + (["counterfactual"] if r.better else []) + ["agrees?", "why not"]
    for col in cols:
        table.add_column(col)
    for x in r.comparisons:
        o = x.observation
        row = [label(o.kpi), f"{fmt(o.kpi, o.value, currency)} — {o.text}", fmt(o.kpi, x.simulated, currency)]
        if r.better:
            row.append(fmt(o.kpi, x.counterfactual if x.counterfactual is not None else float("nan"), currency))
        row += ["yes" if x.agrees else "[red]no[/red]", (o.note or "").strip() if not x.agrees else ""]
        table.add_row(*row)
    out.print(table)
    if r.better:
        diff = Table(title="Case against the better practice (means over replications)", title_justify="left")
        for col in ("KPI", "as it happened", "better practice"):
            diff.add_column(col)
        for k in KEY_KPIS:
            diff.add_row(label(k), fmt(k, r.mean(k), currency), fmt(k, r.mean(k, True), currency))
        out.print(diff)
    if r.case.case.model_gap:
        out.print(f"where the model departs from history: {r.case.case.model_gap.strip()}")


# ------------------------------------------------------------------ helpers
def _clean(value: Any) -> Any:
    """JSON-safe: NaN and infinities become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def _emit(text: str, output: Path | None) -> None:
    """Print ``text``, or write it to ``output`` atomically (a killed run leaves no half-written file)."""
    if output is None:
        typer.echo(text)
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, text + "\n")
    err.print(f"wrote {output}")
