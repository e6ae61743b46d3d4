"""Sensitivity: which behaviour and economics coefficients move the KPIs most (tornado or Morris)."""

from __future__ import annotations

import plotly.graph_objects as go
import streamlit as st

from privsim.dashboard import live, pick, settings, view
from privsim.dashboard.cache import run_key
from privsim.experiments.sensitivity import KPIS, METHODS, Sensitivity, factor_ranges, sensitivity
from privsim.output import charts
from privsim.output.formatting import label
from privsim.output.tables import sensitivity_rows

DEFAULT_GROUPS = ("economics",)


def group(path: str) -> str:
    """The group a factor belongs to: ``behavior.<block>`` or ``economics``."""
    parts = path.split(".")
    return ".".join(parts[:2]) if parts[0] == "behavior" else parts[0]


def page() -> None:
    """The Sensitivity page."""
    st.title("Sensitivity")
    st.caption("Each coefficient moves over its documented plausible range while the others stay put (tornado), "
               "or along random one-at-a-time paths (Morris: μ* ranks importance, σ shows interactions). All "
               "points share seeds, so a few replications rank the effects reliably.")
    chosen = pick.scenario("sensitivity-pick")
    if chosen is None:
        return
    _, scenario = chosen
    factors = factor_ranges(scenario)
    groups = sorted({group(k) for k in factors})
    left, right = st.columns(2)
    picked = left.multiselect("Coefficient groups", groups, default=[g for g in DEFAULT_GROUPS if g in groups],
                              key="sensitivity-groups")
    kpis = right.multiselect("KPIs", list(KPIS), default=["npv"], key="sensitivity-kpis", format_func=label)
    method = left.radio("Method", METHODS, horizontal=True, key="sensitivity-method")
    trajectories, levels = 4, 4
    if method == "morris":
        a, b = right.columns(2)
        trajectories = a.number_input("trajectories", 2, 50, 4, key="sensitivity-trajectories")
        levels = b.number_input("levels", 2, 12, 4, key="sensitivity-levels")
    if not picked or not kpis:
        st.info("Pick at least one coefficient group and one KPI.")
        return
    k = sum(group(f) in picked for f in factors)
    points = 1 + 2 * k if method == "tornado" else trajectories * (k + 1)
    cfg = settings.current()
    seed = cfg.seed_for(scenario)
    pick.run_line(scenario, cfg.reps, seed, what=f"{k} coefficients → {points} points × ")
    key = run_key("sensitivity", [scenario], seed, cfg.reps, method=method, params=picked, kpis=kpis,
                  trajectories=trajectories, levels=levels)
    currency = scenario.economics.currency

    def figure(partial: Sensitivity, kpi: str) -> go.Figure:
        return charts.tornado_figure(partial.table, kpi, currency=currency) if method == "tornado" else \
            charts.morris_figure(partial.table, kpi)

    result = live.result("sensitivity", key, lambda progress, on_point: sensitivity(
        scenario, method, params=picked, kpis=kpis, reps=cfg.reps, seed=seed, trajectories=trajectories,
        levels=levels, executor=cfg.runner(), progress=progress, on_point=on_point),
        lambda partial: figure(partial, kpis[0]) if len(partial.table) else None,
        label="Run sensitivity", what="sensitivity analysis")
    if result is None:
        return
    if result.failed:
        st.warning(f"{result.failed} replication(s) failed; their points are missing from the means.")
    for kpi in kpis:
        view.chart(figure(result, kpi), f"sensitivity-{kpi}")
        with st.expander(f"Ranked table: {label(kpi)}"):
            st.dataframe(sensitivity_rows(result.ranked(kpi), method, kpi, currency), hide_index=True)
