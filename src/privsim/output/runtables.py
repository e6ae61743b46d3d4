"""The run catalog in display strings: the listing, one run's fields and KPIs, two runs' differences.

Shared by ``privsim runs list|show|diff`` and the dashboard's History page, so both word and round a
past run the same way: money in the run's currency, shares in % and their differences in percentage
points, never scientific notation.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from privsim.output import tables
from privsim.output.formatting import fmt, label, plain, signed
from privsim.output.runfolders import Entry

LABELS = {"kind": "kind", "scenario_sha256": "scenario hash", "seed": "seed", "size": "size",
          "represents": "represents", "replications": "replications", "currency": "currency",
          "privsim_version": "privsim version"}


def listed_rows(frame: pd.DataFrame, runs_dir: Path) -> pd.DataFrame:
    """The listing (``catalog.listing``) as number, path, kind, name, time, size × reps and headline KPI."""
    return pd.DataFrame({
        "#": frame["index"].astype(str), "path": [str(runs_dir / p) for p in frame["path"]], "kind": frame["kind"],
        "name": frame["name"].fillna("–"), "time": [f"{t:%Y-%m-%d %H:%M}" for t in frame["created"]],
        "size × reps": [f"{whole(s)} × {whole(r)}" for s, r in zip(frame["size"], frame["replications"],
                                                                  strict=True)],
        "headline": [_headline(r) for r in frame.itertuples(index=False)]})


def _headline(row: Any) -> str:
    if not isinstance(row.headline_kpi, str):
        return "–"
    value = fmt(row.headline_kpi, row.headline, currency_of(row.currency))
    among = int(row.headline_among)
    return f"{label(row.headline_kpi)} {value}" + (f" (best of {among})" if among > 1 else "")


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
    """The KPI table every face shows (``tables.kpi_rows``); scenario and setting first when a folder has several."""
    context = {"scenario": list(rows["scenario"]), "setting": [_setting(t) for t in rows["setting"]]}
    table = tables.kpi_rows(rows.assign(n=[whole(n) for n in rows["n"]]), currency)
    for at, (column, values) in enumerate((c, v) for c, v in context.items() if pd.Series(v).nunique() > 1):
        table.insert(at, column, values)
    return table


def diff_rows(rows: pd.DataFrame, currency: str) -> pd.DataFrame:
    """A, B and B − A per KPI (``runfolders.difference``); each side's scenario or point first when several."""
    k = rows["kpi"]
    labels = {f"{side} is": [_setting(t) or n for n, t in zip(rows[f"scenario_{c}"], rows[f"setting_{c}"],
                                                             strict=True)] for side, c in (("A", "a"), ("B", "b"))}
    several = any(pd.Series(v).nunique() > 1 for v in labels.values())
    return pd.DataFrame({
        **(labels if several else {}), "KPI": [label(x) for x in k],
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


def whole(value: Any) -> str:
    """A count with separators ('–' when unknown); a fractional value positionally."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    return f"{value:,.0f}" if float(value).is_integer() else plain(float(value))
