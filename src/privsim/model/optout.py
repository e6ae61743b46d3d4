"""Opt-out and complaints (docs/model.md §6): per-send and periodic draws, latency, deliverability."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import behavior as eq
from privsim.model import kernels
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
    eng.regulator.judge(opt_out_act(eng, f), f.id, day, persons=idx.size * eng.represents, public=True)
    if latency == 0:
        eng.practices.set_reach(k, idx, False)
    elif latency is not None:
        eng.pending[day + latency].append((k, idx))


def unlawful(eng: Replication, f: Flow, day: int) -> bool:
    """Opt-outs from ``f`` are never honoured, or later than a legal limit in force on ``day``."""
    return bool(law.breaches(opt_out_act(eng, f), eng.regulator.jurisdictions, eng.regulator.date(day)))


def opt_out_act(eng: Replication, f: Flow) -> law.Act:
    """Honouring opt-outs from ``f`` as the law reads it today (the company's own, so judging needs no copy)."""
    return law.Act("opt_out", f.use(), eng.regulator.company, latency_days=eng.controls.opt_out_latency_days)


def stage_opt_out(eng: Replication, day: int) -> None:
    """Honour due requests, then per-send (contact) or periodic (data use) opt-out draws.

    Hazards run over whole arrays masked by reach (no gathers); the trust factor is shared by the flows.
    """
    for k, idx in eng.pending.pop(day, []):
        eng.practices.set_reach(k, idx[eng.practices.requested[k, idx]], False)
    o = eng.b.opt_out
    factor = None
    for k, f in enumerate(eng.flows):
        if not f.live:
            continue
        sends = eng.sends[k]
        review = not f.contacts and day > f.start and (day - f.start) % o.review_interval_days == 0
        if not (sends or review) or not eng.practices.reach_count[k].any():
            continue
        if factor is None:
            factor = trust_factor(eng)
        leave, spam, complaint = draw(eng, k, day, sends, factor)
        if sends:
            eng.count("complaints", spam)
            formal(eng, k, day, sends, spam, complaint)
            deliverability(eng.b, f, float(eng.practices.reach_count[k].sum() * sends), float(spam.size))
        request_opt_out(eng, k, leave, day)


def trust_factor(eng: Replication) -> np.ndarray:
    """Today's e^(−β(T−½)) of every customer, shared by the flows' opt-out hazards (numpy's exp on both paths)."""
    out = eng.scratch.factor
    if not eng.fast:
        return eq.trust_factor(eng.b, eng.pop.trust, out=out)
    kernels.trust_exponent(eng.pop.trust, F32(-eng.b.opt_out.trust_elasticity), out)
    return np.exp(out, out=out)


def draw(eng: Replication, k: int, day: int, sends: int,
         factor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Today's opt-outs and complaints of flow k (customer indexes) and every customer's complaint probability.

    Reached customers who asked to leave before never opt out again, but complain at their own rate.
    """
    f, b, s = eng.flows[k], eng.b, eng.scratch
    reach, asked, felt, concern = eng.practices.reach[k], eng.practices.requested[k], eng.practices.felt[k], \
        eng.pop.concern
    unsub, complaint = s.buf, s.second
    after = F32(b.opt_out.complaint_after_optout * sends)
    if eng.fast:
        if sends:
            kernels.send_hazards(reach, asked, felt, concern, factor, unsub, complaint,
                                 *eq.send_scales(b, f.per_month, f.x), F32(sends * f.deliverability), F32(sends),
                                 after)
            np.expm1(complaint, out=complaint)
            np.negative(complaint, out=complaint)
        else:
            kernels.review_hazard(reach, felt, concern, factor, unsub, eq.review_scale(b, f.x))
        np.expm1(unsub, out=unsub)     # as eq.probability: the same exp on both paths
        leaving, spamming = kernels.opt_out_draws(eng.seed(Decision.OPT_OUT, f.key, day), asked, unsub, complaint,
                                                  bool(sends), s.idx)
        return s.idx[:leaving].astype(np.int64), s.idx[s.idx.size - spamming:][::-1].astype(np.int64), complaint
    u = eng.uniform(Decision.OPT_OUT, f.key, day)
    if sends:
        h, c = eq.per_send_hazards(b, f.per_month, f.x, felt, concern, factor)
        np.multiply(h, F32(sends * f.deliverability), out=unsub)
        np.multiply(c, F32(sends), out=complaint)
        complaint[asked] = after
        unsub[asked] = 0.0
        eq.probability(complaint)
    else:
        np.copyto(unsub, eq.review_hazard(b, f.x, felt, concern, factor))
    eq.probability(unsub)              # hazards over the day's sends: P = 1 − e^(−h·sends)
    leave = np.flatnonzero(reach & ~asked & (u < unsub))
    if not sends:
        return leave, np.empty(0, dtype=np.int64), complaint
    return leave, np.flatnonzero(reach & (u >= unsub) & (u < unsub + complaint)), complaint


def formal(eng: Replication, k: int, day: int, sends: int, spam: np.ndarray, complaint: np.ndarray) -> None:
    """Complaints of customers still messaged after asking to leave, where that is unlawful: the regulator hears."""
    f = eng.flows[k]
    asked = eng.practices.requested[k]
    still = np.flatnonzero(asked & eng.practices.reach[k])
    if still.size == 0 or not unlawful(eng, f, day):
        return
    share = eng.b.regulator.formal_share
    ignored = spam[asked[spam]]
    eng.count("formal_complaints", ignored, np.full(ignored.size, share))
    eng.count("formal_expected", still, complaint[still] * F32(share))   # expected, not drawn
    late = float(still.size) * sends * eng.represents
    eng.regulator.judge(opt_out_act(eng, f), f.id, day, messages=late, public=True)


def deliverability(b: Behavior, f: Flow, sent: float, spam: float) -> None:
    """Complaint rate per send (30-day memory); above the ceiling, a share of sends hits spam."""
    keep = math.exp(-1.0 / 30.0)
    f.sends_total = f.sends_total * keep + sent
    f.spam_total = f.spam_total * keep + spam
    rate = f.spam_total / f.sends_total if f.sends_total else 0.0
    o = b.opt_out
    f.deliverability = 1.0 - o.deliverability_penalty if rate >= o.deliverability_threshold else 1.0
