"""Calibrate: fit behaviour coefficients to your own history (unsubscribes, complaints, consent rates, churn).

The same fit as ``privsim calibrate FILE --history H`` (``privsim.calibrate_history``): the last share of the
history's dates is held out and scored apart, and the fitted ``behavior:`` block can be downloaded as an
overlay for ``privsim run --overlay``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import streamlit as st

from privsim.dashboard import fromdata, imports, pick, settings, view, workspace
from privsim.dashboard.cache import run_key
from privsim.errors import InputError
from privsim.experiments.executors import Progress
from privsim.experiments.history_fit import DEFAULT_HOLDOUT, HistoryFit, calibrate_history, default_fit
from privsim.experiments.sensitivity import factor_ranges
from privsim.output.formatting import coefficient
from privsim.output.history import history_figure, history_page, params_rows, quality_rows
from privsim.scenario.history import FORMATS, History, load_history
from privsim.scenario.load import load_scenario
from privsim.scenario.schema import Scenario
from privsim.tester.cases import CASES_DIR

EXAMPLES = CASES_DIR.parents[1] / "examples"
EXAMPLE = (EXAMPLES / "history.csv", EXAMPLES / "history-base.yaml")   # the bundled history and its strategy
HISTORY_MAX = 10 * 2**20     # bytes: a history is one row per day, metric and purpose (two years: about 100 KB)
BUNDLED, UPLOADED = "The bundled example (examples/history.csv)", "Upload a history"


def page() -> None:
    """The Calibrate page."""
    st.title("Calibrate to your history")
    st.caption("Fits behaviour coefficients to your own time series by maximum likelihood: the last dates are held "
               "out before the fit and scored apart, so the held-out figures say how well the model predicts. "
               "The history's format: docs/own-data.md, \"Calibrate to your history\".")
    source = st.radio("History", (BUNDLED, UPLOADED), horizontal=True, key="calibrate-source")
    history = bundled() if source == BUNDLED else uploaded()
    if history is None:
        return
    if source == BUNDLED:
        scenario = settings.current().fit(load_scenario(EXAMPLE[1]))
        st.caption(f"Strategy: {view.plain(scenario.name)} (examples/{EXAMPLE[1].name}), the one the history is of.")
    else:
        chosen = pick.scenario("calibrate-pick")
        if chosen is None:
            return
        scenario = chosen[1]
    ranges = factor_ranges(scenario)
    left, right = st.columns([3, 1])
    informed = [p for p in default_fit(history) if p in ranges]
    fit = left.multiselect("Coefficients to fit", list(ranges), default=informed, format_func=coefficient,
                           key="calibrate-fit",
                           help="Each moves within its documented range; the others stay as the scenario states.")
    holdout = right.slider("Held out", 0.1, 0.5, DEFAULT_HOLDOUT, 0.05, format="%.2f", key="calibrate-holdout",
                           help="Share of the history's last dates left out of the fit and scored apart.")
    if not fit:
        st.info("Pick at least one coefficient to fit.")
        return
    cfg = settings.current()
    seed = cfg.seed_for(scenario)
    pick.run_line(scenario, cfg.reps, seed, what=f"{len(fit)} coefficient{'s' * (len(fit) != 1)} · ")
    key = run_key("calibrate-history", [scenario], seed, cfg.reps, history=digest(history), fit=fit, holdout=holdout)
    result = view.result(key, lambda progress: run(scenario, history, fit, holdout, cfg, seed, progress),
                         label="Fit to the history", what="fit")
    if result is not None:
        shown(result)


def bundled() -> History:
    """The example history the bundled generator wrote from known coefficients."""
    return load_history(EXAMPLE[0])


def uploaded() -> History | None:
    """An uploaded history, size-checked before it is read and kept only as its checked rows."""
    file = st.file_uploader(f"History (.csv or .parquet, up to {HISTORY_MAX // 2**20} MB)", type=list(FORMATS),
                            key="calibrate-upload", help="Validated like the command line's; nothing in it is run.")
    if file is None:
        return None
    path = fromdata.folder() / f"history{Path(file.name).suffix.lower()}"
    try:
        workspace.check_size(file.name, file.size, HISTORY_MAX, "a history is one row per day, metric and purpose")
        path.write_bytes(file.getvalue())
        try:
            history = dataclasses.replace(load_history(path), source=file.name)   # its name, not the temporary path
        finally:
            path.unlink(missing_ok=True)
    except InputError as exc:
        view.problems(imports.renamed(exc, {str(path): file.name}))
        return None
    return history


def digest(history: History) -> str:
    """What the cache key needs of a history: its checked rows."""
    return hashlib.sha256(history.frame.drop(columns="line").to_csv(index=False).encode()).hexdigest()


def run(scenario: Scenario, history: History, fit: list[str], holdout: float, cfg: settings.Settings, seed: int,
        progress: Progress) -> HistoryFit:
    """The fit, with the sidebar's replications and executor."""
    return calibrate_history(scenario, history, fit, reps=cfg.reps, holdout=holdout, seed=seed,
                             executor=cfg.runner(), progress=progress)


def shown(fit: HistoryFit) -> None:
    """Fitted coefficients with their intervals, fitted and held-out quality apart, the chart and the downloads."""
    st.subheader("Fitted coefficients")
    st.dataframe(params_rows(fit).drop(columns="path"), hide_index=True)
    st.subheader("How well it fits, and how well it predicts the held-out dates")
    st.dataframe(quality_rows(fit), hide_index=True)
    view.chart(history_figure(fit), "calibrate-chart")
    row = st.container(horizontal=True)
    row.download_button("Fitted behaviour (overlay YAML)", fit.overlay(), file_name="fitted-behavior.yaml",
                        mime="application/x-yaml", on_click="ignore", key="calibrate-overlay")
    row.download_button("HTML page", history_page(fit), file_name="calibration.html", mime="text/html",
                        on_click="ignore", key="calibrate-html")
