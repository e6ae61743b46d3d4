"""Turn pydantic validation errors into friendly, located problems with did-you-mean hints."""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from privsim.errors import Problem, did_you_mean, show
from privsim.scenario.yamlmap import FieldPath, LineMap, line_of


def problems_from(exc: ValidationError, root: type[BaseModel], data: Any, source: str,
                  lines: LineMap) -> list[Problem]:
    """One :class:`Problem` per pydantic error, de-duplicated, located by YAML line."""
    out: dict[tuple[str, str], Problem] = {}
    for err in exc.errors(include_url=False):
        path, message = _explain(err, root, data)
        field = _label(path, data)
        out.setdefault((field, message), Problem(source, line_of(lines, path), field, message))
    return list(out.values())


def _explain(err: dict[str, Any], root: type[BaseModel], data: Any) -> tuple[FieldPath, str]:
    kind, loc, value = err["type"], tuple(err["loc"]), err.get("input")
    path = _data_path(loc, data)
    context = err.get("ctx") or {}
    if kind == "value_error" and hasattr(context.get("error"), "path"):   # a Located error: its own field
        return (*path, *context["error"].path), str(context["error"])
    if kind == "extra_forbidden":
        allowed = _fields_at(root, path[:-1], data)
        hint = did_you_mean(str(loc[-1]), allowed)
        return path, f"unknown key '{loc[-1]}'{hint}; allowed: {', '.join(allowed)}"
    if kind == "union_tag_invalid":
        tag, expected = context.get("tag"), context.get("expected_tags", "")
        choices = [t.strip(" '") for t in str(expected).split(",")]
        return (*path, "type"), f"unknown event type '{tag}'{did_you_mean(tag, choices)}; allowed: {', '.join(choices)}"
    if kind == "union_tag_not_found":
        return path, "missing key 'type'; allowed: " + ", ".join(_union_tags(root, path))
    if kind == "missing":
        return path, "missing required field"
    if kind == "too_long":
        most, got = context.get("max_length"), context.get("actual_length")
        count = f"{got:,} items" if isinstance(got, int) else "too many items"
        return path, f"got {count}; allowed: at most {most:,}" if isinstance(most, int) else f"got {count}"
    if kind == "literal_error":
        choices = [c.strip(" '") for c in str(context.get("expected", "")).replace(" or ", ", ").split(",")]
        return path, f"got {show(value)}{did_you_mean(value, choices)}; allowed: {', '.join(choices)}"
    if kind == "value_error":
        return path, str(err["msg"]).removeprefix("Value error, ")
    return path, f"got {show(value)}; allowed: {_allowed(root, path, data, err)}"


def _allowed(root: type[BaseModel], loc: tuple, data: Any, err: dict[str, Any]) -> str:
    info = _field_info(root, loc, data)
    kind = err["type"]
    words = {"int_parsing": "a whole number", "int_from_float": "a whole number",
             "float_parsing": "a number", "float_type": "a number", "int_type": "a whole number",
             "bool_parsing": "true or false", "bool_type": "true or false",
             "string_type": "text", "list_type": "a list", "dict_type": "a mapping of keys",
             "model_type": "a mapping of keys", "model_attributes_type": "a mapping of keys",
             "string_pattern_mismatch": "lower_snake_case (letters, digits, _; starting with a letter)",
             "too_short": "at least one item", "tuple_type": "a list"}
    if kind in words:
        return words[kind]
    bounds = []
    if info is not None:
        for m in info.metadata:
            for attr, sign in (("gt", ">"), ("ge", "≥"), ("lt", "<"), ("le", "≤")):
                if getattr(m, attr, None) is not None:
                    bounds.append(f"{sign} {getattr(m, attr):g}")
    if bounds:
        return ("a finite number " if kind == "finite_number" else "a number ") + " and ".join(bounds)
    if kind == "finite_number":
        return "a finite number"
    return str(err["msg"]).lower()


def _data_path(loc: tuple, data: Any) -> FieldPath:
    """Drop discriminator tags pydantic inserts into ``loc`` so the path follows the data."""
    path: list[str | int] = []
    node = data
    for part in loc:
        if (isinstance(node, (dict, list))) and _has(node, part):
            path.append(part)
            node = node[part]
        elif _is_tag(part, node):
            continue
        else:
            path.append(part)
            node = None
    return tuple(path)


def _is_tag(part: Any, node: Any) -> bool:
    """A discriminator tag or validator name pydantic puts in ``loc`` that is not in the data."""
    if not isinstance(part, str):
        return False
    return (isinstance(node, dict) and part == node.get("type")) or part.startswith(("function-", "literal[", "union["))


def _label(path: FieldPath, data: Any) -> str:
    """Field path for humans; list items that have an id show it: ``practices[0 newsletter]``."""
    out = ""
    node = data
    for part in path:
        child = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
        if isinstance(part, int):
            named = isinstance(child, dict) and isinstance(child.get("id"), str)
            out += f"[{part} {child['id']}]" if named else f"[{part}]"  # type: ignore[index]
        else:
            out += f".{part}" if out else str(part)
        node = child
    return out


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(part, int) and not isinstance(part, bool) and 0 <= part < len(node)


def _model_at(root: type[BaseModel], loc: tuple, data: Any) -> tuple[type[BaseModel] | None, str | None]:
    """Walk model classes along ``loc``; return the model holding the last part and that part."""
    model: Any = root
    node = data
    for depth, part in enumerate(loc):
        last = depth == len(loc) - 1
        model = _bare(model)        # an optional section (operations:, gate:) holds its model's fields
        if isinstance(model, type) and issubclass(model, BaseModel):
            if last:
                return model, str(part)
            fields = model.model_fields
            name = next((n for n, f in fields.items() if n == part or f.alias == part), None)
            if name is None:
                return None, None
            model = fields[name].annotation
            node = node.get(part) if isinstance(node, dict) else None
            continue
        model = _unwrap(model, part, node)
        node = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
        if model is None:
            return None, None
        if last:
            return None, None
    return None, None


def _unwrap(annotation: Any, part: Any, node: Any) -> Any:
    """Step into list[...], dict[str, ...], Optional and discriminated unions."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _unwrap(args[0], part, node)
    if origin in (list, dict):
        inner = args[-1]
        child = node[part] if isinstance(node, (dict, list)) and _has(node, part) else None
        return _resolve(inner, child)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                return _unwrap(arg, part, node)
    if isinstance(part, str) and isinstance(annotation, type):
        return annotation
    return None


def _resolve(annotation: Any, node: Any) -> Any:
    """Pick the concrete model of a (possibly discriminated) union for this data."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _resolve(args[0], node)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            fields = getattr(arg, "model_fields", {})
            tag = fields.get("type")
            if tag is not None and isinstance(node, dict) and node.get("type") in typing.get_args(tag.annotation):
                return arg
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    return annotation


def _fields_at(root: type[BaseModel], loc: tuple, data: Any) -> list[str]:
    model, _ = _model_at(root, (*loc, "_"), data)
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _field_info(root: type[BaseModel], loc: tuple, data: Any) -> FieldInfo | None:
    model, name = _model_at(root, loc, data)
    if model is None:
        # a list/dict item: the constraint sits on the container's item type
        return None
    fields = model.model_fields
    return next((f for n, f in fields.items() if n == name or f.alias == name), None)


def _union_tags(root: type[BaseModel], path: FieldPath) -> list[str]:
    """The ``type`` values a tagged union at ``path`` accepts (the event types of ``events[i]``)."""
    annotation: Any = root
    for part in path:
        annotation = _bare(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            field = next((f for n, f in annotation.model_fields.items() if part in (n, f.alias)), None)
            if field is None:
                return []
            annotation = field.annotation
        elif typing.get_origin(annotation) in (list, dict):
            annotation = typing.get_args(annotation)[-1]
        else:
            return []
    members = typing.get_args(_bare(annotation))
    return [tag for m in members if isinstance(m, type) and issubclass(m, BaseModel) and "type" in m.model_fields
            for tag in typing.get_args(m.model_fields["type"].annotation)]


def _bare(annotation: Any) -> Any:
    """An annotation without ``Annotated[...]`` metadata or ``None`` in an optional."""
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        annotation = rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]  # noqa: UP007
    return annotation
