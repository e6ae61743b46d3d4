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
    bad = eng.scratch.bad
    eng.bad = None
    if eng.practices.any_load:
        np.multiply(eng.pop.concern, eng.practices.load, out=bad)
        eng.bad = bad
    if eng.any_shock:
        if eng.bad is None:
            np.copyto(bad, eng.bad_shock)
            eng.bad = bad
        else:
            eng.bad += eng.bad_shock
    eng.good = eng.practices.good if eng.practices.any_good else None
    if eng.any_shock:
        eng.good = eng.good_shock + (eng.good if eng.good is not None else 0)
