"""Segments, practices and events as tables for the editor, and back to scenario data.

Table cells hold what the scenario file holds; lists (data categories, UI patterns, target
segments, practices an event names) are multiselect cells. Event fields beyond the common ones
go in a ``details`` cell as a YAML flow mapping (``{retroactive: true, notice: website_only}``),
read with the safe YAML loader and never evaluated.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import yaml

from privsim.dashboard.forms import accepts_none
from privsim.errors import InputError, Problem
from privsim.scenario.schema import Practice, Segment
from privsim.scenario.yamlmap import load_value

SEGMENT_COLUMNS = ("share", "concern", "trust", "annual_value", "churn_per_year", "privacy_active")
PRACTICE_COLUMNS = ("id", "purpose", "data", "consent", "disclosed", "ask_on_start", "notice", "framing",
                    "ui_patterns", "channel", "contacts_per_month", "revenue_lift", "data_revenue_per_record",
                    "segments", "share", "start_day", "end_day", "incentive", "visibility", "centrality")
LIST_COLUMNS = ("data", "ui_patterns", "segments", "practices")
EVENT_COMMON = ("type", "id", "day", "rate_per_year", "practices")
SOURCE = "editor"


def clean(value: Any) -> Any:
    """A table cell as plain data: missing → None, numpy scalars → Python, arrays → lists."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return [str(v) for v in value]
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def segments_frame(segments: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """One row per segment: name and its fields."""
    rows = [{"name": name, **{c: seg.get(c) for c in SEGMENT_COLUMNS}} for name, seg in segments.items()]
    return pd.DataFrame(rows, columns=["name", *SEGMENT_COLUMNS])


def segments_data(frame: pd.DataFrame) -> tuple[dict[str, dict[str, Any]], list[Problem]]:
    """The ``population.segments`` mapping of an edited table, and problems with names."""
    out: dict[str, dict[str, Any]] = {}
    problems = []
    for i, row in enumerate(frame.to_dict("records")):
        name = str(clean(row.get("name")) or "").strip()
        if name in out:
            problems.append(Problem(SOURCE, None, f"population.segments (row {i + 1})",
                                    f"segment name {name!r} appears twice; allowed: unique names"))
        values = {c: clean(row.get(c)) for c in SEGMENT_COLUMNS}
        out[name] = {c: v for c, v in values.items() if v is not None or accepts_none(Segment, c)}
    return out, problems


def practices_frame(practices: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per practice with the simulated fields (lint-only fields stay in the YAML)."""
    rows = [{c: (p.get(c) or [] if c in LIST_COLUMNS else p.get(c)) for c in PRACTICE_COLUMNS} for p in practices]
    frame = pd.DataFrame(rows, columns=list(PRACTICE_COLUMNS))
    return frame.astype({"disclosed": "boolean", "ask_on_start": "boolean"})     # added rows start empty


def practices_data(frame: pd.DataFrame, before: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``strategy.practices`` list of an edited table; fields not in the table are kept by practice id."""
    kept = {p.get("id"): p for p in before}
    out = []
    for row in frame.to_dict("records"):
        values = {c: clean(row.get(c)) for c in PRACTICE_COLUMNS}
        if not values["segments"]:
            values["segments"] = None                      # no segment picked: everyone
        practice = dict(kept.get(values["id"], {}))
        for c, v in values.items():
            if v is not None or accepts_none(Practice, c):
                practice[c] = v
            else:
                practice.pop(c, None)
        out.append(practice)
    return out


def events_frame(events: list[dict[str, Any]]) -> pd.DataFrame:
    """One row per event: the common fields, and the rest as a YAML flow mapping."""
    rows = []
    for e in events:
        rest = {k: v for k, v in e.items() if k not in EVENT_COMMON and v is not None}
        rate = e.get("rate_per_year")
        rows.append({"type": e.get("type"), "id": e.get("id"), "day": e.get("day"),
                     "rate_per_year": None if rate is None else str(rate), "practices": e.get("practices") or [],
                     "details": yaml.safe_dump(rest, default_flow_style=True, sort_keys=False, width=10_000).strip()})
    return pd.DataFrame(rows, columns=[*EVENT_COMMON, "details"])


def events_data(frame: pd.DataFrame) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The ``events`` list of an edited table, and problems with cells that cannot be read."""
    out, problems = [], []
    for i, row in enumerate(frame.to_dict("records")):
        event: dict[str, Any] = {}
        for c in ("type", "id", "day"):
            if (v := clean(row.get(c))) is not None and v != "":
                event[c] = v
        for c, where in (("rate_per_year", "rate_per_year"), ("details", "details")):
            text = clean(row.get(c))
            if not text:
                continue
            try:
                value = load_value(str(text), SOURCE)
            except InputError as exc:
                value = exc
            if c == "details" and not isinstance(value, dict):
                problems.append(Problem(SOURCE, None, f"events[{i}].{where}",
                                        f"got {text!r}; allowed: a mapping such as {{retroactive: true}}"))
            elif isinstance(value, InputError):
                problems.append(Problem(SOURCE, None, f"events[{i}].{where}",
                                        f"got {text!r}; allowed: a number or controls"))
            elif c == "details":
                event.update({k: v for k, v in value.items() if k not in event})
            else:
                event[c] = value
        if practices := clean(row.get("practices")):
            event["practices"] = practices
        out.append(event)
    return out, problems
