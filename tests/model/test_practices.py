"""Per-flow customer state: reach and its totals stay consistent, felt intrusion follows the consent kind."""

import numpy as np
import pytest

from privsim.model import kernels
from privsim.model.practices import GRANTED
from tests.model.sim import THREE_PRACTICES, replication

TWO = """
strategy:
  practices:
    - {id: consented, purpose: profiling, data: [browsing], consent: opt_in, segments: [pragmatist]}
    - {id: covert, purpose: third_party_sharing, data: [purchase_history], consent: none, disclosed: false,
       data_revenue_per_record: 1.0}
    - {id: noticed, purpose: personalisation, data: [preferences], consent: notice_only}
"""


@pytest.fixture
def eng():
    return replication(TWO, until=0, size=400)


def test_targets_follow_segments(eng):
    p, pop = eng.practices, eng.pop
    prag = pop.names.index("pragmatist")
    assert np.array_equal(p.targets[0], pop.segment == prag)
    assert p.targets[1].all()


def test_set_reach_keeps_counts_values_and_touched_in_step(eng):
    p, pop = eng.practices, eng.pop
    idx = np.arange(0, 400, 3)
    changed = p.set_reach(1, idx, True)
    assert np.array_equal(changed, idx)
    assert p.set_reach(1, idx, True).size == 0                       # already reached: nothing changes
    assert np.array_equal(p.reach_count[1], np.bincount(pop.segment[idx], minlength=3))
    assert np.allclose(p.reach_value[1], np.bincount(pop.segment[idx], weights=pop.value[idx], minlength=3))
    p.set_reach(1, idx[:10], False)
    assert p.reach_count[1].sum() == idx.size - 10 and p.touched_count[1] == idx.size
    p.set_reach(1, idx[:10], True)                                    # touched once, counted once
    assert p.touched_count[1] == idx.size


def test_felt_intrusion_by_kind_of_use(eng):
    p, t = eng.practices, eng.b.trust
    everyone = np.arange(400)
    for k in range(3):
        p.set_reach(k, everyone[p.targets[k]], True)
    i = int(np.flatnonzero(p.targets[0])[0])
    p.informed[0, i] = True                                           # asked for consent
    p.refresh(np.array([i]))
    assert p.felt[0, i] == pytest.approx(t.consented)                # informed consent
    assert p.felt[1, i] == 0.0                                        # covert and unknown: not felt
    assert p.felt[2, i] == 0.0                                        # on notice, but never read it: not felt
    p.informed[2, i] = True
    p.refresh(np.array([i]))
    assert p.felt[2, i] == pytest.approx(t.noticed)                  # read the notice, never chose
    p.learned[1, i] = True
    p.refresh(np.array([i]))
    assert p.felt[1, i] == pytest.approx(eng.b.outrage.covert)       # covert and known: betrayal
    x = np.array([f.x for f in eng.flows], dtype=np.float32)
    assert p.load[i] == pytest.approx(float((x * p.felt[:, i]).sum()), rel=1e-6)


def test_outrage_weights_rank_betrayal_over_notice_over_consent(eng):
    w = [eng.practices.outrage_weight(k) for k in range(3)]
    assert w[1] == eng.b.outrage.covert and w[2] == 1.0 and w[0] == eng.b.trust.consented
    assert w[1] > w[2] > w[0]


def test_leaving_and_stopping_clear_reach(eng):
    p = eng.practices
    p.set_reach(1, np.arange(400), True)
    p.leave(np.arange(100))
    assert not p.reach[1, :100].any() and p.reach_count[1].sum() == 300
    p.stop(1)
    assert not p.reach[1].any() and p.reach_count[1].sum() == 0 and p.load.max() == 0.0


def test_eligible_leaves_out_those_who_asked_to_leave_and_the_churned(eng):
    p = eng.practices
    p.requested[2, :50] = True
    eng.pop.active[50:60] = False
    assert set(p.eligible(2)) == set(range(60, 400))


def test_dark_pattern_consent_weighs_more_once_noticed():
    eng = replication("""
strategy:
  practices: [{id: p, purpose: profiling, data: [browsing], consent: opt_in, ui_patterns: [pre_ticked]}]
""", until=0, size=100)
    p = eng.practices
    p.consent[0, :] = GRANTED
    p.informed[0, :] = True                                           # everyone was asked
    p.set_reach(0, np.arange(100), True)
    p.learned[0, :10] = True
    p.refresh(np.arange(100))
    assert p.felt[0, 0] == pytest.approx(eng.b.outrage.dark_pattern) and p.felt[0, 50] == pytest.approx(
        eng.b.trust.consented)


DARK = THREE_PRACTICES.replace("consent: opt_in,\n       revenue_lift: 0.04",
                               "consent: opt_in, ui_patterns: [pre_ticked],\n       revenue_lift: 0.04")


@pytest.mark.skipif(not kernels.available(), reason="numba is not installed (pip install 'privsim[fast]')")
@pytest.mark.parametrize("body", [THREE_PRACTICES, DARK], ids=["three practices", "a dark pattern"])
def test_the_refresh_kernel_feels_what_the_numpy_refresh_feels(body):
    kernels.compile_kernels()
    eng = replication(body, until=60, size=3000)
    p, rng = eng.practices, np.random.default_rng(4)
    for name in ("reach", "learned", "informed"):            # every combination, customer by customer
        getattr(p, name)[:] = rng.random(getattr(p, name).shape) < 0.5
    p.consent[:] = rng.integers(0, 3, p.consent.shape)
    idx = np.flatnonzero(rng.random(p.pop.size) < 0.7)
    states = []
    for fast in (False, True):
        p.fast = fast
        p.felt[:], p.load[:], p.good[:] = 9.0, 9.0, 9.0
        p.any_load = p.any_good = False
        p.refresh(idx)
        states.append((p.felt.copy(), p.load.copy(), p.good.copy(), p.any_load, p.any_good))
    for a, b in zip(*states, strict=True):
        assert np.array_equal(a, b)
    assert states[0][1][idx].any() and states[0][2][idx].any()     # loads and good loads were felt
