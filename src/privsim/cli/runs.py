"""The run catalog commands: runs list|show|diff|rebuild over the index of run folders in ``runs/catalog.duckdb``.

Human tables show money in the run's currency and shares in %, never in scientific notation; JSON keeps
plain numbers. An unknown run or a folder that is not a run folder is bad input (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from privsim.cli.common import Format, app, choice, err, guarded, out, rich_table
from privsim.output import catalog, runfolders
from privsim.output.runtables import about_rows, currency_of, diff_rows, differences_line, kpi_rows, listed_rows

runs_app = typer.Typer(no_args_is_help=True, help="The run catalog: list, show and diff run folders; rebuild the "
                                                  "index (runs/catalog.duckdb).")
app.add_typer(runs_app, name="runs")

Dir = Annotated[Path, typer.Option("--dir", "-d", help="the folder holding the run folders and their catalog")]
Segment = Annotated[str, typer.Option("--segment", "-s", help="segment whose KPIs to show (all: the whole "
                                                               "population)")]
Run = Annotated[str, typer.Argument(help="a run folder, or its number in `privsim runs list`")]


# ------------------------------------------------------------------ commands
@runs_app.command("list")
@guarded
def list_command(
    dir: Dir = runfolders.DEFAULT_DIR,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help=f"only one kind: {', '.join(runfolders.KINDS)}")]
    = None,
    format: Format = "table",
) -> None:
    """Run folders newest first, with size × replications and the headline KPI (the index is refreshed first)."""
    choice(format, ("table", "json"), "--format")
    if kind is not None:
        choice(kind, runfolders.KINDS, "--kind")
    frame, skipped = catalog.listing(dir, kind)
    for problem in skipped:
        err.print(f"warning: {problem}", markup=False)
    if format == "json":
        out.print_json(json.dumps([_listed_json(row, dir) for row in _records(frame)]))
    elif frame.empty:
        out.print(f"no run folders in {dir}" + (f" of kind {kind}" if kind else ""), markup=False)
    else:
        table = rich_table(listed_rows(frame, dir), f"Run folders in {dir}, newest first",
                           left=("path", "kind", "name", "time", "headline"))
        table.columns[1].overflow = "fold"      # a long path folds onto a second line, never cut short
        out.print(table)


@runs_app.command("show")
@guarded
def show(run: Run, dir: Dir = runfolders.DEFAULT_DIR, segment: Segment = "all", format: Format = "table") -> None:
    """One run folder: what it was made with, and its KPI table."""
    choice(format, ("table", "json"), "--format")
    entry = runfolders.read_folder(catalog.locate(run, dir), dir)
    rows = runfolders.segment_rows(entry, segment)
    if format == "json":
        out.print_json(json.dumps({"folder": str(entry.folder), **_run_json(entry.run),
                                   "summary": json.loads(entry.run["summary"]), "kpis": _records(rows)}))
        return
    out.print(rich_table(about_rows(entry), f"{entry.folder}", left=("field", "value")))
    if rows.empty:
        out.print(f"{entry.folder} has no KPI table (kpis.csv)", markup=False)
    else:
        out.print(rich_table(kpi_rows(rows, currency_of(entry.run["currency"])), f"KPIs of {segment}",
                             left=("scenario", "setting", "KPI")))


@runs_app.command("diff")
@guarded
def diff(a: Run, b: Run, dir: Dir = runfolders.DEFAULT_DIR, segment: Segment = "all", format: Format = "table") -> None:
    """The KPIs two run folders both have, side by side with the difference B − A."""
    choice(format, ("table", "json"), "--format")
    first, second = (runfolders.read_folder(catalog.locate(ref, dir), dir) for ref in (a, b))
    rows = runfolders.difference(first, second, segment)
    differs = runfolders.differing(first, second)
    if format == "json":
        out.print_json(json.dumps({"a": str(first.folder), "b": str(second.folder), "segment": segment,
                                   "differs": {f: list(v) for f, v in differs.items()}, "kpis": _records(rows)}))
        return
    out.print(f"A: {first.folder} — {first.run['name']} ({first.run['kind']})", markup=False)
    out.print(f"B: {second.folder} — {second.run['name']} ({second.run['kind']})", markup=False)
    out.print(differences_line(differs), markup=False)
    if rows.empty:
        out.print(f"no KPI of {segment} in both", markup=False)
    else:
        out.print(rich_table(diff_rows(rows, currency_of(first.run["currency"])), f"KPIs of {segment}: A, B and B − A",
                             left=("A is", "B is", "KPI")))


@runs_app.command("rebuild")
@guarded
def rebuild(dir: Dir = runfolders.DEFAULT_DIR) -> None:
    """Recreate the catalog from the run folders (it is only an index: deleting it loses nothing)."""
    count, skipped = catalog.rebuild(dir)
    for problem in skipped:
        err.print(f"warning: {problem}", markup=False)
    out.print(f"catalog rebuilt: {runfolders.catalog_path(dir)} ({count} run folder{'s' * (count != 1)})",
              markup=False)


# ------------------------------------------------------------------ JSON
def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready rows with plain numbers (NaN and NA become null, times ISO 8601)."""
    rows = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    return [{k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in row.items()} for row in rows]


def _run_json(run: dict[str, Any]) -> dict[str, Any]:
    """A catalog row for JSON: overrides parsed, the catalog's bookkeeping left out."""
    shown = {k: v for k, v in run.items() if k not in ("summary", "stamp")}
    return {**_records(pd.DataFrame([shown]))[0], "overrides": json.loads(run["overrides"]) if run["overrides"]
            else None}


def _listed_json(row: dict[str, Any], runs_dir: Path) -> dict[str, Any]:
    """One listed run for JSON: its path as given to show, the headline as kpi, mean and how many it is best of."""
    headline = {"kpi": row.pop("headline_kpi"), "mean": row.pop("headline"), "among": row.pop("headline_among")}
    return {**row, "path": str(runs_dir / row["path"]), "overrides": json.loads(row["overrides"])
            if row["overrides"] else None, "headline": headline if headline["kpi"] else None}
