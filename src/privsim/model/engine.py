"""One replication: a SimPy calendar for events plus one vectorised daily step.

The daily step runs these stages, in this order, every day (``privsim.engine.STEP_ORDER``):

1. events    — apply what the calendar made due: practice start/end, policy changes,
               mergers, sales, breaches, incidents, media stories, re-permission campaigns
2. consent   — customers asked today grant or refuse (framing, incentive, UI patterns)
3. exposure  — sends go out; each customer's felt intrusion load B and good load G
4. trust     — asymmetric update toward baseline
5. opt_out   — honour due requests; per-send unsubscribes and complaints; reviews
6. churn     — segment baseline + privacy excess damped by lock-in
7. discovery — covert/unexpected uses surface; media cycle; word of mouth; outrage
8. regulator — investigation hazard from violations and complaints; outcomes
9. response  — reverse and apologise once backlash passes the policy threshold
10. money    — revenue, lifts, data revenue, contact/complaint/breach costs, fines, NPV
11. record   — per-segment daily metrics

A replication is a pure function of (scenario, seed, replicate): no globals, no clock,
no file I/O. Churned customers carry zero state, so no stage masks by ``active``.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np
import simpy

from privsim.model import behavior as eq
from privsim.model import events as ev
from privsim.model import optout
from privsim.model.backlash import Backlash, Source
from privsim.model.flows import Flow, compile_flows
from privsim.model.network import build as build_network
from privsim.model.population import Population, build_population
from privsim.model.practices import DENIED, GRANTED, Practices
from privsim.model.recorder import Recorder
from privsim.model.regulator import Regulator, regulator_stage
from privsim.model.rng import Decision, Streams
from privsim.scenario.schema import Scenario

F32 = np.float32

STEP_ORDER: tuple[tuple[str, str], ...] = (
    ("events", "apply events the SimPy calendar made due today"),
    ("consent", "customers asked today grant or refuse"),
    ("exposure", "sends go out; felt intrusion load and good load per customer"),
    ("trust", "asymmetric trust update toward baseline"),
    ("opt_out", "honour due opt-outs; per-send unsubscribes and complaints; reviews"),
    ("churn", "baseline + privacy-driven churn, damped by lock-in"),
    ("discovery", "discovery, media cycle, word of mouth, outrage and backlash"),
    ("regulator", "investigation hazard, outcomes and fines"),
    ("response", "reverse and apologise when backlash passes the threshold"),
    ("money", "revenue, lifts, data revenue, costs, fines, NPV"),
    ("record", "per-segment daily metrics"),
)

Probe = Callable[[int, "Replication"], None]


class Replication:
    """The state of one replication and the daily stages that advance it."""

    def __init__(self, scenario: Scenario, replicate: int = 0, *, seed: int | None = None,
                 with_strategy: bool = True, exclusions: dict[str, Any] | None = None,
                 profile: bool = False, probe: Probe | None = None):
        self.s, self.b = scenario, scenario.behavior
        self.horizon = scenario.horizon_days
        self.streams = Streams(scenario.seed if seed is None else seed, replicate)
        self.pop: Population = build_population(scenario.population, self.b, self.streams)
        self.n = self.pop.size
        self.represents = scenario.population.represents
        self.flows: list[Flow] = compile_flows(scenario, with_strategy)
        self.practices = Practices(self.flows, self.pop, self.b,
                                   {k: np.asarray(v) for k, v in (exclusions or {}).items()})
        network = scenario.population.network
        if not with_strategy:   # nothing company-caused can spread; skip building a graph
            network = network.model_copy(update={"kind": "mean_field"})
        mouth = build_network(network, self.n, self.streams)
        self.backlash = Backlash(self.b, self.n, mouth, self.streams)
        for k, f in enumerate(self.flows):
            self.backlash.add(Source(f.id, f.key, f.x, self.practices.outrage_weight(k),
                                     affected=self.practices.touched[k], aware=self.practices.aware[k],
                                     flow=k))
        turnover = scenario.economics.annual_turnover
        if turnover is None:
            turnover = float(self.pop.value.sum()) * self.represents
        self.regulator = Regulator(self.b, list(scenario.jurisdictions), scenario.economics.currency,
                                   turnover, self.streams)
        self.controls = scenario.strategy.controls
        self.policy = scenario.strategy.response
        self.recorder = Recorder(self)
        self.profile = profile
        self.stage_ns: dict[str, int] = dict.fromkeys((name for name, _ in STEP_ORDER), 0)
        self.stage_draws: dict[str, int] = dict.fromkeys((name for name, _ in STEP_ORDER), 0)
        self.probe = probe

        n, s = self.n, len(self.pop.names)
        self.bad_shock = np.zeros(n, dtype=F32)
        self.good_shock = np.zeros(n, dtype=F32)
        self.any_shock = False
        self._bad = np.zeros(n, dtype=F32)
        self._buf = np.zeros(n, dtype=F32)
        self._intent = np.zeros(n, dtype=F32)
        self._u = np.zeros(n, dtype=F32)
        self.active_count = np.diff(self.pop.bounds).astype(np.int64)
        self.active_value = np.bincount(self.pop.segment, weights=self.pop.value, minlength=s)
        self.churned_day = np.full(n, -1, dtype=np.int32)
        self.asks: list[ev.Ask] = []
        self.sends: list[int] = []
        self.bad: np.ndarray | None = None
        self.good: np.ndarray | None = None
        self.intent_sum: list[float] = [0.0] * s
        self.revenue = np.zeros(s)
        self.cash = 0.0
        self.cost_total = 0.0
        self.pending: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)
        self.exits: dict[int, np.ndarray] = {}        # day -> customers who decided to leave
        self.any_stated = False
        self.due: dict[str, list[Callable[[int], None]]] = defaultdict(list)
        self.reversals: dict[int, int] = {}          # flow -> day its reversal takes effect
        self.day_counts: dict[str, Any] = {}
        self.costs: dict[str, float] = {}
        self.npv = 0.0
        self.env = simpy.Environment()
        self.calendar = ev.Calendar(self, with_strategy)

    # ---------------------------------------------------------------- run
    def run(self) -> Recorder:
        """Run the whole horizon; returns the recorder holding the daily metrics."""
        self.env.process(self._clock())
        self.env.run(until=self.horizon + 1)
        return self.recorder

    def _clock(self) -> Any:
        yield self.env.timeout(0.5)
        for day in range(self.horizon):
            self.step(day)
            yield self.env.timeout(1.0)

    def step(self, day: int) -> None:
        """One day: every stage of STEP_ORDER in order."""
        self._begin_day()
        for name, _ in STEP_ORDER:
            stage = getattr(self, f"stage_{name}")
            if self.profile:
                before = sum(self.streams.draws.values())
                t0 = time.perf_counter_ns()
                stage(day)
                self.stage_ns[name] += time.perf_counter_ns() - t0
                self.stage_draws[name] += sum(self.streams.draws.values()) - before
            else:
                stage(day)
        if self.probe is not None:
            self.probe(day, self)

    def _begin_day(self) -> None:
        self.day_counts = defaultdict(lambda: np.zeros(len(self.pop.names), dtype=np.float64))
        self.costs = defaultdict(float)

    def count(self, metric: str, idx: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add customers ``idx`` (optionally weighted) to today's per-segment count of ``metric``."""
        if idx.size:
            self.day_counts[metric] += np.bincount(self.pop.segment[idx], weights=weights,
                                                   minlength=len(self.pop.names))

    # ---------------------------------------------------------------- 1 events
    def stage_events(self, day: int) -> None:
        """Apply actions the SimPy calendar made due (in calendar order)."""
        for action in self.due.pop("events", []):
            action(day)

    # ---------------------------------------------------------------- 2 consent
    def ask(self, question: ev.Ask) -> None:
        """Queue a consent question; it is answered in the consent stage."""
        self.asks.append(question)

    def stage_consent(self, day: int) -> None:
        """P(grant) = σ(U) to opt in; 1 − a·(1 − σ(U + δ)) on a default-on notice; a·σ(U) by campaign."""
        asks, self.asks = self.asks, []
        pop = self.pop
        for q in asks:
            keep = pop.active[q.idx]
            idx = q.idx[keep]
            if idx.size == 0:
                continue
            f = self.flows[q.flow]
            u = self.streams.uniform(Decision.CONSENT, f.key ^ q.salt, day, self._u)[idx]
            ratio = q.incentive / np.maximum(pop.value[idx], F32(1.0)) if q.incentive else 0.0
            shift = q.shift[keep] if isinstance(q.shift, np.ndarray) else q.shift
            utility = eq.consent_utility(self.b, pop.trust[idx], pop.concern[idx], f.x,
                                         f.shift + shift, ratio)
            if q.mode == "campaign":
                p = eq.sigmoid(utility) * F32(q.attention)
            else:
                p = eq.grant_probability(self.b, q.mode, utility, q.attention)
            granted = u < p
            complaint = q.complaint[keep] if isinstance(q.complaint, np.ndarray) else q.complaint
            spam = idx[~granted & (u < p + complaint)]
            self.count("complaints", spam)
            self.count("formal_complaints", spam, np.full(spam.size, self.b.regulator.formal_share))
            if q.mode == "campaign":
                idx = idx[granted]       # a campaign only changes the minds of those who say yes
                granted = granted[granted]
            self.practices.consent[q.flow, idx] = np.where(granted, GRANTED, DENIED)
            self.practices.requested[q.flow, idx[granted]] = False
            if f.live:
                self.practices.set_reach(q.flow, idx[granted], True)
            self.practices.set_reach(q.flow, idx[~granted], False)
            label = q.label or f.id
            self.count(f"asked.{label}", q.idx[keep])
            self.count(f"granted.{label}", idx[granted])
            self.costs["incentives"] += q.incentive * float(granted.sum()) * self.represents

    # ---------------------------------------------------------------- 3 exposure
    def stage_exposure(self, day: int) -> None:
        """Sends per flow; bad load B = c·W (+ shocks), good load G (+ shocks)."""
        self.sends = [f.sends_on(day) if f.live else 0 for f in self.flows]
        for k, _f in enumerate(self.flows):
            if self.sends[k]:
                sent = self.practices.reach_count[k] * self.sends[k]
                self.day_counts["sends"] += sent
                self.costs["contacts"] += (float(sent.sum()) * self.s.economics.cost_per_contact
                                           * self.represents)
        self.bad = None
        if self.practices.any_load:
            np.multiply(self.pop.concern, self.practices.load, out=self._bad)
            self.bad = self._bad
        if self.any_shock:
            if self.bad is None:
                np.copyto(self._bad, self.bad_shock)
                self.bad = self._bad
            else:
                self.bad += self.bad_shock
        self.good = self.practices.good if self.practices.any_good else None
        if self.any_shock:
            self.good = self.good_shock + (self.good if self.good is not None else 0)

    # ---------------------------------------------------------------- 4 trust
    def stage_trust(self, day: int) -> None:
        """T ← T − λα·T·B + α·(1 − T)·G + ρ·(T̄ − T); concern drifts."""
        eq.update_trust(self.b, self.pop.trust, self.pop.trust_base, self.bad, self.good, self._buf)
        if self.any_shock:
            self.bad_shock.fill(0.0)
            self.good_shock.fill(0.0)
            self.any_shock = False
        drift = self.s.population.concern_drift_per_year / 365.0
        if drift:
            self.pop.concern += F32(drift)
            np.clip(self.pop.concern, F32(0.0), F32(1.0), out=self.pop.concern)

    def shock(self, idx: np.ndarray, bad: np.ndarray | float = 0.0, good: np.ndarray | float = 0.0) -> None:
        """One-off loads felt tomorrow in the trust stage (revelations, apologies)."""
        if idx.size:
            self.bad_shock[idx] += F32(self.b.trust.shock_days) * np.asarray(bad, dtype=F32)
            self.good_shock[idx] += np.asarray(good, dtype=F32)
            self.any_shock = True

    # ---------------------------------------------------------------- 5 opt-out
    def stage_opt_out(self, day: int) -> None:
        """Honour due requests, then per-send (contact) or periodic (data use) opt-out draws."""
        optout.stage(self, day)

    def request_opt_out(self, k: int, idx: np.ndarray, day: int) -> None:
        """Customers ask to leave flow k; honoured after the latency, or never."""
        optout.request(self, k, idx, day)

    # ---------------------------------------------------------------- 6 churn
    def stage_churn(self, day: int) -> None:
        """Churn p = h_seg + s·q_T/365 (one draw a customer), plus exits decided on learning of a violation."""
        pop = self.pop
        intent = eq.chronic_intent(self.b, pop.trust, pop.trust_base, pop.inv_trust_base, self._intent)
        p = eq.churn_probability(pop.base_hazard, pop.switching, intent, self._buf)
        u = self.streams.uniform(Decision.CHURN, 0, day, self._u)
        gone = np.flatnonzero(u < p)
        if self.any_stated:
            pop.stated *= F32(math.exp(-1.0 / self.b.churn.leave_delay_days))
            intent += pop.stated
            np.minimum(intent, F32(1.0), out=intent)
        decided = self.exits.pop(day, None)
        if decided is not None:
            decided = decided[pop.active[decided]]
            self.count("privacy_exits", decided)
            gone = np.union1d(gone, decided)
        if gone.size:
            self.deactivate(gone, day)
            intent[gone] = 0.0
        self.intent_sum = [float(intent[sl].sum()) for sl in pop.slices()]

    def decide_exits(self, idx: np.ndarray, q: np.ndarray, v: np.ndarray, key: int, day: int) -> None:
        """Say → do: a customer stating intent q leaves with probability s·q, after an exponential delay."""
        pop = self.pop
        pop.stated[idx] = np.maximum(pop.stated[idx], q)
        self.any_stated = True
        leave = v < pop.switching[idx] * q
        if not leave.any():
            return
        u = self.streams.uniform(Decision.AWARENESS, key ^ 0x1EA7E, day, self._buf)
        leavers = idx[leave]
        delay = 1 + np.floor(-np.log1p(-u[leavers].astype(np.float64)) * self.b.churn.leave_delay_days)
        for when in np.unique(delay):
            if day + when < self.horizon:
                batch = leavers[delay == when]
                due = self.exits.get(int(day + when))
                self.exits[int(day + when)] = batch if due is None else np.union1d(due, batch)

    def deactivate(self, idx: np.ndarray, day: int) -> None:
        """Customers leave: out of every flow, zero state from now on."""
        pop = self.pop
        self.count("churned", idx)
        seg_n = len(pop.names)
        self.active_count -= np.bincount(pop.segment[idx], minlength=seg_n)
        self.active_value -= np.bincount(pop.segment[idx], weights=pop.value[idx], minlength=seg_n)
        pop.active[idx] = False
        self.churned_day[idx] = day
        self.practices.leave(idx)
        self.backlash.forget(idx)
        for arr in (pop.trust, pop.trust_base, pop.inv_trust_base, pop.base_hazard, pop.switching, pop.stated):
            arr[idx] = 0.0

    # ---------------------------------------------------------------- 7 discovery
    def stage_discovery(self, day: int) -> None:
        """Hidden or unexpected uses surface; stories spread; outrage calms; backlash(t)."""
        salience = self.backlash.salience(day)
        for k, f in enumerate(self.flows):
            source = self.backlash.sources[k]
            if source.story_day is not None or not f.live:
                continue
            unexpected = f.unexpectedness if f.disclosed else 1.0
            if f.disclosed and not (f.dark or f.retroactive):
                unexpected *= f.unexpectedness  # plain disclosed uses surface only when surprising
            reach = float(self.practices.reach_count[k].sum()) / self.n
            h = eq.discovery_hazard(self.b, reach, f.sensitivity, unexpected, f.disclosed,
                                    f.all_at_once, salience)
            if h > 0 and self.streams.scalar(Decision.DISCOVERY, f.key, day) < h:
                self.reveal(k, day)
        active_count = int(self.active_count.sum())
        for source in self.backlash.sources:
            if source.spreading:
                idx, v = self.backlash.spread(source, day, self.pop.active, active_count)
                all_at_once = source.flow is not None and self.flows[source.flow].all_at_once
                self.learn(source, idx, v, day, all_at_once)
        for source in self.backlash.sources:
            source.calming = source.flow is None or not self.flows[source.flow].live
        self.backlash.update_outrage(self.pop.tolerance)

    def reveal(self, k: int, day: int, intensity: float | None = None) -> None:
        """A story about flow k breaks: discovery or a media story."""
        f = self.flows[k]
        if intensity is None:
            reach = float(self.practices.reach_count[k].sum()) / self.n
            intensity = min(1.0, f.sensitivity * (0.3 + 0.7 * reach)
                            * (self.b.discovery.all_at_once_factor if f.all_at_once else 1.0))
        source = self.backlash.sources[k]
        first = source.story_day is None
        source.weight = self.practices.outrage_weight(k)
        self.backlash.story(source, day, intensity)
        self.recorder.mark(day, "discovery" if first else "media_story", f.id)

    def learn(self, source: Source, idx: np.ndarray, v: np.ndarray, day: int, all_at_once: bool) -> None:
        """Customers become aware of a source: trust shock, ladder of complaints/protest/opt-outs."""
        if idx.size == 0:
            return
        o, ladder = self.backlash.learn(source, idx, v, self.pop.concern, self.pop.tolerance, all_at_once)
        self.shock(idx, bad=o)
        q = eq.intent_on_learning(self.b, source.outrage[idx], self.pop.tolerance[idx])
        self.count("stated", idx, q)
        self.count("learned", idx)
        self.decide_exits(idx, q, v, source.key, day)
        self.count("aware", idx)
        self.count("complaints", ladder.complaints)
        self.count("formal_complaints", ladder.complaints)
        self.count("protesters", ladder.protesters)
        if source.flow is not None:
            self.practices.refresh(idx)
            self.request_opt_out(source.flow, ladder.opt_outs, day)

    # ---------------------------------------------------------------- 8 regulator
    def stage_regulator(self, day: int) -> None:
        """Violations on record and complaints drive the investigation hazard; outcomes apply."""
        regulator_stage(self, day)

    # ---------------------------------------------------------------- 9 response
    def stage_response(self, day: int) -> None:
        """Once backlash(t) > threshold, reverse the offending flows after reaction × centrality stretch."""
        for k, when in list(self.reversals.items()):
            if when <= day:
                self.reverse(k, day)
                del self.reversals[k]
        threshold = self.policy.reverse_when_backlash_above
        if threshold is None or self.backlash_share() <= threshold:
            return
        for k, f in enumerate(self.flows):
            source = self.backlash.sources[k]
            if f.live and f.reversible and source.story_day is not None and k not in self.reversals:
                stretch = 1.0 + (self.b.response.centrality_factor - 1.0) * f.centrality
                self.reversals[k] = day + math.ceil(self.policy.reaction_days * stretch)

    def reverse(self, k: int, day: int) -> None:
        """Stop flow k; apologise to those who know; their outrage calms twice as fast."""
        f = self.flows[k]
        f.live, f.reversed_day = False, day
        self.practices.stop(k)
        source = self.backlash.sources[k]
        if self.policy.apologise:
            aware = np.flatnonzero(source.aware & self.pop.active)
            self.shock(aware, good=self.b.trust.apology)
            source.half_life /= 2.0
        self.recorder.mark(day, "reversal", f.id)

    def backlash_share(self) -> float:
        """backlash(t): share of active customers aware of a violation and offended."""
        if not self.backlash.any_outrage:
            return 0.0
        return float(np.count_nonzero(self.backlash.offended_any)) / max(int(self.active_count.sum()), 1)

    # ---------------------------------------------------------------- 10 money
    def stage_money(self, day: int) -> None:
        """Cash = revenue × (1 + lifts) + data revenue − costs − fines; NPV discounted daily."""
        revenue = self.active_value / 365.0
        for k, f in enumerate(self.flows):
            if f.lift:
                revenue = revenue + f.lift * f.deliverability * self.practices.reach_value[k] / 365.0
            if f.data_revenue:
                revenue = revenue + f.data_revenue * self.practices.reach_count[k] / 365.0
        for k, f in enumerate(self.flows):
            if f.one_off_price and day == f.start:   # a sale: paid once for the records it reached today
                revenue = revenue + f.one_off_price * self.practices.reach_count[k]
        self.revenue = revenue * self.represents
        complaints = float(self.day_counts["complaints"].sum())
        self.costs["complaints"] += complaints * self.s.economics.cost_per_complaint * self.represents
        self.cost_total = float(sum(self.costs.values()))
        self.cash = float(self.revenue.sum()) - self.cost_total
        r = self.s.economics.discount_rate
        self.npv += self.cash / (1.0 + r) ** ((day + 1) / 365.0)

    # ---------------------------------------------------------------- 11 record
    def stage_record(self, day: int) -> None:
        """Write today's per-segment metrics."""
        self.recorder.record(day)
