"""Flows: every use of customer data the engine runs, one mechanism for all.

A strategy's practices are flows; ``data_merger`` and ``data_sale`` events become flows
that start on their day. A flow holds its constants (privacy cost, lift, targets) and its
mutable status (consent mode, live, discovered, reversed).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from privsim.model import operations
from privsim.model.rng import source_key
from privsim.scenario import facts, law, taxonomy
from privsim.scenario.coefficients import Behavior
from privsim.scenario.schema import DataMerger, DataSale, Operations, Practice, Scenario

SENDS_PER_MONTH_DAYS = 365.25 / 12


@dataclass
class Flow:
    """One data use: constants from the scenario plus status that events change."""

    id: str
    purpose: str
    data: list[str]
    mode: str
    disclosed: bool
    ask_on_start: bool
    notice: str
    shift: float                 # Σ framing and UI-pattern logit shifts
    dark: bool                   # consent flow uses a dark pattern
    channel: str
    per_month: float
    lift: float
    data_revenue: float          # per reached record per year
    one_off_price: float         # data sale: per record sold, on the start day
    share_of_records: float      # data sale: share of records sold
    segments: list[str] | None
    share: float                 # share of the targeted customers it reaches
    start: int
    end: int | None
    incentive: float
    all_at_once: bool
    centrality: float | None     # override of its revenue at stake (None: its share of revenue in the run)
    reversible: bool
    facts: law.Use | None = None  # what the law reads about it as written (privsim.scenario.facts)
    key: int = 0
    x: float = 0.0               # privacy cost s·(1 − e)
    sensitivity: float = 0.0
    unexpectedness: float = 0.0
    live: bool = False
    retroactive: bool = False    # a retroactive policy change enrolled customers
    ever_covert: bool = False    # it ran hidden once: learning of it later is a betrayal, whatever it is now
    deceptive: bool = False      # it contradicts a promise the privacy policy makes
    reversed_day: int | None = None
    deliverability: float = 1.0  # share of sends that reach the inbox
    sends_total: float = 0.0     # for the rolling complaint rate
    spam_total: float = 0.0
    weight: float = 1.0          # outrage weight when customers learn of it
    counted: int = 0             # customers touched whose persons are on the regulator's record
    judged: tuple = ()           # what the flow was last judged under (its reading, company, era of law, publicity)
    reading: law.Use | None = None   # use(), kept until an order changes the consent or the disclosure

    def __post_init__(self) -> None:
        self.key = source_key(self.id)
        self.sensitivity = max(taxonomy.CATEGORIES[c].sensitivity for c in self.data)
        self.unexpectedness = 1.0 - taxonomy.PURPOSES[self.purpose].expectedness
        self.x = self.sensitivity * self.unexpectedness
        self.ever_covert = not self.disclosed

    @property
    def contacts(self) -> bool:
        """The flow sends messages."""
        return self.channel != "none" and self.per_month > 0

    def sends_on(self, day: int) -> int:
        """Messages per reached customer on ``day`` (campaign schedule at the monthly rate)."""
        if not self.contacts:
            return 0
        rate = self.per_month / SENDS_PER_MONTH_DAYS
        t = day - self.start
        return int((t + 1) * rate) - int(t * rate)

    @property
    def sensitive(self) -> bool:
        """Uses special-category or sensitive data."""
        return taxonomy.is_sensitive(self.data)

    @property
    def needs_consent(self) -> bool:
        """Its purpose needs consent in the strictest jurisdictions."""
        return taxonomy.PURPOSES[self.purpose].needs_consent

    def use(self) -> law.Use:
        """What the law reads about this flow as it runs now (an order may have changed its consent)."""
        assert self.facts is not None
        now = self.reading
        if now is None or (now.consent, now.disclosed) != (self.mode, self.disclosed):
            now = self.reading = dataclasses.replace(self.facts, consent=self.mode, disclosed=self.disclosed)
        return now


def _shift(b: Behavior, framing: str, patterns: list[str]) -> float:
    c = b.consent
    frame = {"neutral": 0.0, "benefit": c.framing_benefit, "alarm": c.framing_alarm}[framing]
    return frame + sum(getattr(c, p) for p in patterns)


def frequency_lift(b: Behavior, lift: float, per_month: float) -> float:
    """Lift at ``per_month`` contacts with diminishing returns: lift·g(f)/g(f_ref), g(f) = 1 − e^(−f/f₀).

    ``revenue_lift`` is read as the lift at the reference frequency (docs/model.md §12); a practice that
    sends nothing keeps it as written.
    """
    if per_month <= 0.0:
        return lift
    f0, ref = b.lift.saturation_per_month, b.lift.reference_per_month
    return lift * -math.expm1(-per_month / f0) / -math.expm1(-ref / f0)


def access_benefit(ops: Operations, masked: bool, b: Behavior) -> float:
    """Share of personalisation's benefit service agents deliver: broad access 1, need-to-know and masking less."""
    s = b.service
    return operations.access(ops, s.need_to_know_benefit) * (s.masking_benefit if masked else 1.0)


def from_practice(p: Practice, b: Behavior) -> Flow:
    """A strategy practice as a flow."""
    return Flow(
        id=p.id, purpose=p.purpose, data=list(p.data), mode=p.consent, disclosed=p.disclosed,
        ask_on_start=p.ask_on_start, notice=p.notice, shift=_shift(b, p.framing, p.ui_patterns),
        dark=bool(p.ui_patterns), channel=p.channel, per_month=p.contacts_per_month,
        lift=frequency_lift(b, p.revenue_lift, p.contacts_per_month if p.channel != "none" else 0.0),
        data_revenue=p.data_revenue_per_record, one_off_price=0.0,
        share_of_records=1.0, segments=p.segments, share=p.share, start=p.start_day, end=p.end_day,
        incentive=p.incentive, all_at_once=p.visibility == "all_at_once", centrality=p.centrality,
        reversible=True, facts=facts.use_of(p),
    )


def from_event(e: DataMerger | DataSale, index: int, b: Behavior) -> Flow:
    """A data merger or sale event as a flow starting on its day."""
    sale = isinstance(e, DataSale)
    return Flow(
        id=e.id or f"{e.type}_{index}", purpose=e.type, data=list(e.data), mode=e.consent,
        disclosed=e.disclosed, ask_on_start=True, notice=getattr(e, "notice", "website_only"),
        shift=0.0, dark=False, channel="none", per_month=0.0,
        lift=0.0 if sale else e.revenue_lift,
        data_revenue=0.0 if sale else e.data_revenue_per_record,
        one_off_price=e.price_per_record if sale else 0.0,
        share_of_records=e.share_of_records if sale else 1.0, segments=None, share=1.0, start=int(e.day),
        end=None, incentive=0.0, all_at_once=False,
        centrality=None if sale else e.centrality, reversible=not sale, facts=facts.use_of(e, index),
    )


def compile_flows(s: Scenario, with_strategy: bool = True) -> list[Flow]:
    """All flows of a scenario; ``with_strategy=False`` gives the no-practice baseline (none)."""
    if not with_strategy:
        return []
    flows = [from_practice(p, s.behavior) for p in s.strategy.practices]
    for f in flows:        # personalised service earns what the agents' access lets them personalise
        if f.purpose == "customer_service_access":
            f.lift *= access_benefit(s.operations or Operations(), s.strategy.controls.field_masking, s.behavior)
    flows += [from_event(e, i, s.behavior) for i, e in enumerate(s.events)
              if isinstance(e, DataMerger | DataSale)]
    claims = s.strategy.policy_claims or []
    for f in flows:
        assert f.facts is not None
        f.deceptive = any(law.CLAIMS[c](f.facts) for c in claims if c in law.CLAIMS)
    return flows
