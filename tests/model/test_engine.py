import numpy as np
import pytest

from privsim.experiments.runs import simulate
from privsim.model.engine import STEP_ORDER, Replication
from privsim.model.practices import GRANTED, UNASKED
from privsim.scenario.overrides import override
from tests.model.sim import QUIET, THREE_PRACTICES, persons, scenario


class Trace:
    """Per-customer state copied every day by the engine's probe."""

    def __init__(self):
        self.days: list[dict[str, np.ndarray]] = []

    def __call__(self, day, eng):
        p = eng.practices
        self.days.append({"trust": eng.pop.trust.copy(), "active": eng.pop.active.copy(),
                          "consent": p.consent.copy(), "reach": p.reach.copy(), "requested": p.requested.copy()})


def trace(s, exclusions=None):
    t = Trace()
    Replication(s, 0, exclusions=exclusions, probe=t).run()
    return t


def test_step_order_is_documented_and_complete():
    names = [stage.name for stage in STEP_ORDER]
    assert names == ["acquisition", "events", "consent", "exposure", "service", "trust", "opt_out", "churn",
                     "discovery", "regulator", "response", "money", "record"]
    for stage in STEP_ORDER:
        assert stage.run.__name__ == f"stage_{stage.name}" and stage.what


def test_crn_removing_one_customer_from_one_practice_changes_only_that_customer():
    s = scenario(THREE_PRACTICES + QUIET)
    base = trace(s)
    k = 1  # "offers" starts on day 20
    granted = np.flatnonzero(base.days[-1]["consent"][k] == GRANTED)
    who = int(granted[len(granted) // 2])
    moved = trace(s, exclusions={"offers": [who]})
    others = np.ones(s.population.size, dtype=bool)
    others[who] = False
    for day, (a, b) in enumerate(zip(base.days, moved.days, strict=True)):
        for key in a:
            assert np.array_equal(a[key][..., others], b[key][..., others]), (day, key)
    # the customer was never asked in the moved run, and their trust path differs once they were reached
    assert moved.days[-1]["consent"][k, who] == UNASKED
    assert base.days[-1]["consent"][k, who] == GRANTED
    assert any(a["trust"][who] != b["trust"][who] for a, b in zip(base.days, moved.days, strict=True))
    assert all(a["trust"][who] == b["trust"][who] for a, b in zip(base.days[:20], moved.days[:20], strict=True))


def test_a_practice_reaching_no_one_changes_nothing():
    s = scenario(THREE_PRACTICES + QUIET)
    nobody = """    - {id: dormant, purpose: profiling, data: [browsing], consent: opt_in, ask_on_start: false,
       channel: email, contacts_per_month: 8, revenue_lift: 0.5}
"""
    t = scenario(THREE_PRACTICES.replace("  controls:", nobody + "  controls:") + QUIET)
    a, b = simulate(s, 0), simulate(t, 0)
    common = set(a.kpis) & set(b.kpis)
    assert len(common) > 40
    diffs = {key: b.kpis[key] - a.kpis[key] for key in common if not np.isnan(a.kpis[key])}
    assert all(d == 0.0 for d in diffs.values()), {k: d for k, d in diffs.items() if d}
    for metric, values in a.series.items():
        assert np.array_equal(values, b.series[metric]), metric
    assert b.kpis[("all", "consent.dormant")] == 0.0


def test_customers_are_conserved_and_scaled():
    s = scenario(THREE_PRACTICES, represents=25.0)
    r = simulate(s, 0)
    active = r.series["active"][:, -1]
    churned = np.cumsum(r.series["churned"][:, -1])
    assert np.allclose(active + churned, s.population.size * 25.0)
    assert r.series["active"][0, :-1].sum() == pytest.approx(active[0])


def test_represents_scales_counts_and_money_exactly():
    a = simulate(scenario(THREE_PRACTICES, represents=1.0), 0)
    b = simulate(scenario(THREE_PRACTICES, represents=40.0), 0)
    for kpi in ("opt_outs", "complaints", "revenue", "npv"):
        assert b.kpis[("all", kpi)] == pytest.approx(40.0 * a.kpis[("all", kpi)], rel=1e-9)
    for kpi in ("churn", "trust_end", "consent.newsletter"):
        assert b.kpis[("all", kpi)] == a.kpis[("all", kpi)]


def test_opted_out_customers_are_not_contacted_after_the_latency():
    s = scenario(THREE_PRACTICES + QUIET, horizon=150)
    t = trace(s)
    latency = s.strategy.controls.opt_out_latency_days
    first = np.full(t.days[0]["requested"].shape, -1)
    seen = 0
    for day, state in enumerate(t.days):
        new = state["requested"] & (first < 0)
        first[new] = day
        due = (first >= 0) & (first + latency <= day) & state["requested"]
        assert not (state["reach"] & due).any(), day
        seen += int(due.sum())
    assert seen > 0


def test_opt_outs_never_honoured_keep_contacting_and_are_a_violation():
    s = scenario(THREE_PRACTICES.replace("opt_out_latency_days: 5", "opt_out_latency_days: null"))
    eng = Replication(s, 0)
    eng.run()
    assert (eng.practices.reach & eng.practices.requested).any()
    assert persons(eng, "opt_out_ignored") is not None


def test_more_contacts_mean_more_unsubscribes_per_customer():
    low = simulate(scenario(THREE_PRACTICES + QUIET, size=1500), 0)
    high = simulate(scenario(THREE_PRACTICES.replace("contacts_per_month: 6", "contacts_per_month: 24") + QUIET,
                             size=1500), 0)
    assert high.kpis[("all", "opt_outs")] > 1.5 * low.kpis[("all", "opt_outs")]
    assert high.kpis[("all", "consent.newsletter")] < low.kpis[("all", "consent.newsletter")]


def test_trust_falls_faster_than_it_recovers():
    from privsim.model import behavior as eq
    from privsim.scenario.coefficients import Behavior

    b = Behavior()
    n = 1000
    base = np.full(n, 0.6, dtype=np.float32)
    load = np.full(n, 0.2, dtype=np.float32)
    scratch = np.empty(n, dtype=np.float32)
    down, up = base.copy(), base.copy()
    eq.update_trust(b, down, base, load, None, scratch)
    eq.update_trust(b, up, base, None, load, scratch)
    assert (0.6 - down[0]) / (up[0] - 0.6) == pytest.approx(b.trust.loss_aversion * 0.6 / 0.4, rel=1e-4)


def test_lock_in_damps_churn_but_not_complaints():
    body = THREE_PRACTICES.replace("contacts_per_month: 6", "contacts_per_month: 30").replace(
        "consent: opt_out,", "consent: opt_out, notice: in_app,") + QUIET
    free = scenario(body, size=2000, horizon=200)
    locked = override(free, {"population.lock_in": 0.9})
    a, b = simulate(free, 0), simulate(locked, 0)
    assert b.kpis[("all", "privacy_churn")] < a.kpis[("all", "privacy_churn")]
    assert b.kpis[("all", "complaints")] >= 0.8 * a.kpis[("all", "complaints")]
