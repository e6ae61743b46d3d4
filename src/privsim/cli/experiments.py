"""Experiment commands: compare, sweep, frontier, sensitivity, uncertainty, report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import typer
from rich.table import Table

from privsim.cli.common import (
    Force,
    Format,
    RunOptions,
    app,
    choice,
    err,
    guarded,
    kpi_table,
    out,
    progress_bar,
    rich_table,
    run_options,
)
from privsim.experiments.compare import Comparison
from privsim.experiments.compare import compare as run_compare
from privsim.experiments.frontier import CLIFF_FACTOR
from privsim.experiments.frontier import frontier as run_frontier
from privsim.experiments.results import with_units
from privsim.experiments.sensitivity import DEFAULT_REPS, KPIS, METHODS
from privsim.experiments.sensitivity import sensitivity as run_sensitivity
from privsim.experiments.sweep import DESIGNS, MAX_POINTS, SweepResult
from privsim.experiments.sweep import sweep as run_sweep
from privsim.experiments.uncertainty import uncertainty as run_uncertainty
from privsim.files import claim
from privsim.output import catalog
from privsim.output.folders import write_comparison, write_sensitivity, write_uncertainty
from privsim.output.formatting import fmt, label, plain
from privsim.output.report import write_report
from privsim.output.tables import difference_rows, sensitivity_rows

OutDir = Annotated[Path | None, typer.Option("--out", "-o", help="output folder (default runs/<command>-<name>-<time>-"
                                                                 "<hash>, one for every run; a sweep's resumes)")]
Params = Annotated[list[str], typer.Option("--param", "-p",
                                           help="PATH=START:STOP:N or PATH=\\[v1, v2, …] (repeatable)")]
SWEEP_COLUMNS = ("npv_vs_baseline", "opt_outs", "complaints", "backlash_peak")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows (NaN becomes null)."""
    return json.loads(frame.to_json(orient="records"))


# ------------------------------------------------------------------ compare
def difference_table(cmp: Comparison, currency: str) -> Table:
    """Per KPI of the whole population: reference, scenario, paired difference, both CIs, better share.

    KPIs that are zero in every replication of both scenarios are left out.
    """
    diff = cmp.differences()
    diff = diff[(diff["segment"] == "all") & ~((diff["mean_reference"] == 0) & (diff["mean"] == 0) &
                                               (diff["ci_low"] == 0) & (diff["ci_high"] == 0))]
    rows = difference_rows(diff, currency)
    if len(cmp.names) <= 2:
        rows = rows.drop(columns="scenario")
    against = "" if len(cmp.names) > 2 else f" — {cmp.names[1]}"
    return rich_table(rows, f"Paired differences from {cmp.names[0]}{against} "
                            f"({diff['n'].max() if len(diff) else 0} replications on common random numbers)",
                      left=("scenario", "KPI"))


def narrowing(cmp: Comparison) -> float | None:
    """Median ratio of unpaired to paired CI width over the whole population's KPIs where both are positive."""
    d = cmp.differences()
    d = d[d["segment"] == "all"]
    paired, unpaired = d["ci_high"] - d["ci_low"], d["unpaired_ci_high"] - d["unpaired_ci_low"]
    ok = (paired > 0) & (unpaired > 0)
    return float((unpaired[ok] / paired[ok]).median()) if ok.any() else None


@app.command()
@guarded
@run_options()
def compare(
    scenarios: Annotated[list[Path], typer.Argument(help="two or more scenario files; the first is the reference")],
    out_dir: OutDir = None, format: Format = "table", force: Force = False, *, run: RunOptions,
) -> None:
    """Compare strategies on the same population, seeds and replicates (paired, common random numbers)."""
    choice(format, ("table", "json"), "--format")
    loaded = [run.scenario(p) for p in scenarios]
    reps = run.replications(loaded[0])
    target = run.folder(out_dir, "compare-{}".format("-".join(p.stem for p in scenarios)), loaded, reps)
    claim(target, "compare", force=force)
    with progress_bar(format == "table") as progress:
        cmp = run_compare(loaded, reps, progress=progress, **run.runner)
    write_comparison(cmp, target, extra={"title": run.titled(" vs ".join(cmp.names)), "overrides": run.overrides},
                     force=force)
    currency = loaded[0].economics.currency
    ratio = narrowing(cmp)
    if format == "json":
        diff = cmp.differences()
        summary = cmp.summary()
        out.print_json(json.dumps({
            "scenarios": cmp.names, "seed": cmp.seed, "replications": len(cmp.runs[0].replications),
            "run_folder": str(target), "paired_ci_narrower_by": ratio, "changes": cmp.changes(),
            "ranking": {"by": "total_value", "basis": cmp.basis(),
                        "order": [{"scenario": n, "total_value": v} for n, v in cmp.ranking()],
                        "by_npv_alone": [n for n, _ in cmp.ranking("npv")]},
            "failed": [{"scenario": n, "replicate": r, "error": e} for n, r, e in cmp.failed],
            "differences": _records(with_units(diff[diff["segment"] == "all"])),
            "kpis": _records(with_units(summary[summary["segment"] == "all"]))}))
    else:
        for name, said in cmp.changes().items():
            out.print(f"[bold]What {name} changes against {cmp.names[0]}[/bold]")
            for line in said or ["nothing: the two scenarios are the same"]:
                out.print(f"  - {line}", markup=False, highlight=False)
        for name, arm in zip(cmp.names, cmp.runs, strict=True):
            out.print(kpi_table(arm, run.titled(f"{name} — {len(arm.replications)} replications")))
        out.print(difference_table(cmp, currency))
        ranked = cmp.ranking()
        out.print(f"Ranked by {cmp.basis()}: " + ", ".join(
            f"{i}. {n} ({fmt('total_value', v, currency)})" for i, (n, v) in enumerate(ranked, 1)), markup=False)
        by_npv = [n for n, _ in cmp.ranking("npv")]
        if by_npv != [n for n, _ in ranked]:
            out.print(f"NPV within the horizon alone would rank them {', '.join(by_npv)}: the difference is what "
                      "the customers left at the horizon are worth.", markup=False)
        if ratio and ratio >= 1.5:
            out.print(f"The paired CI is {plain(ratio, 2)}× narrower than the unpaired one (median over KPIs): "
                      "common random numbers cancel the noise both runs share.")
        elif ratio:
            out.print(f"Paired and unpaired CIs are about as wide (median ratio {plain(ratio, 2)}): on most KPIs these "
                      "strategies share little noise; the paired CI of each KPI is in the table.")
        out.print(f"run folder: {target}")
    _failed([f"{n} replicate {r}: {e}" for n, r, e in cmp.failed])


def _failed(lines: list[str]) -> None:
    for line in lines:
        err.print(f"failed: {line}", markup=False)
    if lines:
        raise typer.Exit(1)


# ------------------------------------------------------------------ sweep / frontier
def point_table(result: SweepResult, currency: str, title: str) -> Table:
    """One row per point: parameter values, main KPI means, status."""
    summary = result.summary()
    summary = summary[summary["segment"] == "all"].set_index(["point", "kpi"])["mean"]
    table = Table(title=title, title_justify="left")
    for col in ("point", *(p.rsplit(".", 1)[-1] for p in result.paths), *SWEEP_COLUMNS, "status"):
        table.add_column(col, justify="right")
    for i, values in enumerate(result.points):
        means = [fmt(k, summary.get((i, k), np.nan), currency) for k in SWEEP_COLUMNS]
        status = f"failed: {result.errors[i]}" if i in result.errors else "ok"
        table.add_row(str(i), *(str(values[p]) for p in result.paths), *means, status)
    return table


@contextmanager
def resumable(target: Path) -> Iterator[None]:
    """On Ctrl-C, say that finished points are kept and how to resume (exit 130)."""
    try:
        yield
    except KeyboardInterrupt:
        kept = len(list((target / "points").glob("*.parquet")))
        err.print(f"interrupted: {kept} finished point(s) kept in {target}; run the same command to resume",
                  markup=False)
        raise typer.Exit(130) from None


def _sweep_json(result: SweepResult, target: Path, extra: dict[str, Any] | None = None) -> None:
    summary = result.summary()
    out.print_json(json.dumps({
        "run_folder": str(target), "points": _records(result.points_frame()), "resumed_points": result.skipped,
        "kpis": _records(with_units(summary[summary["segment"] == "all"])), **(extra or {})}, default=str))


@app.command()
@guarded
@run_options()
def sweep(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    param: Params,
    design: Annotated[str, typer.Option("--design", help="grid or lhs (Latin hypercube)")] = "grid",
    points: Annotated[int | None, typer.Option("--points", min=1, max=MAX_POINTS,
                                               help="points of a Latin hypercube")] = None,
    out_dir: OutDir = None, format: Format = "table", force: Force = False, *, run: RunOptions,
) -> None:
    """Sweep fields of a scenario on a grid or Latin hypercube; points stream to disk and resume."""
    choice(format, ("table", "json"), "--format")
    choice(design, DESIGNS, "--design")
    s = run.scenario(scenario)
    target = run.folder(out_dir, f"sweep-{scenario.stem}", [s], param, design, points, dated=False)
    claim(target, "sweep", force=force, resume=True)
    with resumable(target), progress_bar(format == "table") as progress:
        result = run_sweep(s, param, design=design, points=points, reps=run.replications(s), progress=progress,
                           out=target, force=force, **run.runner)
    if format == "json":
        _sweep_json(result, target)
    else:
        out.print(point_table(result, s.economics.currency, f"Sweep of {s.name} — {len(result.points)} points × "
                                                            f"{result.reps} replications (common random numbers)"))
        if result.skipped:
            out.print(f"resumed: {len(result.skipped)} finished point(s) were kept, not run again")
        out.print(f"sweep folder: {target}")
    catalog.record(target)
    _failed([f"point {i}: {e}" for i, e in result.errors.items()])


@app.command()
@guarded
@run_options()
def frontier(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    param: Annotated[str, typer.Option("--param", "-p", help="the intrusion axis: PATH=START:STOP:N or PATH=[…]")],
    cliff_factor: Annotated[float, typer.Option("--cliff-factor", min=1.0, max=1e6,
                                                help="backlash rise that marks a cliff")] = CLIFF_FACTOR,
    out_dir: OutDir = None, format: Format = "table", force: Force = False, *, run: RunOptions,
) -> None:
    """The insight–privacy trade-off: NPV against opt-outs, complaints and backlash as intrusion grows."""
    choice(format, ("table", "json"), "--format")
    s = run.scenario(scenario)
    target = run.folder(out_dir, f"frontier-{scenario.stem}", [s], param, cliff_factor, dated=False)
    claim(target, "sweep", force=force, resume=True)
    with resumable(target), progress_bar(format == "table") as progress:
        f = run_frontier(s, param, reps=run.replications(s), progress=progress, out=target,
                         cliff_factor=cliff_factor, force=force, **run.runner)
    marks = {"optimum": f.value(f.optimum), "pareto": [f.value(p) for p in f.pareto], "cliff": f.value(f.cliff)}
    if format == "json":
        _sweep_json(f.sweep, target, {"frontier": _records(f.to_frame()), **marks})
    else:
        currency = s.economics.currency
        table = Table(title=f"Tolerance frontier of {s.name} along {f.path}", title_justify="left")
        for col in ("value", "total value vs no practices (95% CI)", "opt-outs", "complaints", "pushback",
                    "backlash peak", "privacy churn", "marks"):
            table.add_column(col, justify="right")
        for r in f.to_frame().itertuples():
            tags = [t for t, on in (("value-optimal", r.optimal), ("Pareto", r.pareto), ("cliff", r.cliff)) if on]
            gain = (fmt("total_vs_baseline", v, currency) for v in (r.total_vs_baseline, r.total_vs_baseline_ci_low,
                                                                         r.total_vs_baseline_ci_high))
            table.add_row(str(r.value), "{} ({} – {})".format(*gain), fmt("opt_outs", r.opt_outs),
                          fmt("complaints", r.complaints), fmt("pushback", r.pushback),
                          fmt("backlash_peak", r.backlash_peak), fmt("privacy_churn", r.privacy_churn),
                          ", ".join(tags))
        out.print(table)
        out.print(f"value-optimal: {marks['optimum']}; cliff (backlash peak or pushback ×{plain(cliff_factor)} beyond "
                  f"the axis's own rise in one step): {marks['cliff'] if f.cliff is not None else 'none'}")
        out.print(f"frontier folder: {target}")
    catalog.record(target)
    _failed([f"point {i}: {e}" for i, e in f.sweep.errors.items()])


# ------------------------------------------------------------------ sensitivity / uncertainty
@app.command()
@guarded
@run_options()
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    method: Annotated[str, typer.Option("--method", help="tornado (one at a time) or morris")] = "tornado",
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="coefficients or groups to include, "
                                                    "e.g. behavior.consent (default: all)")] = None,
    kpi: Annotated[list[str] | None, typer.Option("--kpi", help=f"KPIs (default: {', '.join(KPIS)})")] = None,
    trajectories: Annotated[int, typer.Option("--trajectories", min=1, max=1000, help="Morris trajectories")] = 4,
    levels: Annotated[int, typer.Option("--levels", min=2, max=100, help="Morris grid levels")] = 4,
    top: Annotated[int, typer.Option("--top", min=1, max=10_000, help="rows shown per KPI")] = 10,
    out_dir: OutDir = None, format: Format = "table", force: Force = False, *, run: RunOptions,
) -> None:
    """Rank behaviour and economics coefficients by effect: tornado or Morris elementary effects."""
    choice(format, ("table", "json"), "--format")
    choice(method, METHODS, "--method")
    s = run.scenario(scenario)
    n = run.replications(s, DEFAULT_REPS)
    target = run.folder(out_dir, f"sensitivity-{scenario.stem}", [s], n, method, param, kpi)
    claim(target, "sensitivity", force=force)
    with progress_bar(format == "table") as progress:
        result = run_sensitivity(s, method, params=param, kpis=kpi or KPIS, reps=n, trajectories=trajectories,
                                 levels=levels, progress=progress, **run.runner)
    write_sensitivity(result, s, target, seed=s.seed if run.seed is None else run.seed, reps=n, force=force)
    if format == "json":
        out.print_json(json.dumps({"run_folder": str(target), "method": method, "table": _records(result.to_frame())}))
    else:
        currency = s.economics.currency
        for k in result.kpis:
            rows = sensitivity_rows(result.ranked(k).head(top), method, k, currency)
            out.print(rich_table(rows, f"{method.title()} — {label(k)} ({len(result.factors)} factors, {n} "
                                       "replications)", left=("coefficient",)))
        out.print(f"sensitivity folder: {target}")
    if result.failed:
        _failed([f"{result.failed} replication(s)"])


@app.command()
@guarded
@run_options()
def uncertainty(
    scenario: Annotated[Path, typer.Argument(help="scenario YAML file")],
    param: Annotated[list[str] | None, typer.Option("--param", "-p", help="coefficients or groups to draw "
                                                    "(default: every behaviour coefficient)")] = None,
    coefficients: Annotated[str, typer.Option(help="posterior: fitted coefficients jointly from the calibration "
                                                   "posterior, the rest from their ranges; ranges: all uniform")
                            ] = "posterior",
    inner: Annotated[int, typer.Option(min=1, max=100, help="replications per coefficient draw (nested Monte "
                                                              "Carlo)")] = 2,
    driver: Annotated[str, typer.Option(help="KPI whose drivers are listed")] = "total_value",
    out_dir: OutDir = None, format: Format = "table", force: Force = False, *, run: RunOptions,
) -> None:
    """Draw behaviour coefficients per replication; report their spread apart from replication noise.

    --reps sets the number of coefficient draws; each runs --inner replications.
    """
    choice(format, ("table", "json"), "--format")
    choice(coefficients, ("posterior", "ranges"), "--coefficients")
    s = run.scenario(scenario)
    target = run.folder(out_dir, f"uncertainty-{scenario.stem}", [s], param, coefficients, inner)
    claim(target, "uncertainty", force=force)
    with progress_bar(format == "table") as progress:
        result = run_uncertainty(s, run.replications(s), params=param, coefficients=coefficients,  # type: ignore[arg-type]
                                 inner=inner, progress=progress, **run.runner)
    write_uncertainty(result, target, force=force)
    frame = result.to_frame()
    frame = frame[frame["segment"] == "all"]
    drivers = result.drivers(driver)
    if format == "json":
        out.print_json(json.dumps({"run_folder": str(target), "coefficients": coefficients, "inner": inner,
                                   "kpis": _records(frame), "drivers": _records(drivers)}))
    else:
        currency = s.economics.currency
        table = Table(title=f"Uncertainty of {s.name} — {len(result.draws)} draws × {inner} replications, "
                            f"{len(result.draws.columns) - 1} coefficients drawn ({coefficients})",
                      title_justify="left")
        for col in ("KPI", "mean", "P5–P95 with coefficient uncertainty", "P5–P95 replication noise only",
                    "variance from coefficients"):
            table.add_column(col, justify="left" if col == "KPI" else "right")
        for r in frame.itertuples():
            table.add_row(r.kpi, fmt(r.kpi, r.mean, currency),
                          f"{fmt(r.kpi, r.p5, currency)} – {fmt(r.kpi, r.p95, currency)}",
                          f"{fmt(r.kpi, r.noise_p5, currency)} – {fmt(r.kpi, r.noise_p95, currency)}",
                          f"{r.coefficient_share:.0%}")
        out.print(table)
        ranked = drivers[drivers["effect"]]
        if len(ranked):
            out.print(f"Drivers of {driver} (Spearman over draws, Holm at 5%): " + ", ".join(
                f"{int(r['rank'])}. {r['parameter']} ({r['spearman']:+.2f})" for _, r in ranked.head(8).iterrows()),
                markup=False)
        out.print(f"{int((~drivers['effect']).sum())} drawn coefficients show no detectable effect on {driver} and "
                  "are not ranked.", markup=False)
        out.print(f"uncertainty folder: {target}")
    _failed([f"{arm} replicate {r.replicate}: {r.error}" for arm, run in (("drawn", result.drawn),
                                                                         ("fixed", result.fixed)) for r in run.failed])


# ------------------------------------------------------------------ report
@app.command()
@guarded
def report(
    run_dir: Annotated[Path, typer.Argument(help="a run folder (run, compare, sweep, frontier, sensitivity, "
                                                 "uncertainty)")],
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="HTML file (default RUN_DIR/report.html)")]
    = None, force: Force = False,
) -> None:
    """Write a self-contained offline HTML report of a run folder."""
    path = write_report(run_dir, out_file, force=force)
    out.print(f"report: {path}")
