"""Worst-practice gallery (trainer mode): a historical case replayed beside its better practice, day by day."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from privsim.dashboard import settings, view
from privsim.dashboard.cache import run_key
from privsim.experiments.executors import Progress
from privsim.figures import plain
from privsim.model.vocabulary import term
from privsim.output import charts
from privsim.output.formatting import fmt, label, signed
from privsim.scenario.words import patch_in_words
from privsim.tester.cases import CaseFile, CaseRun, case_ids, load_case, run_case

HISTORY, BETTER = "as it happened", "better practice"
TIMELINE = (("backlash", "backlash: share of active customers aware and offended"), ("salience", "media salience"),
            ("trust", "mean trust of active customers"), ("npv", "cumulative NPV"))
READOUTS = (("backlash", "Backlash"), ("trust", "Mean trust"), ("active", "Customers"), ("npv", "NPV so far"),
            ("opt_outs", "Opt-outs so far"), ("complaints", "Complaints so far"))      # short: they sit side by side
WHOLE = ("total_value", "npv", "backlash_peak", "privacy_churn", "complaints", "regulator_action", "fines")
EFFECT = ("total_value", "backlash_peak", "regulator_action")      # the better practice's effect, in one line
DAY, SLIDER, PLAYING, SHOWN = "gallery-day", "gallery-slider", "gallery-playing", "gallery-shown"
FRAMES, TICK = 60, 0.8        # playback: about 60 steps over the horizon, one every 0.8 s
CHART_HEIGHT = {False: 230, True: 330}      # px per panel of the timeline; taller in presentation mode
CHART_FONT = {False: 12, True: 17}          # px of the timeline's text, larger in presentation mode
# Cards take the width their text needs and wrap to a new row instead of cutting it ("0.…", "Cumulat…"):
# values never break, labels may break between words.
GALLERY_CSS = """<style>
[class*="st-key-gallery-cells"] > div {flex: 1 1 auto; width: max-content; max-width: 100%}
.st-key-gallery-readouts > div {flex: 1 1 0; min-width: min(17rem, 100%)}
[class*="st-key-gallery-cells"] [data-testid="stMetricLabel"] *,
[class*="st-key-gallery-cells"] [data-testid="stMetricDelta"] * {white-space: normal; overflow: visible}
[class*="st-key-gallery-cells"] [data-testid="stMetricValue"] {font-size: 1.9rem}
</style>"""
# A room: no sidebar, larger values, labels and text, the chart taller (PRESENTATION_CSS follows GALLERY_CSS)
PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"]
  {display: none}
[data-testid="stMain"] [data-testid="stMarkdownContainer"] p,
[data-testid="stMain"] [data-testid="stMarkdownContainer"] li {font-size: 1.3rem; line-height: 1.6}
[data-testid="stMain"] [data-testid="stMetricValue"] [data-testid="stMarkdownContainer"] p {font-size: 2.8rem;
  line-height: 1.3}
[data-testid="stMain"] [data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"] p {font-size: 1.25rem}
[data-testid="stMain"] [data-testid="stMetricDelta"] div {font-size: 1.15rem}
[data-testid="stMain"] [data-testid="stCaptionContainer"] {font-size: 1.1rem}
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
    run = run_case(c, cfg.reps, size=cfg.fit(c.scenario).population.size, seed=seed, executor=cfg.runner(),
                   progress=progress)
    assert run.better is not None
    frames = [charts.joined(r.to_frame(), r.company_frame()).assign(arm=arm)
              for r, arm in ((run.history, HISTORY), (run.better, BETTER))]
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
    present = st.toggle("Presentation mode", key="gallery-present", persist_state="session",
                        help="For showing the case to a room: no sidebar, larger type, a taller chart.")
    st.html(GALLERY_CSS + (PRESENTATION_CSS if present else ""))
    ids = case_ids()
    cid = st.selectbox("Case", ids, key="gallery-case", persist_state="session",
                       format_func=lambda i: case(i).scenario.name)
    c = case(cid)
    if st.session_state.get(SHOWN) != cid:
        st.session_state[SHOWN], st.session_state[DAY], st.session_state[PLAYING] = cid, 0, False
    effect = story(c)
    cfg = settings.current()
    seed = cfg.seed_for(c.scenario)
    key = run_key("case", [cfg.fit(c.scenario), cfg.fit(c.counterfactual())], seed, cfg.reps)
    result = view.result(key, lambda progress: replay(c, cfg, seed, progress), label="Replay the case", auto=True,
                         what="replay")
    if result is None:
        return
    currency = c.scenario.economics.currency
    effect.markdown(view.plain(effect_words(result.run, currency)))
    timeline(result, c.scenario.horizon_days, currency, present)
    outcome(result.run, currency)


def story(c: CaseFile) -> st.delta_generator.DeltaGenerator:
    """The case as a trainer tells it: story, what happened, lesson, the better practice in words, sources.

    Returns the place for the better practice's effect, filled once the replay is known.
    """
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
        st.markdown("\n".join(f"- {view.plain(line)}"
                               for line in patch_in_words(c.scenario, c.scenario.counterfactual or {})))
        effect = st.empty()
        with st.expander("Sources"):
            st.markdown("\n".join(f"- <{url}>" for url in meta.sources))
    return effect


def effect_words(run: CaseRun, currency: str) -> str:
    """One line: what the better practice changes over the whole horizon (total value, backlash, regulator)."""
    parts = [f"{label(k).split(' (')[0].lower()} from {fmt(k, run.mean(k), currency)} to "
             f"{fmt(k, run.mean(k, counterfactual=True), currency)} "
             f"({signed(k, run.mean(k, counterfactual=True) - run.mean(k), currency)})" for k in EFFECT]
    return f"Over the whole horizon it changes {', '.join(parts[:-1])} and {parts[-1]}."


def toggle(horizon: int) -> None:
    """Play or pause; playing from the last day starts again at day 0."""
    playing = not st.session_state.get(PLAYING, False)
    if playing and st.session_state.get(DAY, 0) >= horizon - 1:
        st.session_state[DAY] = 0
    st.session_state[PLAYING] = playing


def moved() -> None:
    """The slider was moved by hand: that day is the timeline's day."""
    st.session_state[DAY] = st.session_state[SLIDER]


def step(horizon: int) -> int:
    """Days one frame of playback moves on."""
    return max(1, horizon // FRAMES)


def advance(day: int, horizon: int) -> int:
    """The next frame's day: a step on, and the last frame exactly on the last day (``horizon − 1``)."""
    return min(day + step(horizon), horizon - 1)


def timeline(r: Replay, horizon: int, currency: str, present: bool) -> None:
    """The two runs stepped day by day: play/pause, a day slider, readouts, events so far and the chart.

    The slider, the progress text and the readouts all show one day, the session's ``DAY``.
    """
    st.subheader("Day by day: as it happened beside the better practice")
    playing = st.session_state.get(PLAYING, False)
    st.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
              on_click=toggle, args=(horizon,), key="gallery-play",
              help=f"Steps the timeline {step(horizon)} day(s) every {TICK:g} s; when paused, the slider picks a "
                   "day.")

    @st.fragment(run_every=TICK if playing else None)
    def frame() -> None:
        day = st.session_state.get(DAY, 0)
        if st.session_state.get(PLAYING, False):
            day = st.session_state[DAY] = advance(day, horizon)
            if day == horizon - 1:        # the last frame: stop, and show it with the slider (and the Play button)
                st.session_state[PLAYING] = False
                st.rerun()
            st.progress(day / (horizon - 1), text=f"Day {day} of {horizon - 1}")
        else:
            st.session_state[SLIDER] = day
            st.slider("Day", 0, horizon - 1, key=SLIDER, on_change=moved)
        readouts(r, day, currency)
        shown = r.series[r.series["day"] <= day]
        marks = [m for m in r.run.history.marks if m[0] <= day]
        fig = charts.timeseries_figure(shown, TIMELINE, by="arm", marks=marks, currency=currency)
        for row, (metric, _) in enumerate(TIMELINE, start=1):      # axes stay put while the lines grow
            fig.update_yaxes(range=list(r.ranges[metric]), row=row, col=1)
        fig.update_layout(height=CHART_HEIGHT[present] * len(TIMELINE) + 80, font_size=CHART_FONT[present])
        fig.update_annotations(font_size=CHART_FONT[present])
        view.chart(fig.update_xaxes(range=[0, horizon - 1]), "gallery-timeline")

    frame()


def readouts(r: Replay, day: int, currency: str) -> None:
    """Where both runs stand on ``day`` (means over replications), and the events so far."""
    today = r.series[r.series["day"] == day].groupby("arm")[["backlash", "trust", "active", "npv"]].mean()
    so_far = (r.series[r.series["day"] <= day].groupby(["arm", "replicate"])[["opt_outs", "complaints"]].sum()
              .groupby("arm").mean())
    values = pd.concat([today, so_far], axis=1)
    with st.container(horizontal=True, key="gallery-readouts"):
        for arm in (HISTORY, BETTER):
            slug = arm.replace(" ", "-")
            with st.container(border=True, key=f"gallery-{slug}"):
                st.markdown(f"**{arm.capitalize()}** · day {day}")
                with st.container(horizontal=True, key=f"gallery-cells-{slug}"):
                    for name, short in READOUTS:
                        value, delta = values.loc[arm, name], values.loc[arm, name] - values.loc[HISTORY, name]
                        better = term(name).better
                        st.metric(short, shown(name, value, currency), help=term(name).meaning.capitalize(),
                                  delta=None if arm == HISTORY or delta == 0 else shown(name, delta, currency, True),
                                  delta_color="off" if not better else "normal" if better > 0 else "inverse")
    events = [f"day {d}: {kind.replace('_', ' ')} {what}".strip() for d, kind, what in r.run.history.marks
              if d <= day]
    st.caption("Events so far (as it happened): " + ("; ".join(events) if events else "none yet"))


def shown(name: str, value: float, currency: str, difference: bool = False) -> str:
    """A readout in its unit (as everywhere), customers in few characters (14.1M) so that cards stay narrow."""
    if name == "active" and abs(value) >= 1e6:
        return f"{'+' if difference and value > 0 else ''}{plain(value / 1e6)}M"
    return signed(name, value, currency) if difference else fmt(name, value, currency)


def outcome(run: CaseRun, currency: str) -> None:
    """Over the whole horizon: the case against the better practice, and against history."""
    st.subheader("Over the whole horizon")
    with st.container(horizontal=True, key="gallery-cells-whole"):
        for kpi in WHOLE:
            case_value, better = run.mean(kpi), run.mean(kpi, counterfactual=True)
            st.metric(label(kpi), fmt(kpi, case_value, currency),
                      delta=f"better practice: {fmt(kpi, better, currency)}", delta_arrow="off", delta_color="off")
    st.subheader("What happened beside the simulation")
    rows = [{"KPI": label(x.observation.kpi), "what happened": x.observation.text,
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
