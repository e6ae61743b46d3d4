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
from privsim.output.formatting import plain
from privsim.scenario.load import decode, scenario_from_text
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import LineMap, parse
from privsim.tester.cases import CASES_DIR

SCENARIOS_DIR = CASES_DIR.parent
DEFAULT = "newsletter_opt_in.yaml"
DEFAULT_COMPARE = (DEFAULT, "dark_pattern_consent.yaml")
MAX_UPLOAD = 256 * 1024      # bytes: the one limit of uploads and pasted YAML (a scenario file is a few KB)
UPLOAD_MB = -(-MAX_UPLOAD // 2**20)  # the whole MB just above it: the server's limit (Streamlit counts whole MB)
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
    """Check an uploaded file's size and encoding before parsing, and validate it; returns the scenario and text."""
    check_size(name, len(content))
    text = decode(content, name)
    return scenario_from_text(text, name), text


def from_text(name: str, text: str) -> Scenario:
    """Validate pasted YAML (the editor's YAML tab), its size checked before parsing."""
    check_size(name, len(text.encode("utf-8")))
    return scenario_from_text(text, name)


def check_size(name: str, size: int, limit: int = MAX_UPLOAD, why: str = "a scenario file is a few KB") -> None:
    """A file sent to the server is at most ``limit`` bytes (a scenario's is ``MAX_UPLOAD``; a real one is a few KB)."""
    if size > limit:
        raise InputError.single(name, f"it has {amount(size)}; allowed: up to {amount(limit)} ({why})")


def amount(size: int) -> str:
    """Bytes as a person reads them: whole KB below a megabyte, else MB."""
    return f"{size / 1024:,.0f} KB" if size < 2**20 else f"{plain(size / 2**20)} MB"
