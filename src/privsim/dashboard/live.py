"""Experiments that stream: each point drawn as it lands, and a Cancel button that stops the run.

Sensitivity and the frontier call ``on_point(point, partial)`` as each design point's replications
are all in; :func:`result` draws ``partial`` as :func:`view.result`'s provisional preview (the one
mechanism Run & compare's provisional cards use too) and offers a Cancel button while the run lasts.
Cancel sets a session flag; the next ``on_point`` raises :class:`Cancelled`, which stops the executor
(its workers are ended) and stores nothing in the result cache (Streamlit may also stop the run at
once, as any click reruns the page). The preview and the button are cleared when the run ends, so
only final results stay on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go
import streamlit as st

from privsim.dashboard import view
from privsim.experiments.executors import Progress

OnPoint = Callable[[int, Any], None]


class Cancelled(Exception):  # noqa: N818 (a request, not an error)
    """The user pressed Cancel while an experiment ran."""


def flag(name: str) -> str:
    """The session key that says the run of ``name`` was cancelled."""
    return f"{name}-cancelled"


def cancel(name: str) -> None:
    """The Cancel button's callback: ask the running experiment to stop."""
    st.session_state[flag(name)] = True


def result(name: str, key: str, compute: Callable[[Progress, OnPoint], Any], draw: Callable[[Any], go.Figure | None],
           *, label: str, what: str) -> Any:
    """:func:`view.result` with each partial result drawn as it lands (its ``preview``) and a Cancel button meanwhile.

    ``compute(progress, on_point)`` runs the experiment; ``draw(partial)`` is the figure of a partial
    result (None: nothing to draw yet). Returns None when cancelled, as when nothing is stored.
    """
    if st.session_state.pop(flag(name), False):      # Streamlit stopped the run at the click
        cancelled(what, label)
    controls = st.empty()

    def preview(landed: tuple[int, Any]) -> None:
        index, partial = landed
        fig = draw(partial)
        if fig is not None:
            st.plotly_chart(fig, key=f"{name}-live-{index}", config=view.CHART_CONFIG)

    def run(progress: Progress, show: Callable[[Any], None]) -> Any:
        def point(index: int, partial: Any) -> None:
            if st.session_state.pop(flag(name), False):
                raise Cancelled
            show((index, partial))

        controls.button("Cancel", key=f"{name}-cancel", on_click=cancel, args=(name,))
        try:
            return compute(progress, point)
        finally:
            controls.empty()

    try:
        return view.result(key, run, label=label, what=what, preview=preview)
    except Cancelled:
        cancelled(what, label)
        return None


def cancelled(what: str, label: str) -> None:
    """Say that the run was cancelled and nothing was stored."""
    st.info(f"The {what} was cancelled; nothing was stored. Press **{label}** to run it again.")
