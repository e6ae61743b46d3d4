"""Widgets and table columns derived from the scenario's pydantic models.

A field's annotation decides its widget (a choice list for a Literal, a checkbox for a bool,
a number box, a multiselect for a list of choices) and its description becomes the help text,
so the editor offers exactly what the scenario format allows and nothing has to be listed twice.
"""

from __future__ import annotations

import types
from collections.abc import Iterable
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import streamlit as st
from pydantic import BaseModel

Kind = Literal["literal", "list_literal", "list", "bool", "int", "float", "str", "other"]


def describe(annotation: Any) -> tuple[Kind, bool, tuple[Any, ...]]:
    """(kind, accepts None, choices) of a field annotation."""
    optional = False
    if get_origin(annotation) in (Union, types.UnionType):
        args = get_args(annotation)
        rest = [a for a in args if a is not type(None)]
        optional = len(rest) < len(args)
        if len(rest) != 1:
            return "other", optional, ()
        annotation = rest[0]
    if get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Literal:
        return "literal", optional, get_args(annotation)
    if get_origin(annotation) is list:
        item = get_args(annotation)[0]
        if get_origin(item) is Annotated:
            item = get_args(item)[0]
        return ("list_literal", optional, get_args(item)) if get_origin(item) is Literal else ("list", optional, ())
    simple: dict[Any, Kind] = {bool: "bool", int: "int", float: "float", str: "str"}
    return simple.get(annotation, "other"), optional, ()


def accepts_none(model: type[BaseModel], name: str) -> bool:
    """Whether a field may be null."""
    return describe(model.model_fields[name].annotation)[1]


def _shown(value: Any) -> str:
    if value is None:
        return "— (not set)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def widget(model: type[BaseModel], name: str, value: Any, key: str) -> Any:
    """A widget for one field of ``model`` showing ``value``; returns the value the user chose."""
    info = model.model_fields[name]
    kind, optional, choices = describe(info.annotation)
    label, help_text = name.replace("_", " "), info.description
    if kind == "literal" or (kind == "bool" and optional):
        options = [*([None] if optional else []), *(choices or (True, False))]
        return st.selectbox(label, options, index=options.index(value) if value in options else 0,
                            format_func=_shown, key=key, help=help_text)
    if kind == "bool":
        return st.checkbox(label, value=bool(value), key=key, help=help_text)
    if kind in ("int", "float"):
        return st.number_input(label, value=value, step=1 if kind == "int" else None,
                               format=None if kind == "int" else "%g", key=key, help=help_text,
                               placeholder="not set" if optional else None)
    if kind == "list_literal":
        picked = st.multiselect(label, list(choices), default=[v for v in value or [] if v in choices], key=key,
                                help=help_text)
        return picked or (None if optional else [])
    if kind == "str":
        text = st.text_input(label, value=value or "", key=key, help=help_text)
        return text if text or not optional else None
    raise TypeError(f"no widget for {model.__name__}.{name}")


def fields(model: type[BaseModel], data: dict[str, Any], key: str, names: Iterable[str]) -> dict[str, Any]:
    """Widgets for ``names`` of ``model``; returns ``data`` with the chosen values (keys by alias)."""
    out = dict(data)
    for name in names:
        alias = model.model_fields[name].alias or name
        out[alias] = widget(model, name, data.get(alias), f"{key}-{name}")
    return out


def lint_only(model: type[BaseModel]) -> list[str]:
    """Fields only the strategy check reads (marked ``lint_only`` in the scenario models)."""
    return [n for n, f in model.model_fields.items()
            if isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("lint_only")]


def column(model: type[BaseModel], name: str, choices: Iterable[str] | None = None) -> Any:
    """A data-editor column for one field (``choices`` replaces the model's own, e.g. segment names)."""
    info = model.model_fields[name]
    kind, optional, options = describe(info.annotation)
    label, help_text = name.replace("_", " "), info.description
    cc = st.column_config
    if kind == "literal":
        return cc.SelectboxColumn(label, options=list(options), required=not optional, help=help_text)
    if kind in ("list_literal", "list"):
        return cc.MultiselectColumn(label, options=list(choices if choices is not None else options), help=help_text)
    if kind == "bool":
        return cc.CheckboxColumn(label, help=help_text)
    if kind in ("int", "float"):
        return cc.NumberColumn(label, step=1 if kind == "int" else None, help=help_text)
    return cc.TextColumn(label, help=help_text)
