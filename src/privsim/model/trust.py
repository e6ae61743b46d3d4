"""Trust (docs/model.md §5): the asymmetric daily update, concern drift, and one-off shocks.

A shock (a revelation, an apology) is a one-off load felt in the next trust stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from privsim.model import behavior as eq
from privsim.model import kernels

if TYPE_CHECKING:
    from privsim.model.engine import Replication

F32 = np.float32


def stage_trust(eng: Replication, day: int) -> None:
    """T ← T − λα·T·B + α·(1 − T)·G + ρ·(T̄ − T); concern drifts."""
    drift = eng.s.population.concern_drift_per_year / 365.0
    if eng.fast:     # the kernel also leaves the churn stage today's intent and hazard (churn.stage_churn)
        pop = eng.pop
        if eng.bad_here:       # B = c·W + shocks, formed as it is used (Replication.bad_here)
            load = eng.practices.load if eng.practices.any_load else None
            extra = eng.bad_shock if eng.any_shock else None
        else:
            load, extra = None, eng.bad
        terms = (load, extra, eng.good)
        rho, gain, loss, churn = eng.constant("trust", rates)
        # An absent term is read from T̄ instead, which the kernel only reads: a stand-in it writes (T) fails the
        # vectoriser's overlap check (a scalar loop), and masked-off loads from untouched zero pages crawl.
        kernels.trust_day(pop.trust, pop.trust_base, *(pop.trust_base if a is None else a for a in terms),
                          rho, gain, loss, *(a is not None for a in terms), pop.concern, F32(drift),
                          pop.inv_trust_base, pop.switching, pop.base_hazard, churn, eng.scratch.intent,
                          eng.scratch.hazard)
    else:
        eq.update_trust(eng.b, eng.pop.trust, eng.pop.trust_base, eng.bad, eng.good, eng.scratch.buf)
        if drift:
            eng.pop.concern += F32(drift)
            np.clip(eng.pop.concern, F32(0.0), F32(1.0), out=eng.pop.concern)
    if eng.any_shock:
        eng.bad_shock.fill(0.0)
        eng.good_shock.fill(0.0)
        eng.any_shock = False


def shock(eng: Replication, idx: np.ndarray, bad: np.ndarray | float = 0.0, good: np.ndarray | float = 0.0) -> None:
    """One-off loads felt tomorrow in the trust stage (a revelation weighs ``shock_days`` of its outrage)."""
    if idx.size:
        eng.bad_shock[idx] += F32(eng.b.trust.shock_days) * np.asarray(bad, dtype=F32)
        eng.good_shock[idx] += np.asarray(good, dtype=F32)
        eng.any_shock = True


def rates(eng: Replication) -> tuple[np.float32, np.float32, np.float32, tuple[np.float32, ...]]:
    """The trust kernel's constants: ρ, α, λα and the churn hazard's (ω_T, ω_L, q_L, 1/365), as float32."""
    t, c = eng.b.trust, eng.b.churn
    return (eq.recovery_rate(eng.b), F32(t.learning_rate), F32(t.loss_aversion * t.learning_rate),
            (F32(c.intent_trust), F32(c.intent_loyalty), F32(c.loyalty_max), F32(1.0 / 365.0)))
