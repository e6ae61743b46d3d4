"""Discovery: a story makes a covert use known, customers who hear are shocked, the offended act on it."""

import numpy as np
import pytest

from privsim.model.discovery import learn, reveal
from tests.model.sim import QUIET, replication

COVERT = """
strategy:
  practices: [{id: hidden, purpose: data_sale, data: [financial], consent: none, disclosed: false}]
  controls: {opt_out_latency_days: 10}
""" + QUIET


def test_nobody_knows_until_a_story_and_then_the_story_spreads():
    eng = replication(COVERT, until=30, size=3000)
    assert not eng.practices.learned[0].any() and eng.backlash.sources[0].story_day is None
    reveal(eng, 0, 30, intensity=1.0)
    eng.run(until=60)
    heard = eng.practices.learned[0].mean()
    assert eng.backlash.sources[0].story_day == 30 and 0.3 < heard <= 1.0
    assert eng.recorder.series["backlash"][31:, -1].max() > 0


def test_learning_shocks_trust_and_the_ladder_acts_in_order():
    eng = replication(COVERT, until=5, size=4000)
    source = eng.backlash.sources[0]
    eng.backlash.track(source)
    eng.begin_day()
    idx = np.flatnonzero(eng.pop.active)
    v = np.linspace(0, 1, idx.size, endpoint=False, dtype=np.float32)
    learn(eng, source, idx, v, 5, all_at_once=False)
    d = eng.b.discovery
    offended = source.offended[idx]
    complaints, protesters, opt_outs = (eng.day_counts[m].sum() for m in ("complaints", "protesters", "opt_outs"))
    assert complaints == pytest.approx((offended & (v < d.complaint)).sum())
    assert protesters == pytest.approx((offended & (v < d.protest_targeted)).sum())
    assert complaints <= protesters <= opt_outs                 # the most outraged do the most
    assert eng.any_shock and (eng.bad_shock[idx] > 0).all()    # everyone who learns feels it tomorrow
    assert eng.practices.felt[0, idx[0]] == pytest.approx(eng.b.outrage.covert)


def test_a_discovered_practice_can_be_discovered_only_once():
    eng = replication(COVERT, until=10, size=500)
    reveal(eng, 0, 10)
    reveal(eng, 0, 11, intensity=0.2)
    kinds = [k for _, k, w in eng.recorder.marks if w == "hidden"]
    assert kinds == ["start", "discovery", "media_story"]
