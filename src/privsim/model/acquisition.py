"""New customers (docs/model.md §2): they join on their day, from the segment mix, and are asked at sign-up.

A newcomer takes up the attributes drawn for them at the start (``Population.joining``). Every live practice
that targets them treats them as it treated the base when it started: one that asks on start asks them in
the sign-up flow (with its own framing and UI patterns: the consent stage answers the same day), one that
runs on notice or covertly reaches them, and its notice is read by a share of its channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from privsim.model.events import take_in
from privsim.model.population import JOINING

if TYPE_CHECKING:
    from privsim.model.engine import Replication

SIGN_UP = 0x5160   # salt of sign-up questions, so they are not the draws of a question asked the same day


def stage_acquisition(eng: Replication, day: int) -> None:
    """Today's newcomers become customers; live practices take them in."""
    idx = eng.joins.pop(day, None)
    if idx is None:
        return
    pop = eng.pop
    at = np.searchsorted(eng.newcomers, idx)
    for name in JOINING:
        getattr(pop, name)[idx] = pop.joining[name][at]
    pop.active[idx] = True
    seg_n = len(pop.names)
    eng.active_count += np.bincount(pop.segment[idx], minlength=seg_n)
    eng.active_value += np.bincount(pop.segment[idx], weights=pop.value[idx], minlength=seg_n)
    eng.count("acquired", idx)
    for k, f in enumerate(eng.flows):
        if not f.live or f.purpose == "data_sale":        # a sale was of the records held on its day
            continue
        new = idx[eng.practices.targets[k][idx]]
        if new.size:
            take_in(eng, k, new, day, salt=SIGN_UP)
