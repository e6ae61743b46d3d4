"""Changing a scenario by dotted path (``--set``, sweeps, fixes, patches) and resizing its population."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from privsim.errors import InputError, did_you_mean, show
from privsim.scenario.messages import problems_from
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import load_value


def parse_assignment(text: str, source: str = "--set") -> tuple[str, Any]:
    """``PATH=VALUE`` → (path, value); the value is read as a YAML scalar or flow list, never evaluated."""
    path, eq, raw = text.partition("=")
    if not eq or not path.strip():
        raise InputError.single(source, f"got {text!r}; allowed: PATH=VALUE, e.g. population.size=2000")
    try:
        value = load_value(raw, source) if raw.strip() else ""
    except InputError as exc:
        raise InputError.single(source, f"value {show(raw)} cannot be read: {exc.problems[0].message}",
                                field=path.strip()) from None
    return path.strip(), value


def override(scenario: Scenario, assignments: dict[str, Any], source: str = "override", *,
             name: str | None = None) -> Scenario:
    """A copy of ``scenario`` with fields set by dotted path, validated like a file.

    Args:
        scenario: the scenario to change
        assignments: ``{path: value}``, list items by id or index
            (``strategy.practices.newsletter.contacts_per_month``)
        source: the name problems are reported under (the command line passes ``--set``)
        name: the variant's name (scenario and strategy), so a comparison shows it instead of "… (2)"
    """
    data = scenario.model_dump(mode="json", by_alias=True)
    for path, value in assignments.items():
        _assign(data, path, value, source)
    if name is not None:
        data["name"] = data["strategy"]["name"] = name
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise InputError(problems_from(exc, Scenario, data, source, {})) from None


def _assign(data: dict[str, Any], path: str, value: Any, source: str) -> None:
    parts = path.split(".")
    node: Any = data
    opened = False
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            ids = [item.get("id") for item in node if isinstance(item, dict)]
            if part.isdigit() and int(part) < len(node):
                index = int(part)
            elif part in ids:
                index = ids.index(part)
            else:
                listed = ", ".join(i for i in ids if i) or f"indexes 0–{len(node) - 1}"
                raise InputError.single(source, f"no item {part!r}{did_you_mean(part, [i for i in ids if i])}; "
                                        f"allowed: {listed}", field=where)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
                continue
            if node.get(part, False) is None or (opened and part not in node):
                node[part] = {}          # an optional section not stated (operations:, gate:): open it
                opened = True
            if part not in node or not isinstance(node[part], (dict, list)):
                sections = [k for k, v in node.items() if isinstance(v, (dict, list))]
                raise InputError.single(source, f"no section {part!r}{did_you_mean(part, sections)}; "
                                        f"allowed: {', '.join(sections)}", field=where)
            else:
                node = node[part]
        else:
            raise InputError.single(source, f"{where} is a value, not a section", field=path)


def resize(scenario: Scenario, size: int) -> Scenario:
    """Simulate ``size`` customers standing for the same real population (``represents`` rescaled).

    Args:
        scenario: the scenario
        size: simulated customers
    """
    pop = scenario.population
    real = pop.size * pop.represents
    return override(scenario, {"population.size": size, "population.represents": max(1.0, real / size)},
                    source="--size")
