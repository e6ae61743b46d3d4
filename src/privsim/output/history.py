"""What a fit to your history becomes: display tables, the observed-against-simulated figure and its HTML page.

Shared by the command line (``privsim calibrate --history``, ``privsim history replay``) and the dashboard's
Calibrate page, so every face words and rounds a figure the same way (no scientific notation, no reprs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from privsim.experiments.history_fit import INTERVAL_METHOD, HistoryFit
from privsim.experiments.replay import Replay
from privsim.model.vocabulary import SHARE
from privsim.output.charts import COLORS, TEMPLATE, _rgba
from privsim.output.formatting import coefficient, fmt, label, plain, quantity
from privsim.output.report import Page
from privsim.output.tables import difference_rows

TITLES = {"sends": "Messages sent", "unsubscribes": "Unsubscribes", "complaints": "Complaints",
          "consent_rate": "Consent rate", "churn": "Leavers"}


def _value(metric: str, v: float) -> str:
    """A history figure in its unit: a consent rate as a share in %, the other metrics as counts."""
    return quantity(SHARE if metric == "consent_rate" else "customers", v)


def params_rows(fit: HistoryFit) -> pd.DataFrame:
    """One row per fitted coefficient: its documented range, start, fitted value and 95% interval."""
    p = fit.params_frame()
    return pd.DataFrame({
        "coefficient": [coefficient(x) for x in p["parameter"]], "path": p["parameter"],
        "range": [f"{plain(a)} – {plain(b)}" for a, b in zip(p["low"], p["high"], strict=True)],
        "start": [plain(v) for v in p["start"]], "fitted": [plain(v) for v in p["fitted"]],
        "95% interval": [f"{plain(a)} – {plain(b)}" if ok else "not identified"
                         for a, b, ok in zip(p["ci_low"], p["ci_high"], p["identified"], strict=True)]})


def quality_rows(fit: HistoryFit) -> pd.DataFrame:
    """Fit quality of the fitted and the held-out rows apart (totals, error, band coverage, log score)."""
    q = fit.quality_frame()
    return pd.DataFrame({
        "rows": q["part"], "metric": [TITLES.get(m, "all scored rows") for m in q["metric"]],
        "n": q["rows"].astype(str),
        "observed": [_value(m, v) for m, v in zip(q["metric"], q["observed"], strict=True)],
        "simulated": [_value(m, v) for m, v in zip(q["metric"], q["simulated"], strict=True)],
        "error": ["–" if not np.isfinite(v) else f"{v:+.1%}" for v in q["error"]],
        "within P5–P95": [f"{v:.0%}" for v in q["within_band"]],
        "log score per row": [f"{v:.2f}" for v in q["log_score"]]})


def replay_rows(replay: Replay, currency: str) -> pd.DataFrame:
    """One row per banner variant: observed and simulated consent rate, then what follows, in display units."""
    f = replay.to_frame()
    out = pd.DataFrame({"variant": f["variant"], "asked": [f"{v:,.0f}" for v in f["asked"]],
                        "observed consent": [_value("consent_rate", v) for v in f["observed"]]})
    for kpi in replay.kpis:
        out[label(kpi) if not kpi.startswith("granted_at_ask.") else "simulated consent"] = [
            fmt(kpi, v, currency) for v in f[kpi]]
    return out


def replay_differences(replay: Replay, currency: str) -> pd.DataFrame:
    """Each variant against the first, paired under common random numbers (the compare table's columns)."""
    return difference_rows(replay.differences(), currency)


def history_figure(fit: HistoryFit) -> go.Figure:
    """Observed against simulated per metric and purpose, with the P5–P95 predictive band.

    Observed points are coloured by part: fitted or held out.
    """
    rows = fit.to_frame()
    rows = rows[rows["segment"] == ""]
    panels = list(dict.fromkeys(zip(rows["metric"], rows["purpose"], strict=True)))
    titles = [TITLES[m] + (f": {p}" if p else "") for m, p in panels]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, subplot_titles=titles,
                        vertical_spacing=0.2 / max(len(panels), 1))
    for i, (metric, purpose) in enumerate(panels, start=1):
        r = rows[(rows["metric"] == metric) & (rows["purpose"] == purpose)].sort_values("date")
        x = pd.to_datetime(r["date"])
        fig.add_trace(go.Scatter(x=np.concatenate([x, x[::-1]]), y=np.concatenate([r["p95"], r["p5"][::-1]]),
                                 fill="toself", fillcolor=_rgba(COLORS[0], 0.18), line={"width": 0},
                                 hoverinfo="skip", showlegend=False), row=i, col=1)
        fig.add_trace(go.Scatter(x=x, y=r["simulated"], name="simulated (band: P5–P95 predictive)",
                                 line={"color": COLORS[0]}, legendgroup="sim", showlegend=i == 1), row=i, col=1)
        for k, part in enumerate(("fitted", "held out")):
            p = r[r["part"] == part]
            fig.add_trace(go.Scatter(x=pd.to_datetime(p["date"]), y=p["observed"], mode="markers",
                                     name=f"observed ({part})", marker={"color": COLORS[1 + k], "size": 4},
                                     legendgroup=part, showlegend=i == 1), row=i, col=1)
        if metric == "consent_rate":
            fig.update_yaxes(tickformat=".0%", row=i, col=1)
    fig.update_layout(template=TEMPLATE, height=260 * len(panels) + 120,
                      title=f"{fit.scenario.name}: history against simulation, {fit.reps} replications")
    return fig


def history_page(fit: HistoryFit) -> str:
    """An offline HTML page (plotly.js inlined once) with the fit's tables and figure."""
    page = Page(f"Calibration to {fit.history.source}")
    page.text(f"{len(fit.rows):,} rows from {fit.history.start} over {fit.history.days:,} days; the last "
              f"{fit.holdout:.0%} of dates held out; {fit.reps} replications on seed {fit.seed}.", "meta")
    page.heading("Fitted coefficients")
    page.table(params_rows(fit))
    page.text(f"Intervals: {INTERVAL_METHOD}.", "meta")
    page.heading("Fit quality: fitted and held-out rows")
    page.table(quality_rows(fit))
    page.heading("Observed against simulated")
    page.figure(history_figure(fit))
    return page.html()
