"""Trust and exposure: bad load lowers trust, trust relaxes to its baseline, shocks are felt the next day."""

import numpy as np
import pytest

from privsim.model.exposure import bad_load, stage_exposure
from privsim.model.trust import shock, stage_trust
from tests.model.sim import QUIET, replication

COVERT_KNOWN = "strategy: {practices: [{id: p, purpose: data_sale, data: [financial], consent: notice_only}]}\n"


def test_a_felt_use_lowers_trust_of_those_who_know_and_none_leaves_it_at_its_baseline():
    used = replication(COVERT_KNOWN + QUIET, until=60, size=2000)
    none = replication(QUIET, until=60, size=2000)
    on = used.pop.active & none.pop.active
    informed = used.practices.informed[0]
    assert informed[on].any() and (used.pop.trust[on & informed] < none.pop.trust[on & informed]).all()
    assert np.array_equal(used.pop.trust[on & ~informed], none.pop.trust[on & ~informed])   # unread: unfelt
    assert np.allclose(none.pop.trust[none.pop.active], none.pop.trust_base[none.pop.active], atol=1e-6)


def test_exposure_loads_concern_times_felt_intrusion():
    eng = replication(COVERT_KNOWN + QUIET, until=3, size=300)
    eng.begin_day()
    stage_exposure(eng, 3)
    bad = bad_load(eng)       # formed here, or by the numba path's trust kernel as it reads it (the same B)
    assert bad is not None and bad.any()
    assert np.allclose(bad, eng.pop.concern * eng.practices.load)
    assert eng.good is None                             # no value delivered with consent


def test_a_shock_is_felt_once_in_the_next_trust_stage():
    eng = replication(QUIET, until=3, size=200)
    eng.begin_day()
    idx = np.arange(10)
    before = eng.pop.trust.copy()
    shock(eng, idx, bad=np.full(10, 0.2, dtype=np.float32))
    stage_exposure(eng, 3)
    stage_trust(eng, 3)
    t = eng.b.trust
    drop = before[:10] * t.loss_aversion * t.learning_rate * t.shock_days * 0.2
    assert eng.pop.trust[:10] == pytest.approx(before[:10] - drop, rel=1e-4)
    assert eng.pop.trust[10:] == pytest.approx(before[10:], abs=1e-6) and not eng.any_shock


def test_concern_drifts_by_the_yearly_rate():
    eng = replication(QUIET, until=0, size=200, horizon=365)
    concern = eng.pop.concern.copy()
    eng.run(until=365)
    inside = (concern > 0.05) & (concern < 0.95) & eng.pop.active
    assert eng.pop.concern[inside] - concern[inside] == pytest.approx(eng.s.population.concern_drift_per_year,
                                                                     abs=1e-4)
