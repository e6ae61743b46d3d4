"""Worst-practice gallery (trainer mode): a historical case replayed beside its better practice, day by day."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from privsim.dashboard import settings, view
from privsim.dashboard.cache import run_key
from privsim.experiments.executors import Progress
from privsim.output import charts
from privsim.output.formatting import fmt, money
from privsim.tester.cases import CaseFile, CaseRun, case_ids, load_case, run_case

HISTORY, BETTER = "as it happened", "better practice"
TIMELINE = (("backlash", "backlash: share of active customers aware and offended"), ("salience", "media salience"),
            ("trust", "mean trust of active customers"), ("npv", "cumulative NPV"))
WHOLE = ("total_value", "npv", "backlash_peak", "privacy_churn", "complaints", "regulator_action", "fines")
DAY, SLIDER, PLAYING, SHOWN = "gallery-day", "gallery-slider", "gallery-playing", "gallery-shown"
FRAMES, TICK = 60, 0.8        # playback: about 60 steps over the horizon, one every 0.8 s
PRESENTATION_CSS = """<style>
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: 1.3rem; line-height: 1.6}
[data-testid="stMain"] [data-testid="stMetricValue"] {font-size: 2.6rem}
[data-testid="stMain"] h1 {font-size: 3.2rem}
</style>"""


@dataclass(frozen=True)
class Replay:
    """A replayed case, its whole-population daily series (one ``arm`` per run) and their y-ranges."""

    run: CaseRun
    series: pd.DataFrame
    ranges: dict[str, tuple[float, float]]


@functools.lru_cache(maxsize=64)
def case(case_id: str) -> CaseFile:
    """A case of the library (files do not change while the server runs)."""
    return load_case(case_id)


def replay(c: CaseFile, cfg: settings.Settings, seed: int, progress: Progress) -> Replay:
    """Run the case and its counterfactual on the same seeds."""
    run = run_case(c, cfg.reps, size=cfg.fit(c.scenario).population.size, seed=seed, executor=cfg.executor,
                   progress=progress)
    assert run.better is not None
    frames = [r.to_frame().assign(arm=arm) for r, arm in ((run.history, HISTORY), (run.better, BETTER))]
    series = pd.concat(frames, ignore_index=True)
    series = series[series["segment"].astype(str) == "all"].reset_index(drop=True)
    ranges = {}
    for metric, _ in TIMELINE:
        lo, hi = float(series[metric].min()), float(series[metric].max())
        pad = 0.05 * (hi - lo) or 0.05 * abs(hi) or 0.01
        ranges[metric] = (lo - pad, hi + pad)
    return Replay(run, series, ranges)


def page() -> None:
    """The Worst-practice gallery page."""
    if st.toggle("Presentation mode", key="gallery-present", persist_state="session",
                 help="Larger type for showing the case to a room."):
        st.html(PRESENTATION_CSS)
    ids = case_ids()
    cid = st.selectbox("Case", ids, key="gallery-case", persist_state="session",
                       format_func=lambda i: case(i).scenario.name)
    c = case(cid)
    if st.session_state.get(SHOWN) != cid:
        st.session_state[SHOWN], st.session_state[DAY], st.session_state[PLAYING] = cid, 0, False
    story(c)
    cfg = settings.current()
    seed = cfg.seed_for(c.scenario)
    key = run_key("case", [cfg.fit(c.scenario), cfg.fit(c.counterfactual())], seed, cfg.reps)
    result = view.result(key, lambda progress: replay(c, cfg, seed, progress), label="Replay the case", auto=True,
                         what="replay")
    if result is None:
        return
    timeline(result, c.scenario.horizon_days, c.scenario.economics.currency)
    outcome(result.run, c.scenario.economics.currency)


def story(c: CaseFile) -> None:
    """The case as a trainer tells it: story, what happened, lesson, the better practice, sources."""
    meta = c.case
    st.title(c.scenario.name)
    st.caption(f"{meta.company}, {meta.year} · {c.scenario.strategy.name}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("The story")
        st.markdown(view.plain(meta.story.strip()))
        st.subheader("What happened")
        st.markdown(view.plain(meta.what_happened.strip()))
    with right:
        st.subheader("Lesson")
        st.info(view.plain(meta.lesson.strip()), icon=":material/lightbulb:")
        st.subheader("The better practice")
        st.markdown("\n".join(f"- `{k}` → `{v}`" for k, v in (c.scenario.counterfactual or {}).items()))
        with st.expander("Sources"):
            st.markdown("\n".join(f"- <{url}>" for url in meta.sources))


def toggle(horizon: int) -> None:
    """Play or pause; playing from the last day starts again at day 0."""
    playing = not st.session_state.get(PLAYING, False)
    if playing and st.session_state.get(DAY, 0) >= horizon - 1:
        st.session_state[DAY] = 0
    st.session_state[PLAYING] = playing


def moved() -> None:
    """The slider was moved by hand: that day is the timeline's day."""
    st.session_state[DAY] = st.session_state[SLIDER]


def timeline(r: Replay, horizon: int, currency: str) -> None:
    """The two runs stepped day by day: play/pause, a day slider, readouts, events so far and the chart."""
    st.subheader("Day by day: as it happened beside the better practice")
    playing = st.session_state.get(PLAYING, False)
    step = max(1, horizon // FRAMES)
    st.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
              on_click=toggle, args=(horizon,), key="gallery-play",
              help=f"Steps the timeline {step} day(s) every {TICK:g} s; when paused, the slider picks a day.")

    @st.fragment(run_every=TICK if playing else None)
    def frame() -> None:
        day = st.session_state.get(DAY, 0)
        if st.session_state.get(PLAYING, False):
            day = st.session_state[DAY] = min(day + step, horizon - 1)
            if day >= horizon - 1:
                st.session_state[PLAYING] = False
                st.rerun()
            st.progress(day / (horizon - 1), text=f"Day {day} of {horizon - 1}")
        else:
            st.session_state[SLIDER] = day
            st.slider("Day", 0, horizon - 1, key=SLIDER, on_change=moved)
        readouts(r, day, currency)
        shown = r.series[r.series["day"] <= day]
        marks = [m for m in r.run.history.marks if m[0] <= day]
        fig = charts.timeseries_figure(shown, TIMELINE, by="arm", marks=marks)
        for row, (metric, _) in enumerate(TIMELINE, start=1):      # axes stay put while the lines grow
            fig.update_yaxes(range=list(r.ranges[metric]), row=row, col=1)
        view.chart(fig.update_xaxes(range=[0, horizon - 1]), "gallery-timeline")

    frame()


def readouts(r: Replay, day: int, currency: str) -> None:
    """Where both runs stand on ``day`` (means over replications), and the events so far."""
    today = r.series[r.series["day"] == day].groupby("arm")[["backlash", "trust", "active", "npv"]].mean()
    so_far = (r.series[r.series["day"] <= day].groupby(["arm", "replicate"])[["opt_outs", "complaints"]].sum()
              .groupby("arm").mean())
    values = {arm: {"Backlash": today.loc[arm, "backlash"], "Mean trust": today.loc[arm, "trust"],
                    "Active customers": today.loc[arm, "active"], "Cumulative NPV": today.loc[arm, "npv"],
                    "Opt-outs so far": so_far.loc[arm, "opt_outs"], "Complaints so far": so_far.loc[arm, "complaints"]}
              for arm in (HISTORY, BETTER)}
    shown = {"Backlash": lambda v: f"{v:.2%}", "Mean trust": lambda v: f"{v:.3f}",
             "Cumulative NPV": lambda v: money(v, currency)}
    for col, arm in zip(st.columns(2), (HISTORY, BETTER), strict=True):
        with col.container(border=True, key=f"gallery-{arm.replace(' ', '-')}"):
            st.markdown(f"**{arm.capitalize()}** · day {day}")
            cells = st.columns(3)
            for k, (name, value) in enumerate(values[arm].items()):
                show = shown.get(name, compact)
                delta = 0.0 if arm == HISTORY else value - values[HISTORY][name]
                change = None if delta == 0 else f"{delta * 100:+.2f} pp" if name == "Backlash" else show(delta)
                cells[k % 3].metric(name, show(value), delta=change,
                                    delta_color="normal" if name in ("Mean trust", "Active customers",
                                                                     "Cumulative NPV") else "inverse")
    events = [f"day {d}: {kind.replace('_', ' ')} {what}".strip() for d, kind, what in r.run.history.marks
              if d <= day]
    st.caption("Events so far (as it happened): " + ("; ".join(events) if events else "none yet"))


def compact(value: float) -> str:
    """A count in few characters: 14.1M, 9,400."""
    for scale, suffix in ((1e9, "bn"), (1e6, "M")):
        if abs(value) >= scale:
            return f"{value / scale:.3g}{suffix}"
    return f"{value:,.0f}"


def outcome(run: CaseRun, currency: str) -> None:
    """Over the whole horizon: the case against the better practice, and against history."""
    st.subheader("Over the whole horizon")
    for col, kpi in zip(st.columns(len(WHOLE)), WHOLE, strict=True):
        case_value, better = run.mean(kpi), run.mean(kpi, counterfactual=True)
        col.metric(view.kpi_label(kpi), fmt(kpi, case_value, currency),
                   delta=f"better practice: {fmt(kpi, better, currency)}", delta_arrow="off", delta_color="off")
    st.subheader("What happened beside the simulation")
    rows = [{"KPI": x.observation.kpi, "what happened": x.observation.text,
             "observed": fmt(x.observation.kpi, x.observation.value, currency),
             "simulated": fmt(x.observation.kpi, x.simulated, currency),
             "better practice": fmt(x.observation.kpi, x.counterfactual if x.counterfactual is not None
                                    else float("nan"), currency),
             "agrees": "yes" if x.agrees else "no", "why not": "" if x.agrees else (x.observation.note or "").strip()}
            for x in run.comparisons]
    st.table(pd.DataFrame(rows).set_index("KPI"))
    gap = run.case.case.model_gap
    if gap:
        with st.expander("Where the model departs from history"):
            st.markdown(view.plain(gap.strip()))
