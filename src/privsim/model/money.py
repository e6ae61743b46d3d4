"""Money (docs/model.md §12): the day's revenue, costs and fines, and the NPV discounted daily."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from privsim.model.engine import Replication


def stage_money(eng: Replication, day: int) -> None:
    """Cash = revenue × (1 + lifts) + data revenue − costs − fines; NPV discounted daily."""
    revenue = eng.active_value / 365.0
    for k, f in enumerate(eng.flows):
        if f.lift:
            revenue = revenue + f.lift * f.deliverability * eng.practices.reach_value[k] / 365.0
        if f.data_revenue:
            revenue = revenue + f.data_revenue * eng.practices.reach_count[k] / 365.0
    for k, f in enumerate(eng.flows):
        if f.one_off_price and day == f.start:   # a sale: paid once for the records it reached today
            revenue = revenue + f.one_off_price * eng.practices.reach_count[k]
    eng.revenue = revenue * eng.represents
    complaints = float(eng.day_counts["complaints"].sum())
    eng.costs["complaints"] += complaints * eng.s.economics.cost_per_complaint * eng.represents
    eng.cost_total = float(sum(eng.costs.values()))
    eng.cash = float(eng.revenue.sum()) - eng.cost_total
    r = eng.s.economics.discount_rate
    eng.npv += eng.cash / (1.0 + r) ** ((day + 1) / 365.0)
