"""Bounded, safe YAML reading that remembers the line of every key and value.

Documents are built from PyYAML's event stream (its parser is iterative), so every limit is
checked while parsing, before any large or deep structure exists: nesting depth, nodes after
alias expansion (a "billion laughs" bomb stops at the limit), and tags (only the core types; no
object is ever constructed from a tag). Merge keys (``<<: *base``) are honoured.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from privsim.errors import InputError, Problem

FieldPath = tuple[str | int, ...]     # a field's place in the data: ('strategy', 'practices', 0, 'id')
LineMap = dict[FieldPath, int]        # field path -> 1-based line in the file

MAX_DEPTH = 40          # a scenario nests about 6 levels
MAX_NODES = 200_000     # values after alias expansion; a large scenario has a few thousand
CORE = "tag:yaml.org,2002:"
ALLOWED_TAGS = {f"{CORE}{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")}


@dataclass
class _Open:
    """A mapping or sequence being built: its value, where it sits, and what it holds so far."""

    value: dict[Any, Any] | list[Any]
    path: FieldPath
    anchor: str | None
    line: int
    key: Any = None
    key_line: int = 0
    expecting_key: bool = True
    nodes: int = 1                 # values in its expansion, itself included
    height: int = 1                # levels of nesting it holds, itself included
    merges: list[dict[Any, Any]] = field(default_factory=list)


def parse(text: str, source: str) -> tuple[Any, LineMap]:
    """Parse YAML text within the limits; return the data and a map from field path to 1-based line."""
    return _Builder(source).build(text)


def load_value(text: str, source: str) -> Any:
    """One YAML value (a ``--set`` value, a sweep list, a table cell), within the same limits."""
    return parse(text, source)[0]


class _Builder:
    """Turns a YAML event stream into plain data, a line map and problems, checking limits as it goes."""

    def __init__(self, source: str):
        self.source = source
        self.lines: LineMap = {}
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int, int]] = {}    # anchor -> (value, nodes, height)
        self.stack: list[_Open] = []
        self.nodes = 0
        self.aliased = False
        self.documents = 0
        self.result: Any = None
        self.resolver = Resolver()
        self.constructor = SafeConstructor()

    def fail(self, message: str, line: int | None = None) -> InputError:
        return InputError.single(self.source, message, line=line)

    def build(self, text: str) -> tuple[Any, LineMap]:
        try:
            for event in yaml.parse(text, Loader=yaml.SafeLoader):
                self.event(event)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            reason = exc.problem or exc.context or "cannot be parsed"
            raise self.fail(f"malformed YAML: {reason}", mark.line + 1 if mark else None) from None
        except yaml.YAMLError as exc:
            raise self.fail(f"malformed YAML: {type(exc).__name__}") from None
        if self.problems:
            raise InputError(self.problems)
        return (_copy(self.result) if self.aliased else self.result), self.lines

    # ------------------------------------------------------------ events
    def event(self, event: yaml.Event) -> None:
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                raise self.fail("more than one YAML document; allowed: a single document", line)
        elif isinstance(event, yaml.AliasEvent):
            if event.anchor not in self.anchors:
                raise self.fail(f"unknown alias *{event.anchor}", line)
            self.aliased = True
            self.place(*self.anchors[event.anchor], line)
        elif isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event, line)
            if event.anchor:
                self.anchors[event.anchor] = (value, 1, 0)
            self.place(value, 1, 0, line)
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.check_tag(event.tag, line)
            if len(self.stack) >= MAX_DEPTH:
                raise self.fail(f"nested deeper than {MAX_DEPTH} levels; allowed: at most {MAX_DEPTH}", line)
            self.count(1, line)
            path = self.child_path()
            self.lines.setdefault(path, line)
            value: dict[Any, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
            self.stack.append(_Open(value, path, event.anchor, line))
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            done = self.stack.pop()
            if done.merges and isinstance(done.value, dict):
                for base in done.merges:
                    for k, v in base.items():
                        done.value.setdefault(k, v)
            if done.anchor:
                self.anchors[done.anchor] = (done.value, done.nodes, done.height)
            self.place(done.value, done.nodes, done.height, done.line, counted=True)

    def check_tag(self, tag: str | None, line: int) -> None:
        if tag is not None and tag not in ("!", "?") and tag not in ALLOWED_TAGS:
            raise self.fail(f"tag {tag!r} is not allowed; allowed: plain YAML values (no tags)", line)

    def scalar(self, event: yaml.ScalarEvent, line: int) -> Any:
        tag = event.tag
        if tag is not None and tag != "!":
            self.check_tag(tag, line)
        else:
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
            if tag == f"{CORE}merge":
                return "<<"
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            reason = getattr(exc, "problem", None) or type(exc).__name__
            raise self.fail(f"malformed YAML: {reason}", line) from None

    # ------------------------------------------------------------ building
    def child_path(self) -> FieldPath:
        if not self.stack:
            return ()
        top = self.stack[-1]
        return (*top.path, len(top.value)) if isinstance(top.value, list) else (*top.path, top.key)

    def count(self, nodes: int, line: int) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise self.fail(f"more than {MAX_NODES:,} values (each alias counted expanded); allowed: at most "
                            f"{MAX_NODES:,} (a scenario has a few thousand)", line)

    def place(self, value: Any, nodes: int, height: int, line: int, counted: bool = False) -> None:
        """A finished value (scalar, alias or container) goes into the open container, as a key or a value."""
        if not counted:
            self.count(nodes, line)
        if len(self.stack) + height > MAX_DEPTH:
            raise self.fail(f"nested deeper than {MAX_DEPTH} levels (aliases expanded); allowed: at most "
                            f"{MAX_DEPTH}", line)
        if not self.stack:
            self.result = value
            return
        top = self.stack[-1]
        top.nodes += nodes
        top.height = max(top.height, height + 1)
        if isinstance(top.value, list):
            self.lines.setdefault((*top.path, len(top.value)), line)
            top.value.append(value)
            return
        if top.expecting_key:
            if isinstance(value, (dict, list)):
                self.problems.append(Problem(self.source, line, dotted(top.path), "a key must be a plain value"))
                value = f"<{type(value).__name__} key>"
            top.key, top.key_line, top.expecting_key = value, line, False
            return
        key, top.expecting_key = top.key, True
        if key == "<<":
            bases = value if isinstance(value, list) else [value]
            if not all(isinstance(b, dict) for b in bases):
                self.problems.append(Problem(self.source, top.key_line, dotted(top.path),
                                             "a merge key << takes a mapping or a list of mappings"))
            top.merges.extend(b for b in bases if isinstance(b, dict))
            return
        if key in top.value:
            self.problems.append(Problem(self.source, top.key_line, dotted((*top.path, key)),
                                         f"duplicate key '{key}'; each key may appear once"))
        top.value[key] = value
        self.lines[(*top.path, key)] = top.key_line


def _copy(value: Any) -> Any:
    """An alias-free copy, so no two places in the data share one object (depth is bounded)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


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
