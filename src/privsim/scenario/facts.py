"""The facts the law reads (``privsim.scenario.law.Use``) about a practice or a merger/sale event.

The regulator (through the engine's flows) and lint build them here, so both judge the same facts.
"""

from __future__ import annotations

from privsim.scenario import law
from privsim.scenario.schema import DataMerger, DataSale, Practice, Scenario


def use_of(item: Practice | DataMerger | DataSale, index: int = 0) -> law.Use:
    """What the law reads about a practice, or a merger or sale event (at index ``index`` of events)."""
    if isinstance(item, Practice):
        return law.Use(item.id, item.purpose, frozenset(item.data), item.consent, item.disclosed,
                       frozenset(item.ui_patterns), item.channel, item.audience_min_age, item.data_source,
                       item.unsubscribe_link, item.legal_basis)
    return law.Use(item.id or f"{item.type}_{index}", item.type, frozenset(item.data), item.consent, item.disclosed)


def company_of(scenario: Scenario) -> law.Company:
    """What the law reads about the strategy as a whole."""
    s = scenario.strategy
    return law.Company(frozenset(s.policy_claims or ()), s.financial_institution, s.controls.do_not_sell_link,
                       s.controls.honours_gpc, s.under_order)
