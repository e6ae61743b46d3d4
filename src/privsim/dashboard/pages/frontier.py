"""Tolerance frontier: sweep one intrusion parameter and see where NPV peaks and backlash takes off."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from privsim.dashboard import live, pick, settings, view
from privsim.dashboard.cache import run_key
from privsim.dashboard.forms import describe
from privsim.experiments.frontier import Frontier, frontier
from privsim.output import charts
from privsim.output.formatting import fmt, label, plain, value
from privsim.scenario import words
from privsim.scenario.schema import ConsentMode, Scenario

# intrusion axes of a practice: field -> (start, stop) offered by default
AXES = {"contacts_per_month": (1.0, 16.0), "revenue_lift": (0.0, 0.1), "data_revenue_per_record": (0.0, 5.0),
        "incentive": (0.0, 10.0), "centrality": (0.0, 1.0)}
CONSENT = "consent"
KPIS = ("total_value", "total_vs_baseline", "npv", "npv_vs_baseline", "opt_outs", "complaints", "pushback",
        "backlash_peak", "privacy_churn")


def page() -> None:
    """The Tolerance frontier page."""
    st.title("Tolerance frontier")
    st.caption("How much intrusion do customers tolerate? One practice parameter is swept; every point runs on the "
               "same seeds, so the curve is not noise. Marked: the value-optimal point (highest total value: NPV "
               "within the horizon + the value of the customers left after it), the Pareto-efficient points "
               "(no other point earns more with less harm) and the cliff, where peak backlash more than doubles in "
               "one step.")
    chosen = pick.scenario("frontier-pick")
    if chosen is None:
        return
    _, scenario = chosen
    ids = [p.id for p in scenario.strategy.practices]
    if not ids:
        st.info("This scenario has no practices to sweep; add one in the Scenario editor.")
        return
    left, right = st.columns(2)
    practice = left.selectbox("Practice", ids, key="frontier-practice")
    axis = right.selectbox("Intrusion axis", [*AXES, CONSENT], key="frontier-axis",
                           format_func=lambda a: a.replace("_", " "))
    param = spec(f"strategy.practices.{practice}.{axis}", axis)
    if param is None:
        return
    cfg = settings.current()
    seed = cfg.seed_for(scenario)
    pick.run_line(scenario, cfg.reps, seed, what=f"{view.plain(swept(scenario, param))} · ")
    key = run_key("frontier", [scenario], seed, cfg.reps, param=param)
    currency = scenario.economics.currency
    result = live.result("frontier", key, lambda progress, on_point: frontier(
        scenario, param, reps=cfg.reps, seed=seed, executor=cfg.runner(), progress=progress, on_point=on_point),
        lambda partial: figure(partial, currency) if len(partial.table) else None,
        label="Run frontier", what="frontier sweep")
    if result is None:
        return
    failed = result.sweep.errors
    if failed:
        st.warning("Points that could not run: " + "; ".join(f"{result.sweep.points[i]}: {e}"
                                                              for i, e in failed.items()))
    cliff = value(result.value(result.cliff)) if result.cliff is not None else "none in this range"
    st.markdown(f"**value-optimal** {axis.replace('_', ' ')}: {value(result.value(result.optimum))} · "
                f"**cliff** at: {cliff} · "
                f"**Pareto-efficient**: {', '.join(value(result.value(p)) for p in result.pareto) or 'none'}")
    if len(result.table):
        view.chart(figure(result, currency), "frontier-chart")
        st.dataframe(shown(result, currency), hide_index=True)


def figure(result: Frontier, currency: str) -> go.Figure:
    """The frontier chart of the points landed so far (all of them when the run is done)."""
    return charts.frontier_figure(result.table, result.path, result.optimum, result.pareto, result.cliff, currency)


def shown(result: Frontier, currency: str) -> pd.DataFrame:
    """The frontier table in display units, one row per point."""
    t = result.to_frame()
    out = pd.DataFrame({result.path.rsplit(".", 1)[-1].replace("_", " "): [value(v) for v in t["value"]]})
    for kpi in KPIS:
        out[label(kpi)] = [fmt(kpi, v, currency) for v in t[kpi]]
    marks = {"optimal": "value-optimal", "pareto": "Pareto-efficient", "cliff": "cliff"}
    return out.assign(marks=[", ".join(m for col, m in marks.items() if row[col]) for _, row in t.iterrows()])


def swept(scenario: Scenario, param: str) -> str:
    """The swept parameter in words: Practice “newsletter”: contacts per month — 4 → 1 to 16, 6 points."""
    path, _, values = param.partition("=")
    if values.startswith("["):
        shown = values.strip("[]").replace("_", "-").replace(", ", ", then ")
    else:
        start, stop, n = values.split(":")
        shown = f"{plain(float(start))} to {plain(float(stop))}, {n} points"
    return words.describe(scenario, path, shown)


def spec(path: str, axis: str) -> str | None:
    """The sweep parameter (``PATH=START:STOP:N`` or ``PATH=[v1, v2]``) chosen with the widgets."""
    if axis == CONSENT:
        modes = list(describe(ConsentMode)[2])
        values = st.multiselect("Consent modes, from least to most intrusive", modes, default=modes,
                                key="frontier-modes")
        if len(values) < 2:
            st.info("Pick at least two consent modes.")
            return None
        return f"{path}=[{', '.join(values)}]"
    lo, hi = AXES[axis]
    a, b, c = st.columns(3)
    start = a.number_input("from", value=lo, format="%g", key=f"frontier-{axis}-start")
    stop = b.number_input("to", value=hi, format="%g", key=f"frontier-{axis}-stop")
    n = c.number_input("points", min_value=2, max_value=25, value=6, step=1, key="frontier-points")
    return f"{path}={start:g}:{stop:g}:{n}"
