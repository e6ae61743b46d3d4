"""Choosing one scenario of the workspace, fitted to the run settings."""

from __future__ import annotations

import streamlit as st

from privsim.dashboard import settings, view, workspace
from privsim.errors import InputError
from privsim.output.formatting import plain
from privsim.scenario.schema import Scenario


def scenario(key: str, default: str = workspace.DEFAULT) -> tuple[workspace.Entry, Scenario] | None:
    """A scenario picker; returns the entry and its scenario at the sidebar's size (None if it is bad)."""
    entries = workspace.entries()
    labels = list(entries)
    label = st.selectbox("Scenario", labels, index=labels.index(default) if default in labels else 0,
                         format_func=workspace.title, key=key, persist_state="session",
                         help="Bundled scenarios, and those saved or uploaded in the Scenario editor.")
    try:
        return entries[label], settings.current().fit(workspace.scenario(entries[label]))
    except InputError as exc:
        view.problems(exc)
        return None


def run_line(scenario: Scenario, reps: int, seed: int, what: str = "") -> None:
    """A caption stating what will be simulated."""
    pop = scenario.population
    st.caption(f"{what}{reps} replications × {pop.size:,} simulated customers, each standing for "
               f"{plain(pop.represents)} real ones · seed {seed} · set them in the sidebar")
