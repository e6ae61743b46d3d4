"""Hypothesis properties of whole-engine runs on random small scenarios."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privsim.experiments.runs import simulate
from privsim.model.engine import Replication
from privsim.scenario import taxonomy
from privsim.scenario.load import scenario_from_data

SEGMENTS = {
    "fundamentalist": {"share": 0.25, "concern": 0.85, "trust": 0.45, "annual_value": 300, "churn_per_year": 0.12},
    "pragmatist": {"share": 0.60, "concern": 0.50, "trust": 0.60, "annual_value": 350, "churn_per_year": 0.10},
    "unconcerned": {"share": 0.15, "concern": 0.15, "trust": 0.70, "annual_value": 380, "churn_per_year": 0.09},
}


@st.composite
def practices(draw, i):
    consent = draw(st.sampled_from(taxonomy.CONSENT_MODES))
    disclosed = True if consent in ("opt_in", "opt_out") else draw(st.booleans())
    contact = draw(st.booleans())
    return {
        "id": f"p{i}", "purpose": draw(st.sampled_from(sorted(taxonomy.PURPOSES))),
        "data": draw(st.lists(st.sampled_from(sorted(taxonomy.CATEGORIES)), min_size=1, max_size=3, unique=True)),
        "consent": consent, "disclosed": disclosed,
        "channel": "email" if contact else "none",
        "contacts_per_month": draw(st.floats(1, 40)) if contact else 0.0,
        "revenue_lift": draw(st.floats(0, 0.2)), "start_day": draw(st.integers(0, 20)),
        "ui_patterns": draw(st.lists(st.sampled_from(taxonomy.UI_PATTERNS), max_size=2, unique=True)),
        "visibility": draw(st.sampled_from(["targeted", "all_at_once"])),
    }


@st.composite
def scenarios(draw):
    n = draw(st.integers(1, 3))
    events = []
    if draw(st.booleans()):
        events.append({"type": "media_story", "day": draw(st.integers(0, 40)), "practices": ["p0"]})
    if draw(st.booleans()):
        events.append({"type": "breach", "day": draw(st.integers(0, 40)),
                       "share_of_records": draw(st.floats(0.01, 1.0))})
    if draw(st.booleans()):
        events.append({"type": "repermission_campaign", "day": draw(st.integers(1, 40)), "practices": ["p0"],
                       "target": draw(st.sampled_from(["lapsed", "opted_out", "all_without_consent"]))})
    return scenario_from_data({
        "schema": 1, "name": "property", "horizon_days": draw(st.integers(41, 70)), "seed": draw(st.integers(0, 999)),
        "population": {"size": draw(st.integers(50, 400)), "represents": draw(st.sampled_from([1, 3.5])),
                       "lock_in": draw(st.floats(0, 1)), "segments": SEGMENTS,
                       "network": {"kind": draw(st.sampled_from(["mean_field", "small_world"])), "degree": 6}},
        "strategy": {"practices": [draw(practices(i)) for i in range(n)],
                     "controls": {"opt_out_latency_days": draw(st.sampled_from([0, 3, 10, None]))},
                     "response": {"actions": draw(st.sampled_from([[], ["apologise", "stop"]]))}},
        "events": events,
    })


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(scenarios())
def test_conservation_bounds_and_no_nan(s):
    r = simulate(s, 0)
    real = s.population.size * s.population.represents
    active = r.series["active"][:, -1]
    assert np.allclose(active + np.cumsum(r.series["churned"][:, -1]), real)
    for metric, values in r.series.items():
        assert not np.isnan(values).any(), metric
        floor = -s.behavior.churn.loyalty_max if metric == "intent" else 0.0   # trust earned: intent to stay
        assert (values >= floor - 1e-6).all(), metric
        if metric in ("trust", "intent", "backlash") or metric.startswith("consent."):
            assert (values <= 1.0 + 1e-6).all(), metric
    assert r.company["salience"].min() >= 0.0 and r.company["salience"].max() <= 1.0
    for (_, kpi), value in r.kpis.items():
        if kpi in ("churn", "trust_end", "protest_share", "regulator_action", "backlash_peak"):
            assert 0.0 <= value <= 1.0, kpi


@SETTINGS
@given(scenarios())
def test_opted_out_never_contacted_after_latency(s):
    latency = s.strategy.controls.opt_out_latency_days
    first: dict[int, np.ndarray] = {}

    def probe(day, eng):
        req = eng.practices.requested
        if "first" not in first:
            first["first"] = np.full(req.shape, -1)
        f = first["first"]
        f[~req] = -1                      # consent given again (a re-permission campaign) clears a request
        f[req & (f < 0)] = day
        if latency is not None:
            due = (f >= 0) & (f + latency <= day) & req
            assert not (eng.practices.reach & due).any()

    Replication(s, 0, probe=probe).run()
