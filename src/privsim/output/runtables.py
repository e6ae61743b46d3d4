"""The run catalog in display strings: the listing, one run's fields and KPIs, two runs' differences.

Shared by ``privsim runs list|show|diff`` and the dashboard's History page, so both word and round a
past run the same way: money in the run's currency, shares in % and their differences in percentage
points, never scientific notation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from privsim.output.formatting import fmt, plain, signed
from privsim.output.runfolders import Entry

LABELS = {"kind": "kind", "scenario_sha256": "scenario hash", "seed": "seed", "size": "size",
          "represents": "represents", "replications": "replications", "currency": "currency",
          "privsim_version": "privsim version"}


def listed_rows(frame: pd.DataFrame, runs_dir: Path, kpi_name: Callable[[str], str] = str) -> pd.DataFrame:
    """The listing (``catalog.listing``) as number, path, kind, name, time, size × reps and headline KPI.

    ``kpi_name`` names the headline's KPI (the dashboard gives its label in words).
    """
    return pd.DataFrame({
        "#": frame["index"].astype(str), "path": [str(runs_dir / p) for p in frame["path"]], "kind": frame["kind"],
        "name": frame["name"].fillna("–"), "time": [f"{t:%Y-%m-%d %H:%M}" for t in frame["created"]],
        "size × reps": [f"{whole(s)} × {whole(r)}" for s, r in zip(frame["size"], frame["replications"],
                                                                  strict=True)],
        "headline": [_headline(r, kpi_name) for r in frame.itertuples(index=False)]})


def _headline(row: Any, kpi_name: Callable[[str], str]) -> str:
    if not isinstance(row.headline_kpi, str):
        return "–"
    value = fmt(row.headline_kpi, row.headline, currency_of(row.currency))
    among = int(row.headline_among)
    return f"{kpi_name(row.headline_kpi)} {value}" + (f" (best of {among})" if among > 1 else "")


def currency_of(value: Any) -> str:
    """The run's currency; the scenario format's default when a summary has none."""
    return value if isinstance(value, str) else "USD"


def about_rows(entry: Entry) -> pd.DataFrame:
    """What a run was made with, as field and value."""
    r = entry.run
    overrides = json.loads(r["overrides"]) if r["overrides"] else None
    fields = {"kind": r["kind"], "name": r["name"], "title": r["title"], "created": f"{r['created']:%Y-%m-%d %H:%M:%S}",
              "scenario hash": (r["scenario_sha256"] or "").replace(",", "\n") or None, "seed": r["seed"],
              "replications": whole(r["replications"]), "size": whole(r["size"]),
              "represents": whole(r["represents"]), "currency": r["currency"], "privsim version": r["privsim_version"],
              "overrides": ", ".join(map(str, overrides)) if isinstance(overrides, list) else overrides,
              "failed": r["failed"]}
    shown = {k: v for k, v in fields.items() if v not in (None, "")}
    return pd.DataFrame({"field": list(shown), "value": [str(v) for v in shown.values()]})


def kpi_rows(rows: pd.DataFrame, currency: str) -> pd.DataFrame:
    """KPI, mean, 95% CI of the mean, P5–P95 and n; scenario and setting first when the folder has several."""
    k = rows["kpi"]
    table = pd.DataFrame({
        "scenario": rows["scenario"], "setting": [_setting(t) for t in rows["setting"]], "KPI": k,
        "mean": [fmt(x, v, currency) for x, v in zip(k, rows["mean"], strict=True)],
        "95% CI of mean": [_span(x, lo, hi, currency) for x, lo, hi in zip(k, rows["ci_low"], rows["ci_high"],
                                                                             strict=True)],
        "P5–P95 over replications": [_span(x, lo, hi, currency) for x, lo, hi in zip(k, rows["p5"], rows["p95"],
                                                                                       strict=True)],
        "n": [whole(n) for n in rows["n"]]})
    return table.drop(columns=[c for c in ("scenario", "setting") if rows[c].nunique() < 2])


def diff_rows(rows: pd.DataFrame, currency: str) -> pd.DataFrame:
    """A, B and B − A per KPI (``runfolders.difference``); each side's scenario or point first when several."""
    k = rows["kpi"]
    labels = {f"{side} is": [_setting(t) or n for n, t in zip(rows[f"scenario_{c}"], rows[f"setting_{c}"],
                                                             strict=True)] for side, c in (("A", "a"), ("B", "b"))}
    several = any(pd.Series(v).nunique() > 1 for v in labels.values())
    return pd.DataFrame({
        **(labels if several else {}), "KPI": k,
        "A": [fmt(x, v, currency) for x, v in zip(k, rows["mean_a"], strict=True)],
        "B": [fmt(x, v, currency) for x, v in zip(k, rows["mean_b"], strict=True)],
        "B − A": [signed(x, v, currency) for x, v in zip(k, rows["difference"], strict=True)]})


def differences_line(differs: dict[str, tuple[Any, Any]]) -> str:
    """One line naming what two runs were made with differently (``runfolders.differing``), or that they share it."""
    if not differs:
        return "same scenario hash, seed, size, represents, replications and privsim version"
    return "differ: " + "; ".join(f"{LABELS[f]} {_short(a)} vs {_short(b)}" for f, (a, b) in differs.items())


def _setting(text: str | None) -> str:
    """A sweep point's setting with each field's last name only: contacts_per_month=2."""
    return re.sub(r"(^|, )(?:[\w-]+\.)+(?=[\w-]+=)", r"\1", text) if isinstance(text, str) else ""


def _short(value: Any) -> str:
    """A hash shortened to 12 characters (each of a compare's), anything else as it is."""
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}(,[0-9a-f]{64})*", value):
        return ",".join(h[:12] for h in value.split(","))
    return whole(value) if isinstance(value, int | float) else str(value)


def _span(kpi: str, low: float, high: float, currency: str) -> str:
    return f"{fmt(kpi, low, currency)} – {fmt(kpi, high, currency)}"


def whole(value: Any) -> str:
    """A count with separators ('–' when unknown); a fractional value positionally."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else plain(float(value))
