"""Run & compare: two to four scenarios side by side on the same seeds (common random numbers)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from privsim.dashboard import downloads, keep, pick, settings, view, workspace
from privsim.dashboard.cache import run_key
from privsim.errors import InputError
from privsim.experiments.compare import Comparison, compare_steps, direction
from privsim.experiments.executors import Progress
from privsim.model.vocabulary import term
from privsim.output import charts
from privsim.output.formatting import fmt, label, signed
from privsim.output.tables import difference_rows, spread_note

HEADLINE = ("total_value", "total_vs_baseline", "npv", "terminal_value", "npv_vs_baseline", "privacy_churn",
            "pushback", "opt_outs", "complaints", "backlash_peak", "regulator_action", "regulator_order",
            "fine_paid", "fines", "expected_fines")
SERIES = ("opt_outs", "trust", "backlash", "aware", "salience", "complaints", "revenue", "npv", "active")
# A scenario's cell takes the width its figures need and moves under the other where the box is narrow,
# instead of cutting its name or value ("Dark-pattern con…", "$3…")
CARDS_CSS = """<style>[class*="st-key-kpi-row"] > div {flex: 1 1 auto; width: max-content; max-width: 100%}</style>"""
KEPT = "compare-kept"      # session key: run key -> where its comparison was kept
CHARTS = ("Over time", "By segment", "Differences", "NPV per replication")     # one tab each, drawn when chosen
DEFAULT_SERIES = ("opt_outs", "trust", "backlash", "salience", "complaints", "revenue", "npv")


def page() -> None:
    """The Run & compare page."""
    st.title("Run & compare")
    st.caption("Strategies run on the same simulated customers and random numbers, so their differences are "
               "due to the strategy, not to chance.")
    entries = workspace.entries()
    labels = st.multiselect("Scenarios to compare (the first is the reference)", list(entries),
                            default=[lab for lab in workspace.DEFAULT_COMPARE if lab in entries], max_selections=4,
                            format_func=workspace.title, key="compare-pick", persist_state="session",
                            help="Bundled scenarios, and those saved or uploaded in the Scenario editor.")
    if len(labels) < 2:
        st.info("Pick two to four scenarios.")
        return
    cfg = settings.current()
    try:
        scenarios = [cfg.fit(workspace.scenario(entries[label])) for label in labels]
    except InputError as exc:
        view.problems(exc)
        return
    seed = cfg.seed_for(scenarios[0])
    pick.run_line(scenarios[0], cfg.reps, seed)
    key = run_key("compare", scenarios, seed, cfg.reps)
    simulated: list[Comparison] = []

    def run(progress: Progress, show: Callable[[Comparison], None]) -> Shown:
        """The comparison in two steps, with provisional cards after the first."""
        for cmp in compare_steps(scenarios, cfg.reps, seed=seed, executor=cfg.runner(), progress=progress,
                                 first=first_step(cfg.reps)):
            if replications(cmp) < cfg.reps:
                show(cmp)
        simulated.append(cmp)
        return Shown.of(cmp)

    shown = None
    try:
        shown = view.result(key, run, label="Run comparison", what="comparison",
                            preview=functools.partial(provisional, total=cfg.reps))
        if shown is not None:
            draw(shown)
    finally:                   # kept once its figures are drawn, and kept even when a new click interrupts them
        kept = [keep.comparison(cmp, labels, cfg) for cmp in simulated]
    where = st.session_state.setdefault(KEPT, {})
    if kept:
        where[key] = kept
    for caption in where.get(key, []) if shown is not None else kept:   # still said on a tab or series change
        st.caption(caption)


def draw(shown: Shown) -> None:
    """Everything the page shows of a comparison, top to bottom."""
    cmp = shown.cmp
    for name, replicate, error in cmp.failed:
        st.warning(f"Replication {replicate} of {name} failed: {error}")
    changed(cmp)
    cards(cmp, shown.summary, shown.differences)
    currency = cmp.runs[0].scenario.economics.currency
    views = (lambda: over_time(shown),          # in the order of CHARTS
             lambda: view.chart(charts.segment_figure(shown.summary, by="scenario", currency=currency),
                                "compare-segments"),
             lambda: differences(shown),
             lambda: view.chart(npv_figure(cmp), "compare-npv"))
    for tab, show in zip(st.tabs(CHARTS, key="compare-charts", on_change="rerun"), views, strict=True):
        if tab.open:                  # only the chosen tab is drawn; choosing another draws it from the cache
            with tab:
                show()
    files(cmp)


@dataclass(frozen=True)
class Shown:
    """A comparison with the tables its page draws, computed once when it is simulated.

    Changing the series, the segment or the page then aggregates nothing again: the time-series
    chart is drawn from the per-day bands, not from every replication's series.
    """

    cmp: Comparison
    summary: pd.DataFrame
    differences: pd.DataFrame
    bands: pd.DataFrame

    @classmethod
    def of(cls, cmp: Comparison) -> Shown:
        """Summaries, differences and bands of ``cmp``."""
        return cls(cmp, cmp.summary(), cmp.differences(),
                   charts.band_table(charts.joined(cmp.timeseries(), cmp.company_frame()), "scenario"))


def first_step(reps: int) -> int:
    """Replications of the first step, after which provisional cards are shown (a fifth of them, at least 1)."""
    return max(1, reps // 5)


def replications(cmp: Comparison) -> int:
    """Replications each scenario of ``cmp`` has run so far."""
    return len(cmp.runs[0].replications)


def provisional(cmp: Comparison, total: int) -> None:
    """KPI cards of the first replications of ``total``, clearly marked, while the others run."""
    st.warning(f"Provisional: {replications(cmp)} of {total} replications. The final figures replace these "
               "when all have run.", icon=":material/hourglass_top:")
    cards(cmp, cmp.summary(), cmp.differences(), prefix="draft-")


def npv_figure(cmp: Comparison) -> go.Figure:
    """NPV of every replication per scenario, in the scenarios' order and colours."""
    fig = charts.uncertainty_figure(cmp.to_frame().rename(columns={"scenario": "arm"}), ("npv", "npv_vs_baseline"),
                                    currency=cmp.runs[0].scenario.economics.currency)
    for trace in fig.data:
        trace.marker.color = charts.COLORS[cmp.names.index(trace.name) % len(charts.COLORS)]
    fig.update_xaxes(categoryorder="array", categoryarray=cmp.names)
    return fig.update_layout(title="NPV of each replication (box: quartiles; dots: replications)")


def changed(cmp: Comparison) -> None:
    """What each scenario changes against the reference, field by field in words."""
    with st.container(border=True, key="compare-changes"):
        st.markdown(f"**What changed against the reference, {view.plain(cmp.names[0])}**")
        for name, said in cmp.changes().items():
            st.markdown(f"*{view.plain(name)}*")
            st.markdown("\n".join(f"- {view.plain(line)}" for line in said or ["nothing: the two are the same"]))


def cards(cmp: Comparison, summary: pd.DataFrame, diff: pd.DataFrame, prefix: str = "") -> None:
    """KPI cards: a box per KPI with a column per scenario, each with its three uncertainty figures.

    ``prefix`` starts every container key (provisional cards are ``draft-kpi-…``, the final ``kpi-…``).
    """
    st.subheader("KPIs")
    st.caption("Mean over replications. Below each: the 95% CI of the mean and the P5–P95 spread over "
               "replications; for the other scenarios, the paired difference from the reference (same seeds) "
               "with its 95% CI and the share of replications in which the scenario does better.")
    if note := spread_note(len(cmp.runs[0].replications)):
        st.warning(note.replace("--reps", "the sidebar's replications,"), icon=":material/warning:")
    summary = summary[summary["segment"] == "all"].set_index(["scenario", "kpi"])
    diff = diff[diff["segment"] == "all"].set_index(["scenario", "kpi"])
    currency = cmp.runs[0].scenario.economics.currency
    consent = sorted({k for _, k in summary.index if k.startswith("consent.")})
    kpis = [*HEADLINE, *consent]
    st.html(CARDS_CSS)
    per_row = 2 if len(cmp.names) <= 2 else 1
    for start in range(0, len(kpis), per_row):
        for outer, kpi in zip(st.columns(per_row), kpis[start:start + per_row], strict=False):
            with outer.container(border=True):
                st.markdown(f"**{label(kpi)}**", help=term(kpi).meaning)
                with st.container(horizontal=True, key=f"{prefix}kpi-row-{kpi.replace('.', '-')}"):
                    for i, name in enumerate(cmp.names):
                        card(kpi, i, name, summary, diff, currency, prefix)


def card(kpi: str, i: int, name: str, summary: pd.DataFrame, diff: pd.DataFrame, currency: str,
         prefix: str = "") -> None:
    """One KPI of one scenario (container key ``<prefix>kpi-<scenario index>-<kpi>``)."""
    title = view.plain(name) + (" (reference)" if i == 0 else "")
    with st.container(key=f"{prefix}kpi-{i}-{kpi.replace('.', '-')}"):
        if (name, kpi) not in summary.index:
            st.metric(title, "–")
            st.caption("not in this scenario")
            return
        row = summary.loc[(name, kpi)]
        f = functools.partial(fmt, kpi, currency=currency)
        notes = [f"95% CI of mean {f(row['ci_low'])} – {f(row['ci_high'])}",
                 f"P5–P95 {f(row['p5'])} – {f(row['p95'])}"]
        delta, arrow = None, "auto"
        if i > 0 and (name, kpi) in diff.index:
            d = diff.loc[(name, kpi)]
            delta = "no difference" if d["diff"] == 0 else signed(kpi, d["diff"], currency)
            arrow = "off" if d["diff"] == 0 else "auto"
            better = "" if pd.isna(d["better_share"]) else f" · better in {d['better_share']:.0%}"
            notes.append(f"paired Δ 95% CI {signed(kpi, d['ci_low'], currency)} – "
                         f"{signed(kpi, d['ci_high'], currency)}{better}")
        sign = direction(kpi)
        st.metric(title, f(row["mean"]), delta=delta, delta_arrow=arrow,
                  delta_color="off" if arrow == "off" else "normal" if sign > 0 else "inverse" if sign < 0 else "off",
                  delta_description="vs reference" if delta else None)
        st.caption("  \n".join(view.plain(n) for n in notes))


def series_labels(metrics: set[str]) -> dict[str, str]:
    """Chartable daily metrics among ``metrics``, with their meaning."""
    out = {m: label(m) for m in sorted(metrics) if m.startswith("consent.")}
    out.update({m: label(m) for m in SERIES if m in metrics})
    return out


def over_time(shown: Shown) -> None:
    """Daily series with P5–P95 bands and event markers, the metrics and segment chosen by the user."""
    bands = shown.bands
    left, right = st.columns([3, 1])
    segments = sorted(set(bands["segment"]), key=lambda s: (s != "all", s))
    segment = right.selectbox("Segment", segments, key="compare-segment")
    shown_here = bands[bands["segment"] == segment]
    labels = series_labels(set(shown_here.loc[shown_here["mean"].notna(), "metric"]))
    default = [m for m in labels if m.startswith("consent.") or m in DEFAULT_SERIES]
    picked = left.multiselect("Series", list(labels), default=default, format_func=lambda m: labels[m],
                              key="compare-series")
    if not picked:
        return
    cmp = shown.cmp
    marks = sorted({m for run in cmp.runs for m in run.marks})
    fig = charts.band_figure(bands, [(m, labels[m]) for m in picked], by="scenario", marks=marks,
                             segment=segment, currency=cmp.runs[0].scenario.economics.currency)
    view.chart(fig, "compare-timeseries")


def differences(shown: Shown) -> None:
    """Paired against unpaired CIs of the differences, as a chart and a table."""
    diff = shown.differences
    currency = shown.cmp.runs[0].scenario.economics.currency
    view.chart(charts.differences_figure(diff, currency=currency), "compare-differences")
    with st.expander("Table of differences (whole population)"):
        st.dataframe(difference_rows(diff[diff["segment"] == "all"], currency), hide_index=True)


def files(cmp: Comparison) -> None:
    """Download buttons; each file is built only when its button is pressed."""
    st.subheader("Downloads")
    items = (("KPIs (CSV)", downloads.kpis_csv, "kpis.csv", "text/csv"),
             ("Differences (CSV)", downloads.differences_csv, "differences.csv", "text/csv"),
             ("KPIs per replication (CSV)", downloads.replications_csv, "replications.csv", "text/csv"),
             ("Daily series (Parquet)", downloads.timeseries_parquet, "timeseries.parquet",
              "application/vnd.apache.parquet"),
             ("Company series (Parquet)", downloads.company_parquet, "company.parquet",
              "application/vnd.apache.parquet"),
             ("HTML report", downloads.report_html, "report.html", "text/html"))
    row = st.container(horizontal=True)          # each button as wide as its label, wrapping where narrow
    for text, build, name, mime in items:
        row.download_button(text, functools.partial(build, cmp), file_name=f"privsim-compare-{name}", mime=mime,
                            on_click="ignore", key=f"download-{name}")
