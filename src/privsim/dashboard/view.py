"""Pieces every page shares: bad-input messages, the run button with its progress bar, charts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from privsim.dashboard.cache import STORE
from privsim.errors import InputError

CHART_CONFIG = {"displaylogo": False}
REQUEST = "run-requested"      # session key: run key of the experiment the user asked for


def problems(exc: InputError) -> None:
    """One error box per problem, worded as the command line words it (file:line: field: message)."""
    for problem in exc.problems:
        st.error(str(problem), icon=":material/error:")


def request(key: str) -> None:
    """Button callback: run the experiment with this key in the script run that follows."""
    st.session_state[REQUEST] = key


def result(key: str, compute: Callable[..., Any], *, label: str, auto: bool = False, what: str = "simulation",
           preview: Callable[[Any], None] | None = None) -> Any:
    """The stored result for ``key``; computed (with a progress bar) on a click, or at once when ``auto``.

    With ``preview``, ``compute`` is called as ``compute(progress, show)``: ``show(partial)`` draws a
    provisional result with ``preview`` under the progress bar, replaced as soon as the next one or the
    final result is there; only the final result is stored. The button is drawn after the run, so it shows
    at once that these settings are simulated. Returns None while nothing is stored and the button has
    not been pressed, or when the input is bad.
    """
    stored = STORE.get(key)
    fresh = False
    requested = st.session_state.get(REQUEST) == key      # only this result's button takes the request:
    if requested:                                          # a page with two buttons must not lose the other's
        del st.session_state[REQUEST]
    if stored is None and (auto or requested):
        bar = st.progress(0.0, text=f"starting the {what}")
        slot = st.empty() if preview is not None else None

        def progress(done: int, total: int, stage: str) -> None:
            bar.progress(done / max(total, 1), text=f"{stage}: {done} of {total}")

        def show(partial: Any) -> None:
            if preview is not None and slot is not None:
                with slot.container():
                    preview(partial)

        try:
            stored = STORE.compute(key, lambda: compute(progress, show) if preview else compute(progress))
        except InputError as exc:
            problems(exc)
        else:
            fresh = True
        finally:
            bar.empty()
            if slot is not None:
                slot.empty()
    if not auto:
        st.button(label, type="primary", disabled=stored is not None, key=f"run-{label}", on_click=request,
                  args=(key,), help="Already simulated with these settings" if stored is not None else None)
    if stored is None:
        if not auto:
            st.info(f"Press **{label}** to run the {what}.")
        return None
    note = "Simulated" if fresh else "From the result cache (nothing was rerun); simulated"
    st.caption(f"{note} in {stored.seconds:.1f} s · run key {key[:12]}")
    return stored.value


# A hidden, empty chart drawn with every page, so the browser fetches and compiles the charting library
# (≈1.4 s here) while the user reads the page, not after a run's first chart arrives
PRELOAD_KEY = "charts-preload"
PRELOAD_CHART = f"{PRELOAD_KEY}-chart"
PRELOAD_CSS = f"<style>.st-key-{PRELOAD_KEY} {{display: none}}</style>"


def preload_charts() -> None:
    """Load the browser's charting library ahead of the first chart (nothing is shown)."""
    with st.container(key=PRELOAD_KEY):
        st.html(PRELOAD_CSS)
        st.plotly_chart(go.Figure(layout={"height": 10}), key=PRELOAD_CHART, config=CHART_CONFIG)


def chart(fig: go.Figure, key: str) -> None:
    """A Plotly figure at full width."""
    st.plotly_chart(fig, key=key, config=CHART_CONFIG)


MARKDOWN_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def plain(text: str) -> str:
    """Text shown literally where Streamlit reads Markdown (scenario names, money with ``$``)."""
    return "".join(f"\\{c}" if c in MARKDOWN_SPECIAL else c for c in str(text))
