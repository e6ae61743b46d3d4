"""The ``population:`` block privsim writes from a customer export or a survey: segment levels and its YAML text.

What the data measures wins; the rest comes from the map's ``levels``, else from privsim's Westin levels
(the defaults of docs/scenario.md). The block is checked against the scenario format before it is written.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from pydantic import ValidationError

from privsim.errors import InputError
from privsim.scenario.maps import Levels, MapFile
from privsim.scenario.messages import problems_from
from privsim.scenario.schema import Population

DEFAULT_SIZE = 100_000          # simulated customers of a built block, at most (the rows when fewer)
ATTRIBUTES = ("concern", "trust", "annual_value", "churn_per_year")
DIGITS = {"share": 4, "concern": 4, "trust": 4, "annual_value": 2, "churn_per_year": 4}
WESTIN_LEVELS = {   # the levels of docs/scenario.md's example (research: calibration.md §1, Westin 1999–2003)
    "fundamentalist": Levels(concern=0.85, trust=0.45, annual_value=300.0, churn_per_year=0.12),
    "pragmatist": Levels(concern=0.50, trust=0.60, annual_value=350.0, churn_per_year=0.10),
    "unconcerned": Levels(concern=0.15, trust=0.70, annual_value=380.0, churn_per_year=0.09),
}


def levels(mapfile: MapFile, name: str, measured: dict[str, float]) -> dict[str, float]:
    """A segment's four levels: measured, else the map's ``levels``, else privsim's Westin levels."""
    stated = mapfile.model.levels.get(name, Levels())
    default = WESTIN_LEVELS.get(name, Levels())
    out = {}
    for attr in ATTRIBUTES:
        value = measured.get(attr, getattr(stated, attr))
        value = getattr(default, attr) if value is None else value
        if value is None:
            raise mapfile.problem(("levels",), f"segment {name!r} needs {attr} (the file does not measure it); "
                                  f"allowed: levels: {{{name}: {{{attr}: …}}}} (privsim has defaults only for "
                                  f"{', '.join(WESTIN_LEVELS)})")
        out[attr] = float(value)
    return out


def rounded_shares(counts: dict[str, float]) -> dict[str, float]:
    """Shares to 4 decimals that still sum to 1 (largest remainder)."""
    names = list(counts)
    raw = np.asarray([counts[n] for n in names], dtype=np.float64)
    raw = raw / raw.sum() * 10_000
    units = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - units), kind="stable")
    units[order[: 10_000 - int(units.sum())]] += 1
    return {n: int(u) / 10_000 for n, u in zip(names, units, strict=True) if u > 0}


def default_size(rows: int) -> int:
    """Simulated customers of a built block unless told otherwise: the rows, at most ``DEFAULT_SIZE``."""
    return min(rows, DEFAULT_SIZE)


def population_data(segments: dict[str, dict[str, float]], size: int, represents: float) -> dict[str, Any]:
    """The block as scenario data, rounded as it is written and checked against the scenario format."""
    rows = {n: {k: round(v, DIGITS[k]) for k, v in seg.items()} for n, seg in segments.items()}
    data = {"size": size, "represents": round(represents, 6), "segments": rows}
    try:
        Population.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, Population, data, "the population block", {})) from None
    return data


def block(segments: dict[str, dict[str, float]], size: int, represents: float, *, title: list[str],
          from_file: str | None = None, notes: dict[str, str] | None = None) -> str:
    """The ``population:`` YAML block, checked against the scenario format (``from_file`` is not opened here)."""
    data = population_data(segments, size, represents)
    rows = data["segments"]
    lines = [f"# {t}" for t in title] + ["population:", f"  size: {size}", f"  represents: {data['represents']:g}"]
    if from_file is not None:
        lines.append(f"  from_file: {json.dumps(from_file)}")
    lines.append("  segments:")
    for name, seg in rows.items():
        fields = ", ".join(f"{k}: {v!r}" for k, v in seg.items())
        lines.append(f"    {name}: {{{fields}}}")
        if notes and name in notes:
            lines.append(f"    # {notes[name]}")
    return "\n".join(lines) + "\n"
