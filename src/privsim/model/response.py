"""The company's response (docs/model.md §11): reverse and apologise once backlash passes the threshold.

The reaction lag is ``reaction_days`` for a peripheral practice, stretched by the practice's
centrality (core practices take weeks).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model.trust import shock

if TYPE_CHECKING:
    from privsim.model.engine import Replication


def stage_response(eng: Replication, day: int) -> None:
    """Once backlash(t) > threshold, reverse the offending flows after reaction × centrality stretch."""
    for k, when in list(eng.reversals.items()):
        if when <= day:
            reverse(eng, k, day)
            del eng.reversals[k]
    threshold = eng.policy.reverse_when_backlash_above
    if threshold is None or backlash_share(eng) <= threshold:
        return
    for k, f in enumerate(eng.flows):
        source = eng.backlash.sources[k]
        if f.live and f.reversible and source.story_day is not None and k not in eng.reversals:
            stretch = 1.0 + (eng.b.response.centrality_factor - 1.0) * f.centrality
            eng.reversals[k] = day + math.ceil(eng.policy.reaction_days * stretch)


def reverse(eng: Replication, k: int, day: int) -> None:
    """Stop flow k; apologise to those who know; their outrage calms twice as fast."""
    f = eng.flows[k]
    f.live, f.reversed_day = False, day
    eng.practices.stop(k)
    source = eng.backlash.sources[k]
    if eng.policy.apologise:
        aware = np.flatnonzero(source.aware & eng.pop.active)
        shock(eng, aware, good=eng.b.trust.apology)
        source.half_life /= 2.0
    eng.recorder.mark(day, "reversal", f.id)


def backlash_share(eng: Replication) -> float:
    """backlash(t): share of active customers aware of a violation and offended."""
    if not eng.backlash.any_outrage:
        return 0.0
    return float(np.count_nonzero(eng.backlash.offended_any)) / max(int(eng.active_count.sum()), 1)
