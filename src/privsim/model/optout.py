"""Opt-out and complaints (docs/model.md §6): per-send and periodic draws, latency, deliverability."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import behavior as eq
from privsim.model.flows import Flow
from privsim.model.rng import Decision
from privsim.scenario import law
from privsim.scenario.coefficients import Behavior

if TYPE_CHECKING:
    from privsim.model.engine import Replication

F32 = np.float32


def request_opt_out(eng: Replication, k: int, idx: np.ndarray, day: int) -> None:
    """Customers ask to leave flow k; honoured after the latency, or never."""
    idx = idx[~eng.practices.requested[k, idx] & eng.practices.reach[k, idx]]
    if idx.size == 0:
        return
    eng.practices.requested[k, idx] = True
    eng.count("opt_outs", idx)
    eng.count(f"opt_outs.{eng.flows[k].id}", idx)
    latency = eng.controls.opt_out_latency_days
    f = eng.flows[k]
    eng.regulator.judge(law.Act("opt_out", f.use(), latency_days=latency), f.id, day,
                        persons=idx.size * eng.represents, public=True)
    if latency == 0:
        eng.practices.set_reach(k, idx, False)
    elif latency is not None:
        eng.pending[day + latency].append((k, idx))


def unlawful(eng: Replication, f: Flow, day: int) -> bool:
    """Opt-outs from ``f`` are never honoured, or later than a legal limit in force on ``day``."""
    act = law.Act("opt_out", f.use(), eng.regulator.company, latency_days=eng.controls.opt_out_latency_days)
    return bool(law.breaches(act, eng.regulator.jurisdictions, eng.regulator.date(day)))


def stage_opt_out(eng: Replication, day: int) -> None:
    """Honour due requests, then per-send (contact) or periodic (data use) opt-out draws."""
    for k, idx in eng.pending.pop(day, []):
        eng.practices.set_reach(k, idx[eng.practices.requested[k, idx]], False)
    o = eng.b.opt_out
    for k, f in enumerate(eng.flows):
        if not f.live or not eng.practices.reach_count[k].any():
            continue
        sends = eng.sends[k]
        review = not f.contacts and day > f.start and (day - f.start) % o.review_interval_days == 0
        if not sends and not review:
            continue
        reach = eng.practices.reach[k]
        u = eng.uniform(Decision.OPT_OUT, f.key, day)
        idx = np.flatnonzero(reach)
        uk = u[idx]
        felt, concern, trust = eng.practices.felt[k, idx], eng.pop.concern[idx], eng.pop.trust[idx]
        asked = eng.practices.requested[k, idx]
        if sends:
            unsub, complaint = eq.per_send_hazards(eng.b, f.per_month, f.x, felt, concern, trust)
            unsub *= F32(sends * f.deliverability)
            complaint *= F32(sends)
            complaint[asked] = F32(o.complaint_after_optout * sends)
            unsub[asked] = 0.0
            eq.probability(unsub)           # hazards over the day's sends: P = 1 − e^(−h·sends)
            eq.probability(complaint)
            leave = ~asked & (uk < unsub)
            spam = (uk >= unsub) & (uk < unsub + complaint)
            eng.count("complaints", idx[spam])
            if asked.any() and unlawful(eng, f, day):
                share = eng.b.regulator.formal_share
                ignored = idx[spam & asked]
                eng.count("formal_complaints", ignored, np.full(ignored.size, share))
                eng.count("formal_expected", idx[asked], complaint[asked] * F32(share))   # expected, not drawn
                late = float(asked.sum()) * sends * eng.represents
                eng.regulator.judge(law.Act("opt_out", f.use(), latency_days=eng.controls.opt_out_latency_days),
                                    f.id, day, messages=late, public=True)
            deliverability(eng.b, f, float(idx.size * sends), float(spam.sum()))
        else:
            hazard = eq.review_hazard(eng.b, f.x, felt, concern, trust)
            leave = ~asked & (uk < eq.probability(hazard))
        request_opt_out(eng, k, idx[leave], day)


def deliverability(b: Behavior, f: Flow, sent: float, spam: float) -> None:
    """Complaint rate per send (30-day memory); above the ceiling, a share of sends hits spam."""
    keep = math.exp(-1.0 / 30.0)
    f.sends_total = f.sends_total * keep + sent
    f.spam_total = f.spam_total * keep + spam
    rate = f.spam_total / f.sends_total if f.sends_total else 0.0
    o = b.opt_out
    f.deliverability = 1.0 - o.deliverability_penalty if rate >= o.deliverability_threshold else 1.0
