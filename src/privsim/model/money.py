"""Money (docs/model.md §12): the day's revenue, contribution, costs and fines, and NPV discounted daily.

On the last day, the customers still here are valued past the horizon: their lifetime value.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import behavior as eq
from privsim.model import kernels, service
from privsim.scenario.schema import Operations

if TYPE_CHECKING:
    from privsim.model.engine import Replication

F32 = np.float32


def stage_money(eng: Replication, day: int) -> None:
    """Cash = margin × sales × (1 + lifts) + data revenue + service time saved − costs − fines; NPV discounted.

    On the last day the customers still here are valued past the horizon (:func:`terminal_value`).
    """
    # per segment in Python floats: the same IEEE operations as on arrays, without a numpy call for each
    sales = [v / 365.0 for v in eng.active_value.tolist()]
    data = [0.0] * len(sales)
    for k, f in enumerate(eng.flows):
        if f.lift:
            lift = f.lift * f.deliverability
            sales = [a + lift * v / 365.0 for a, v in zip(sales, eng.practices.reach_value[k].tolist(), strict=True)]
        if f.data_revenue:
            data = [d + f.data_revenue * n / 365.0 for d, n in zip(data, eng.practices.reach_count[k].tolist(),
                                                                    strict=True)]
        if f.one_off_price and day == f.start:   # a sale: paid once for the records it reached today
            data = [d + f.one_off_price * n for d, n in zip(data, eng.practices.reach_count[k].tolist(), strict=True)]
    eng.revenue = np.array([(a + d) * eng.represents for a, d in zip(sales, data, strict=True)])
    complaints = eng.total("complaints")
    if complaints:      # a unit cost nothing incurs is not read (privsim.model.reads): runs without it stay shared
        eng.costs["complaints"] += complaints * eng.s.economics.cost_per_complaint * eng.represents
    eng.cost_total = float(sum(eng.costs.values()))
    margin = eng.s.economics.margin
    contribution = np.add.reduce(np.array([margin * a + d for a, d in zip(sales, data, strict=True)]))  # as .sum()
    eng.cash = float(contribution) * eng.represents - eng.cost_total + eng.savings
    r = eng.s.economics.discount_rate
    eng.npv += eng.cash / (1.0 + r) ** ((day + 1) / 365.0)
    if day == eng.horizon - 1 and eng.s.economics.terminal_value == "lifetime":
        eng.terminal = terminal_value(eng)


AHEAD_YEARS = 5.0      # past the horizon, trust and stated intent are followed this long on a grid …
STEPS_PER_YEAR = 12    # … monthly; beyond it the hazard is constant and the rest is closed form
LIFETIME_YEARS = 50.0  # no relationship is valued beyond this (finite with no churn and no discounting) [A]
CHUNK = 1 << 14        # customers valued together: the float64 arrays of a chunk (≈ 14 × 128 KB) stay in L2


def terminal_value(eng: Replication) -> float:
    """TV = Σᵢ cᵢ·∫₀^τᵢ Sᵢ(t)·e^(−δt) dt, discounted from the horizon to day 0 (docs/model.md §12).

    cᵢ is customer i's yearly contribution on the last day (margin × sales with the lifts of the practices
    reaching them, data revenue, less the cost of their messages), δ = ln(1 + r), τᵢ the years until an exit
    they already decided (∞ otherwise; nothing is valued past ``LIFETIME_YEARS``). Survival Sᵢ follows the
    model's own churn hazard: the segment base plus the privacy excess of trust, which moves by the trust
    equation under the practices still reaching
    the customer (toward T* = (ρT̄ + αG)/(ρ + λαB + αG)); exits decided on learning of a violation are the
    τᵢ. Practices live at the horizon are assumed to go on.
    """
    pop, e = eng.pop, eng.s.economics
    idx = np.flatnonzero(pop.active)
    if idx.size == 0:
        return 0.0
    years = np.full(idx.size, np.inf)
    position = np.full(pop.active.size, -1)
    position[idx] = np.arange(idx.size)
    for day, leavers in eng.exits.items():
        if day >= eng.horizon:
            at = position[leavers]
            at = at[at >= 0]
            years[at] = np.minimum(years[at], (day - eng.horizon) / 365.0)
    value = np.empty(idx.size)
    for lo in range(0, idx.size, CHUNK):   # customer by customer, so blocks bound the float64 working set
        part = slice(lo, lo + CHUNK)
        value[part] = contribution(eng, idx[part]) * discounted_survival(eng, idx[part], years[part])
    return float(value.sum()) * eng.represents / (1.0 + e.discount_rate) ** (eng.horizon / 365.0)


def contribution(eng: Replication, idx: np.ndarray) -> np.ndarray:
    """cᵢ: yearly contribution of customers ``idx`` on the last day, with what the live practices reaching them add."""
    e = eng.s.economics
    sales = eng.pop.value[idx].astype(np.float64)
    yearly, data, contacts = sales.copy(), np.zeros(idx.size), None
    for k, f in enumerate(eng.flows):
        reached = eng.practices.reach[k, idx]
        if not f.live or not reached.any():
            continue
        yearly += f.lift * f.deliverability * sales * reached
        data += f.data_revenue * reached
        if k in eng.service_flows:     # handling time saved on the contacts these customers will make
            ops = eng.operations or Operations()
            saving = service.saving_per_contact(ops, eng.controls, eng.b)
            data += ops.service.contacts_per_customer_year * saving * reached
        if f.contacts:
            contacts = (0.0 if contacts is None else contacts) + f.per_month * 12.0 * reached
    value = e.margin * yearly + data
    return value if contacts is None else value - e.cost_per_contact * contacts


def discounted_survival(eng: Replication, idx: np.ndarray, years: np.ndarray) -> np.ndarray:
    """∫₀^τ S(t)·e^(−δt) dt in years for customers ``idx`` (trapezoid on the grid, closed form past it)."""
    pop, b, t = eng.pop, eng.b, eng.b.trust
    delta = math.log1p(eng.s.economics.discount_rate)
    alpha, rho = t.learning_rate, math.log(2.0) / t.recovery_half_life_days
    bad = pop.concern[idx] * eng.practices.load[idx] if eng.practices.any_load else np.zeros(idx.size)
    good = eng.practices.good[idx] if eng.practices.any_good else np.zeros(idx.size)
    base = pop.trust_base[idx].astype(np.float64)
    speed = rho + t.loss_aversion * alpha * bad + alpha * good            # per day
    settled = (rho * base + alpha * good) / speed
    trust0 = pop.trust[idx].astype(np.float64)
    base_hazard = 365.0 * pop.base_hazard[idx].astype(np.float64)
    switching = pop.switching[idx].astype(np.float64)

    inv_base = 1.0 / np.maximum(base, 1e-6)
    intent = np.empty(idx.size)

    def hazard(at: float) -> np.ndarray:
        trust = settled + (trust0 - settled) * np.exp(-speed * 365.0 * at)
        eq.chronic_intent(b, trust, base, inv_base, intent)
        return np.maximum(base_hazard + switching * intent, 0.0)

    step = 1.0 / STEPS_PER_YEAR
    total = np.zeros(idx.size)
    cumulative = np.zeros(idx.size)                                      # ∫ hazard up to the grid point
    f_prev = np.ones(idx.size)
    points = range(1, int(AHEAD_YEARS * STEPS_PER_YEAR) + 1)
    if eng.fast:     # the same sums fused per grid point; the exps stay numpy's
        c = b.churn
        gap, h_prev, h, f = trust0 - settled, np.zeros(idx.size), np.empty(idx.size), np.empty(idx.size)
        constants = (np.float64(F32(c.intent_trust)), np.float64(F32(c.intent_loyalty)),
                     np.float64(F32(c.loyalty_max)))
        per_year, decay = -speed * 365.0, np.empty_like(speed)
        for n in (0, *points):      # grid point 0 accumulates nothing (step 0): it is the first h_prev
            at, width = n * step, step if n else 0.0
            np.exp(np.multiply(per_year, at, out=decay), out=decay)
            kernels.grid_hazard(settled, gap, decay, base, inv_base, base_hazard, switching,
                                *constants, width, delta * at, h_prev, h, cumulative, f)
            h_prev, h = h, h_prev
            if n:
                np.exp(f, out=f)
                kernels.grid_total(years, at - step, step, f_prev, f, total)
                f_prev, f = f, f_prev
    else:
        h_prev = hazard(0.0)
        for n in points:
            at = n * step
            h = hazard(at)
            cumulative += 0.5 * (h_prev + h) * step
            f = np.exp(-cumulative - delta * at)
            inside = np.clip((years - (at - step)) / step, 0.0, 1.0)     # the part of this step before τ
            total += 0.5 * (f_prev + f) * step * inside
            h_prev, f_prev = h, f
    rate = h_prev + delta                                                # constant past the grid
    rest = np.minimum(np.maximum(years - AHEAD_YEARS, 0.0), LIFETIME_YEARS - AHEAD_YEARS)
    tail = np.divide(-np.expm1(-rate * rest), rate, out=rest.copy(), where=rate > 0)
    return total + f_prev * tail
