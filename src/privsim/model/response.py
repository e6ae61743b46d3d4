"""The company's response (docs/model.md §11): a decision under pressure, not a lag set in advance.

Each day the company weighs the pressure on it (backlash, media salience, an open investigation) against
what each exposed practice earns and its posture. When pressure exceeds its tolerance it takes the next step
of ``strategy.response.actions`` — stop, add an opt-out, ask for opt-in, add a notice, tighten controls,
apologise (an apology goes with the step after it) — through the same mechanisms as everything else:
consent questions, notices and readers, trust shocks. Reversal timing emerges: a peripheral practice under a
front-page story stops in days, a revenue-critical one under trade-press attention runs for months.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model.consent import Ask
from privsim.model.notice import tell
from privsim.model.rng import Decision
from privsim.model.trust import shock

if TYPE_CHECKING:
    from privsim.model.backlash import Source
    from privsim.model.engine import Replication

COMPANY = -1          # the target of company-wide steps taken over incidents (breaches, staff misuse)


def stage_response(eng: Replication, day: int) -> None:
    """Today's pressure against each exposed practice's tolerance; the next step where it is exceeded."""
    actions = eng.policy.actions
    if not actions:
        return
    p = pressure(eng, day)
    if p <= 0.0:
        return
    r = eng.b.response
    for target in targets(eng):
        step = eng.response_step.get(target, 0)
        if step >= len(actions) or day < eng.response_next.get(target, 0):
            continue
        excess = p - tolerance(eng, target)
        if excess <= 0.0:
            continue
        key = eng.flows[target].key if target != COMPANY else 0x0C0
        if eng.streams.scalar(Decision.RESPONSE, key, day) < -math.expm1(-r.rate * excess):
            eng.response_step[target] = take_step(eng, target, step, day)
            eng.response_next[target] = day + r.review_days


def pressure(eng: Replication, day: int) -> float:
    """P = backlash / b_ref + media salience + w_I·[an investigation is open]."""
    r = eng.b.response
    p = backlash_share(eng) / r.backlash_reference + eng.backlash.salience(day)
    return p + (r.investigation if eng.regulator.opened is not None else 0.0)


def targets(eng: Replication) -> list[int]:
    """Practices in the news that the company can still change, and the company itself over its incidents."""
    out = [k for k, f in enumerate(eng.flows)
           if f.live and f.reversible and eng.backlash.sources[k].story_day is not None]
    if any(s.flow is None and s.story_day is not None for s in eng.backlash.sources):
        out.append(COMPANY)
    return out


def stake(eng: Replication, k: int) -> float:
    """R: flow k's share of today's revenue (its lift and data revenue), or its ``centrality`` override."""
    f = eng.flows[k]
    if f.centrality is not None:
        return f.centrality
    earned = (f.lift * f.deliverability * float(eng.practices.reach_value[k].sum())
              + f.data_revenue * float(eng.practices.reach_count[k].sum()))
    base = float(eng.active_value.sum())
    total = base + sum(g.lift * g.deliverability * float(eng.practices.reach_value[j].sum())
                       + g.data_revenue * float(eng.practices.reach_count[j].sum()) for j, g in enumerate(eng.flows))
    return max(earned, 0.0) / total if total > 0 else 0.0


def tolerance(eng: Replication, target: int) -> float:
    """τ_posture·(1 + κ·R): what the company bears before acting on this target."""
    r = eng.b.response
    tau = getattr(r, f"tolerance_{eng.policy.posture}")
    return tau * (1.0 + r.stake * (stake(eng, target) if target != COMPANY else 0.0))


def take_step(eng: Replication, target: int, step: int, day: int) -> int:
    """Carry out the next action (with the apologies before it); the index of the step after."""
    actions = eng.policy.actions
    while step < len(actions):
        action = actions[step]
        step += 1
        if action == "apologise":
            apologise(eng, target, day)
            continue
        if target == COMPANY and action != "add_controls":
            continue                         # a practice-level step has nothing to change for an incident
        ACTIONS[action](eng, target, day)
        eng.recorder.mark(day, "response", f"{action}:{eng.flows[target].id if target != COMPANY else 'company'}")
        break
    return step


def reverse(eng: Replication, k: int, day: int) -> None:
    """Stop flow k for everyone."""
    f = eng.flows[k]
    f.live, f.reversed_day = False, day
    eng.practices.stop(k)
    eng.recorder.mark(day, "reversal", f.id)


def add_opt_out(eng: Replication, k: int, day: int) -> None:
    """Keep flow k, disclose it and offer an opt-out by the response channel: readers may leave it."""
    f = eng.flows[k]
    if f.mode in ("opt_in", "opt_out"):
        return
    f.mode, f.disclosed = "opt_out", True
    reached = np.flatnonzero(eng.practices.reach[k])
    attention = getattr(eng.b.notice, eng.policy.notice)
    eng.asks.append(Ask(k, reached, "opt_out", attention=attention, salt=0x0A0A))


def ask_opt_in(eng: Replication, k: int, day: int) -> None:
    """Convert flow k to consent: ask everyone it reaches; those who do not agree leave it."""
    f = eng.flows[k]
    if f.mode == "opt_in":
        return
    f.mode, f.disclosed = "opt_in", True
    eng.asks.append(Ask(k, np.flatnonzero(eng.practices.reach[k]), "opt_in", salt=0x0B0B))


def add_notice(eng: Replication, k: int, day: int) -> None:
    """Disclose flow k by the response channel: its readers are informed (the covert past stays covert)."""
    f = eng.flows[k]
    f.disclosed = True
    tell(eng, k, np.flatnonzero(eng.practices.reach[k]), eng.policy.notice, day, salt=0x0D0D)


def add_controls(eng: Replication, target: int, day: int) -> None:
    """Tighten controls: need-to-know, logged access, MFA and encrypted devices, opt-outs within the law."""
    c = eng.controls
    limit = eng.regulator.opt_out_limit(day) or 10
    latency = c.opt_out_latency_days
    eng.controls = c.model_copy(update={
        "access_logging": True, "mfa": True, "disk_encryption": True,
        "opt_out_latency_days": limit if latency is None or latency > limit else latency})
    if eng.operations is not None:      # the hazards only fall, so the calendar's thinning honours them
        service = eng.operations.service.model_copy(update={"broad_share": 0.0})
        eng.operations = eng.operations.model_copy(update={"service": service})


def apologise(eng: Replication, target: int, day: int) -> None:
    """A public apology: a good load for those who know, whose outrage calms twice as fast."""
    sources: list[Source] = ([eng.backlash.sources[target]] if target != COMPANY
                             else [s for s in eng.backlash.sources if s.flow is None and s.story_day is not None])
    for source in sources:
        aware = np.flatnonzero(source.aware & eng.pop.active)
        shock(eng, aware, good=eng.b.trust.apology)
        source.half_life /= 2.0
    eng.recorder.mark(day, "apology", eng.flows[target].id if target != COMPANY else "company")


ACTIONS = {"stop": reverse, "add_opt_out": add_opt_out, "ask_opt_in": ask_opt_in, "add_notice": add_notice,
           "add_controls": add_controls}


def backlash_share(eng: Replication) -> float:
    """backlash(t): share of active customers aware of a violation and offended."""
    if not eng.backlash.any_outrage:
        return 0.0
    return float(np.count_nonzero(eng.backlash.offended_any)) / max(int(eng.active_count.sum()), 1)
