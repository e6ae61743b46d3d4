"""The scenarios a session can use: the bundled files plus those saved from the editor or uploaded.

Every entry is kept as YAML text and goes through the one door (``scenario_from_text``), so
a saved or uploaded scenario is validated exactly like a file on the command line and nothing
in it is ever executed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from privsim.errors import InputError
from privsim.scenario.load import scenario_from_text
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import LineMap, parse
from privsim.tester.cases import CASES_DIR

SCENARIOS_DIR = CASES_DIR.parent
DEFAULT = "newsletter_opt_in.yaml"
DEFAULT_COMPARE = (DEFAULT, "dark_pattern_consent.yaml")
MAX_UPLOAD = 256 * 1024      # bytes; a scenario file is a few KB
SAVED = "workspace"          # session key: label -> Entry


@dataclass(frozen=True)
class Entry:
    """A scenario as YAML text, with the name its problems are reported under."""

    label: str
    text: str
    source: str


@functools.lru_cache(maxsize=256)
def scenario(entry: Entry) -> Scenario:
    """The validated scenario of an entry (InputError naming source, line and field if it is bad)."""
    return scenario_from_text(entry.text, entry.source)


def lines(entry: Entry) -> LineMap:
    """Line of every field in the entry's YAML (to locate lint findings)."""
    return parse(entry.text, entry.source)[1]


def bundled() -> dict[str, Entry]:
    """The scenarios shipped in ``scenarios/``, by file name."""
    return {p.name: Entry(p.name, p.read_text(encoding="utf-8"), str(Path("scenarios") / p.name))
            for p in sorted(SCENARIOS_DIR.glob("*.yaml"))}


def entries() -> dict[str, Entry]:
    """Bundled scenarios, then the ones saved in this session."""
    return {**bundled(), **st.session_state.get(SAVED, {})}


def save(label: str, text: str, source: str) -> Entry:
    """Keep a scenario in this session's workspace under ``label`` (replacing one of that label)."""
    entry = Entry(label, text, source)
    st.session_state.setdefault(SAVED, {})[label] = entry
    return entry


def title(label: str) -> str:
    """A label with its scenario name, for pickers."""
    try:
        return f"{scenario(entries()[label]).name} — {label}"
    except InputError:
        return f"{label} (invalid)"


def from_upload(name: str, content: bytes) -> tuple[Scenario, str]:
    """Check an uploaded file's size and encoding and validate it; returns the scenario and its text."""
    if len(content) > MAX_UPLOAD:
        raise InputError.single(name, f"the file has {len(content) / 1024:,.0f} KB; allowed: up to "
                                f"{MAX_UPLOAD // 1024} KB (a scenario file is a few KB)")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError.single(name, f"not UTF-8 text (byte {exc.start}); allowed: a YAML scenario file") from None
    return scenario_from_text(text, name), text
