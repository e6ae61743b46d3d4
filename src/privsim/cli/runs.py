"""The run catalog commands: runs list|show|diff|rebuild over the index of run folders in ``runs/catalog.duckdb``.

Human tables show money in the run's currency and shares in %, never in scientific notation; JSON keeps
plain numbers. An unknown run or a folder that is not a run folder is bad input (exit 2).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer

from privsim.cli.common import Format, app, choice, err, guarded, out, rich_table
from privsim.output import catalog, runfolders
from privsim.output.formatting import fmt, plain, signed

runs_app = typer.Typer(no_args_is_help=True, help="The run catalog: list, show and diff run folders; rebuild the "
                                                  "index (runs/catalog.duckdb).")
app.add_typer(runs_app, name="runs")

Dir = Annotated[Path, typer.Option("--dir", "-d", help="the folder holding the run folders and their catalog")]
Segment = Annotated[str, typer.Option("--segment", "-s", help="segment whose KPIs to show (all: the whole "
                                                               "population)")]
Run = Annotated[str, typer.Argument(help="a run folder, or its number in `privsim runs list`")]
LABELS = {"kind": "kind", "scenario_sha256": "scenario hash", "seed": "seed", "size": "size",
          "represents": "represents", "replications": "replications", "currency": "currency",
          "privsim_version": "privsim version"}


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
        table = rich_table(_listed_rows(frame, dir), f"Run folders in {dir}, newest first",
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
    out.print(rich_table(_about(entry), f"{entry.folder}", left=("field", "value")))
    if rows.empty:
        out.print(f"{entry.folder} has no KPI table (kpis.csv)", markup=False)
    else:
        out.print(rich_table(_kpi_rows(rows, _currency(entry.run["currency"])), f"KPIs of {segment}",
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
    out.print(_differences(differs), markup=False)
    if rows.empty:
        out.print(f"no KPI of {segment} in both", markup=False)
    else:
        out.print(rich_table(_diff_rows(rows, _currency(first.run["currency"])), f"KPIs of {segment}: A, B and B − A",
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


# ------------------------------------------------------------------ tables
def _listed_rows(frame: pd.DataFrame, runs_dir: Path) -> pd.DataFrame:
    """The listing in display strings: number, path, kind, name, time, size × reps, headline KPI."""
    return pd.DataFrame({
        "#": frame["index"].astype(str), "path": [str(runs_dir / p) for p in frame["path"]], "kind": frame["kind"],
        "name": frame["name"].fillna("–"), "time": [f"{t:%Y-%m-%d %H:%M}" for t in frame["created"]],
        "size × reps": [f"{_whole(s)} × {_whole(r)}" for s, r in zip(frame["size"], frame["replications"],
                                                                    strict=True)],
        "headline": [_headline(r) for r in frame.itertuples(index=False)]})


def _headline(row: Any) -> str:
    if not isinstance(row.headline_kpi, str):
        return "–"
    value = number(row.headline_kpi, row.headline, _currency(row.currency))
    among = int(row.headline_among)
    return f"{row.headline_kpi} {value}" + (f" (best of {among})" if among > 1 else "")


def _currency(value: Any) -> str:
    """The run's currency; the scenario format's default when a summary has none."""
    return value if isinstance(value, str) else "USD"


def _about(entry: runfolders.Entry) -> pd.DataFrame:
    """What a run was made with, as field and value."""
    r = entry.run
    overrides = json.loads(r["overrides"]) if r["overrides"] else None
    fields = {"kind": r["kind"], "name": r["name"], "title": r["title"], "created": f"{r['created']:%Y-%m-%d %H:%M:%S}",
              "scenario hash": (r["scenario_sha256"] or "").replace(",", "\n") or None, "seed": r["seed"],
              "replications": _whole(r["replications"]), "size": _whole(r["size"]),
              "represents": _whole(r["represents"]), "currency": r["currency"], "privsim version": r["privsim_version"],
              "overrides": ", ".join(map(str, overrides)) if isinstance(overrides, list) else overrides,
              "failed": r["failed"]}
    shown = {k: v for k, v in fields.items() if v not in (None, "")}
    return pd.DataFrame({"field": list(shown), "value": [str(v) for v in shown.values()]})


def _kpi_rows(rows: pd.DataFrame, currency: str) -> pd.DataFrame:
    """KPI, mean, 95% CI of the mean, P5–P95 and n; scenario and setting first when the folder has several."""
    k = rows["kpi"]
    table = pd.DataFrame({
        "scenario": rows["scenario"], "setting": [_setting(t) for t in rows["setting"]], "KPI": k,
        "mean": [number(x, v, currency) for x, v in zip(k, rows["mean"], strict=True)],
        "95% CI of mean": [_span(x, lo, hi, currency) for x, lo, hi in zip(k, rows["ci_low"], rows["ci_high"],
                                                                             strict=True)],
        "P5–P95 over replications": [_span(x, lo, hi, currency) for x, lo, hi in zip(k, rows["p5"], rows["p95"],
                                                                                       strict=True)],
        "n": [_whole(n) for n in rows["n"]]})
    return table.drop(columns=[c for c in ("scenario", "setting") if rows[c].nunique() < 2])


def _diff_rows(rows: pd.DataFrame, currency: str) -> pd.DataFrame:
    """A, B and B − A per KPI; the scenario or point of each side first when either side has several."""
    k = rows["kpi"]
    labels = {f"{side} is": [_setting(t) or n for n, t in zip(rows[f"scenario_{c}"], rows[f"setting_{c}"],
                                                             strict=True)] for side, c in (("A", "a"), ("B", "b"))}
    several = any(pd.Series(v).nunique() > 1 for v in labels.values())
    return pd.DataFrame({
        **(labels if several else {}), "KPI": k,
        "A": [number(x, v, currency) for x, v in zip(k, rows["mean_a"], strict=True)],
        "B": [number(x, v, currency) for x, v in zip(k, rows["mean_b"], strict=True)],
        "B − A": [change(x, v, currency) for x, v in zip(k, rows["difference"], strict=True)]})


def _setting(text: str | None) -> str:
    """A sweep point's setting with each field's last name only: contacts_per_month=2."""
    return re.sub(r"(^|, )(?:[\w-]+\.)+(?=[\w-]+=)", r"\1", text) if isinstance(text, str) else ""


def _differences(differs: dict[str, tuple[Any, Any]]) -> str:
    """One line naming what the two runs were made with differently (or that they share it)."""
    if not differs:
        return "same scenario hash, seed, size, represents, replications and privsim version"
    return "differ: " + "; ".join(f"{LABELS[f]} {_short(a)} vs {_short(b)}" for f, (a, b) in differs.items())


def _short(value: Any) -> str:
    """A hash shortened to 12 characters (each of a compare's), anything else as it is."""
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}(,[0-9a-f]{64})*", value):
        return ",".join(h[:12] for h in value.split(","))
    return _whole(value) if isinstance(value, int | float) else str(value)


# ------------------------------------------------------------------ numbers
number, change = fmt, signed     # as every other table shows them: money with the currency, shares in %


def _span(kpi: str, low: float, high: float, currency: str) -> str:
    return f"{number(kpi, low, currency)} – {number(kpi, high, currency)}"


def _whole(value: Any) -> str:
    """A count with separators ('–' when unknown); a fractional value positionally."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else plain(float(value))


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
