"""The one door from files to scenarios: read, parse, migrate and validate.

``load_scenario(path)`` reads the file with :func:`read_text`, parses it safely keeping the line of
every field, migrates older schema versions and validates with strict keys; every problem becomes an
:class:`~privsim.errors.InputError` naming file, line, field, value and what is allowed. Lint, the
case library and calibration targets read their files through the same reader.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from privsim.errors import InputError
from privsim.scenario import migrate
from privsim.scenario.messages import problems_from
from privsim.scenario.schema import SCHEMA_VERSION, Scenario
from privsim.scenario.yamlmap import LineMap, parse

MAX_BYTES = 1024 * 1024   # an input file: a scenario is a few KB, the largest case file about 10 KB


def read_text(path: str | Path, limit: int = MAX_BYTES) -> str:
    """The UTF-8 text of an input file of at most ``limit`` bytes; anything else is bad input naming the file.

    Only regular files are read: a pipe, a device, a directory or a symlink loop is refused before it is
    opened, so reading never blocks or runs without end.
    """
    source = str(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError.single(source, "no such file") from None
    except NotADirectoryError:
        raise InputError.single(source, "no such file (a part of the path is a file, not a folder)") from None
    except OSError as exc:
        why = "a symlink loop" if exc.errno == errno.ELOOP else exc.strerror or type(exc).__name__
        raise InputError.single(source, f"cannot be read ({why})") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a folder" if stat.S_ISDIR(info.st_mode) else "a pipe" if stat.S_ISFIFO(info.st_mode) else \
            "a device or socket"
        raise InputError.single(source, f"is {kind}, not a file; allowed: a YAML file")
    if info.st_size > limit:
        raise InputError.single(source, f"the file has {info.st_size:,} bytes; allowed: at most {limit:,} "
                                "(a scenario file is a few KB)")
    try:
        with open(path, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as exc:
        raise InputError.single(source, f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    if len(data) > limit:
        raise InputError.single(source, f"the file has more than {limit:,} bytes; allowed: at most {limit:,}")
    return decode(data, source)


def decode(data: bytes, source: str) -> str:
    """Bytes as UTF-8 text; undecodable bytes are reported with their line, never echoed."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError.single(source, f"not UTF-8 text (byte {exc.start + 1}); allowed: a UTF-8 YAML file",
                                line=line) from None


def read_scenario(path: str | Path) -> tuple[Scenario, LineMap]:
    """A scenario file and the line of each of its fields (lint locates findings with them)."""
    source = str(path)
    data, lines = parse(read_text(path), source)
    return scenario_from_data(data, source, lines), lines


def load_scenario(path: str | Path) -> Scenario:
    """Read, migrate and validate a scenario file.

    Args:
        path: the scenario YAML file; any problem raises :class:`~privsim.errors.InputError` naming its
            file, line, field, value and what is allowed
    """
    return read_scenario(path)[0]


def scenario_from_text(text: str, source: str = "<scenario>") -> Scenario:
    """Validate scenario YAML text; ``source`` names it in error messages."""
    data, lines = parse(text, source)
    return scenario_from_data(data, source, lines)


def scenario_from_data(data: Any, source: str = "<scenario>", lines: LineMap | None = None) -> Scenario:
    """Validate already-parsed data (a dict as from YAML); paths in it are read from ``source``'s folder."""
    if not isinstance(data, dict):
        raise InputError.single(source, f"the top level must be a mapping of keys; got {type(data).__name__}")
    data = migrate.to_current(data, source, lines or {})
    base = Path(source).parent if os.path.isfile(source) else None
    try:
        return Scenario.model_validate(data, context={"base": base})
    except ValidationError as exc:
        raise InputError(problems_from(exc, Scenario, data, source, lines or {})) from None


def dump_scenario(scenario: Scenario) -> str:
    """The resolved scenario as YAML (every default written out); loads back equal."""
    data = scenario.model_dump(mode="json", by_alias=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the scenario format."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"privsim scenario (schema {SCHEMA_VERSION})"
    return schema
