"""Run & compare page: the KPI cards show what privsim.compare gives; views never rerun a simulation."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from privsim.dashboard import view, workspace
from privsim.dashboard.cache import STORE
from privsim.dashboard.pages import compare as page_compare
from privsim.experiments.compare import compare
from privsim.output.formatting import fmt, signed
from privsim.scenario.overrides import resize
from tests.faces.test_dashboard import charts, page_app, texts

SIZE, REPS = 600, 2


@pytest.fixture(scope="module")
def ran():
    at = page_app("pages.compare", SIZE, REPS).run()
    assert not at.exception and "Press **Run comparison**" in texts(at.info)[0]
    before = STORE.computed
    at.button(key="run-Run comparison").click().run()
    assert not at.exception
    assert STORE.computed == before + 1
    return at


@pytest.fixture(scope="module")
def expected():
    entries = workspace.bundled()
    scenarios = [resize(workspace.scenario(entries[label]), SIZE) for label in workspace.DEFAULT_COMPARE]
    return compare(scenarios, REPS)


def test_kpi_cards_show_the_figures_privsim_compare_gives(ran, expected):
    summary = expected.summary()
    summary = summary[summary["segment"] == "all"].set_index(["scenario", "kpi"])["mean"]
    diff = expected.differences()
    diff = diff[diff["segment"] == "all"].set_index(["scenario", "kpi"])["diff"]
    consent = sorted({k for _, k in summary.index if k.startswith("consent.")})
    kpis = [*page_compare.HEADLINE, *consent]
    metrics = list(ran.metric)
    assert len(metrics) == len(kpis) * 2
    for k, kpi in enumerate(kpis):
        for i, name in enumerate(expected.names):
            card = metrics[2 * k + i]
            assert card.label.startswith(view.plain(name))
            want = fmt(kpi, summary[(name, kpi)], "USD") if (name, kpi) in summary.index else "–"
            assert card.value == want, (kpi, name)
        if (expected.names[1], kpi) in diff.index:
            d = diff[(expected.names[1], kpi)]
            shown = "no difference" if d == 0 else signed(kpi, d, "USD")
            assert metrics[2 * k + 1].delta == shown, kpi


def test_cards_state_their_three_uncertainty_figures(ran):
    notes = [c for c in texts(ran.caption) if c.startswith("95% CI of mean")]
    assert len(notes) >= 2 * len(page_compare.HEADLINE) - 2
    assert any("paired Δ 95% CI" in n and "better in" in n for n in notes)
    assert all("P5–P95" in n for n in notes)


def test_charts_time_series_with_event_markers_segments_differences_and_npv(ran, expected):
    assert [t.label for t in ran.tabs] == list(page_compare.CHARTS)
    computed, specs = STORE.computed, []
    kept = [c for c in texts(ran.caption) if c.startswith("Kept as ")]
    assert len(kept) == 1
    for tab in page_compare.CHARTS:                 # only the chosen tab's chart is drawn, from the cache
        ran.session_state["compare-charts"] = tab
        ran.run()
        assert not ran.exception
        drawn = charts(ran)
        assert len(drawn) == 1, tab
        specs.append(json.loads(drawn[0].proto.spec))
        assert [c for c in texts(ran.caption) if c.startswith("Kept as ")] == kept, tab   # still says where
    ran.session_state["compare-charts"] = page_compare.CHARTS[0]
    ran.run()
    assert STORE.computed == computed and len(charts(ran)) == 1
    series, segments, differences, npv = specs
    assert {t.get("name") for t in series["data"]} >= set(expected.names)
    marks = " ".join(a.get("hovertext", "") for a in series["layout"]["annotations"])
    assert all(m in marks for m in ("start newsletter", "discovery ad_profiling", "reversal ad_profiling"))
    assert "segment" in segments["layout"]["title"]["text"].lower()
    assert "Difference from" in differences["layout"]["title"]["text"]
    line = {t["name"]: t["line"]["color"] for t in series["data"] if t.get("name") in expected.names}
    assert {t["name"]: t["marker"]["color"] for t in npv["data"]} == line      # same colour per scenario
    assert npv["layout"]["xaxis"]["categoryarray"] == expected.names
    labels = [b.label for b in ran.get("download_button")]
    assert labels == ["KPIs (CSV)", "Differences (CSV)", "KPIs per replication (CSV)", "Daily series (Parquet)",
                      "Company series (Parquet)", "HTML report"]


def test_changing_a_view_never_reruns_the_simulation(ran):
    computed = STORE.computed
    ran.multiselect(key="compare-series").set_value(["trust"]).run()
    ran.selectbox(key="compare-segment").set_value("pragmatist").run()
    assert not ran.exception and STORE.computed == computed
    assert any(c.startswith("From the result cache (nothing was rerun)") for c in texts(ran.caption))
    assert ran.button(key="run-Run comparison").disabled
    spec = json.loads(charts(ran)[0].proto.spec)
    assert spec["layout"]["annotations"][0]["text"] == "Mean trust"
    assert spec["layout"]["yaxis"]["tickformat"] == ".2f"          # a score, not a share


def test_new_settings_wait_for_the_button_and_the_old_ones_come_back_from_the_cache(ran):
    computed = STORE.computed
    ran.session_state["reps"] = REPS + 1
    ran.run()
    assert "Press **Run comparison**" in texts(ran.info)[0] and not ran.metric
    ran.session_state["reps"] = REPS
    ran.run()
    assert ran.metric and STORE.computed == computed


def test_fewer_than_two_scenarios_asks_for_more():
    at = page_app("pages.compare", SIZE, REPS).run()
    at.multiselect(key="compare-pick").set_value([workspace.DEFAULT]).run()
    assert "Pick two to four scenarios." in texts(at.info) and not at.button


def test_first_cards_come_from_the_first_replications_and_the_final_ones_replace_them(monkeypatch):
    """Provisional cards rest on replicate 0 alone; after the run only the final cards are on the page."""
    seen = []

    def recording(cmp, total):
        seen.append((cmp, total))
        original(cmp, total)

    original = page_compare.provisional
    monkeypatch.setattr(page_compare, "provisional", recording)
    at = page_app("pages.compare", SIZE, 3, seed=29).run()
    at.button(key="run-Run comparison").click().run()
    assert not at.exception
    [(first, total)] = seen
    assert total == 3 and len(first.runs[0].replications) == 1
    scenarios = [run.scenario for run in first.runs]
    pd.testing.assert_frame_equal(first.summary(), compare(scenarios, 1, seed=29).summary())
    assert not any("Provisional" in w for w in texts(at.warning))
    assert len(list(at.metric)) == 2 * len([m for m in at.metric if m.label.endswith("(reference)")])


def test_provisional_cards_say_on_how_many_replications_they_rest():
    def script():
        from privsim.dashboard import workspace
        from privsim.dashboard.pages import compare as page
        from privsim.experiments.compare import compare_steps
        from privsim.scenario.overrides import resize

        entries = workspace.bundled()
        scenarios = [resize(workspace.scenario(entries[name]), 400) for name in workspace.DEFAULT_COMPARE]
        page.provisional(next(compare_steps(scenarios, 4, first=1)), 4)

    at = AppTest.from_function(script, default_timeout=120).run()
    assert not at.exception
    assert texts(at.warning)[0].startswith("Provisional: 1 of 4 replications")
    assert at.metric and all(m.value for m in at.metric)
