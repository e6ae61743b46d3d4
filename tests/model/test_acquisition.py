"""A customer base that moves: newcomers join on their day, from the segment mix, and are asked at sign-up."""

import numpy as np
import pytest

from privsim.experiments.runs import replicate
from privsim.model.engine import Replication
from tests.model.sim import QUIET, scenario

NEWSLETTER = """
strategy:
  practices: [{id: news, purpose: marketing_email, data: [contact], consent: opt_in, channel: email,
               contacts_per_month: 4, revenue_lift: 0.02}]
"""


def make(per_year: float, shocks: list | None = None, body: str = NEWSLETTER + QUIET, size: int = 2000,
         horizon: int = 365, represents: float = 1.0):
    from privsim.scenario.load import scenario_from_data

    data = scenario(body, size=size, horizon=horizon, represents=represents).model_dump(mode="json", by_alias=True)
    data["population"]["acquisition"] = {"per_year": per_year, "shocks": shocks or []}
    return scenario_from_data(data)


def test_no_acquisition_changes_nothing():
    plain = scenario(NEWSLETTER + QUIET, size=1000, horizon=365)
    zero = make(0.0, size=1000)
    a, b = Replication(plain, 0), Replication(zero, 0)
    a.run(), b.run()
    assert a.npv == b.npv and np.array_equal(a.pop.trust, b.pop.trust)


def test_newcomers_join_on_schedule_from_the_segment_mix():
    s = make(0.5, [{"day": 100, "share": 0.1}])
    eng = Replication(s, 0)
    start = int(eng.pop.active.sum())
    assert start == 2000 and eng.newcomers.size == pytest.approx(2000 * (0.5 + 0.1), abs=3)
    eng.run(until=200)
    joined = int((eng.pop.arrival[eng.newcomers] < 200).sum())
    assert joined == pytest.approx(2000 * (0.5 * 200 / 365 + 0.1), abs=3)
    shares = np.bincount(eng.pop.segment[eng.newcomers], minlength=3) / eng.newcomers.size
    assert shares == pytest.approx([0.25, 0.60, 0.15], abs=0.01)
    arrived = eng.newcomers[eng.pop.arrival[eng.newcomers] < 200]
    staying = arrived[eng.pop.active[arrived]]
    assert staying.size > 0.9 * arrived.size and (eng.pop.trust_base[staying] > 0).all()   # state restored
    waiting = eng.newcomers[eng.pop.arrival[eng.newcomers] >= 200]
    assert not eng.pop.active[waiting].any() and (eng.pop.value[waiting] == 0).all()


def test_newcomers_are_asked_at_sign_up_like_the_base():
    run = replicate(make(0.5, horizon=300), 3)
    k = run.kpis()
    k = k[k["segment"] == "all"].groupby("kpi")["value"].mean()
    assert k["acquired"] == pytest.approx(2000 * 0.5 * 300 / 365, rel=0.01)
    eng = Replication(make(0.5, horizon=300), 0)
    eng.run()
    joined = eng.newcomers[eng.pop.active[eng.newcomers]]
    base = np.flatnonzero(eng.pop.arrival < 0)
    base = base[eng.pop.active[base]]
    granted = eng.practices.consent[0] == 1
    assert granted[joined].mean() == pytest.approx(granted[base].mean(), abs=0.06)
    assert eng.practices.informed[0, joined].all()                      # asked: they know of it


def test_the_starting_customers_are_the_same_with_or_without_newcomers():
    a, b = Replication(make(0.0), 0), Replication(make(0.4), 0)
    start = b.pop.arrival < 0
    assert np.array_equal(a.pop.concern, b.pop.concern[start]) and np.array_equal(a.pop.value, b.pop.value[start])


def test_acquisition_is_resolution_independent():
    small, large = (make(0.3, size=n, represents=8000 / n) for n in (1000, 8000))
    means = []
    for s in (small, large):
        k = replicate(s, 2).kpis()
        means.append(k[(k["segment"] == "all") & (k["kpi"] == "acquired")]["value"].mean())
    assert means[0] == pytest.approx(means[1], rel=0.01)


def test_common_random_numbers_hold_for_newcomers():
    """Two strategies on the same grown base meet the same newcomers, drawn the same."""
    a, b = Replication(make(0.4), 0), Replication(make(0.4, body=QUIET), 0)
    assert np.array_equal(a.pop.arrival, b.pop.arrival)
    assert np.array_equal(a.pop.joining["trust"], b.pop.joining["trust"])
    assert np.array_equal(a.pop.tolerance, b.pop.tolerance)
