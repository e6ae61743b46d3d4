"""Churn: the segment baseline without practices, decided exits after their delay, leaving clears all state."""

import numpy as np
import pytest

from privsim.model.churn import deactivate, decide_exits
from tests.model.sim import QUIET, replication


def test_without_practices_churn_is_the_segment_baseline():
    eng = replication(QUIET, until=366, size=30000, horizon=365)
    left = eng.recorder.series["churned"].sum(axis=0)[:-1] / np.diff(eng.pop.bounds)
    expected = [s.churn_per_year for s in eng.s.population.segments.values()]
    assert left == pytest.approx(expected, abs=0.012)


def test_leaving_clears_state_and_every_flow():
    eng = replication("strategy: {practices: [{id: p, purpose: profiling, data: [browsing], consent: none}]}\n"
                      + QUIET, until=3, size=300)
    idx = np.flatnonzero(eng.pop.active)[::2]        # only customers still active can leave
    reached, leaving = eng.practices.reach_count.sum(), eng.practices.reach[:, idx].sum()
    eng.begin_day()
    deactivate(eng, idx, 3)
    assert not eng.pop.active[idx].any() and (eng.churned_day[idx] == 3).all()
    assert (eng.pop.trust[idx] == 0).all() and (eng.pop.base_hazard[idx] == 0).all()
    assert not eng.practices.reach[:, idx].any() and eng.practices.reach_count.sum() == reached - leaving
    assert eng.active_count.sum() == eng.pop.active.sum()
    assert eng.day_counts["churned"].sum() == idx.size


def test_decided_exits_come_after_a_delay_and_within_the_horizon():
    eng = replication(QUIET, until=10, size=2000, horizon=200)
    idx = np.arange(2000)
    q = np.full(2000, 1.0, dtype=np.float32)
    v = np.zeros(2000, dtype=np.float32)             # every draw under s·q: all decide to leave
    decide_exits(eng, idx, q, v, key=1, day=10)
    days = sorted(eng.exits)
    assert days[0] > 10 and days[-1] < 200 and eng.any_stated
    scheduled = sum(e.size for e in eng.exits.values())
    mean_delay = eng.b.churn.leave_delay_days
    assert scheduled / 2000 == pytest.approx(1 - np.exp(-(200 - 11) / mean_delay), abs=0.04)


def test_no_exit_without_stated_intent():
    eng = replication(QUIET, until=10, size=500)
    decide_exits(eng, np.arange(500), np.zeros(500, dtype=np.float32), np.zeros(500, dtype=np.float32), 1, 10)
    assert not eng.exits
