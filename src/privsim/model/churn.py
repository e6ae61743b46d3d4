"""Churn (docs/model.md §7): the daily exit hazard, exits decided on learning of a violation, and leaving.

Stated intent is far above realised churn (the say–do gap): a customer stating intent q leaves with
probability s·q, after an exponential delay, where s folds in the say–do ratio, lock-in and activity.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import behavior as eq
from privsim.model import kernels
from privsim.model.rng import Decision

if TYPE_CHECKING:
    from privsim.model.engine import Replication

F32 = np.float32


def stage_churn(eng: Replication, day: int) -> None:
    """Churn p = h_seg + s·q_T/365 (one draw a customer), plus exits decided on learning of a violation."""
    pop, scratch = eng.pop, eng.scratch
    intent = scratch.intent
    decay = eng.constant("churn", lambda e: F32(math.exp(-1.0 / e.b.churn.leave_delay_days)))
    if eng.fast:      # the trust stage's kernel left q_T in ``intent`` and −h in ``hazard`` (trust.stage_trust)
        np.expm1(scratch.hazard, out=scratch.hazard)  # as eq.probability: the same exp on both paths
        count = kernels.churn_draws(eng.seed(Decision.CHURN, 0, day), scratch.hazard, scratch.idx, pop.stated,
                                    intent, decay, eng.any_stated)
        gone = scratch.idx[:count].astype(np.int64)
    else:
        eq.chronic_intent(eng.b, pop.trust, pop.trust_base, pop.inv_trust_base, intent)
        p = eq.churn_probability(pop.base_hazard, pop.switching, intent, scratch.buf)
        u = eng.uniform(Decision.CHURN, 0, day)
        gone = np.flatnonzero(u < p)
        if eng.any_stated:
            pop.stated *= decay
            intent += pop.stated
            np.minimum(intent, F32(1.0), out=intent)
    decided = eng.exits.pop(day, None)
    if decided is not None:
        decided = decided[pop.active[decided]]
        eng.count("privacy_exits", decided)
        gone = np.union1d(gone, decided)
    if gone.size:
        deactivate(eng, gone, day)
        intent[gone] = 0.0
    eng.segment_sums(intent, eng.intent_sum)


def decide_exits(eng: Replication, idx: np.ndarray, q: np.ndarray, v: np.ndarray, key: int, day: int) -> None:
    """Say → do: a customer stating intent q leaves with probability s·q, after an exponential delay."""
    pop = eng.pop
    pop.stated[idx] = np.maximum(pop.stated[idx], q)
    eng.any_stated = True
    leave = v < pop.switching[idx] * q
    if not leave.any():
        return
    u = eng.streams.uniform(Decision.AWARENESS, key ^ 0x1EA7E, day, eng.scratch.buf)
    leavers = idx[leave]
    delay = 1 + np.floor(-np.log1p(-u[leavers].astype(np.float64)) * eng.b.churn.leave_delay_days)
    for when in np.unique(delay):        # exits due after the horizon are kept: they shorten its terminal value
        batch = leavers[delay == when]
        due = eng.exits.get(int(day + when))
        eng.exits[int(day + when)] = batch if due is None else np.union1d(due, batch)


def deactivate(eng: Replication, idx: np.ndarray, day: int) -> None:
    """Customers leave: out of every flow, zero state from now on."""
    pop = eng.pop
    state = (pop.trust, pop.trust_base, pop.inv_trust_base, pop.base_hazard, pop.switching, pop.stated)
    if eng.fast:          # one pass over the leavers for their totals, status and state
        s = eng.active_count.size
        kernels.retire(idx, day, pop.segment, pop.value, eng.day_counts["churned"], eng.active_count,
                       eng.active_value, pop.active, eng.churned_day, state, np.empty(s, dtype=np.int64), np.empty(s))
    else:
        leavers, value = eng.practices.totals(idx)
        eng.day_counts["churned"] += leavers
        eng.active_count -= leavers
        eng.active_value -= value
        pop.active[idx] = False
        eng.churned_day[idx] = day
        for arr in state:
            arr[idx] = 0.0
    eng.practices.leave(idx)
    eng.backlash.forget(idx)
