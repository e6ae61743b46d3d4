"""The naive reference model: one SimPy process per customer, plain Python, no numpy in the loop.

It re-implements, customer by customer, the engine dynamics that the benchmark scenario
(``benchmarks/three_practices.yaml``) exercises, to check the engine (``tests/test_naive.py``)
and to measure what vectorising gains (``benchmarks/engine.py``): consent when a practice
starts (framing, incentive and UI-pattern shifts; opt-in prompt or default-on notice read by a share
of its channel), felt intrusion of what each customer knows and asymmetric trust, per-send and
periodic-review opt-outs honoured after the latency, complaints per send and deliverability, churn
from lost trust (and less of it from trust earned) damped by lock-in, concern drift, lifts with
diminishing returns in frequency, contribution and NPV. Every coefficient is read from the scenario's
``behavior`` block.

Company-level stochastic events are not modelled: the scenario must switch off discovery
(``behavior.discovery.per_year: 0``) and the regulator (its hazards ``per_formal_complaint``,
``media_per_year``, ``audit_per_year`` and ``breach_notice`` at 0) and have no events;
:func:`unsupported` names what else a scenario would need. Draws come from one ``random.Random``
per replication, so the two models agree in distribution, not draw for draw.

Run: ``python benchmarks/naive.py [SIZE] [DAYS]`` prints customer-days per second and the KPIs.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import simpy

from privsim.model.flows import frequency_lift
from privsim.model.population import block_sizes
from privsim.scenario import taxonomy
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario

SCENARIO = Path(__file__).with_name("three_practices.yaml")
UNASKED, GRANTED, DENIED = 0, 1, 2
MORNING, CUSTOMERS, EVENING = 0.25, 0.5, 0.75   # within a day: company, then customers, then company


def unsupported(s: Scenario) -> list[str]:
    """What ``s`` needs that the naive model does not have (empty: it runs the same dynamics)."""
    b = s.behavior
    problems = [f"events ({', '.join(e.type for e in s.events)})"] if s.events else []
    if b.discovery.per_year:
        problems.append("discovery (set behavior.discovery.per_year: 0)")
    r = b.regulator
    if r.per_formal_complaint or r.media_per_year or r.audit_per_year or r.breach_notice:
        problems.append("the regulator (set behavior.regulator per_formal_complaint, media_per_year, "
                        "audit_per_year and breach_notice: 0)")
    problems += [f"covert practice {p.id}" for p in s.strategy.practices if not p.disclosed]
    return problems


@dataclass
class Practice:
    """One practice's constants (from the scenario and taxonomy) and its daily company-level status."""

    id: str
    mode: str
    ask: bool
    attention: float        # share who read the question: 1 for a prompt, the notice channel's share otherwise
    x: float                # privacy cost: sensitivity × (1 − expectedness)
    shift: float            # framing + UI-pattern logit shifts
    incentive: float
    felt: float             # felt intrusion while reached and known (informed consent, or a disclosed use
                            # never chosen); an unread notice leaves the customer unaware, feeling nothing
    good: float             # good load while reached with consent
    per_month: float
    lift: float
    data_revenue: float
    segments: set[int] | None
    start: int
    end: int | None
    live: bool = False
    sends: int = 0
    review: bool = False
    deliverability: float = 1.0
    sends_total: float = 0.0
    spam_total: float = 0.0


def practices_of(s: Scenario) -> list[Practice]:
    """The scenario's practices with every coefficient they need from ``behavior``."""
    b, names = s.behavior, list(s.population.segments)
    frames = {"neutral": 0.0, "benefit": b.consent.framing_benefit, "alarm": b.consent.framing_alarm}
    out = []
    for p in s.strategy.practices:
        x = max(taxonomy.CATEGORIES[c].sensitivity for c in p.data) * (1.0 - taxonomy.PURPOSES[p.purpose].expectedness)
        out.append(Practice(
            id=p.id, mode=p.consent, ask=p.ask_on_start and p.consent in ("opt_in", "opt_out"),
            attention=1.0 if p.consent == "opt_in" else getattr(b.notice, p.notice), x=x,
            shift=frames[p.framing] + sum(getattr(b.consent, u) for u in p.ui_patterns),
            incentive=p.incentive, felt=b.trust.consented if p.consent == "opt_in" else b.trust.noticed,
            good=b.trust.value_delivered * max(p.revenue_lift, 0.0),
            per_month=p.contacts_per_month if p.channel != "none" else 0.0,
            lift=frequency_lift(b, p.revenue_lift, p.contacts_per_month if p.channel != "none" else 0.0),
            data_revenue=p.data_revenue_per_record,
            segments=None if p.segments is None else {names.index(n) for n in p.segments},
            start=p.start_day, end=p.end_day))
    return out


@dataclass
class Company:
    """Everything shared: constants, practice status, today's tallies and the money."""

    s: Scenario
    rng: random.Random
    practices: list[Practice]
    day: int = 0
    starting: list[int] = field(default_factory=list)
    contacts: float = 0.0
    complaints: float = 0.0
    opt_outs: float = 0.0
    churned: float = 0.0
    incentives: float = 0.0
    value: float = 0.0
    reach_count: list[float] = field(default_factory=list)
    reach_value: list[float] = field(default_factory=list)
    sent: list[float] = field(default_factory=list)
    spam: list[float] = field(default_factory=list)
    asked: list[float] = field(default_factory=list)
    granted: list[float] = field(default_factory=list)
    targeted_end: list[float] = field(default_factory=list)
    reached_end: list[float] = field(default_factory=list)
    trust_end: float = 0.0
    active_end: float = 0.0
    complaints_total: float = 0.0
    revenue: float = 0.0
    npv: float = 0.0

    def __post_init__(self) -> None:
        k = len(self.practices)
        for name in ("asked", "granted", "targeted_end", "reached_end"):
            setattr(self, name, [0.0] * k)

    def open_day(self, d: int) -> None:
        """Practices start and end; today's sends and reviews; tallies reset."""
        o = self.s.behavior.opt_out
        self.day = d
        k = len(self.practices)
        self.reach_count, self.reach_value, self.sent, self.spam = [0.0] * k, [0.0] * k, [0.0] * k, [0.0] * k
        self.contacts = self.complaints = self.value = self.incentives = 0.0
        self.starting = []
        for i, p in enumerate(self.practices):
            if p.start == d:
                p.live = True
                self.starting.append(i)
            if p.end == d:
                p.live = False
            p.sends = 0
            if p.live and p.per_month:
                rate = p.per_month / (365.25 / 12)
                p.sends = int((d - p.start + 1) * rate) - int((d - p.start) * rate)
            p.review = p.live and not p.per_month and d > p.start and (d - p.start) % o.review_interval_days == 0

    def close_day(self) -> None:
        """Deliverability from the 30-day complaint rate, then the day's cash and NPV."""
        s, o, e = self.s, self.s.behavior.opt_out, self.s.economics
        r = s.population.represents
        keep = math.exp(-1.0 / 30.0)
        sales, data = self.value / 365.0, 0.0
        for i, p in enumerate(self.practices):
            if p.sends and self.sent[i]:
                p.sends_total = p.sends_total * keep + self.sent[i]
                p.spam_total = p.spam_total * keep + self.spam[i]
                rate = p.spam_total / p.sends_total if p.sends_total else 0.0
                p.deliverability = 1.0 - o.deliverability_penalty if rate >= o.deliverability_threshold else 1.0
            sales += p.lift * p.deliverability * self.reach_value[i] / 365.0
            data += p.data_revenue * self.reach_count[i] / 365.0
        revenue = (sales + data) * r
        contribution = (e.margin * sales + data) * r
        costs = (self.contacts * e.cost_per_contact + self.complaints * e.cost_per_complaint + self.incentives) * r
        self.revenue += revenue
        self.complaints_total += self.complaints
        self.npv += (contribution - costs) / (1.0 + e.discount_rate) ** ((self.day + 1) / 365.0)

    def morning(self, env: simpy.Environment) -> Any:
        """The company's morning as a SimPy process: :meth:`open_day` every day."""
        yield env.timeout(MORNING)
        while True:
            self.open_day(int(env.now))
            yield env.timeout(1.0)

    def evening(self, env: simpy.Environment) -> Any:
        """The company's evening as a SimPy process: :meth:`close_day` every day."""
        yield env.timeout(EVENING)
        while True:
            self.close_day()
            yield env.timeout(1.0)

    def kpis(self) -> dict[str, float]:
        """KPIs named as the engine names them (segment ``all``)."""
        s = self.s
        r = s.population.represents
        out = {"churn": self.churned / s.population.size, "opt_outs": self.opt_outs * r,
               "complaints": self.complaints_total * r, "revenue": self.revenue, "npv": self.npv,
               "trust_end": self.trust_end / max(self.active_end, 1.0)}
        for i, p in enumerate(self.practices):
            out[f"consent.{p.id}"] = self.reached_end[i] / self.targeted_end[i] if self.targeted_end[i] else 0.0
            out[f"granted_at_ask.{p.id}"] = self.granted[i] / self.asked[i] if self.asked[i] else math.nan
        return out


class Customer:
    """One customer as a SimPy process: every stage of the engine's day, for this customer only."""

    __slots__ = ("base", "base_hazard", "concern", "consent", "due", "informed", "inv_base", "reach",
                 "requested", "segment", "switching", "trust", "value")

    def __init__(self, segment: int, concern: float, trust: float, value: float, base_hazard: float,
                 switching: float, k: int):
        self.segment, self.concern, self.trust, self.base = segment, concern, trust, trust
        self.inv_base, self.value, self.base_hazard, self.switching = 1.0 / trust, value, base_hazard, switching
        self.consent = [UNASKED] * k
        self.reach = [False] * k
        self.requested = [False] * k
        self.informed = [False] * k
        self.due: list[int | None] = [None] * k

    def live_day(self, c: Company) -> bool:
        """Every stage of one day for this customer; False when the customer leaves."""
        d = c.day
        self.events(c)
        self.answer(c)
        bad, good = self.exposure(c)
        self.update_trust(c, bad, good)
        self.opt_out(c, d)
        if self.leaves(c):
            return False
        self.book(c, d == c.s.horizon_days - 1)
        return True

    def life(self, env: simpy.Environment, c: Company) -> Any:
        """One step a day until the customer leaves, as a SimPy process."""
        yield env.timeout(CUSTOMERS)
        while self.live_day(c):
            yield env.timeout(1.0)

    def targeted(self, p: Practice) -> bool:
        """The practice aims at this customer's segment."""
        return p.segments is None or self.segment in p.segments

    def events(self, c: Company) -> None:
        """A practice that ended stops reaching me; one that starts without asking (notice, none) reaches me."""
        for i, p in enumerate(c.practices):
            if not p.live:
                self.reach[i] = False
            elif i in c.starting and p.mode in ("none", "notice_only") and self.targeted(p) and not self.requested[i]:
                self.reach[i] = True

    def answer(self, c: Company) -> None:
        """Consent: a prompt is read by all, a default-on notice by a share a; readers say yes with σ(U)
        to a prompt, σ(U + δ) to keep a default; a default-on notice keeps (uninformed) who did not read it."""
        b = c.s.behavior.consent
        for i in c.starting:
            p = c.practices[i]
            if not p.ask or not self.targeted(p) or self.requested[i]:
                continue
            u = b.intercept + p.shift + b.trust * (self.trust - 0.5) - b.privacy_cost * p.x * self.concern
            if p.incentive:
                u += b.incentive * math.log1p(100.0 * p.incentive / max(self.value, 1.0))
            read = p.attention >= 1.0 or c.rng.random() < p.attention
            if p.mode == "opt_in":
                yes = read and c.rng.random() < 1.0 / (1.0 + math.exp(-u))
            else:
                yes = not read or c.rng.random() < 1.0 / (1.0 + math.exp(-(u + b.default_shift)))
            self.informed[i] = read
            self.consent[i] = GRANTED if yes else DENIED
            self.reach[i] = yes
            c.asked[i] += 1
            c.granted[i] += yes
            c.incentives += p.incentive * yes

    def exposure(self, c: Company) -> tuple[float, float]:
        """Sends arrive; bad load B = concern · Σ x·felt; good load G from value delivered with consent."""
        load = good = 0.0
        for i, p in enumerate(c.practices):
            if self.reach[i] and p.per_month:
                self.informed[i] = True            # its messages tell every recipient
            if self.reach[i]:
                load += p.x * p.felt * self.informed[i]
                if self.consent[i] == GRANTED:
                    good += p.good
                c.contacts += p.sends
        return self.concern * load, good

    def update_trust(self, c: Company, bad: float, good: float) -> None:
        """T ← T − λα·T·B + α·(1 − T)·G + ρ·(T̄ − T), clipped; then concern drifts."""
        t, b = self.trust, c.s.behavior.trust
        rho = math.log(2.0) / b.recovery_half_life_days
        t += rho * (self.base - t) + b.learning_rate * ((1.0 - t) * good - b.loss_aversion * t * bad)
        self.trust = min(1.0, max(0.0, t))
        self.concern = min(1.0, max(0.0, self.concern + c.s.population.concern_drift_per_year / 365.0))

    def opt_out(self, c: Company, d: int) -> None:
        """Honour due requests; then one draw per reached practice that sends or reviews today."""
        o = c.s.behavior.opt_out
        for i in range(len(c.practices)):
            if self.due[i] == d:
                self.due[i] = None
                if self.requested[i]:
                    self.reach[i] = False
        for i, p in enumerate(c.practices):
            if not (p.live and self.reach[i] and (p.sends or p.review)):
                continue
            u = c.rng.random()
            asked = self.requested[i]
            trust_factor = math.exp(-o.trust_elasticity * (self.trust - 0.5))
            felt = p.felt * self.informed[i]
            intrusion = 1.0 + o.intrusion_elasticity * p.x * felt * self.concern
            if p.sends:
                ratio = p.per_month / o.reference_per_month
                if asked:
                    leave, complaint = 0.0, o.complaint_after_optout * p.sends
                else:
                    leave = (o.per_send * ratio ** o.frequency_elasticity * trust_factor * intrusion
                             * p.sends * p.deliverability)
                    complaint = o.complaint_per_send * ratio ** o.complaint_elasticity * intrusion * p.sends
                leave, complaint = -math.expm1(-leave), -math.expm1(-complaint)   # hazards over the sends
                spam = leave <= u < leave + complaint
                c.sent[i] += p.sends
                c.spam[i] += spam
                c.complaints += spam
            else:
                leave = -math.expm1(-o.per_review * p.x * felt * self.concern * trust_factor)
            if not asked and u < leave:
                self.request(c, i, d)

    def request(self, c: Company, i: int, d: int) -> None:
        """Ask to leave practice i: honoured after the latency, at once, or never."""
        self.requested[i] = True
        c.opt_outs += 1
        latency = c.s.strategy.controls.opt_out_latency_days
        if latency == 0:
            self.reach[i] = False
        elif latency is not None:
            self.due[i] = d + latency

    def leaves(self, c: Company) -> bool:
        """Churn: p = 1 − exp(−max(0, h_seg + s·q_T/365)), q_T = ω_T·(1 − T/T̄) below the baseline and
        −min(ω_L·(T/T̄ − 1), q_L) above it."""
        ch = c.s.behavior.churn
        deficit = (self.base - self.trust) * self.inv_base
        intent = ch.intent_trust * deficit if deficit >= 0 else -min(ch.intent_loyalty * -deficit, ch.loyalty_max)
        if c.rng.random() < -math.expm1(-max(0.0, self.base_hazard + self.switching * intent / 365.0)):
            self.reach = [False] * len(self.reach)
            c.churned += 1
            return True
        return False

    def book(self, c: Company, last: bool) -> None:
        """Add my value and reach to today's money; on the last day, my trust and consent."""
        c.value += self.value
        for i, p in enumerate(c.practices):
            if self.reach[i]:
                c.reach_count[i] += 1
                c.reach_value[i] += self.value
            if last and self.targeted(p):
                c.targeted_end[i] += 1
                c.reached_end[i] += self.reach[i]
        if last:
            c.trust_end += self.trust
            c.active_end += 1


def population(s: Scenario, rng: random.Random, k: int, make: Callable[..., Any] = Customer) -> list[Any]:
    """Customers in segment blocks, heterogeneous around each segment's concern, trust and value.

    ``make`` builds one customer from Customer's arguments (another model's agent class, say).
    """
    b, pop = s.behavior, s.population
    segs = list(pop.segments.values())
    counts = block_sizes([g.share for g in segs], pop.size)
    active_share = [g.privacy_active if g.privacy_active is not None else b.churn.privacy_active_share for g in segs]
    expected = sum(n * (a + (1.0 - a) * b.churn.inactive_factor) for n, a in zip(counts, active_share, strict=True))
    expected /= pop.size
    people = []
    for j, (g, n) in enumerate(zip(segs, counts, strict=True)):
        for _ in range(int(n)):
            concern = min(1.0, max(0.0, g.concern + b.concern_sd * rng.gauss(0.0, 1.0)))
            trust = min(1.0, max(0.02, g.trust + b.trust_sd * rng.gauss(0.0, 1.0)))
            value = g.annual_value * math.exp(b.value_sd * rng.gauss(0.0, 1.0) - b.value_sd ** 2 / 2)
            activity = 1.0 if rng.random() < active_share[j] else b.churn.inactive_factor
            switching = b.churn.say_do * (1.0 - pop.lock_in) * activity / expected
            people.append(make(j, concern, trust, value, -math.log1p(-g.churn_per_year) / 365.0, switching, k))
    return people


def run(s: Scenario, replicate: int = 0, seed: int | None = None) -> dict[str, float]:
    """One replication of the naive model; KPIs named as the engine names them (segment ``all``)."""
    problems = unsupported(s)
    if problems:
        raise ValueError("the naive model does not cover: " + "; ".join(problems))
    rng = random.Random(f"{s.seed if seed is None else seed}:{replicate}")
    c = Company(s, rng, practices_of(s))
    env = simpy.Environment()
    env.process(c.morning(env))
    for person in population(s, rng, len(c.practices)):
        env.process(person.life(env, c))
    env.process(c.evening(env))
    env.run(until=s.horizon_days)
    return c.kpis()


def main(size: int = 10_000, days: int = 365) -> None:
    """Time one replication and print customer-days per second and the KPIs."""
    s = override(load_scenario(SCENARIO), {"population.size": size, "horizon_days": days})
    t0 = time.perf_counter()
    kpis = run(s)
    wall = time.perf_counter() - t0
    print(f"naive model: {size:,} customers x {days} days in {wall:.1f} s = {size * days / wall:,.0f} customer-days/s")
    for name, value in kpis.items():
        print(f"  {name:34s} {value:,.4f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
