"""``privsim report RUN_DIR``: a self-contained offline HTML report of any run folder.

Plotly.js is inlined once, so the file opens from disk with no network: the official "basic"
partial bundle (scatter, bar and pie, 1.2 MB, shipped in ``output/static``) when every figure
uses only those, else the whole of plotly.js that plotly.py ships (4.8 MB). The folder's
``summary.json`` ``kind`` picks the sections: a run (KPI table, time series with P5–P95
bands and event markers, segments), compare, sweep, frontier, sensitivity or uncertainty.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs, get_plotlyjs_version

from privsim.errors import InputError
from privsim.files import claim_file, record_file, write_atomic
from privsim.model.vocabulary import term
from privsim.output import charts
from privsim.output.formatting import fmt, label, value
from privsim.output.tables import difference_rows, kpi_rows, sensitivity_rows, spread_note

KINDS = ("run", "compare", "sweep", "frontier", "sensitivity", "uncertainty")
CSS = """body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}td,th{padding:3px 8px;border-bottom:1px solid #eee;
text-align:right}td:first-child,th:first-child{text-align:left}.meta{color:#666;font-size:.9em}
.note{color:#8a5a00;background:#fff6e0;padding:.4em .6em;font-size:.9em}"""
BASIC = Path(__file__).with_name("static") / "plotly-basic.min.js"
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})        # what the basic bundle draws


def bundle_version(script: str) -> str:
    """The plotly.js version a bundle's header names ("plotly.js (basic - minified) v4.1.1")."""
    found = re.search(r"plotly\.js \([^)]*\) v(\d[\w.-]*)", script[:300])
    return found.group(1) if found else ""


def plotlyjs(traces: Iterable[str]) -> str:
    """The smallest plotly.js that draws ``traces`` and is the version plotly.py writes figures for."""
    if set(traces) <= BASIC_TRACES:
        basic = BASIC.read_text(encoding="utf-8")
        if bundle_version(basic) == get_plotlyjs_version():
            return basic
    return get_plotlyjs()


class Page:
    """HTML sections of a report; figures share the one inlined plotly.js."""

    def __init__(self, title: str):
        self.title = title
        self.parts: list[str] = []
        self.traces: set[str] = set()

    def heading(self, text: str) -> None:
        """A section heading."""
        self.parts.append(f"<h2>{html.escape(text)}</h2>")

    def text(self, text: str, cls: str = "") -> None:
        """A paragraph."""
        self.parts.append(f'<p class="{cls}">{html.escape(text)}</p>')

    def bullets(self, lines: list[str]) -> None:
        """A bulleted list (escaped)."""
        self.parts.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in lines) + "</ul>")

    def table(self, frame: pd.DataFrame) -> None:
        """A table (values are escaped)."""
        self.parts.append(frame.to_html(index=False, escape=True, border=0, na_rep="–"))

    def figure(self, fig: go.Figure) -> None:
        """A Plotly figure (no script of its own)."""
        self.traces.update(trace.type for trace in fig.data)
        self.parts.append(fig.to_html(full_html=False, include_plotlyjs=False,
                                      config={"displaylogo": False, "responsive": True}))

    def html(self) -> str:
        """The whole page."""
        return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<meta name=\"generator\" content=\"privsim report\"><title>{html.escape(self.title)}"
                f"</title><style>{CSS}</style><script type=\"text/javascript\">{plotlyjs(self.traces)}</script></head>"
                f"<body><h1>{html.escape(self.title)}</h1>{''.join(self.parts)}</body></html>\n")


def _read(folder: Path, name: str) -> pd.DataFrame:
    path = folder / name
    if not path.exists():
        raise InputError.single(str(folder), f"{name} is missing; allowed: a complete run folder")
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def _company(folder: Path) -> pd.DataFrame | None:
    """The company-level series of a folder (None for a folder written before they had their own file)."""
    return _read(folder, "company.parquet") if (folder / "company.parquet").exists() else None


def _spread(page: Page, info: dict[str, Any]) -> None:
    """The few-replications warning beside a table with P5–P95 spreads."""
    if note := spread_note(int(info.get("replications", 0))):
        page.text(note, cls="note")


def _whole(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the whole population."""
    return frame[frame["segment"].astype(str) == "all"]


def _rounded(frame: pd.DataFrame, currency: str = "USD") -> pd.DataFrame:
    """A table for people: KPI columns in their unit, other numbers plain, yes/no for flags; KPI names as labels."""
    out = frame.copy()
    for c in out.columns:
        if c in ("kpi", "parameter") or not (pd.api.types.is_numeric_dtype(out[c]) or
                                             pd.api.types.is_bool_dtype(out[c])):
            continue
        known = bool(term(str(c)).unit) and not pd.api.types.is_bool_dtype(out[c])
        out[c] = [fmt(c, v, currency) if known else "–" if pd.isna(v) else value(v.item() if hasattr(v, "item")
                  else v, currency) for v in out[c]]
    if "kpi" in out:
        out["kpi"] = [label(k) for k in out["kpi"]]
    return out.rename(columns={c: label(c) for c in out.columns})


def _marks(events: list[dict[str, Any]]) -> list[tuple[int, str, str]]:
    return [(int(e["day"]), str(e["kind"]), str(e["what"] or "")) for e in events]


def _run(page: Page, folder: Path, info: dict[str, Any]) -> None:
    currency = info.get("currency", "USD")
    summary = _read(folder, "kpis.csv")
    page.heading("KPIs (whole population)")
    page.table(kpi_rows(_whole(summary), currency))
    _spread(page, info)
    page.heading("Over time")
    page.figure(charts.timeseries_figure(_read(folder, "timeseries.parquet"), marks=_marks(info.get("events", [])),
                                         currency=currency, company=_company(folder)))
    page.heading("Segments")
    page.figure(charts.segment_figure(summary, currency=currency))


def _compare(page: Page, folder: Path, info: dict[str, Any]) -> None:
    currency = info.get("currency", "USD")
    diff = _read(folder, "differences.csv")
    for name, said in info.get("changes", {}).items():
        page.heading(f"What {name} changes against {info.get('reference')}")
        page.bullets(said or ["nothing: the two scenarios are the same"])
    page.heading(f"Paired differences from {info.get('reference')} (common random numbers)")
    page.table(difference_rows(_whole(diff), currency))
    page.figure(charts.differences_figure(diff, currency=currency))
    summary = _read(folder, "kpis.csv")
    _spread(page, info)
    for name in info.get("names", []):
        page.heading(f"KPIs: {name}")
        page.table(kpi_rows(_whole(summary[summary["scenario"] == name]), currency))
    marks = sorted({m for events in info.get("events", {}).values() for m in _marks(events)})
    page.heading("Over time")
    page.figure(charts.timeseries_figure(_read(folder, "timeseries.parquet"), by="scenario", marks=marks,
                                         currency=currency, company=_company(folder)))
    page.heading("Segments")
    page.figure(charts.segment_figure(summary, by="scenario", currency=currency))


def _sweep(page: Page, folder: Path, info: dict[str, Any]) -> None:
    points = _read(folder, "points.csv")
    summary = _read(folder, "kpis.csv")
    paths = [c for c in points.columns if c not in ("point", "status", "error")]
    currency = info.get("currency", "USD")
    page.heading(f"Points ({info.get('design', 'grid')} design, {len(points)} points)")
    page.table(_rounded(points, currency))
    if len(summary):
        page.figure(charts.sweep_figure(summary, paths, currency=currency))


def _frontier(page: Page, folder: Path, info: dict[str, Any]) -> None:
    table = _read(folder, "frontier.csv")
    currency = info.get("currency", "USD")
    axis = str(info.get("path", "value")).rsplit(".", 1)[-1].replace("_", " ")
    shown = dict(zip(table["point"], table["value"], strict=True)) if len(table) else {}
    pareto = [value(shown.get(p, p)) for p in info.get("pareto", [])]
    cliff = info.get("cliff_value")
    page.heading("Tolerance frontier")
    page.text(f"Value-optimal {axis}: {value(info.get('optimum_value'))}; cliff (mean backlash peak or customer "
              f"pushback rises more than {value(info.get('cliff_factor'))}× in one step): "
              f"{'none' if cliff is None else f'at {axis} {value(cliff)}'}; Pareto-efficient {axis}: "
              f"{', '.join(pareto) or 'none'}.")
    cols = ["point", "value", "total_value", "npv", "revenue", "opt_outs", "complaints", "pushback", "backlash_peak",
            "privacy_churn", "optimal", "pareto", "cliff"]
    page.table(_rounded(table[[c for c in cols if c in table]].rename(columns={"value": axis}), currency))
    if len(table):
        page.figure(charts.frontier_figure(table, info.get("path", "value"), info.get("optimum"),
                                           info.get("pareto", []), info.get("cliff"), currency))
    _sweep(page, folder, info)


def _sensitivity(page: Page, folder: Path, info: dict[str, Any]) -> None:
    table = _read(folder, "sensitivity.csv")
    method = info.get("method", "tornado")
    currency = info.get("currency", "USD")
    for kpi in info.get("kpis", []):
        page.heading(f"{method.title()}: {label(kpi)}")
        page.table(sensitivity_rows(table[table["kpi"] == kpi].sort_values("rank").head(15), method, kpi, currency))
        page.figure(charts.tornado_figure(table, kpi, currency=currency) if method == "tornado"
                    else charts.morris_figure(table, kpi))


def _uncertainty(page: Page, folder: Path, info: dict[str, Any]) -> None:
    currency = info.get("currency", "USD")
    table = _read(folder, "uncertainty.csv")
    page.heading("Coefficient uncertainty beside replication noise (whole population)")
    t = table[table["segment"].astype(str) == "all"]
    page.table(pd.DataFrame({
        "KPI": [label(k) for k in t["kpi"]],
        "mean": [fmt(k, v, currency) for k, v in zip(t["kpi"], t["mean"], strict=True)],
        "P5–P95 with coefficient uncertainty": [f"{fmt(k, a, currency)} – {fmt(k, b, currency)}"
                                                for k, a, b in zip(t["kpi"], t["p5"], t["p95"], strict=True)],
        "P5–P95 replication noise only": [f"{fmt(k, a, currency)} – {fmt(k, b, currency)}" for k, a, b in
                                          zip(t["kpi"], t["noise_p5"], t["noise_p95"], strict=True)],
        "variance from coefficients": [f"{v:.0%}" for v in t["coefficient_share"]], "n": t["n"]}))
    page.figure(charts.uncertainty_figure(_read(folder, "replications.csv"), currency=currency))
    page.heading("Over time")
    page.figure(charts.timeseries_figure(_read(folder, "timeseries.parquet"), by="arm",
                                         marks=_marks(info.get("events", [])), currency=currency,
                                         company=_company(folder)))


SECTIONS: dict[str, Callable[[Page, Path, dict[str, Any]], None]] = {
    "run": _run, "compare": _compare, "sweep": _sweep, "frontier": _frontier, "sensitivity": _sensitivity,
    "uncertainty": _uncertainty}


def read_info(folder: Path) -> dict[str, Any]:
    """The folder's ``summary.json`` (bad input when missing or unreadable)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError.single(str(folder), "no such run folder")
    path = folder / "summary.json"
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.single(str(folder), "not a privsim run folder (no summary.json); allowed: a folder written "
                                "by privsim run, compare, sweep, frontier, sensitivity or uncertainty") from None
    except json.JSONDecodeError as exc:
        raise InputError.single(str(path), f"cannot be read ({exc.msg})", line=exc.lineno) from None
    kind = info.get("kind", "run")
    if kind not in SECTIONS:
        raise InputError.single(str(path), f"kind {kind!r} has no report; allowed: {', '.join(KINDS)}", field="kind")
    return info


def build_report(folder: str | Path) -> str:
    """The report of a run folder as one HTML page."""
    folder = Path(folder)
    info = read_info(folder)
    kind = info.get("kind", "run")
    title = f"privsim {kind}: {info.get('name') or ' vs '.join(info.get('names', [])) or folder.name}"
    page = Page(title)
    meta = {k: info[k] for k in ("seed", "replications", "design", "params", "method", "population") if k in info}
    versions = info.get("versions", {})
    page.text(" · ".join(f"{k}: {value(v)}" for k, v in meta.items()) +
              (f" · privsim {versions.get('privsim')}" if versions else ""), cls="meta")
    if info.get("failed"):
        page.text(f"{len(info['failed'])} replication(s) failed: " +
                  "; ".join(value(f) for f in info["failed"]), cls="meta")
    SECTIONS[kind](page, folder, info)
    return page.html()


def write_report(folder: str | Path, out: str | Path | None = None, *, force: bool = False) -> Path:
    """Write the report (default ``RUN_DIR/report.html``) atomically; returns its path.

    An existing file is replaced only when privsim wrote it (an earlier report) or with ``force``.
    """
    target = Path(out) if out else Path(folder) / "report.html"
    claim_file(target, force=force)
    text = build_report(folder)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text)
    if target.parent.resolve() == Path(folder).resolve():
        record_file(Path(folder), target.name)
    return target
