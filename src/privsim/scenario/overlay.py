"""Overlays: a YAML file holding only a ``behavior:`` block, merged into a scenario (``privsim run --overlay``).

``privsim calibrate --history`` writes the coefficients it fitted as one; any scenario can then run with them.
An overlay is read through the scenario door (``read_text``, the bounded YAML parser) and the merged scenario is
validated like a file, so a misspelt or out-of-range coefficient names the overlay's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from privsim.errors import InputError
from privsim.scenario.load import read_text
from privsim.scenario.messages import problems_from
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import parse

MAX_BYTES = 64 * 1024     # a behaviour block of every coefficient is about 12 KB
SECTIONS = ("behavior",)


def load_overlay(path: str | Path) -> tuple[dict[str, Any], dict[Any, int]]:
    """The overlay's ``behavior:`` mapping and its line map; anything else at the top level is bad input."""
    source = str(path)
    data, lines = parse(read_text(path, MAX_BYTES), source)
    if not isinstance(data, dict) or not data:
        raise InputError.single(source, "an overlay is a mapping with a behavior: block; allowed: behavior: {…}")
    extra = [k for k in data if k not in SECTIONS]
    if extra:
        raise InputError.single(source, f"got a {extra[0]!r} section; allowed: only behavior: (an overlay changes "
                                "coefficients; use --set or the scenario file for the rest)", field=str(extra[0]),
                                line=lines.get((extra[0],)))
    if not isinstance(data["behavior"], dict):
        raise InputError.single(source, "behavior: must be a mapping of coefficient groups", field="behavior",
                                line=lines.get(("behavior",)))
    return data, lines


def apply_overlay(scenario: Scenario, path: str | Path) -> Scenario:
    """``scenario`` with the overlay's coefficients, validated like a scenario file."""
    overlay, lines = load_overlay(path)
    data = scenario.model_dump(mode="json", by_alias=True)
    _merge(data, overlay)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, Scenario, data, str(path), lines)) from None


def _merge(into: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def overlay_text(values: dict[str, float], comments: list[str]) -> str:
    """An overlay of dotted ``behavior.…`` paths and values, headed by comment lines (privsim's signature first)."""
    nested: dict[str, Any] = {}
    for path, value in values.items():
        node = nested
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = float(value)
    head = "".join(f"# {line}\n" for line in ["written by privsim calibrate --history", *comments])
    return head + yaml.safe_dump(nested, sort_keys=False, width=100)
