"""Plotly figures built from result frames, shared by the HTML report and the dashboard.

Every function takes tidy frames (``RunResult.to_frame()``, summaries, sweep or sensitivity
tables) and returns a ``plotly.graph_objects.Figure``; none reads files or runs the model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from privsim.output.formatting import SYMBOL

TEMPLATE = "plotly_white"
COLORS = qualitative.Plotly
TIMESERIES = (("backlash", "backlash: share of active customers aware and offended"), ("trust", "mean trust"),
              ("active", "active customers"), ("opt_outs", "opt-outs per day"),
              ("complaints", "complaints per day"), ("npv", "cumulative NPV"))
SEGMENT_KPIS = ("churn", "privacy_churn", "trust_end", "backlash_peak", "opt_outs", "complaints")
SWEEP_KPIS = ("total_value", "npv", "opt_outs", "complaints", "backlash_peak")


def _rgba(color: str, alpha: float) -> str:
    h = color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def bands(series: pd.DataFrame, metric: str, by: str | None = None, segment: str = "all") -> pd.DataFrame:
    """Per day (and group): mean and P5–P95 of a metric over replications."""
    s = series[series["segment"].astype(str) == segment]
    keys = [by, "day"] if by else ["day"]
    g = s.groupby(keys, sort=True, observed=True)[metric]
    out = g.mean().rename("mean").to_frame()
    out["p5"], out["p95"] = g.quantile(0.05), g.quantile(0.95)
    return out.reset_index()


def _band(fig: go.Figure, b: pd.DataFrame, name: str, color: str, row: int, col: int, legend: bool) -> None:
    x = b["day"] if "day" in b else b.iloc[:, 0]
    fig.add_trace(go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([b["p95"], b["p5"][::-1]]),
                             fill="toself", fillcolor=_rgba(color, 0.18), line={"width": 0}, hoverinfo="skip",
                             showlegend=False, legendgroup=name), row=row, col=col)
    fig.add_trace(go.Scatter(x=x, y=b["mean"], name=name, line={"color": color}, legendgroup=name,
                             showlegend=legend), row=row, col=col)


def timeseries_figure(series: pd.DataFrame, metrics: Sequence[tuple[str, str]] = TIMESERIES, *,
                      by: str | None = None, marks: Sequence[tuple[int, str, str]] = (), title: str = "",
                      segment: str = "all") -> go.Figure:
    """Daily series with P5–P95 bands over replications (one band per ``by`` group) and event markers."""
    metrics = [(m, label) for m, label in metrics if m in series]
    fig = make_subplots(rows=len(metrics), cols=1, shared_xaxes=True, subplot_titles=[lab for _, lab in metrics],
                        vertical_spacing=0.06)
    groups = list(dict.fromkeys(series[by].astype(str))) if by else [None]
    for row, (metric, _) in enumerate(metrics, start=1):
        for k, group in enumerate(groups):
            part = series if group is None else series[series[by].astype(str) == group]
            name = "mean (band: P5–P95 over replications)" if group is None else str(group)
            _band(fig, bands(part, metric, segment=segment), name, COLORS[k % len(COLORS)], row, 1, row == 1)
    for day, kind, what in dict.fromkeys(marks):
        fig.add_vline(x=day, line={"dash": "dot", "color": "#888", "width": 1}, row="all", col=1)
        fig.add_annotation(x=day, y=1.0, yref="paper", text=f"{kind} {what}".strip(), showarrow=False,
                           textangle=-90, xanchor="left", yanchor="top", font={"size": 10, "color": "#555"})
    fig.update_xaxes(title_text="day", row=len(metrics), col=1)
    fig.update_layout(template=TEMPLATE, title=title, height=230 * len(metrics) + 80, legend={"orientation": "h"})
    return fig


def segment_figure(summary: pd.DataFrame, kpis: Sequence[str] = SEGMENT_KPIS, by: str | None = None,
                   title: str = "By segment") -> go.Figure:
    """Per-segment KPI means with 95% CIs (grouped by ``by``, e.g. scenario)."""
    kpis = [k for k in kpis if (summary["kpi"] == k).any()]
    fig = make_subplots(rows=1, cols=len(kpis), subplot_titles=kpis, horizontal_spacing=0.05)
    groups = list(dict.fromkeys(summary[by])) if by else [None]
    for c, kpi in enumerate(kpis, start=1):
        for k, group in enumerate(groups):
            s = summary[(summary["kpi"] == kpi) & ((summary[by] == group) if by else True)]
            fig.add_trace(go.Bar(x=s["segment"].astype(str), y=s["mean"], name=str(group or "mean"),
                                 marker_color=COLORS[k % len(COLORS)], legendgroup=str(group), showlegend=c == 1,
                                 error_y={"type": "data", "symmetric": False, "array": s["ci_high"] - s["mean"],
                                          "arrayminus": s["mean"] - s["ci_low"]}), row=1, col=c)
    fig.update_layout(template=TEMPLATE, title=title, height=380, barmode="group", showlegend=by is not None)
    return fig


def differences_figure(diff: pd.DataFrame, segment: str = "all") -> go.Figure:
    """Paired vs unpaired 95% CIs of each scenario's difference from the reference, in % of the reference."""
    d = diff[(diff["segment"].astype(str) == segment) & (diff["mean_reference"] != 0)].copy()
    scale = 100.0 / d["mean_reference"].abs()
    fig = go.Figure()
    for k, (name, g) in enumerate(d.groupby("scenario", sort=False)):
        sc = scale[g.index]
        label = g["kpi"] + ("" if d["scenario"].nunique() == 1 else f" · {name}")
        color = COLORS[k % len(COLORS)]
        fig.add_trace(go.Scatter(x=(g["diff"] * sc), y=label, mode="markers", name=f"{name}: unpaired 95% CI",
                                 marker={"color": _rgba(color, 0.35), "size": 1},
                                 error_x={"type": "data", "symmetric": False, "thickness": 8,
                                          "color": _rgba(color, 0.35),
                                          "array": (g["unpaired_ci_high"] - g["diff"]) * sc,
                                          "arrayminus": (g["diff"] - g["unpaired_ci_low"]) * sc}))
        fig.add_trace(go.Scatter(x=(g["diff"] * sc), y=label, mode="markers", name=f"{name}: paired 95% CI (CRN)",
                                 marker={"color": color, "size": 7},
                                 error_x={"type": "data", "symmetric": False, "thickness": 2, "color": color,
                                          "array": (g["ci_high"] - g["diff"]) * sc,
                                          "arrayminus": (g["diff"] - g["ci_low"]) * sc}))
    fig.add_vline(x=0, line={"color": "#888", "width": 1})
    fig.update_layout(template=TEMPLATE, title="Difference from the reference (% of its mean)",
                      xaxis_title="difference, % of reference mean", height=max(300, 24 * len(d) + 140))
    return fig


def sweep_figure(summary: pd.DataFrame, paths: Sequence[str], kpis: Sequence[str] = SWEEP_KPIS,
                 segment: str = "all") -> go.Figure:
    """KPI means with 95% CIs against the first swept parameter (other parameters in the hover text)."""
    s = summary[summary["segment"].astype(str) == segment]
    kpis = [k for k in kpis if (s["kpi"] == k).any()]
    x = paths[0]
    fig = make_subplots(rows=1, cols=len(kpis), subplot_titles=kpis, horizontal_spacing=0.06)
    for c, kpi in enumerate(kpis, start=1):
        k = s[s["kpi"] == kpi].sort_values("point")
        hover = k[list(paths)].astype(str).agg(", ".join, axis=1) if len(paths) > 1 else None
        fig.add_trace(go.Scatter(x=k[x], y=k["mean"], mode="lines+markers" if len(paths) == 1 else "markers",
                                 text=hover, name=kpi, showlegend=False, marker={"color": COLORS[0]},
                                 error_y={"type": "data", "symmetric": False, "array": k["ci_high"] - k["mean"],
                                          "arrayminus": k["mean"] - k["ci_low"]}), row=1, col=c)
        fig.update_xaxes(title_text=x.rsplit(".", 1)[-1], row=1, col=c)
    fig.update_layout(template=TEMPLATE, title="Sweep: KPI means with 95% CIs", height=400)
    return fig


def frontier_figure(table: pd.DataFrame, path: str, optimum: int | None, pareto: Sequence[int],
                    cliff: int | None, currency: str = "USD") -> go.Figure:
    """The three criteria of the frontier along the intrusion axis and against each other.

    Total value, customer pushback and backlash peak (the Pareto set is computed on exactly these); the
    third panel plots value against pushback and labels each point with its backlash peak.
    """
    name = path.rsplit(".", 1)[-1]
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.08,
                        subplot_titles=[f"total value vs {name}", f"pushback and backlash vs {name}",
                                        "total value vs pushback"])
    bars = {"type": "data", "symmetric": False}
    for c, kpi, color in ((1, "total_value", COLORS[0]), (2, "pushback", COLORS[0]), (2, "backlash_peak", COLORS[3])):
        fig.add_trace(go.Scatter(x=table["value"], y=table[kpi], mode="lines+markers", name=kpi.replace("_", " "),
                                 showlegend=c == 2, marker={"color": color},
                                 error_y={**bars, "array": table[f"{kpi}_ci_high"] - table[kpi],
                                          "arrayminus": table[kpi] - table[f"{kpi}_ci_low"]}), row=1, col=c)
    on = table["point"].isin(pareto)
    labels = [f"{v} · {b:.1%}" for v, b in zip(table["value"], table["backlash_peak"], strict=True)]
    fig.add_trace(go.Scatter(x=table["pushback"], y=table["total_value"], mode="markers+text", text=labels,
                             textposition="top center", cliponaxis=False, name="point (axis value · backlash)",
                             marker={"color": "#bbb", "size": 8}), row=1, col=3)
    fig.add_trace(go.Scatter(x=table.loc[on, "pushback"], y=table.loc[on, "total_value"], mode="markers",
                             name="Pareto-efficient", marker={"color": COLORS[2], "size": 11}), row=1, col=3)
    best = table[table["point"] == optimum]
    fig.add_trace(go.Scatter(x=best["value"], y=best["total_value"], mode="markers", name="optimal",
                             marker={"symbol": "star", "size": 16, "color": COLORS[1]}), row=1, col=1)
    if cliff is not None:
        at = table.loc[table["point"] == cliff, "value"].iloc[0]
        for c in (1, 2):
            fig.add_vline(x=at, line={"dash": "dash", "color": COLORS[1]}, row=1, col=c)
        fig.add_annotation(x=at, y=1.0, yref="paper", xref="x2", text="cliff", showarrow=False)
    symbol = SYMBOL.get(currency, currency + " ")
    for c, title in ((1, f"total value ({currency})"), (3, f"total value ({currency})")):
        fig.update_yaxes(title_text=title, tickprefix=symbol, row=1, col=c)
    fig.update_yaxes(tickformat=".1%", row=1, col=2)
    fig.update_xaxes(tickformat=".1%", title_text="pushback", row=1, col=3)
    fig.update_layout(template=TEMPLATE, title="Tolerance frontier", height=420)
    return fig


def tornado_figure(table: pd.DataFrame, kpi: str, top: int = 15) -> go.Figure:
    """KPI at the low and high end of each factor's range, around the base value; widest swing on top."""
    t = table[(table["kpi"] == kpi) & (table["method"] == "tornado")].nsmallest(top, "rank")[::-1]
    base = float(t["base_value"].iloc[0]) if len(t) else 0.0
    fig = go.Figure()
    for col, name, color in (("value_low", "factor at its low end", COLORS[0]),
                             ("value_high", "factor at its high end", COLORS[1])):
        fig.add_trace(go.Bar(y=t["parameter"], x=t[col] - base, base=base, orientation="h", name=name,
                             marker_color=color))
    fig.update_layout(template=TEMPLATE, barmode="overlay", title=f"Tornado: {kpi} (base {base:,.4g})",
                      height=max(320, 26 * len(t) + 140), xaxis_title=kpi)
    return fig


def morris_figure(table: pd.DataFrame, kpi: str) -> go.Figure:
    """Morris μ* (importance) against σ (interaction / non-linearity) per factor."""
    t = table[(table["kpi"] == kpi) & (table["method"] == "morris")]
    short = t["parameter"].str.split(".").str[-2:].str.join(".")
    fig = go.Figure(go.Scatter(x=t["mu_star"], y=t["sigma"], mode="markers+text", text=short,
                               textposition="top center", hovertext=t["parameter"], marker={"color": COLORS[0]}))
    fig.update_layout(template=TEMPLATE, title=f"Morris elementary effects: {kpi}", xaxis_title="μ* (mean |effect|)",
                      yaxis_title="σ (spread of effects)", height=480)
    return fig


def uncertainty_figure(kpis: pd.DataFrame, names: Sequence[str] = SWEEP_KPIS, segment: str = "all") -> go.Figure:
    """Per-replication KPI values with drawn coefficients beside fixed ones (replication noise only)."""
    k = kpis[kpis["segment"].astype(str) == segment]
    names = [n for n in names if (k["kpi"] == n).any()]
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=names, horizontal_spacing=0.06)
    for c, name in enumerate(names, start=1):
        for j, (arm, g) in enumerate(k[k["kpi"] == name].groupby("arm", sort=True)):
            fig.add_trace(go.Box(y=g["value"], name=str(arm), marker_color=COLORS[j], boxpoints="all",
                                 showlegend=c == 1, legendgroup=str(arm)), row=1, col=c)
    fig.update_layout(template=TEMPLATE, title="Uncertainty: coefficients drawn vs replication noise only",
                      height=420)
    return fig
