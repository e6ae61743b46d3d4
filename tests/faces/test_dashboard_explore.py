"""Tolerance frontier and sensitivity pages over the experiment API."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from privsim.dashboard import workspace
from privsim.dashboard.cache import STORE
from privsim.dashboard.pages import frontier as page_frontier
from privsim.experiments.frontier import frontier
from privsim.experiments.sensitivity import sensitivity
from privsim.output.formatting import coefficient, fmt, label, value
from privsim.scenario.overrides import resize
from tests.faces.test_dashboard import page_app, texts

SIZE, REPS = 400, 2
PARAM = "strategy.practices.newsletter.contacts_per_month=1:16:3"


def default(size: int = SIZE):
    return resize(workspace.scenario(workspace.bundled()[workspace.DEFAULT]), size)


def test_frontier_page_marks_what_privsim_frontier_finds():
    at = page_app("pages.frontier", SIZE, REPS, **{"frontier-points": 3}).run()
    assert not at.exception
    said = page_frontier.swept(default(), PARAM)
    assert said.startswith("Practice “newsletter”: contacts per month") and "1 to 16, 3 points" in said
    assert any(c.replace("\\", "").startswith(said) for c in texts(at.caption))     # shown literally
    at.button(key="run-Run frontier").click().run()
    want = frontier(default(), PARAM, reps=REPS)
    line = next(m for m in texts(at.markdown) if m.startswith("**value-optimal**"))
    assert f"contacts per month: {value(want.value(want.optimum))} ·" in line
    table = at.dataframe[0].value
    assert list(table[label("npv")]) == [fmt("npv", v, "USD") for v in want.table["npv"]]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["title"]["text"].startswith("Tolerance frontier")


def test_frontier_consent_axis_sweeps_the_modes_picked():
    at = page_app("pages.frontier", SIZE, REPS, **{"frontier-axis": "consent"}).run()
    at.multiselect(key="frontier-modes").set_value(["opt_in"]).run()
    assert "Pick at least two consent modes." in texts(at.info)
    at.multiselect(key="frontier-modes").set_value(["opt_in", "opt_out"]).run()
    shown = [c.replace("\\", "") for c in texts(at.caption)]
    assert any(c.startswith("Practice “newsletter”: consent") and "opt-in, then opt-out" in c for c in shown), shown


def test_sensitivity_page_ranks_like_privsim_sensitivity_and_caches_the_result():
    at = page_app("pages.sensitivity", SIZE, REPS).run()
    assert any(c.startswith("3 coefficients → 7 points × 2 replications") for c in texts(at.caption))
    at.button(key="run-Run sensitivity").click().run()
    assert not at.exception
    want = sensitivity(default(), "tornado", params=["economics"], kpis=["npv"], reps=REPS).ranked("npv")
    shown = at.dataframe[0].value
    assert list(shown["coefficient"]) == [coefficient(p) for p in want["parameter"]]
    assert not any("e+" in v or "." in v.split()[0] for v in shown["coefficient"])    # words, not paths
    computed = STORE.computed
    at.radio(key="sensitivity-method").set_value("morris").run()
    at.radio(key="sensitivity-method").set_value("tornado").run()
    assert STORE.computed == computed and at.get("plotly_chart")


LIVE = '''
import streamlit as st
from privsim.dashboard import live

def compute(progress, on_point):
    on_point(0, "first")
    st.session_state["demo-cancelled"] = True       # the Cancel click lands while the run lasts
    on_point(1, "second")
    return "finished"

st.session_state["drawn"] = []
st.session_state["got"] = live.result("demo", "live-demo-key", compute,
                                      lambda partial: st.session_state["drawn"].append(partial),
                                      label="Run demo", what="demo run")
'''


def test_cancel_stops_a_streaming_run_and_stores_nothing():
    at = AppTest.from_string(LIVE, default_timeout=30).run()
    at.button(key="run-Run demo").click().run()
    assert not at.exception
    assert at.session_state["drawn"] == ["first"] and at.session_state["got"] is None
    assert any("cancelled; nothing was stored" in t for t in texts(at.info))
    assert STORE.get("live-demo-key") is None


def test_streamed_pages_leave_only_the_final_charts():
    at = page_app("pages.sensitivity", SIZE, 1).run()                   # 1 replication: not in the cache yet
    at.button(key="run-Run sensitivity").click().run()
    assert not at.exception and len(at.get("plotly_chart")) == 1       # one KPI: the final tornado only
    assert not [b for b in at.button if b.key == "sensitivity-cancel"]
