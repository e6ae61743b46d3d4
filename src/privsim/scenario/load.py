"""The one door from files to scenarios: read, parse, migrate and validate.

``load_scenario(path)`` reads the file with :func:`read_text`, parses it safely keeping the line of
every field, migrates older schema versions and validates with strict keys; every problem becomes an
:class:`~privsim.errors.InputError` naming file, line, field, value and what is allowed. Lint, the
case library and calibration targets read their files through the same reader.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from privsim.errors import InputError
from privsim.scenario import migrate
from privsim.scenario.messages import problems_from
from privsim.scenario.schema import SCHEMA_VERSION, Scenario
from privsim.scenario.yamlmap import LineMap, parse


def read_text(path: str | Path) -> str:
    """The text of an input file; a missing or unreadable file is bad input naming it."""
    source = str(path)
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(source, "no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise InputError.single(source, f"cannot be read ({type(exc).__name__})") from None


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
    """Validate already-parsed data (a dict as from YAML)."""
    if not isinstance(data, dict):
        raise InputError.single(source, f"the top level must be a mapping of keys; got {type(data).__name__}")
    data = migrate.to_current(data, source, lines or {})
    try:
        return Scenario.model_validate(data)
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
