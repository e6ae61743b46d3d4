"""Safe YAML parsing that remembers the line of every key and value.

Only ``yaml.SafeLoader`` is used: no tags, no object construction, nothing evaluated.
"""

from __future__ import annotations

from typing import Any

import yaml

from privsim.errors import InputError, Problem

FieldPath = tuple[str | int, ...]     # a field's place in the data: ('strategy', 'practices', 0, 'id')
LineMap = dict[FieldPath, int]        # field path -> 1-based line in the file


def parse(text: str, source: str) -> tuple[Any, LineMap]:
    """Parse YAML text; return the data and a map from field path to 1-based line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        reason = exc.problem or exc.context or "cannot be parsed"
        raise InputError.single(source, f"malformed YAML: {reason}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError.single(source, f"malformed YAML: {exc}") from None
    lines: LineMap = {}
    problems: list[Problem] = []
    if node is not None:
        _walk(node, (), lines, problems, source)
    if problems:
        raise InputError(problems)
    return data, lines


def _walk(node: yaml.Node, path: FieldPath, lines: LineMap, problems: list[Problem],
          source: str) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            if key in seen:
                problems.append(Problem(source, key_node.start_mark.line + 1, dotted((*path, key)),
                                        f"duplicate key '{key}'; each key may appear once"))
            seen.add(key)
            lines[(*path, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*path, key), lines, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, problems, source)


def line_of(lines: LineMap, path: FieldPath) -> int | None:
    """The line of the deepest known prefix of ``path``."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def dotted(path: FieldPath) -> str:
    """``('a', 0, 'b') -> 'a[0].b'``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
