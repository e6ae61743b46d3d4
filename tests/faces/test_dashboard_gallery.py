"""Worst-practice gallery: story, sources and lesson; history beside the simulation; timeline playback."""

from __future__ import annotations

import json

import pytest

from privsim.dashboard import view
from privsim.dashboard.cache import STORE
from privsim.dashboard.pages import gallery as page_gallery
from privsim.output.formatting import fmt, label
from privsim.scenario.words import patch_in_words
from privsim.tester.cases import load_case, run_case
from tests.faces.test_dashboard import page_app, texts

CASE, SIZE, REPS = "facebook_beacon_2007", 500, 2


@pytest.fixture(scope="module")
def gallery():
    at = page_app("pages.gallery", SIZE, REPS, **{"gallery-case": CASE}).run()
    assert not at.exception
    return at


def day_shown(at) -> int:
    header = next(m.value for m in at.markdown if m.value.startswith("**As it happened** · day "))
    return int(header.rsplit(" ", 1)[1])


def test_the_case_is_told_with_story_lesson_better_practice_and_sources(gallery):
    case = load_case(CASE)
    assert gallery.title[0].value == case.scenario.name
    body = " ".join(texts(gallery.markdown))
    assert view.plain(case.case.story.strip()) in body and view.plain(case.case.what_happened.strip()) in body
    assert texts(gallery.info)[0] == view.plain(case.case.lesson.strip())
    assert "- " + view.plain("Practice “beacon”: consent — opt-out → opt-in") in body
    assert "strategy.practices" not in body and "`" not in body
    effect = next(m.value for m in gallery.markdown if "Over the whole horizon it changes" in m.value)
    run = run_case(case, REPS, size=SIZE)
    assert view.plain(f"total value from {fmt('total_value', run.mean('total_value'), 'USD')} to "
                      f"{fmt('total_value', run.mean('total_value', counterfactual=True), 'USD')}") in effect
    assert "backlash peak from" in effect and "regulator investigation from" in effect
    assert all(f"<{url}>" in body for url in case.case.sources)


def test_what_happened_stands_beside_the_simulated_case_and_its_counterfactual(gallery):
    case = load_case(CASE)
    run = run_case(case, REPS, size=SIZE)
    table = gallery.table[0].value.reset_index()
    assert list(table["KPI"]) == [label(o.kpi) for o in case.case.observed]
    for row, x in zip(table.to_dict("records"), run.comparisons, strict=True):
        assert row["simulated"] == fmt(x.observation.kpi, x.simulated, "USD")
        assert row["better practice"] == fmt(x.observation.kpi, x.counterfactual, "USD")
        assert row["agrees"] == ("yes" if x.agrees else "no")
    whole = {m.label: m.value for m in gallery.metric if m.label in {"NPV", "Backlash peak"}}
    assert whole["Backlash peak"] == fmt("backlash_peak", run.mean("backlash_peak"), "USD")


def test_the_day_slider_steps_the_readouts_and_the_chart(gallery):
    gallery.slider(key=page_gallery.SLIDER).set_value(40).run()
    assert day_shown(gallery) == 40
    spec = json.loads(gallery.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["xaxis"]["range"] == [0, 364]
    gallery.slider(key=page_gallery.SLIDER).set_value(300).run()
    later = json.loads(gallery.get("plotly_chart")[0].proto.spec)
    assert later["layout"]["yaxis"]["range"] == spec["layout"]["yaxis"]["range"]     # axes stay put
    assert spec["layout"]["yaxis"]["range"][1] > 0.01        # room for the backlash peak still to come
    gallery.slider(key=page_gallery.SLIDER).set_value(40).run()
    events = next(c for c in texts(gallery.caption) if c.startswith("Events so far"))
    assert "day 14: discovery beacon" in events and "reversal" not in events     # Facebook backed down later


def test_play_steps_the_timeline_and_pause_stops_it_without_rerunning_the_simulation(gallery):
    computed = STORE.computed
    gallery.slider(key=page_gallery.SLIDER).set_value(100).run()
    step = max(1, 365 // page_gallery.FRAMES)
    gallery.button(key="gallery-play").click().run()
    assert day_shown(gallery) == 100 + step and not gallery.slider
    assert "reversal beacon" in next(c for c in texts(gallery.caption) if c.startswith("Events so far"))
    assert gallery.button(key="gallery-play").label == "Pause"
    gallery.run()
    assert day_shown(gallery) == 100 + 2 * step
    gallery.button(key="gallery-play").click().run()
    assert day_shown(gallery) == 100 + 2 * step and gallery.slider(key=page_gallery.SLIDER).value == 100 + 2 * step
    assert STORE.computed == computed


def test_playback_stops_on_the_last_day_and_a_new_case_starts_at_day_zero(gallery):
    gallery.slider(key=page_gallery.SLIDER).set_value(362).run()
    gallery.button(key="gallery-play").click().run()
    gallery.run()
    assert day_shown(gallery) == 364 and gallery.button(key="gallery-play").label == "Play"
    gallery.selectbox(key="gallery-case").set_value("path_address_book_2011").run()
    assert day_shown(gallery) == 0 and not gallery.exception


def test_every_case_shows_its_better_practice_in_words():
    at = page_app("pages.gallery", SIZE, REPS, **{"gallery-case": "uber_god_view_2014"}).run()
    case = load_case("uber_god_view_2014")
    body = " ".join(texts(at.markdown))
    for line in patch_in_words(case.scenario, case.scenario.counterfactual):
        assert view.plain(line) in body
    assert "Operations, service desk" in " ".join(patch_in_words(case.scenario, case.scenario.counterfactual))


def test_playback_to_the_end_shows_the_last_day_on_slider_and_readouts_alike():
    at = page_app("pages.gallery", SIZE, 1, **{"gallery-case": "23andme_breach_2023"}).run()
    horizon = load_case("23andme_breach_2023").scenario.horizon_days
    at.slider(key=page_gallery.SLIDER).set_value(horizon - 3 * page_gallery.step(horizon) + 1).run()
    at.button(key="gallery-play").click().run()
    while at.session_state[page_gallery.PLAYING]:
        progress = at.get("progress")[0].proto.text
        assert progress == f"Day {day_shown(at)} of {horizon - 1}"        # the progress text is the readouts' day
        at.run()
    assert day_shown(at) == at.slider(key=page_gallery.SLIDER).value == horizon - 1
    assert at.button(key="gallery-play").label == "Play"
    assert page_gallery.advance(horizon - 2, horizon) == horizon - 1 == page_gallery.advance(horizon - 1, horizon)


def test_presentation_mode_hides_the_sidebar_and_enlarges_the_type_and_the_chart():
    at = page_app("pages.gallery", SIZE, REPS, **{"gallery-case": CASE, "gallery-present": True}).run()
    css = " ".join(h.proto.body for h in at.get("html"))
    assert "font-size: 1.3rem" in css and '[data-testid="stSidebar"]' in css
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["height"] == page_gallery.CHART_HEIGHT[True] * len(page_gallery.TIMELINE) + 80
