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

from privsim.model.vocabulary import CURRENCY, PERCENT, SCORE, term
from privsim.output.formatting import coefficient, fmt, label, plain, symbol

TEMPLATE = "plotly_white"
COLORS = qualitative.Plotly
TIMESERIES = tuple((m, label(m)) for m in ("backlash", "trust", "active", "opt_outs", "complaints", "npv"))
PER_ROW = 3          # panels a row in multi-KPI figures
SMALL_MONEY = 1000   # money axes up to this are written out ($0.5), larger ones with SI prefixes ($1.5M)
MAX_POINTS = 1000     # days a time-series trace draws at most (longer horizons are thinned)
MARK_GAP = 1 / 20     # events closer than this share of the days shown share one label (no overprinting)
GAP = 60             # px between stacked panels: tick labels above, the next panel's title below
SEGMENT_KPIS = ("churn", "privacy_churn", "trust_end", "backlash_peak", "opt_outs", "complaints")
SWEEP_KPIS = ("total_value", "npv", "opt_outs", "complaints", "backlash_peak")
DIFFERENCE_KPIS = ("total_value", "npv", "privacy_churn", "pushback", "opt_outs", "complaints", "backlash_peak",
                   "regulator_action", "fines", "trust_end")


def axis_format(name: str, currency: str, extent: float | None = None) -> dict[str, str]:
    """Plotly tick settings for a KPI or series axis: %, a score's decimals, money with its symbol.

    ``extent``, the largest absolute value the axis shows: money under 1,000 is written out, since SI
    prefixes would print $0.5 as "$500m", which reads as half a billion.
    """
    unit = term(name).unit
    if unit in PERCENT:
        return {"tickformat": ".1%"}
    if unit == SCORE:
        return {"tickformat": ".2f"}
    if unit == CURRENCY:
        small = extent is not None and extent < SMALL_MONEY
        return {"tickformat": ",.2~f" if small else "~s", "tickprefix": symbol(currency)}
    return {"tickformat": "~s"}


def largest(*values: object) -> float:
    """The largest finite absolute value among arrays, series or numbers (0 if there is none)."""
    parts = [np.abs(np.asarray(v, dtype=float)).ravel() for v in values]
    finite = np.concatenate(parts) if parts else np.empty(0)
    finite = finite[np.isfinite(finite)]
    return float(finite.max()) if finite.size else 0.0


def _rgba(color: str, alpha: float) -> str:
    h = color.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def joined(series: pd.DataFrame, company: pd.DataFrame | None) -> pd.DataFrame:
    """Per-segment series with the company-level columns beside the whole population's rows (to chart both)."""
    if company is None or company.empty:
        return series
    keys = [c for c in ("scenario", "arm", "replicate", "day") if c in series and c in company]
    whole = series["segment"].astype(str) == "all"
    return pd.concat([series[~whole], series[whole].merge(company, on=keys, how="left")], ignore_index=True)


def band_table(series: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Mean and P5–P95 over replications of every daily metric, per group, segment and day, in one pass.

    Long: ``[by,] segment, day, metric, mean, p5, p95`` (groups in their order of appearance). What a
    time-series chart draws, computed once, so redrawing for another metric or segment aggregates nothing.
    """
    keys = [k for k in (by, "segment", "day") if k]
    metrics = [c for c in series.columns if c not in {*keys, "scenario", "arm", "replicate"}
               and pd.api.types.is_numeric_dtype(series[c])]
    s = series.assign(segment=series["segment"].astype(str))
    if by:
        names = s[by].astype(str)
        s[by] = pd.Categorical(names, categories=list(dict.fromkeys(names)))
    g = s.groupby(keys, sort=True, observed=True)[metrics]
    stats = [g.mean(), g.quantile(0.05), g.quantile(0.95)]
    long = [f.melt(ignore_index=False, var_name="metric", value_name=name).reset_index()
            for f, name in zip(stats, ("mean", "p5", "p95"), strict=True)]
    out = long[0].assign(p5=long[1]["p5"].to_numpy(), p95=long[2]["p95"].to_numpy())
    if by:
        out[by] = out[by].astype(str)
    return out


def thin(b: pd.DataFrame, most: int = MAX_POINTS) -> pd.DataFrame:
    """At most ``most`` days of a band: every k-th day's mean, the band keeping each stretch's extremes."""
    if len(b) <= most:
        return b
    step = -(-len(b) // most)
    stretch = np.arange(len(b)) // step
    return pd.DataFrame({"day": b["day"].to_numpy()[::step], "mean": b["mean"].to_numpy()[::step],
                         "p5": b["p5"].groupby(stretch).min().to_numpy(),
                         "p95": b["p95"].groupby(stretch).max().to_numpy()})


def _days(day: np.ndarray) -> dict[str, object]:
    """The x of a trace: first day and step where the days are evenly spaced (no array to store), else the days."""
    steps = np.diff(day)
    if len(day) and (len(steps) == 0 or (steps == steps[0]).all()):
        return {"x0": int(day[0]), "dx": int(steps[0]) if len(steps) else 1}
    return {"x": day.astype(np.int32)}


def _band(b: pd.DataFrame, name: str, color: str, legend: bool) -> list[go.Scatter]:
    """A mean line over its P5–P95 band (P95 filled down to P5); values as float32, all a chart shows."""
    x = _days(b["day"].to_numpy())
    low, mean, high = (b[c].to_numpy(np.float32) for c in ("p5", "mean", "p95"))
    edge = {"line": {"width": 0}, "hoverinfo": "skip", "showlegend": False, "legendgroup": name}
    return [go.Scatter(**x, y=low, **edge),
            go.Scatter(**x, y=high, fill="tonexty", fillcolor=_rgba(color, 0.18), **edge),
            go.Scatter(**x, y=mean, name=name, line={"color": color}, legendgroup=name, showlegend=legend)]


def _marks(marks: Sequence[tuple[int, str, str]], rows: int, span: float) -> tuple[list[dict], list[dict]]:
    """A dotted line through every panel on each event's day, and one label per run of nearby events.

    Events on the same or nearby days (within ``MARK_GAP`` of the ``span`` of days shown) would print their
    vertical labels over each other: a run is labelled by its first event and "+ n more", every event of it
    with its day in the label's hover text.
    """
    events = sorted(dict.fromkeys(marks), key=lambda m: m[0])       # stable: a day's events keep their order
    shapes = [{"type": "line", "x0": day, "x1": day, "xref": f"x{r if r > 1 else ''}", "y0": 0, "y1": 1,
               "yref": f"y{r if r > 1 else ''} domain", "line": {"dash": "dot", "color": "#888", "width": 1}}
              for day in dict.fromkeys(d for d, _, _ in events) for r in range(1, rows + 1)]
    runs: list[list[tuple[int, str, str]]] = []
    for event in events:
        if runs and event[0] - runs[-1][0][0] <= max(1.0, span * MARK_GAP):
            runs[-1].append(event)
        else:
            runs.append([event])
    notes = []
    for run in runs:
        texts = list(dict.fromkeys(f"{kind} {what}".strip() for _, kind, what in run))
        notes.append({"x": run[0][0], "y": 1.0, "yref": "paper", "showarrow": False,
                      "text": texts[0] if len(texts) == 1 else f"{texts[0]} + {len(texts) - 1} more",
                      "hovertext": "<br>".join(f"day {day}: {kind} {what}".strip() for day, kind, what in run),
                      "textangle": -90, "xanchor": "left", "yanchor": "top", "font": {"size": 10, "color": "#555"}})
    return shapes, notes


def timeseries_figure(series: pd.DataFrame, metrics: Sequence[tuple[str, str]] = TIMESERIES, *,
                      by: str | None = None, marks: Sequence[tuple[int, str, str]] = (), title: str = "",
                      segment: str = "all", currency: str = "USD", company: pd.DataFrame | None = None) -> go.Figure:
    """Daily series with P5–P95 bands over replications (one band per ``by`` group) and event markers.

    ``company``: the company-level series (NPV, salience, …), charted for the whole population.
    """
    return band_figure(band_table(joined(series, company), by), metrics, by=by, marks=marks, title=title,
                       segment=segment, currency=currency)


def band_figure(table: pd.DataFrame, metrics: Sequence[tuple[str, str]] = TIMESERIES, *, by: str | None = None,
                marks: Sequence[tuple[int, str, str]] = (), title: str = "", segment: str = "all",
                currency: str = "USD") -> go.Figure:
    """:func:`timeseries_figure` drawn from a :func:`band_table` (long series thinned to ``MAX_POINTS`` days)."""
    t = table[table["segment"] == segment]
    present = set(t["metric"])
    metrics = [(m, lab) for m, lab in metrics if m in present]
    fig = make_subplots(rows=max(len(metrics), 1), cols=1, shared_xaxes=True,
                        subplot_titles=[lab for _, lab in metrics], vertical_spacing=0.06)
    groups = list(dict.fromkeys(t[by])) if by else [None]
    parts = dict(tuple(t.groupby(["metric", by] if by else ["metric"], sort=False)))
    traces, rows = [], []                     # added at once: one by one, each addition re-validates the figure
    for row, (metric, _) in enumerate(metrics, start=1):
        shown = []
        for k, group in enumerate(groups):
            name = "mean (band: P5–P95 over replications)" if group is None else str(group)
            part = parts.get((metric, group) if by else (metric,))
            if part is not None:
                drawn = _band(thin(part), name, COLORS[k % len(COLORS)], row == 1)
                traces += drawn
                rows += [row] * len(drawn)
                shown.append(part[["p5", "p95"]])
        fig.update_yaxes(**axis_format(metric, currency, largest(*shown)), row=row, col=1)
    if traces:
        fig.add_traces(traces, rows=rows, cols=[1] * len(rows))
    shapes, notes = _marks(marks, len(metrics), float(t["day"].max() - t["day"].min()) if len(t) else 0.0)
    fig.update_xaxes(title_text="day", row=max(len(metrics), 1), col=1)
    fig.update_layout(template=TEMPLATE, title=title, height=230 * len(metrics) + 80, legend={"orientation": "h"},
                      shapes=shapes, annotations=[*fig.layout.annotations, *notes])
    return fig


def segment_figure(summary: pd.DataFrame, kpis: Sequence[str] = SEGMENT_KPIS, by: str | None = None,
                   title: str = "By segment", currency: str = "USD") -> go.Figure:
    """Per-segment KPI means with 95% CIs (grouped by ``by``, e.g. scenario)."""
    kpis = [k for k in kpis if (summary["kpi"] == k).any()]
    rows, cols = -(-len(kpis) // PER_ROW), min(len(kpis), PER_ROW)       # three panels a row: readable when narrow
    fig = make_subplots(rows=max(rows, 1), cols=max(cols, 1), subplot_titles=[label(k) for k in kpis],
                        horizontal_spacing=0.08, vertical_spacing=0.22 if rows > 1 else 0.1)
    groups = list(dict.fromkeys(summary[by])) if by else [None]
    for n, kpi in enumerate(kpis):
        r, c = n // PER_ROW + 1, n % PER_ROW + 1
        for k, group in enumerate(groups):
            s = summary[(summary["kpi"] == kpi) & ((summary[by] == group) if by else True)]
            fig.add_trace(go.Bar(x=s["segment"].astype(str), y=s["mean"], name=str(group or "mean"),
                                 marker_color=COLORS[k % len(COLORS)], legendgroup=str(group), showlegend=c == 1,
                                 error_y={"type": "data", "symmetric": False, "array": s["ci_high"] - s["mean"],
                                          "arrayminus": s["mean"] - s["ci_low"]}), row=r, col=c)
        every = summary[summary["kpi"] == kpi]
        fig.update_yaxes(**axis_format(kpi, currency, largest(every["ci_low"], every["ci_high"])), row=r, col=c)
    fig.update_layout(template=TEMPLATE, title=title, height=120 + 300 * max(rows, 1), barmode="group",
                      showlegend=by is not None, legend={"orientation": "h", "y": -0.12})
    return fig


def differences_figure(diff: pd.DataFrame, segment: str = "all", kpis: Sequence[str] = DIFFERENCE_KPIS,
                       currency: str = "USD") -> go.Figure:
    """Paired vs unpaired 95% CIs of each scenario's difference from the reference, one panel per KPI.

    Each panel is in its KPI's own unit (money with the currency, shares in percentage points), so a
    KPI whose reference is 0 is shown like any other and no panel is a percentage of a tiny mean.
    """
    d = diff[diff["segment"].astype(str) == segment]
    kpis = [k for k in kpis if (d["kpi"] == k).any()]
    kpis += sorted(k for k in set(d["kpi"]) if k.startswith("consent.") and k not in kpis)
    panel = 60 + 24 * d["scenario"].nunique()              # px per KPI: its points, ticks and the next title
    height = 140 + (panel + GAP) * len(kpis)
    fig = make_subplots(rows=max(len(kpis), 1), cols=1, subplot_titles=[label(k) for k in kpis],
                        vertical_spacing=GAP / height)
    for row, kpi in enumerate(kpis, start=1):
        g = d[d["kpi"] == kpi]
        points = 100.0 if term(kpi).unit in PERCENT else 1.0      # shares in percentage points
        for k, (_, r) in enumerate(g.iterrows()):
            color = COLORS[(k + 1) % len(COLORS)]
            for low, high, width, alpha, what in (("unpaired_ci_low", "unpaired_ci_high", 8, 0.35, "unpaired"),
                                                  ("ci_low", "ci_high", 2, 1.0, "paired (CRN)")):
                fig.add_trace(go.Scatter(
                    x=[r["diff"] * points], y=[r["scenario"]], mode="markers", name=f"{what} 95% CI",
                    legendgroup=what, showlegend=row == 1 and k == 0,
                    hovertext=f"{r['scenario']}: {fmt(kpi, r['mean'], currency)} vs "
                              f"{fmt(kpi, r['mean_reference'], currency)}",
                    marker={"color": _rgba(color, alpha), "size": 7 if alpha == 1.0 else 1},
                    error_x={"type": "data", "symmetric": False, "thickness": width, "color": _rgba(color, alpha),
                             "array": [(r[high] - r["diff"]) * points],
                             "arrayminus": [(r["diff"] - r[low]) * points]}), row=row, col=1)
        fig.add_vline(x=0, line={"color": "#888", "width": 1}, row=row, col=1)
        axis = ({"ticksuffix": " pp", "tickformat": ".2~f"} if points == 100.0 else
                {"tickformat": ".3~f"} if term(kpi).unit == SCORE else    # a difference of scores is small
                axis_format(kpi, currency, largest(g["unpaired_ci_low"], g["unpaired_ci_high"], g["ci_low"],
                                                   g["ci_high"])))
        fig.update_xaxes(**axis, row=row, col=1)
    reference = str(d["reference"].iloc[0]) if len(d) else "the reference"
    fig.update_layout(template=TEMPLATE, title=f"Difference from {reference} (paired and unpaired 95% CIs)",
                      height=height,
                      legend={"orientation": "h"})
    return fig


def sweep_figure(summary: pd.DataFrame, paths: Sequence[str], kpis: Sequence[str] = SWEEP_KPIS,
                 segment: str = "all", currency: str = "USD") -> go.Figure:
    """KPI means with 95% CIs against the first swept parameter (other parameters in the hover text)."""
    s = summary[summary["segment"].astype(str) == segment]
    kpis = [k for k in kpis if (s["kpi"] == k).any()]
    x = paths[0]
    rows, cols = -(-len(kpis) // PER_ROW), min(len(kpis), PER_ROW)
    fig = make_subplots(rows=max(rows, 1), cols=max(cols, 1), subplot_titles=[label(k) for k in kpis],
                        horizontal_spacing=0.08, vertical_spacing=0.22 if rows > 1 else 0.1)
    for n, kpi in enumerate(kpis):
        r, c = n // PER_ROW + 1, n % PER_ROW + 1
        k = s[s["kpi"] == kpi].sort_values("point")
        hover = k[list(paths)].astype(str).agg(", ".join, axis=1) if len(paths) > 1 else None
        fig.add_trace(go.Scatter(x=k[x], y=k["mean"], mode="lines+markers" if len(paths) == 1 else "markers",
                                 text=hover, name=kpi, showlegend=False, marker={"color": COLORS[0]},
                                 error_y={"type": "data", "symmetric": False, "array": k["ci_high"] - k["mean"],
                                          "arrayminus": k["mean"] - k["ci_low"]}), row=r, col=c)
        fig.update_xaxes(title_text=x.rsplit(".", 1)[-1].replace("_", " "), row=r, col=c)
        fig.update_yaxes(**axis_format(kpi, currency), row=r, col=c)
    fig.update_layout(template=TEMPLATE, title="Sweep: KPI means with 95% CIs", height=120 + 300 * max(rows, 1))
    return fig


def frontier_figure(table: pd.DataFrame, path: str, optimum: int | None, pareto: Sequence[int],
                    cliff: int | None, currency: str = "USD") -> go.Figure:
    """The three criteria of the frontier along the intrusion axis and against each other.

    Total value, customer pushback and backlash peak (the Pareto set is computed on exactly these); the
    third panel plots value against pushback and labels each point with its backlash peak.
    """
    name = path.rsplit(".", 1)[-1].replace("_", " ")
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.1,
                        subplot_titles=["Total value", "Pushback and backlash", "Value against pushback"])
    bars = {"type": "data", "symmetric": False}
    for c, kpi, color in ((1, "total_value", COLORS[0]), (2, "pushback", COLORS[0]), (2, "backlash_peak", COLORS[3])):
        fig.add_trace(go.Scatter(x=table["value"], y=table[kpi], mode="lines+markers", name=label(kpi),
                                 showlegend=c == 2, marker={"color": color},
                                 error_y={**bars, "array": table[f"{kpi}_ci_high"] - table[kpi],
                                          "arrayminus": table[kpi] - table[f"{kpi}_ci_low"]}), row=1, col=c)
    on = table["point"].isin(pareto)
    labels = [f"{plain(v) if isinstance(v, float) else v} · {fmt('backlash_peak', b)}"
              for v, b in zip(table["value"], table["backlash_peak"], strict=True)]
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
    for c in (1, 3):
        fig.update_yaxes(**axis_format("total_value", currency), row=1, col=c)
    fig.update_xaxes(title_text=name, row=1, col=1)
    fig.update_xaxes(title_text=name, row=1, col=2)
    fig.update_yaxes(**axis_format("pushback", currency), row=1, col=2)
    fig.update_xaxes(title_text="customer pushback", **axis_format("pushback", currency), row=1, col=3)
    fig.update_layout(template=TEMPLATE, title=f"Tolerance frontier: total value in {currency}, shares of customers",
                      height=480, legend={"orientation": "h", "y": -0.25})
    return fig


def tornado_figure(table: pd.DataFrame, kpi: str, top: int = 15, currency: str = "USD") -> go.Figure:
    """KPI at the low and high end of each factor's range, around the base value; widest swing on top."""
    t = table[(table["kpi"] == kpi) & (table["method"] == "tornado")].nsmallest(top, "rank")[::-1]
    base = float(t["base_value"].iloc[0]) if len(t) else 0.0
    fig = go.Figure()
    for col, name, color in (("value_low", "factor at its low end", COLORS[0]),
                             ("value_high", "factor at its high end", COLORS[1])):
        fig.add_trace(go.Bar(y=[coefficient(p) for p in t["parameter"]], x=t[col] - base, base=base,
                             orientation="h", name=name, marker_color=color))
    fig.update_layout(template=TEMPLATE, barmode="overlay",
                      title=f"Tornado: {label(kpi)} (base {fmt(kpi, base, currency)})",
                      height=max(320, 26 * len(t) + 140), xaxis_title=label(kpi))
    fig.update_xaxes(**axis_format(kpi, currency))
    return fig


def morris_figure(table: pd.DataFrame, kpi: str) -> go.Figure:
    """Morris μ* (importance) against σ (interaction / non-linearity) per factor."""
    t = table[(table["kpi"] == kpi) & (table["method"] == "morris")]
    fig = go.Figure(go.Scatter(x=t["mu_star"], y=t["sigma"], mode="markers+text",
                               text=[coefficient(p) for p in t["parameter"]], textposition="top center",
                               marker={"color": COLORS[0]}))
    fig.update_layout(template=TEMPLATE, title=f"Morris elementary effects: {label(kpi)}",
                      xaxis_title="μ* (mean |effect|)",
                      yaxis_title="σ (spread of effects)", height=480)
    return fig


def uncertainty_figure(kpis: pd.DataFrame, names: Sequence[str] = SWEEP_KPIS, segment: str = "all",
                       currency: str = "USD") -> go.Figure:
    """Per-replication KPI values with drawn coefficients beside fixed ones (replication noise only)."""
    k = kpis[kpis["segment"].astype(str) == segment]
    names = [n for n in names if (k["kpi"] == n).any()]
    fig = make_subplots(rows=1, cols=len(names), subplot_titles=[label(n) for n in names], horizontal_spacing=0.06)
    for c, name in enumerate(names, start=1):
        fig.update_yaxes(**axis_format(name, currency), row=1, col=c)
        for j, (arm, g) in enumerate(k[k["kpi"] == name].groupby("arm", sort=True)):
            fig.add_trace(go.Box(y=g["value"], name=str(arm), marker_color=COLORS[j], boxpoints="all",
                                 showlegend=c == 1, legendgroup=str(arm)), row=1, col=c)
    fig.update_layout(template=TEMPLATE, title="Uncertainty: coefficients drawn vs replication noise only",
                      height=420)
    return fig
