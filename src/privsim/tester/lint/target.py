"""What lint reads: a scenario file, or a Fides data map converted in memory, and where each field came from.

A data map's findings point at the manifest and the line of the privacy declaration that made the practice
(``fides.DataMap.locate``), so SARIF annotates the data map itself; what did not map comes along as warnings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from privsim.errors import Problem
from privsim.scenario import fides
from privsim.scenario.load import read_text, scenario_from_data
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import FieldPath, LineMap, line_of, parse

Locate = Callable[[FieldPath], tuple[str, int | None]]   # a scenario field -> (file, line) behind it


@dataclass(frozen=True)
class Target:
    """A scenario to lint, the name it is reported under, and how to locate its fields."""

    scenario: Scenario
    source: str
    locate: Locate
    warnings: list[Problem] = field(default_factory=list)


def scenario_target(scenario: Scenario, source: str, lines: LineMap | None = None) -> Target:
    """A scenario whose fields sit at the lines of ``lines`` in ``source``."""
    known = lines or {}
    return Target(scenario, source, lambda path: (source, line_of(known, path)))


def read_target(path: str | Path) -> Target:
    """A scenario file, or a Fides data map (a folder, or a file with a top-level ``system:``/``dataset:``)."""
    source = str(path)
    if Path(path).is_dir():
        return map_target(fides.read_data_map(path))
    data, lines = parse(read_text(path), source)
    if fides.is_fides(data):
        return map_target(fides.convert([fides.Document(source, data, lines)], source))
    return scenario_target(scenario_from_data(data, source, lines), source, lines)


def map_target(data_map: fides.DataMap) -> Target:
    """A converted data map, located in its manifests."""
    return Target(data_map.scenario, data_map.source, data_map.locate, data_map.warnings)
