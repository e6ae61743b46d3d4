"""The regulator: violations on record, what reaches it, investigations and how they end (docs/model.md §10).

A regulator investigates only where a rule in force is broken, and knows only what reaches it: formal
complaints (expected real numbers, so the answer does not depend on how many customers simulate a
population), notified breaches, media stories about the company, and a small audit and whistle-blower rate
for violations nobody outside knows of. The day's hazards add up to a probability 1 − exp(−Σ). An
investigation judges each violation once: it closes without action, or ends in an order without money, a
settlement or a fine (fitted to the enforcement data), capped by the statute in force. A public action is
news; it makes an undisclosed practice public.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import fines
from privsim.model.consent import Ask
from privsim.model.rng import Decision, Streams
from privsim.scenario import law
from privsim.scenario.coefficients import Behavior

if TYPE_CHECKING:
    from privsim.model.engine import Replication

MONEY = ("settlement", "fine")
BREACH_REFERENCE = 1e6          # people affected at which a notified breach has hazard ``breach_notice``


@dataclass
class Violation:
    """One rule broken by one use or act: whom it touched (real people), and how much of it has been judged.

    Judged once, unless it was judged while secret and then becomes public: that is new to the regulator.
    """

    rule: law.Rule
    subject: str                       # the flow or event it concerns
    first_day: int
    persons: float = 0.0
    messages: float = 0.0
    judged_persons: float = 0.0
    judged_messages: float = 0.0
    sensitive: bool = False
    public: bool = False               # known outside the company (a story, a notice, a complaint)

    @property
    def open(self) -> bool:
        """Something of it has not been judged yet."""
        return self.persons > self.judged_persons or self.messages > self.judged_messages


@dataclass
class Regulator:
    """The violation record and investigation state of one replication."""

    b: Behavior
    jurisdictions: list[str]
    currency: str
    turnover: float                    # real, economics.currency
    streams: Streams
    start: date
    company: law.Company = field(default_factory=law.Company)
    violations: dict[tuple[str, str], Violation] = field(default_factory=dict)
    opened: int | None = None
    closes: int | None = None
    ordered: bool = False              # an earlier order binds the company: a new violation is a repeat
    actions: list[tuple[int, str, float]] = field(default_factory=list)
    hazard_today: float = 0.0
    days: dict[int, tuple[date, int]] = field(default_factory=dict, repr=False)   # day -> (date, era), made once

    def __post_init__(self) -> None:
        self.ordered = self.ordered or self.company.under_order

    def date(self, day: int) -> date:
        """The calendar date of a simulated day."""
        return self.calendar(day)[0]

    def era(self, day: int) -> int:
        """The stretch between two changes of the law that ``day`` falls in (law.era)."""
        return self.calendar(day)[1]

    def calendar(self, day: int) -> tuple[date, int]:
        """A day's date and era, worked out once (every live use is judged against them every day)."""
        known = self.days.get(day)
        if known is None:
            when = self.start + timedelta(days=day)
            known = self.days[day] = (when, law.era(when))
        return known

    def opt_out_limit(self, day: int, use: law.Use | None = None) -> int | None:
        """The strictest legal limit in days for honouring an opt-out on ``day`` (None: no rule sets one)."""
        return law.opt_out_limit(self.jurisdictions, self.date(day), use)

    def judge(self, act: law.Act, subject: str, day: int, persons: float = 0.0, messages: float = 0.0,
              public: bool = False, sensitive: bool = False) -> list[law.Rule]:
        """Put on record every rule ``act`` breaks on ``day``, adding the real people and messages it touched.

        ``sensitive``: the act exposed special-category data (a use says so itself).
        """
        if act.company != self.company:
            act = dataclasses.replace(act, company=self.company)
        broken = law.breaches(act, self.jurisdictions, self.date(day))
        for rule in broken:
            v = self.violations.get((rule.id, subject))
            if v is None:
                v = self.violations[(rule.id, subject)] = Violation(rule, subject, day)
            v.persons += persons
            v.messages += messages
            if public and not v.public and (v.judged_persons or v.judged_messages):
                v.judged_persons = v.judged_messages = 0.0   # judged while secret: what is public now is news
            v.public = v.public or public
            v.sensitive = v.sensitive or sensitive or bool(act.use and (act.use.special("gdpr")
                                                                         or act.use.special("cpra")))
        return broken

    def unjudged(self) -> list[Violation]:
        """Violations with something not judged yet."""
        return [v for v in self.violations.values() if v.open]

    # ------------------------------------------------------------ investigations
    def hazard(self, formal_complaints: float, salience: float, notified: float) -> float:
        """Today's investigation hazard: complaints, stories, notified breaches and audits (per day)."""
        r = self.b.regulator
        open_ = self.unjudged()
        if not open_:    # a complaint, notice or story about a lawful practice ends at triage
            return 0.0
        h = (r.per_formal_complaint * formal_complaints + r.breach_notice * math.sqrt(notified / BREACH_REFERENCE)
             + r.media_per_year / 365.0 * salience)
        if not any(v.public for v in open_):
            h += r.audit_per_year / 365.0
        return h

    def step(self, day: int, formal_complaints: float, salience: float, notified: float) -> str | None:
        """Open or close an investigation today; the outcome when one closes."""
        if self.opened is not None:
            if day < (self.closes or 0):
                return None
            outcome = self.outcome(day)
            self.opened = self.closes = None
            return outcome
        self.hazard_today = self.hazard(formal_complaints, salience, notified)
        if self.hazard_today > 0 and self.streams.scalar(Decision.REGULATOR, 0, day) < -math.expm1(-self.hazard_today):
            self.opened, self.closes = day, day + self.b.regulator.investigation_days
            self.actions.append((day, "investigation", 0.0))
        return None

    def regime(self, found: list[Violation]) -> str:
        """The jurisdiction whose rules the gravest of the violations break (regulators do not add up)."""
        ranked = sorted(found, key=lambda v: (v.persons - v.judged_persons, v.rule.id), reverse=True)
        return ranked[0].rule.jurisdiction

    def terms(self, found: list[Violation], regime: str) -> tuple[set[str], set[str], float, float, bool]:
        """Kinds, rules, real people and messages of the unjudged violations of one regime; sensitive or not."""
        mine = [v for v in found if v.rule.jurisdiction == regime]
        persons = max((v.persons - v.judged_persons for v in mine), default=0.0)   # the same people, once
        messages = sum(v.messages - v.judged_messages for v in mine)
        return ({v.rule.kind for v in mine}, {v.rule.id for v in mine}, persons, messages,
                any(v.sensitive for v in mine))

    def amount(self, regime: str, found: list[Violation], day: int, z: float) -> float:
        """The money of a public action with money, in ``currency``: the fitted amount, capped by the statute."""
        kinds, rules, persons, messages, sensitive = self.terms(found, regime)
        turnover_usd = fines.convert(self.turnover, self.currency, "USD")
        fitted = fines.fitted_amount(self.b.enforcement, regime, persons, sensitive, self.ordered, z)
        capped = min(fitted, fines.cap(regime, kinds, rules, persons, messages, turnover_usd, self.ordered,
                                       self.date(day)))
        return fines.convert(capped, "USD", self.currency)

    def order_share(self, regime: str, found: list[Violation], day: int) -> float:
        """The chance that a public action on these violations is an order without money."""
        kinds = {v.rule.kind for v in found if v.rule.jurisdiction == regime}
        return fines.order_share(self.b.enforcement, regime, fines.penalty(regime, kinds, self.ordered,
                                                                           self.date(day)))

    def outcome(self, day: int) -> str:
        """How an investigation ends; every violation it looked at is judged."""
        found = self.unjudged()
        for v in found:
            v.judged_persons, v.judged_messages = v.persons, v.messages
        if not found:
            self.actions.append((day, "no_action", 0.0))
            return "no_action"
        u_public, u_order = (self.streams.scalar(Decision.OUTCOME, source, day) for source in (0, 1))
        if u_public < self.b.regulator.no_action:
            self.actions.append((day, "no_action", 0.0))
            return "no_action"
        regime = self.regime(found)
        share = self.order_share(regime, found, day)
        self.ordered = True
        if u_order < share:
            self.actions.append((day, "order", 0.0))
            return "order"
        z = NormalDist().inv_cdf(min(max(self.streams.scalar(Decision.OUTCOME, 2, day), 1e-9), 1 - 1e-9))
        kind = "fine" if regime in ("eu", "uk") else "settlement"
        self.actions.append((day, kind, self.amount(regime, found, day, z)))
        return kind

    def expected_open_cost(self, day: int) -> float:
        """The expected money of the investigation still open on ``day`` (0 when none is open)."""
        found = self.unjudged()
        if self.opened is None or not found:
            return 0.0
        regime = self.regime(found)
        zs = np.linspace(-3, 3, 61)      # E[min(fitted, cap)] over the normal residual
        mean = float(np.average([self.amount(regime, found, day, z) for z in zs], weights=np.exp(-zs**2 / 2)))
        return (1 - self.b.regulator.no_action) * (1 - self.order_share(regime, found, day)) * mean

    def money_on(self, day: int) -> float:
        """Money imposed on ``day`` (0 if none)."""
        return sum(a for d, kind, a in self.actions if d == day and kind in MONEY)


# ------------------------------------------------------------------ the regulator stage
def stage_regulator(eng: Replication, day: int) -> None:
    """Uses are judged against the law of the day; what reaches the regulator may open an investigation."""
    record_flow_violations(eng, day)
    formal = eng.total("formal_expected") * eng.represents
    notified = eng.total("notified") * eng.represents
    reg = eng.regulator
    outcome = reg.step(day, formal, eng.backlash.salience(day), notified)
    if outcome is None:
        if day == eng.horizon - 1:      # still open at the horizon: its expected money counts in NPV
            eng.costs["expected_fines"] += reg.expected_open_cost(reg.closes or day)
        return
    eng.recorder.mark(day, f"regulator_{outcome}", "")
    if outcome != "no_action":
        publicise(eng, day)
        force_opt_in(eng, day)
    eng.costs["fines"] += reg.money_on(day)


def record_flow_violations(eng: Replication, day: int) -> None:
    """Every live flow against the rules in force today; each person counted once per rule and flow.

    A flow that touched nobody new since it was last judged, under the same law, reading and publicity, is
    not judged again: the verdict would add nothing.
    """
    reg = eng.regulator
    for k, f in enumerate(eng.flows):
        if not f.live:
            continue
        touched = int(eng.practices.touched_count[k])
        new = touched - f.counted
        public = f.disclosed or eng.backlash.sources[k].story_day is not None
        judged = (f.use(), reg.company, reg.era(day), public)
        if new == 0 and f.judged == judged:
            continue
        f.judged = judged
        broken = reg.judge(law.Act("use", f.use()), f.id, day, persons=new * eng.represents, public=public)
        if broken or not reg.violations:
            f.counted = touched


def judged_subjects(eng: Replication) -> set[str]:
    """The flows and events an investigation has looked at."""
    return {v.subject for v in eng.regulator.violations.values() if v.judged_persons or v.judged_messages}


def publicise(eng: Replication, day: int) -> None:
    """A public action is national news: it names the practices it found, hidden ones included."""
    intensity = eng.b.regulator.story
    found = judged_subjects(eng)
    from privsim.model.discovery import NATIONAL, reveal

    for k, f in enumerate(eng.flows):
        if f.id in found:
            reveal(eng, k, day, intensity=intensity, tier=NATIONAL)
    eng.backlash.general_story(day, NATIONAL, intensity * 0.5)


def force_opt_in(eng: Replication, day: int) -> None:
    """An order remedies what it found: those flows turn to disclosed opt-in, late opt-outs meet the limit.

    The flows re-ask everyone they reach; the covert past stays covert for those who learn of it later.
    """
    found = judged_subjects(eng)
    for k, f in enumerate(eng.flows):
        if f.live and f.id in found and f.mode != "opt_in":
            f.mode, f.disclosed = "opt_in", True
            eng.asks.append(Ask(k, np.flatnonzero(eng.practices.reach[k]), "opt_in", salt=0x0F0F))
    late = any(v.rule.kind == "opt_out_ignored" and v.judged_messages for v in eng.regulator.violations.values())
    limit = eng.regulator.opt_out_limit(day)
    latency = eng.controls.opt_out_latency_days
    if late and limit is not None and (latency is None or latency > limit):
        eng.controls = eng.controls.model_copy(update={"opt_out_latency_days": limit})
