"""Tolerance frontier and sensitivity pages over the experiment API."""

from __future__ import annotations

import json

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
