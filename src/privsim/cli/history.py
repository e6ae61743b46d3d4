"""The history commands: convert platform exports, fit to a history, replay a banner A/B test.

``privsim history convert email|consent`` writes the tidy format, ``privsim calibrate FILE --history H`` fits to it
(``fit_history`` below) and ``privsim history replay`` prices each banner variant (docs/own-data.md).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from privsim.cli.common import (
    Force,
    RunOptions,
    app,
    capped,
    choice,
    guarded,
    out,
    prepared,
    progress_bar,
    rich_table,
    run_options,
)
from privsim.errors import InputError
from privsim.experiments.history_fit import DEFAULT_REPS, INTERVAL_METHOD, calibrate_history
from privsim.experiments.replay import parse_variants, replay_variants
from privsim.files import claim_file, write_atomic, write_frame
from privsim.output.history import history_page, params_rows, quality_rows, replay_differences, replay_rows
from privsim.scenario.historyconvert import convert_consent, convert_email
from privsim.scenario.overlay import apply_overlay

history_app = typer.Typer(no_args_is_help=True, help="Your own history: convert platform exports, replay a banner "
                                                     "A/B test (fit with privsim calibrate FILE --history).")
convert_app = typer.Typer(no_args_is_help=True, help="Convert an export to the tidy history format.")
history_app.add_typer(convert_app, name="convert")
app.add_typer(history_app, name="history")

Output = Annotated[Path, typer.Option("--out", "-o", help="the tidy history (.csv or .parquet)")]


def _write(frame: object, out_file: Path, force: bool) -> None:
    if out_file.suffix.lower() not in (".csv", ".parquet"):
        raise InputError.single("--out", f"got {str(out_file)!r}; allowed: a .csv or .parquet file")
    claim_file(out_file, force=force)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    write_frame(out_file, frame)  # type: ignore[arg-type]
    out.print(f"wrote {out_file}: {len(frame):,} rows", markup=False)  # type: ignore[arg-type]


@convert_app.command("email")
@guarded
def email(report: Annotated[Path, typer.Argument(help="e-mail campaign report (.csv, .parquet or .xlsx)")],
          out_file: Output,
          purpose: Annotated[str | None, typer.Option("--purpose", help="the practice id the campaigns are of")]
          = None, force: Force = False) -> None:
    """An e-mail campaign report to sends, unsubscribes and complaints per send date."""
    _write(convert_email(report, purpose), out_file, force)


@convert_app.command("consent")
@guarded
def consent(log: Annotated[Path, typer.Argument(help="consent-log summary: day × purpose × action counts")],
            out_file: Output,
            rename: Annotated[list[str] | None, typer.Option("--rename", help="NAME=PRACTICE: the platform's purpose "
                                                             "name as a practice id (repeatable)")] = None,
            force: Force = False) -> None:
    """A consent-log summary to consent rates (with n) and withdrawals per day and purpose."""
    pairs = {}
    for item in rename or []:
        old, eq, new = item.partition("=")
        if not eq or not old.strip():
            raise InputError.single("--rename", f"got {item!r}; allowed: NAME=PRACTICE, e.g. Marketing=newsletter")
        pairs[old.strip()] = new.strip()
    _write(convert_consent(log, pairs), out_file, force)


def fit_history(scenario: Path, history: Path, params: list[str], *, holdout: float, maxiter: int, run: RunOptions,
                out_file: Path | None, plot: Path | None, format: str, force: bool) -> None:
    """``calibrate FILE --history H``: fit, print coefficients and fit quality, write the overlay and the plot."""
    for path in (out_file, plot):
        if path is not None:
            claim_file(path, force=force)
    if out_file is not None and out_file.suffix.lower() not in (".yaml", ".yml"):
        raise InputError.single("--out", f"got {str(out_file)!r}; allowed: a .yaml overlay file")
    if plot is not None and plot.suffix.lower() not in (".html", ".htm"):
        raise InputError.single("--plot", f"got {str(plot)!r}; allowed: an .html file")
    s = prepared(scenario, size=run.size)
    reps = capped(run.reps, "PRIVSIM_REPS") or DEFAULT_REPS
    with progress_bar(format == "table") as progress:
        fit = calibrate_history(s, history, params, reps=reps, holdout=holdout, maxiter=maxiter, progress=progress,
                                **run.runner)
    for path, text in ((out_file, fit.overlay()), (plot, history_page(fit) if plot else None)):
        if path is not None and text is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text)
    if format == "json":
        out.print_json(json.dumps({
            "parameters": json.loads(fit.params_frame().to_json(orient="records")),
            "quality": json.loads(fit.quality_frame().to_json(orient="records")), "interval_method": INTERVAL_METHOD,
            "loglik_before": fit.loglik_before, "loglik_after": fit.loglik_after, "evaluations": fit.evaluations,
            "converged": fit.converged, "message": fit.message, "left_out_rows": len(fit.left_out),
            "overlay": str(out_file) if out_file else None, "plot": str(plot) if plot else None}))
        return
    out.print(rich_table(params_rows(fit), f"Fitted to {history.name}: {fit.evaluations} evaluations × {reps} "
                         f"replications, log-likelihood {fit.loglik_before:,.1f} → {fit.loglik_after:,.1f}",
                         left=("coefficient", "path")))
    out.print(f"intervals: {INTERVAL_METHOD}", markup=False)
    out.print(rich_table(quality_rows(fit), f"Fit quality: the last {fit.holdout:.0%} of dates held out",
                         left=("rows", "metric")))
    if len(fit.left_out):
        variants = ", ".join(sorted(set(fit.left_out["variant"])))
        out.print(f"left out of the fit: {len(fit.left_out):,} rows of banner variants {variants} (replay them with "
                  "privsim history replay)", markup=False)
    for what, path in (("overlay", out_file), ("plot", plot)):
        if path is not None:
            out.print(f"{what}: {path}", markup=False)


@history_app.command("replay")
@guarded
@run_options(without=("sets",))
def replay(
    scenario: Annotated[Path, typer.Argument(help="the strategy the history is of")],
    history: Annotated[Path, typer.Option("--history", help="a history with consent_rate rows by variant")],
    variant: Annotated[list[str], typer.Option("--variant", help="NAME:PATH=VALUE, a variant's change (repeatable; "
                                                                 "NAME alone: the scenario as it is)")],
    overlay: Annotated[Path | None, typer.Option("--overlay", help="fitted coefficients (calibrate --history -o)")]
    = None, format: Annotated[str, typer.Option("--format", "-f", help="table or json")] = "table", *,
    run: RunOptions,
) -> None:
    """Replay a banner A/B test: each variant's consent rate and its later cost, on the same seeds."""
    choice(format, ("table", "json"), "--format")
    s = prepared(scenario, size=run.size)
    if overlay is not None:
        s = apply_overlay(s, overlay)
    reps = capped(run.reps, "PRIVSIM_REPS") or DEFAULT_REPS
    with progress_bar(format == "table") as progress:
        result = replay_variants(s, history, parse_variants(variant), reps=reps, progress=progress, **run.runner)
    currency = s.economics.currency
    if format == "json":
        out.print_json(json.dumps({"purpose": result.purpose,
                                   "variants": json.loads(result.to_frame().to_json(orient="records")),
                                   "differences": json.loads(result.differences().to_json(orient="records"))}))
        return
    out.print(rich_table(replay_rows(result, currency), f"Banner variants of {result.purpose}, replayed over the "
                         f"history ({reps} replications each, same seeds)", left=("variant",)))
    out.print(rich_table(replay_differences(result, currency), f"Against {result.observed['variant'].iloc[0]} "
                         "(paired under common random numbers)", left=("scenario", "KPI")))

