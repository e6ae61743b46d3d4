"""The regulator: violations on record, investigation hazard and outcomes (docs/model.md §10)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import fines
from privsim.model.consent import Ask
from privsim.model.rng import Decision, Streams
from privsim.scenario.coefficients import Behavior

if TYPE_CHECKING:
    from privsim.model.engine import Replication

# Legal limit for honouring an opt-out, days: GDPR Art. 12(3) one month; ICO one month;
# CAN-SPAM 10 business days; CCPA regs §7026(f) 15 business days.
OPT_OUT_LIMIT_DAYS = {"eu": 30, "uk": 30, "us": 14, "us_ca": 21}

VIOLATIONS = {
    "sensitive_without_consent": "sensitive data used without opt-in consent",
    "consent_bypassed": "a purpose that needs consent run on notice or default",
    "opt_out_ignored": "opt-outs not honoured, or later than the legal limit",
    "retroactive_change": "retroactive change of terms without opt-in",
    "repermission_to_opted_out": "consent asked again of people who opted out",
    "breach": "a security failure exposed records",
    "invalid_consent": "consent obtained by a dark pattern (pre-ticked, hidden reject …)",
}


@dataclass
class Regulator:
    """Violation record and investigation state of one replication."""

    b: Behavior
    jurisdictions: list[str]
    currency: str
    turnover: float
    streams: Streams
    persons: dict[str, float] = field(default_factory=dict)   # real people affected, per violation
    messages: dict[str, float] = field(default_factory=dict)  # real unlawful messages
    until: dict[str, int] = field(default_factory=dict)       # violation stays on record until day
    opened: int | None = None
    closes: int | None = None
    actions: list[tuple[int, str, float]] = field(default_factory=list)

    @property
    def opt_out_limit(self) -> int:
        """Strictest legal opt-out limit of the scenario's jurisdictions."""
        return min((OPT_OUT_LIMIT_DAYS[j] for j in self.jurisdictions), default=30)

    def record(self, kind: str, day: int, persons: float = 0.0, messages: float = 0.0,
               lasts: int = 365) -> None:
        """Put a violation on record for ``lasts`` days, adding who and how many messages it touched."""
        self.persons[kind] = self.persons.get(kind, 0.0) + persons
        self.messages[kind] = self.messages.get(kind, 0.0) + messages
        self.until[kind] = max(self.until.get(kind, -1), day + lasts)

    def weight(self, day: int) -> float:
        """Σ of violations on record today (each weight 1)."""
        return float(sum(1 for end in self.until.values() if end >= day))

    def hazard(self, day: int, salience: float, formal_complaints: float) -> float:
        """Daily opening hazard h = v/365·V(t)·(1 + k·S) + c·formal complaints (real)."""
        r = self.b.regulator
        return (r.violation_per_year / 365.0 * self.weight(day) * (1.0 + r.salience_factor * salience)
                + r.per_complaint * formal_complaints)

    def step(self, day: int, salience: float, formal_complaints: float) -> str | None:
        """Open or close an investigation today; returns the outcome when one closes."""
        if self.opened is not None:
            if day < (self.closes or 0):
                return None
            outcome = self._outcome(day)
            self.opened = self.closes = None
            return outcome
        h = self.hazard(day, salience, formal_complaints)
        if h > 0 and self.streams.scalar(Decision.REGULATOR, 0, day) < h:
            self.opened, self.closes = day, day + self.b.regulator.investigation_days
            self.actions.append((day, "investigation", 0.0))
        return None

    def _outcome(self, day: int) -> str:
        r = self.b.regulator
        u = self.streams.scalar(Decision.OUTCOME, 0, day)
        if u < r.p_nothing:
            self.actions.append((day, "no_action", 0.0))
            return "no_action"
        if u < r.p_nothing + r.p_forced_opt_in:
            self.actions.append((day, "forced_opt_in", 0.0))
            return "forced_opt_in"
        amount = fines.worst_fine(self.jurisdictions, sum(self.messages.values()),
                                  sum(self.persons.values()), self.turnover, self.currency,
                                  r.enforcement)
        if amount <= 0.0:   # nothing on record to fine: the investigation closes without action
            self.actions.append((day, "no_action", 0.0))
            return "no_action"
        self.actions.append((day, "fine", amount))
        return "fine"

    def fine_on(self, day: int) -> float:
        """Fine imposed on ``day`` (0 if none)."""
        return sum(a for d, kind, a in self.actions if d == day and kind == "fine")


# ------------------------------------------------------------------ the regulator stage
def stage_regulator(eng: Replication, day: int) -> None:
    """Violations on record and complaints drive the investigation hazard; outcomes apply."""
    record_flow_violations(eng, day)
    formal = float(eng.day_counts["formal_complaints"].sum()) * eng.represents
    outcome = eng.regulator.step(day, eng.backlash.salience(day), formal)
    if outcome is None:
        return
    eng.recorder.mark(day, f"regulator_{outcome}", "")
    if outcome in ("forced_opt_in", "fine"):
        force_opt_in(eng, day)
    eng.costs["fines"] += eng.regulator.fine_on(day)


def record_flow_violations(eng: Replication, day: int) -> None:
    """Sensitive data without opt-in; consent-needing purposes without consent; consent by dark pattern."""
    eu_uk = any(j in ("eu", "uk") for j in eng.s.jurisdictions)
    strict = eu_uk or "us_ca" in eng.s.jurisdictions
    for k, f in enumerate(eng.flows):
        if not f.live:
            continue
        if f.mode == "opt_in":
            if not (f.dark and strict):
                continue
            kind = "invalid_consent"   # pre-ticked or hidden-reject consent is no consent (Planet49; CPPA v Honda)
        elif f.sensitive:
            kind = "sensitive_without_consent"
        elif f.needs_consent and (f.mode in ("none", "notice_only") or eu_uk):
            kind = "consent_bypassed"
        else:
            continue
        touched = int(eng.practices.touched_count[k])
        new = touched - f.extra.get("counted", 0)
        if touched:
            eng.regulator.record(kind, day, persons=new * eng.represents, lasts=1)
            f.extra["counted"] = touched


def force_opt_in(eng: Replication, day: int) -> None:
    """Regulator order: consent-needing flows switch to opt-in and re-ask everyone they reach."""
    for k, f in enumerate(eng.flows):
        if f.live and f.mode != "opt_in" and (f.needs_consent or f.sensitive):
            f.mode, f.disclosed = "opt_in", True
            eng.asks.append(Ask(k, np.flatnonzero(eng.practices.reach[k]), "opt_in", salt=0x0F0F))
    latency = eng.controls.opt_out_latency_days
    if latency is None or latency > eng.regulator.opt_out_limit:
        eng.controls = eng.controls.model_copy(update={"opt_out_latency_days": eng.regulator.opt_out_limit})
