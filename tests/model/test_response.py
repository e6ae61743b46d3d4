"""The company's response: reverse after the reaction lag stretched by centrality, apologise, calm faster."""

import numpy as np
import pytest

from privsim.model.discovery import reveal
from privsim.model.response import backlash_share, reverse
from tests.model.sim import QUIET, replication

BODY = """
strategy:
  practices: [{{id: feed, purpose: data_sale, data: [financial], consent: none, disclosed: false,
               centrality: {centrality}}}]
  response: {{reverse_when_backlash_above: 0.001, reaction_days: 4, apologise: true}}
"""


@pytest.mark.parametrize("centrality", [0.0, 0.5])
def test_reversal_waits_for_the_reaction_lag_stretched_by_centrality(centrality):
    eng = replication(BODY.format(centrality=centrality) + QUIET, until=10, size=3000)
    reveal(eng, 0, 10, intensity=1.0)
    eng.run(until=121)
    marks = dict((k, d) for d, k, w in eng.recorder.marks if w == "feed")
    crossed = int(np.argmax(eng.recorder.series["backlash"][:, -1] > 0.001))
    stretch = 1 + (eng.b.response.centrality_factor - 1) * centrality
    assert marks["reversal"] == crossed + int(np.ceil(4 * stretch))
    assert not eng.flows[0].live and eng.practices.reach_count[0].sum() == 0


def test_an_apology_reaches_those_aware_and_halves_the_outrage_half_life():
    eng = replication(BODY.format(centrality=0.0) + QUIET, until=10, size=2000)
    reveal(eng, 0, 10, intensity=1.0)
    eng.run(until=20)
    source = eng.backlash.sources[0]
    half_life = source.half_life
    eng.begin_day()
    reverse(eng, 0, 20)
    aware = source.aware & eng.pop.active
    assert source.half_life == half_life / 2
    assert (eng.good_shock[aware] == pytest.approx(eng.b.trust.apology)) and eng.good_shock[~aware].max() == 0


def test_backlash_share_is_offended_over_active():
    eng = replication(BODY.format(centrality=0.0) + QUIET, until=10, size=2000)
    assert backlash_share(eng) == 0.0
    reveal(eng, 0, 10, intensity=1.0)
    eng.run(until=15)
    assert backlash_share(eng) == pytest.approx(eng.backlash.offended_any.sum() / eng.pop.active.sum())
