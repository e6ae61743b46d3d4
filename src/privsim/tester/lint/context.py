"""What a check sees: the scenario, the selected packs, and every data use in one shape.

A *use* is a strategy practice, or a ``data_merger`` / ``data_sale`` event (the engine
runs those as flows too). A use that reaches nobody (``segments: []``, a sale of no
records) is no use and is not checked, as in the engine. Fix patches are ``override`` assignments addressed from
``Use.prefix`` (``strategy.practices.<id>`` or ``events.<index>``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from privsim.scenario import facts, law, taxonomy
from privsim.scenario.schema import DataMerger, DataSale, Practice, Scenario
from privsim.tester.lint.base import LPath
from privsim.tester.lint.packs import Pack

QUASI_IDENTIFIERS = frozenset({"identifiers", "demographics", "location", "biometric", "genetic"})
SHARING = frozenset({"third_party_sharing", "cross_context_tracking", "data_sale"})


@dataclass(frozen=True)
class Use:
    """One use of customer data, whether a practice or a merger/sale event."""

    id: str
    path: LPath
    prefix: str
    purpose: str
    data: tuple[str, ...]
    consent: str
    disclosed: bool
    practice: Practice | None
    facts: law.Use
    day: int = 0                    # the day from which it runs like this (a policy change: its day)
    changed_by: int | None = None   # a practice as a policy_change event (at this index) leaves it

    def at(self, name: str) -> LPath:
        """Path of one of this use's fields."""
        if self.changed_by is not None:
            return ("events", self.changed_by, "new_consent")
        return (*self.path, name)

    def patch(self, **fields: Any) -> dict[str, Any]:
        """Override assignments setting fields of this use (of a changed use: only its new consent)."""
        if self.changed_by is not None:
            return {f"events.{self.changed_by}.new_consent": fields["consent"]} if "consent" in fields else {}
        return {f"{self.prefix}.{k}": v for k, v in fields.items()}

    @property
    def sensitive(self) -> bool:
        """Uses special-category / sensitive data."""
        return taxonomy.is_sensitive(list(self.data))

    @property
    def needs_consent(self) -> bool:
        """Its purpose needs consent in the strictest jurisdictions (taxonomy)."""
        return taxonomy.PURPOSES[self.purpose].needs_consent

    @property
    def ui_patterns(self) -> tuple[str, ...]:
        """Dark patterns in its consent flow (events have none)."""
        return tuple(self.practice.ui_patterns) if self.practice else ()

    def informed(self) -> dict[str, Any]:
        """The patch that turns this use into a disclosed, opt-in one."""
        return self.patch(consent="opt_in", disclosed=True)


@dataclass
class Context:
    """The scenario under check, the packs selected for it and the jurisdictions whose law applies."""

    scenario: Scenario
    packs: list[Pack]
    jurisdictions: list[str]

    @property
    def company(self) -> law.Company:
        """What the law reads about the strategy as a whole."""
        return facts.company_of(self.scenario)

    def date(self, day: int = 0) -> date:
        """The calendar date of a day of the scenario."""
        return self.scenario.start_date + timedelta(days=day)

    def breaks(self, act: law.Act, kind: str, where: tuple[str, ...] | None = None, day: int = 0) -> list[law.Rule]:
        """Rules of ``kind`` in force on ``day`` that ``act`` breaks (only those of ``where``, if given)."""
        act = dataclasses.replace(act, company=self.company)
        return [r for r in law.breaches(act, self.jurisdictions, self.date(day))
                if r.kind == kind and (where is None or r.jurisdiction in where)]

    def use_breaks(self, u: Use, kind: str, where: tuple[str, ...] | None = None) -> list[law.Rule]:
        """Rules of ``kind`` that a use breaks from the day it runs so (the start, or its policy change)."""
        return self.breaks(law.Act("use", u.facts), kind, where, day=u.day)

    @property
    def pack_ids(self) -> set[str]:
        """Ids of the selected packs."""
        return {p.id for p in self.packs}

    @property
    def eu_uk(self) -> bool:
        """The EU/UK pack is selected."""
        return "eu_uk" in self.pack_ids

    @property
    def opt_out_limit(self) -> int:
        """Strictest legal opt-out limit in force at the start, days (30 where no rule sets one)."""
        return law.opt_out_limit(self.jurisdictions, self.date()) or 30

    @property
    def strategy(self) -> LPath:
        """Path of the strategy block."""
        return ("strategy",)

    def controls(self, name: str) -> LPath:
        """Path of a controls field."""
        return ("strategy", "controls", name)

    @property
    def uses(self) -> list[Use]:
        """Every data use that reaches someone: practices first, then merger and sale events."""
        out = [Use(p.id, ("strategy", "practices", i), f"strategy.practices.{p.id}", p.purpose, tuple(p.data),
                   p.consent, p.disclosed, p, facts.use_of(p))
               for i, p in enumerate(self.scenario.strategy.practices)
               if p.segments != []]
        for i, e in enumerate(self.scenario.events):
            if isinstance(e, DataMerger) or (isinstance(e, DataSale) and e.share_of_records > 0):
                out.append(Use(e.id or f"{e.type}_{i}", ("events", i), f"events.{i}", e.type, tuple(e.data),
                               e.consent, e.disclosed, None, facts.use_of(e, i)))
        return out

    @property
    def judged_uses(self) -> list[Use]:
        """Every use as written, and every practice as a policy change with new consent terms leaves it.

        The engine runs a changed practice under its new terms from the change on, and the regulator judges
        it so; the checks whose rules turn on consent judge it too (fix: the change's ``new_consent``).
        """
        out = self.uses
        by_id = {u.id: u for u in out if u.practice is not None}
        for i, e in self.events("policy_change"):
            for pid in e.practices if e.new_consent else []:
                if pid in by_id:
                    u = by_id[pid]
                    changed = dataclasses.replace(u.facts, consent=e.new_consent)
                    out.append(dataclasses.replace(u, consent=e.new_consent, facts=changed, day=e.day or 0,
                                                   changed_by=i))
        return out

    @property
    def practices(self) -> list[Use]:
        """Uses that are strategy practices (they carry the optional lint fields)."""
        return [u for u in self.uses if u.practice is not None]

    def events(self, kind: str) -> list[tuple[int, Any]]:
        """(index, event) of every event of one type."""
        return [(i, e) for i, e in enumerate(self.scenario.events) if e.type == kind]
