"""Core commands: run, validate, schema, calibrate."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from privsim.cli.common import (
    Force,
    Format,
    RunOptions,
    app,
    capped,
    choice,
    err,
    guarded,
    kpi_table,
    out,
    progress_bar,
    run_options,
)
from privsim.cli.history import fit_history
from privsim.errors import InputError
from privsim.experiments import calibration, enforcement
from privsim.experiments import fit as fitting
from privsim.experiments.history_fit import DEFAULT_HOLDOUT
from privsim.experiments.results import with_units
from privsim.experiments.runs import replicate
from privsim.files import claim, claim_file, write_atomic
from privsim.output.folders import write_run
from privsim.output.formatting import plain
from privsim.scenario.load import dump_scenario, json_schema, load_scenario, read_scenario
from privsim.tester.cases import case_problems, is_case


# ------------------------------------------------------------------ commands
@app.command()
@guarded
@run_options()
def run(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    out_dir: Annotated[Path | None, typer.Option("--out", "-o", help="run folder (default runs/<name>-<time>-<hash>, "
                                                                     "one for every run)")] = None,
    overlay: Annotated[list[Path] | None, typer.Option("--overlay", help="a behavior: overlay, e.g. calibrate "
                                                       "--history -o (repeatable; before --set)")] = None,
    format: Format = "table", force: Force = False, *, run: RunOptions,
) -> None:
    """Run a scenario's replications, print its KPIs and write the run folder."""
    choice(format, ("table", "json"), "--format")
    run = dataclasses.replace(run, overlays=overlay)
    s = run.scenario(scenario)
    reps = run.replications(s)
    target = run.folder(out_dir, scenario.stem, [s], reps)
    claim(target, "run", force=force)
    with progress_bar(format == "table") as progress:
        result = replicate(s, reps, progress=progress, **run.runner)
    title = run.titled(f"{s.name} — {len(result.replications)} replications × {s.population.size:,} customers "
                       f"(each = {plain(s.population.represents)})")
    write_run(result, target, {"title": title, "overrides": run.overrides}, force=force)
    if format == "json":
        summary = result.summary()
        out.print_json(json.dumps({
            "scenario": s.name, "seed": result.seed, "run_folder": str(target), "overrides": run.overrides,
            "failed": [{"replicate": r.replicate, "error": r.error} for r in result.failed],
            "kpis": with_units(summary[summary["segment"] == "all"].drop(columns="segment")).to_dict(orient="records"),
        }))
    else:
        out.print(kpi_table(result, title))
        out.print(f"run folder: {target}")
    if result.failed:
        for r in result.failed:
            err.print(f"replication {r.replicate} failed: {r.error}", markup=False)
        raise typer.Exit(1)


@app.command()
@guarded
def validate(files: Annotated[list[Path], typer.Argument(help="scenario files")]) -> None:
    """Check scenario and case files; exit 0 when all are valid, 2 otherwise (pre-commit friendly)."""
    problems = []
    for path in files:
        try:
            scenario, lines = read_scenario(path)
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        found = case_problems(scenario, str(path), lines) if is_case(scenario) else []
        problems += found
        if not found:
            out.print(f"ok: {path}" + (" (a case file)" if is_case(scenario) else ""))
    if problems:
        raise InputError(problems)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the scenario format."""
    out.print_json(json.dumps(json_schema()))


@app.command()
@guarded
@run_options(without=("sets",))
def calibrate(
    scenario: Annotated[Path | None, typer.Argument(help="scenario whose behaviour block is fitted (with --fit)")]
    = None,
    check: Annotated[bool, typer.Option("--check", help="measure every calibration target")] = False,
    targets: Annotated[Path, typer.Option("--targets", "-t", help="target file")] = calibration.DEFAULT_TARGETS,
    only: Annotated[list[str] | None, typer.Option("--only", help="target ids to check")] = None,
    fit: Annotated[list[str] | None, typer.Option("--fit", help="coefficient to fit, e.g. "
                                                  "behavior.consent.intercept (repeatable)")] = None,
    maxiter: Annotated[int, typer.Option("--maxiter", min=1, max=10_000, help="objective evaluations at most")] = 60,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="write the fitted scenario here (with "
                                                  "--history: the fitted behavior: overlay)")] = None,
    history: Annotated[Path | None, typer.Option("--history", help="fit to your own history instead (CSV or Parquet, "
                                                 "docs/own-data.md)")] = None,
    holdout: Annotated[float, typer.Option("--holdout", min=0.0, max=0.9, help="with --history: share of its last "
                                           "dates held out and scored apart")] = DEFAULT_HOLDOUT,
    plot: Annotated[Path | None, typer.Option("--plot", help="with --history: observed against simulated, an "
                                              "offline HTML page")] = None,
    format: Format = "table", force: Force = False, *, run: RunOptions,
) -> None:
    """Check the model against published figures (--check), or fit FILE's coefficients (--fit, --history)."""
    if not check and scenario is None:
        raise InputError.single("calibrate", "nothing to do; allowed: --check, or FILE --targets T --fit PATH")
    choice(format, ("table", "json"), "--format")
    if history is not None and not check:
        assert scenario is not None
        fit_history(scenario, history, fit or [], holdout=holdout, maxiter=maxiter, run=run, out_file=out_file,
                    plot=plot, format=format, force=force)
        return
    if not check:  # the check runs every target at its documented size; PRIVSIM_SIZE/REPS cap fits only
        assert scenario is not None
        if out_file:
            claim_file(out_file, force=force)
        fit_coefficients(scenario, targets, fit or [], only=only, maxiter=maxiter, run=run, out_file=out_file,
                         format=format)
        return
    with progress_bar(format == "table") as progress:
        checks = calibration.check_all(targets, reps=run.reps, size=run.size, only=only, executor=run.executor,
                                       workers=run.workers, progress=progress)
    held = enforcement.fit()
    fitted_missed = [c for c in checks if c.target.role == "fitted" and not c.passed]
    if format == "json":
        out.print_json(json.dumps({"targets": [{
            "id": c.target.id, "role": c.target.role, "fits": c.target.fits, "figure": c.target.figure,
            "target": c.target.target, "bounds": list(c.target.bounds), "simulated": c.mean, "ci": list(c.ci),
            "n": int(c.values.size), "point_error": c.error, "passed": c.passed, "source": c.target.source}
            for c in checks], "enforcement": enforcement_json(held)}))
    else:
        titles = {"fitted": "Fitted targets: a coefficient was chosen to reproduce each (they pass by construction; "
                            "a miss means something else moved them)",
                  "predicted": "Predicted targets: used to choose no coefficient (a miss is a finding, not a failure)"}
        for role in ("fitted", "predicted"):
            mine = [c for c in checks if c.target.role == role]
            if mine:
                out.print(targets_table(titles[role], mine, role))
        out.print(enforcement_table(held))
        missed = [c.target.id for c in checks if c.target.role == "predicted" and not c.passed]
        if missed:
            out.print(f"predicted targets missed: {', '.join(missed)}")
    if fitted_missed or not held.beats_baseline:
        raise typer.Exit(1)


def targets_table(title: str, checks: list[calibration.Check], role: str) -> Table:
    """One table of calibration targets: published figure, bounds, simulated value, result."""
    table = Table(title=title, title_justify="left")
    columns = ["target", "figure", "published", "bounds", "simulated (95% CI)", "point error", "result"]
    if role == "fitted":
        columns.insert(2, "fits")
    for col in columns:
        table.add_column(col, justify="left" if col in ("target", "figure", "fits") else "right")
    for c in checks:
        lo, hi = c.target.bounds
        cells = [c.target.id, c.target.figure, _num(c.target.target), f"{_num(lo)} – {_num(hi)}",
                 f"{_num(c.mean)} ({_num(c.ci[0])} – {_num(c.ci[1])})",
                 "–" if c.error is None else f"{c.error:+.1%}",
                 ("[green]pass[/green]" if c.passed else "[red]FAIL[/red]") if role == "fitted"
                 else ("[green]within bounds[/green]" if c.passed else "[yellow]missed[/yellow]")]
        if role == "fitted":
            cells.insert(2, ", ".join(f.removeprefix("behavior.") for f in c.target.fits))
        table.add_row(*cells)
    return table


def enforcement_table(f: enforcement.EnforcementFit) -> Table:
    """The enforcement fit on the actions it was fitted to and on the held-out ones, beside the baseline."""
    table = Table(title=f"Enforcement fit: {f.n_fit} actions fitted, {f.n_held_out} held out (seed "
                        f"{enforcement.HOLDOUT_SEED}); baseline: majority outcome and median amount per regime",
                  title_justify="left")
    for col in ("measure", "set", "n", "model", "baseline", "model within 3×", "baseline within 3×",
                "result"):
        table.add_column(col, justify="left" if col in ("measure", "set") else "right")
    for measure, fitted, held in (("outcome: Brier score of P(order), US", f.outcome_fitted, f.outcome_held_out),
                                  ("amount: mean |error| of log10 USD", f.amount_fitted, f.amount_held_out)):
        for name, score in (("fitted", fitted), ("held out", held)):
            table.add_row(measure, name, str(score.n), f"{score.model:.3f}", f"{score.baseline:.3f}",
                          _share(score.model_within_3x), _share(score.baseline_within_3x),
                          ("[green]beats baseline[/green]" if score.beats else "[red]FAIL[/red]")
                          if name == "held out" else "")
    return table


def enforcement_json(f: enforcement.EnforcementFit) -> dict[str, object]:
    """The enforcement fit as JSON."""
    def score(s: enforcement.Score) -> dict[str, object]:
        return {"n": s.n, "model": s.model, "baseline": s.baseline, "model_within_3x": s.model_within_3x,
                "baseline_within_3x": s.baseline_within_3x}
    return {"seed": enforcement.HOLDOUT_SEED, "fitted_on": f.n_fit, "held_out": f.n_held_out,
            "coefficients": f.coefficients, "beats_baseline": f.beats_baseline,
            "outcome_brier": {"fitted": score(f.outcome_fitted), "held_out": score(f.outcome_held_out)},
            "amount_log10_mae": {"fitted": score(f.amount_fitted), "held_out": score(f.amount_held_out)}}


def _share(v: float | None) -> str:
    return "–" if v is None else f"{v:.0%}"


def fit_coefficients(scenario: Path, targets: Path, params: list[str], *, only: list[str] | None, maxiter: int,
                     run: RunOptions, out_file: Path | None, format: str) -> None:
    """``calibrate FILE --fit PATH``: fit, print the before/after table, optionally write the fitted scenario."""
    s = load_scenario(scenario)
    reps, size = capped(run.reps, "PRIVSIM_REPS"), capped(run.size, "PRIVSIM_SIZE")
    with progress_bar(format == "table") as progress:
        result = fitting.calibrate(s, params, targets, only=only, reps=reps or fitting.DEFAULT_REPS, size=size,
                                   maxiter=maxiter, progress=progress, **run.runner)
    if out_file:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(out_file, f"# written by privsim calibrate: {s.name} with fitted coefficients\n"
                               + dump_scenario(result.scenario))
    table_after = result.to_frame()
    if format == "json":
        out.print_json(json.dumps({
            "parameters": json.loads(result.params_frame().to_json(orient="records")),
            "targets": json.loads(table_after.to_json(orient="records")),
            "objective_before": result.objective_before, "objective_after": result.objective_after,
            "evaluations": result.evaluations, "converged": result.success, "message": result.message,
            "fitted_scenario": str(out_file) if out_file else None}))
    else:
        table = Table(title=f"Calibration fit of {s.name}: {result.evaluations} evaluations, objective "
                            f"{plain(result.objective_before)} → {plain(result.objective_after)} ({result.message})",
                      title_justify="left")
        for col in ("target", "published", "bounds", "before", "after", "error before", "error after", "result"):
            table.add_column(col, justify="left" if col == "target" else "right")
        for r in table_after.itertuples():
            table.add_row(r.id, _num(r.target), f"{_num(r.low)} – {_num(r.high)}", _num(r.before), _num(r.after),
                          _pct(r.error_before), _pct(r.error_after),
                          "[green]pass[/green]" if r.passed else "[red]FAIL[/red]")
        out.print(table)
        params = Table(title="Fitted coefficients (documented range)", title_justify="left")
        for col in ("coefficient", "range", "before", "after"):
            params.add_column(col, justify="left" if col == "coefficient" else "right")
        for r in result.params_frame().itertuples():
            params.add_row(r.parameter, f"{plain(r.low)} – {plain(r.high)}", plain(r.start), plain(r.fitted))
        out.print(params)
        if out_file:
            out.print(f"fitted scenario: {out_file}")
    if not table_after["passed"].all():
        raise typer.Exit(1)


def _pct(v: float) -> str:
    return "–" if v != v else f"{v:+.1%}"


def _num(v: float | None) -> str:
    return "open" if v is None else plain(v)
