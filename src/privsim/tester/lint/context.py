"""What a check sees: the scenario, the selected packs, and every data use in one shape.

A *use* is a strategy practice, or a ``data_merger`` / ``data_sale`` event (the engine
runs those as flows too). A use that reaches nobody (``segments: []``, a sale of no
records) is no use and is not checked, as in the engine. Fix patches are ``override`` assignments addressed from
``Use.prefix`` (``strategy.practices.<id>`` or ``events.<index>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from privsim.scenario import taxonomy
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

    def at(self, name: str) -> LPath:
        """Path of one of this use's fields."""
        return (*self.path, name)

    def patch(self, **fields: Any) -> dict[str, Any]:
        """Override assignments setting fields of this use."""
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
    """The scenario under check and the packs selected for it."""

    scenario: Scenario
    packs: list[Pack]

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
        """Strictest opt-out limit of the selected packs, days."""
        return min(p.opt_out_limit_days for p in self.packs)

    @property
    def minors_age(self) -> int:
        """Highest age below which the selected packs protect minors."""
        return max(p.minors_age for p in self.packs)

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
                   p.consent, p.disclosed, p) for i, p in enumerate(self.scenario.strategy.practices)
               if p.segments != []]
        for i, e in enumerate(self.scenario.events):
            if isinstance(e, DataMerger) or (isinstance(e, DataSale) and e.share_of_records > 0):
                out.append(Use(e.id or f"{e.type}_{i}", ("events", i), f"events.{i}", e.type, tuple(e.data),
                               e.consent, e.disclosed, None))
        return out

    @property
    def practices(self) -> list[Use]:
        """Uses that are strategy practices (they carry the optional lint fields)."""
        return [u for u in self.uses if u.practice is not None]

    def events(self, kind: str) -> list[tuple[int, Any]]:
        """(index, event) of every event of one type."""
        return [(i, e) for i, e in enumerate(self.scenario.events) if e.type == kind]
