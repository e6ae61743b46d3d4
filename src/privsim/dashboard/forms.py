"""Widgets and table columns derived from the scenario's pydantic models.

A field's annotation decides its widget (a choice list for a Literal, a checkbox for a bool,
a number box, a multiselect for a list of choices) and its description becomes the help text,
so the editor offers exactly what the scenario format allows and nothing has to be listed twice.
A field that may be null can always be set back to null: an empty number box, "— (not set)" in a
choice list. A multiselect keeps the order of the list it shows and the order in which items are picked.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Mapping
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


def _help(description: str | None, *notes: str | None) -> str | None:
    """A description and notes as sentences of one help text."""
    parts = [n.strip() for n in (description, *notes) if n and n.strip()]
    return " ".join(p if p[-1] in ".!?" else f"{p}." for p in parts) or None


def widget(model: type[BaseModel], name: str, value: Any, key: str, note: str | None = None) -> Any:
    """A widget for one field of ``model`` showing ``value``; returns the value the user chose.

    ``note`` is added to the help text (the field's description).
    """
    info = model.model_fields[name]
    kind, optional, choices = describe(info.annotation)
    label, help_text = name.replace("_", " "), _help(info.description, note)
    if kind == "literal" or (kind == "bool" and optional):
        options = [*([None] if optional else []), *(choices or (True, False))]
        return st.selectbox(label, options, index=options.index(value) if value in options else 0,
                            format_func=_shown, key=key, help=help_text)
    if kind == "bool":
        return st.checkbox(label, value=bool(value), key=key, help=help_text)
    if kind in ("int", "float"):
        number = int if kind == "int" else float
        if optional:
            # A box created with a number cannot be emptied in the browser (it snaps back), so a field that
            # may be null starts empty and gets its number through the session state, once per key.
            if key not in st.session_state:
                st.session_state[key] = None if value is None else number(value)
            value = None
        return st.number_input(label, value=value, step=1 if kind == "int" else None,
                               format=None if kind == "int" else "%g", key=key,
                               help=_help(help_text, "Empty the box for null (not set).") if optional else help_text,
                               placeholder="not set" if optional else None)
    if kind == "list_literal":
        # wrap: in a column the chips would otherwise stay on one row and scroll, hiding the first ones
        picked = st.multiselect(label, list(choices), default=[v for v in value or [] if v in choices], key=key,
                                help=help_text, wrap=True)
        return picked or (None if optional else [])
    if kind == "str":
        text = st.text_input(label, value=value or "", key=key, help=help_text)
        return text if text or not optional else None
    raise TypeError(f"no widget for {model.__name__}.{name}")


def fields(model: type[BaseModel], data: dict[str, Any], key: str, names: Iterable[str],
           notes: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Widgets for ``names`` of ``model``; returns ``data`` with the chosen values (keys by alias).

    ``notes`` adds to the help text of some fields what the page knows about them (e.g. that an order matters).
    """
    out = dict(data)
    for name in names:
        alias = model.model_fields[name].alias or name
        out[alias] = widget(model, name, data.get(alias), f"{key}-{name}", (notes or {}).get(name))
    return out


def lint_only(model: type[BaseModel]) -> list[str]:
    """Fields only the strategy check reads (marked ``lint_only`` in the scenario models)."""
    return [n for n, f in model.model_fields.items()
            if isinstance(f.json_schema_extra, dict) and f.json_schema_extra.get("lint_only")]


def column(model: type[BaseModel], name: str, choices: Iterable[str] | None = None) -> Any:
    """A data-editor column for one field (``choices`` replaces the model's own, e.g. segment names)."""
    info = model.model_fields[name]
    kind, optional, options = describe(info.annotation)
    label = name.replace("_", " ")
    help_text = _help(info.description, "An empty cell is null (not set).") if optional else info.description
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
