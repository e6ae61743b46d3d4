"""Exposure (docs/model.md §5): today's sends, their contact costs, and each customer's bad and good load.

The bad load is B = c·W, concern times the felt intrusion of every flow reaching the customer
(``Practices.load``), plus one-off shocks; the good load G is value delivered with consent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from privsim.model.engine import Replication


def stage_exposure(eng: Replication, day: int) -> None:
    """Sends per flow; bad load B = c·W (+ shocks), good load G (+ shocks)."""
    eng.sends = [f.sends_on(day) if f.live else 0 for f in eng.flows]
    for k, _f in enumerate(eng.flows):
        if eng.sends[k]:
            sent = eng.practices.reach_count[k] * eng.sends[k]
            eng.day_counts["sends"] += sent
            eng.costs["contacts"] += float(sent.sum()) * eng.s.economics.cost_per_contact * eng.represents
    eng.bad = None if eng.bad_here else bad_load(eng)     # bad_here: the trust kernel forms B (Replication)
    eng.good = eng.practices.good if eng.practices.any_good else None
    if eng.any_shock:
        eng.good = eng.good_shock + (eng.good if eng.good is not None else 0)


def bad_load(eng: Replication) -> np.ndarray | None:
    """B = c·W + shocks in the shared buffer (None when nobody feels any)."""
    bad = None
    if eng.practices.any_load:
        bad = np.multiply(eng.pop.concern, eng.practices.load, out=eng.scratch.bad)
    if eng.any_shock:
        if bad is None:
            bad = eng.scratch.bad
            np.copyto(bad, eng.bad_shock)
        else:
            bad += eng.bad_shock
    return bad
