"""Consent (docs/model.md §4): questions put to customers, answered in the consent stage.

A question (:class:`Ask`) is queued by whatever asks it (a practice starting, a policy change, a
re-permission campaign, a regulator's order) and answered on the day it is asked, in calendar order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import behavior as eq
from privsim.model.notice import inform, readers
from privsim.model.practices import DENIED, GRANTED
from privsim.model.rng import Decision

if TYPE_CHECKING:
    from privsim.model.engine import Replication

F32 = np.float32


@dataclass
class Ask:
    """A consent question to customers ``idx`` of flow ``flow``, answered in the consent stage."""

    flow: int
    idx: np.ndarray
    mode: str                      # opt_in | opt_out | campaign
    attention: float = 1.0         # share who read it (a default-on notice, a campaign message)
    shift: np.ndarray | float = 0.0
    incentive: float = 0.0
    salt: int = 0
    complaint: np.ndarray | float = 0.0   # complaint probability of those who do not grant
    label: str = ""


def stage_consent(eng: Replication, day: int) -> None:
    """Who reads each question (a share by channel) and what readers answer (σ(U), or σ(U + δ) to keep a default).

    A default-on notice keeps those who do not read it; a campaign moves only readers. Everyone who reads
    is informed of the practice (``privsim.model.notice``); nobody else is.
    """
    asks, eng.asks = eng.asks, []
    pop = eng.pop
    for q in asks:
        keep = pop.active[q.idx]
        idx = q.idx[keep]
        if idx.size == 0:
            continue
        f = eng.flows[q.flow]
        u = eng.uniform(Decision.CONSENT, f.key ^ q.salt, day)[idx]
        read = readers(eng, f.key ^ q.salt, day, idx, q.attention)
        ratio = q.incentive / np.maximum(pop.value[idx], F32(1.0)) if q.incentive else 0.0
        shift = q.shift[keep] if isinstance(q.shift, np.ndarray) else q.shift
        utility = eq.consent_utility(eng.b, pop.trust[idx], pop.concern[idx], f.x, f.shift + shift, ratio)
        p = eq.choice_probability(eng.b, "opt_out" if q.mode == "opt_out" else "opt_in", utility)
        yes = u < p
        granted = (yes | ~read) if q.mode == "opt_out" else (yes & read)
        complaint = q.complaint[keep] if isinstance(q.complaint, np.ndarray) else q.complaint
        spam = idx[~granted & ~yes & (u < p + complaint)]
        eng.count("complaints", spam)
        share = eng.b.regulator.formal_share
        eng.count("formal_complaints", spam, np.full(spam.size, share))
        if np.any(complaint):     # expected formal complaints, P = min(c, 1 − p): what reaches the regulator
            expected = np.minimum(np.broadcast_to(np.asarray(complaint, dtype=F32), p.shape), F32(1.0) - p)
            eng.count("formal_expected", idx, expected * F32(share))
        inform(eng, q.flow, idx[read], day, judge=False)
        if q.mode == "campaign":
            idx = idx[granted]       # a campaign only changes the minds of those who say yes
            granted = granted[granted]
        eng.practices.consent[q.flow, idx] = np.where(granted, GRANTED, DENIED)
        eng.practices.requested[q.flow, idx[granted]] = False
        if f.live:
            eng.practices.set_reach(q.flow, idx[granted], True)
        eng.practices.set_reach(q.flow, idx[~granted], False)
        label = q.label or f.id
        eng.count(f"asked.{label}", q.idx[keep])
        eng.count(f"granted.{label}", idx[granted])
        eng.costs["incentives"] += q.incentive * float(granted.sum()) * eng.represents
