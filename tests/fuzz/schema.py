"""What the JSON Schema of the scenario format says about one place in a scenario: its type and bounds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from privsim.scenario.load import json_schema

SCHEMA = json_schema()


@dataclass(frozen=True)
class Slot:
    """The schema of one field: the JSON types it takes, numeric bounds, and whether its keys are free names."""

    types: frozenset[str]
    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False
    free_keys: bool = False         # a dict keyed by names (segments, counterfactual), not a model's fields
    fields: frozenset[str] = frozenset()


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _choices(node: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    """The alternatives of a node; a discriminated union picks the one for the data's ``type``."""
    node = _resolve(node)
    if "discriminator" in node and isinstance(data, dict) and data.get("type") in node["discriminator"]["mapping"]:
        return [_resolve({"$ref": node["discriminator"]["mapping"][data["type"]]})]
    options = node.get("anyOf") or node.get("oneOf")
    if options:
        return [c for o in options for c in _choices(o, data)]
    return [node]


def node_at(path: tuple[str | int, ...], root: Any) -> list[dict[str, Any]]:
    """Schema alternatives at ``path`` of the data ``root`` (empty when the path leaves the schema)."""
    nodes, data = [SCHEMA], root
    for part in path:
        child = data[part] if isinstance(data, dict | list) and (
            part in data if isinstance(data, dict) else 0 <= part < len(data)) else None
        nxt = []
        for node in (c for n in nodes for c in _choices(n, data)):
            if isinstance(part, int) and node.get("type") == "array":
                if "prefixItems" in node and part < len(node["prefixItems"]):
                    nxt.append(node["prefixItems"][part])
                elif "items" in node:
                    nxt.append(node["items"])
            elif isinstance(part, str) and node.get("type") == "object":
                if part in node.get("properties", {}):
                    nxt.append(node["properties"][part])
                elif isinstance(node.get("additionalProperties"), dict):
                    nxt.append(node["additionalProperties"])
        nodes, data = nxt, child
    return nodes


def slot(path: tuple[str | int, ...], root: Any) -> Slot | None:
    """The slot at ``path``, merged over its alternatives (None outside the schema)."""
    alternatives = [c for n in node_at(path, root) for c in _choices(n, _get(root, path))]
    if not alternatives:
        return None
    types: set[str] = set()
    low = high = None
    low_open = high_open = free = False
    fields: set[str] = set()
    for node in alternatives:
        kind = node.get("type")
        if kind:
            types.add(kind)
        elif "const" in node or "enum" in node:
            types.add("string")
        for key, is_open in (("minimum", False), ("exclusiveMinimum", True)):
            if key in node:
                low, low_open = node[key], is_open
        for key, is_open in (("maximum", False), ("exclusiveMaximum", True)):
            if key in node:
                high, high_open = node[key], is_open
        if kind == "object":
            fields |= set(node.get("properties", {}))
            free = free or (isinstance(node.get("additionalProperties"), dict) and not node.get("properties"))
    return Slot(frozenset(types), low, low_open, high, high_open, free, frozenset(fields))


def _get(data: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
