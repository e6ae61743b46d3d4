"""One replication: its state, the SimPy clock, and the daily step in the order ``STEP_ORDER`` states.

``STEP_ORDER`` below is the one statement of the daily order; each stage is a function
``stage_<name>(eng, day)`` in the module of its concept, reading and updating the public state of
the :class:`Replication`. A replication is a pure function of (scenario, seed, replicate): no
globals, no clock, no file I/O. Churned customers carry zero state, so no stage masks by ``active``.
The hot stages (trust, opt-out, churn, the terminal value) run as fused numba kernels or as the numpy
reference, chosen per replication (``engine``, else ``PRIVSIM_ENGINE``; ``privsim.model.kernels``), with
bit-identical results.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import simpy

from privsim.model import (
    acquisition,
    churn,
    consent,
    discovery,
    events,
    exposure,
    kernels,
    money,
    operations,
    optout,
    recorder,
    regulator,
    response,
    service,
    trust,
)
from privsim.model.backlash import Backlash, Source
from privsim.model.flows import Flow, compile_flows
from privsim.model.network import build as build_network
from privsim.model.population import Population, build_population
from privsim.model.practices import Practices
from privsim.model.reads import recorded
from privsim.model.recorder import Recorder
from privsim.model.regulator import Regulator
from privsim.model.rng import Decision, Streams
from privsim.scenario import facts
from privsim.scenario.schema import Operations, Scenario

F32 = np.float32
Probe = Callable[[int, "Replication"], None]


@dataclass(frozen=True)
class Stage:
    """One stage of the daily step: its name, what it does, and the function that does it."""

    name: str
    what: str
    run: Callable[[Replication, int], None]


STEP_ORDER: tuple[Stage, ...] = (
    Stage("acquisition", "new customers join; practices that ask on start ask them at sign-up",
          acquisition.stage_acquisition),
    Stage("events", "apply events the SimPy calendar made due today", events.stage_events),
    Stage("consent", "customers asked today grant or refuse", consent.stage_consent),
    Stage("exposure", "sends go out; felt intrusion load and good load per customer", exposure.stage_exposure),
    Stage("service", "service contacts; some surface data customers did not expect there", service.stage_service),
    Stage("trust", "asymmetric trust update toward baseline", trust.stage_trust),
    Stage("opt_out", "honour due opt-outs; per-send unsubscribes and complaints; reviews", optout.stage_opt_out),
    Stage("churn", "baseline + privacy-driven churn, damped by lock-in", churn.stage_churn),
    Stage("discovery", "discovery, media cycle, word of mouth, outrage and backlash", discovery.stage_discovery),
    Stage("regulator", "investigation hazard, outcomes and fines", regulator.stage_regulator),
    Stage("response", "the next response step where pressure exceeds the posture's tolerance",
          response.stage_response),
    Stage("money", "revenue, lifts, data revenue, costs, fines, NPV", money.stage_money),
    Stage("record", "per-segment daily metrics", recorder.stage_record),
)


@dataclass
class Scratch:
    """Preallocated per-customer float32 buffers the stages reuse, so a day allocates no large arrays."""

    u: np.ndarray        # uniform draws of the decision at hand
    buf: np.ndarray      # an intermediate result (trust step, churn probability, exit delays)
    bad: np.ndarray      # today's bad load B
    intent: np.ndarray   # today's stated yearly intent to leave
    factor: np.ndarray   # today's trust factor e^(−β(T−½)) of the opt-out hazards
    second: np.ndarray   # a second hazard (complaints beside unsubscribes)
    hazard: np.ndarray   # today's churn hazard, from the trust stage to the churn stage (numba path)
    idx: np.ndarray      # int32 customer indexes a kernel selects (leavers, opt-outs, complaints)

    @classmethod
    def of(cls, n: int) -> Scratch:
        """Buffers for ``n`` customers."""
        return cls(*(np.zeros(n, dtype=F32) for _ in range(7)), np.zeros(n, dtype=np.int32))


class Replication:
    """The state of one replication; the stages of ``STEP_ORDER`` advance it one day at a time."""

    def __init__(self, scenario: Scenario, replicate: int = 0, *, seed: int | None = None,
                 with_strategy: bool = True, exclusions: dict[str, Any] | None = None,
                 profile: bool = False, probe: Probe | None = None, engine: str | None = None,
                 reads: set[str] | None = None):
        if reads is not None:        # write down every scenario value this run reads (privsim.model.reads)
            scenario = recorded(scenario, reads)
        self.s, self.b = scenario, scenario.behavior
        self.fast = kernels.choose(engine) == "numba"   # fused kernels, or the numpy reference (same results)
        self.horizon = scenario.horizon_days
        self.streams = Streams(scenario.seed if seed is None else seed, replicate)
        self.pop: Population = build_population(scenario.population, self.b, self.streams, self.horizon)
        self.n = self.pop.size
        self.represents = scenario.population.represents
        self.flows: list[Flow] = compile_flows(scenario, with_strategy)
        draws = {f.id: self.streams.uniform(Decision.TARGET, f.key, 0, np.empty(self.n, dtype=F32))
                 for f in self.flows if f.share < 1.0}       # the same customers in every arm and replicate day
        self.practices = Practices(self.flows, self.pop, self.b,
                                   {k: np.asarray(v) for k, v in (exclusions or {}).items()}, draws, fast=self.fast)
        network = scenario.population.network
        if not with_strategy:   # nothing company-caused can spread; skip building a graph
            network = network.model_copy(update={"kind": "mean_field"})
        mouth = build_network(network, self.n, self.streams)
        self.backlash = Backlash(self.b, self.n, mouth, self.streams)
        for k, f in enumerate(self.flows):
            self.backlash.add(Source(f.id, f.key, f.x, self.practices.outrage_weight(k),
                                     affected=self.practices.touched[k], aware=self.practices.learned[k],
                                     flow=k))
        turnover = scenario.economics.annual_turnover
        if turnover is None:
            turnover = float(self.pop.value.sum()) * self.represents
        self.regulator = Regulator(self.b, list(scenario.jurisdictions), scenario.economics.currency,
                                   turnover, self.streams, scenario.start_date, facts.company_of(scenario))
        self.controls = scenario.strategy.controls
        self.operations = scenario.operations          # a response may tighten it (add_controls)
        self.real_customers = float(self.pop.active.sum()) * self.represents
        self.policy = scenario.strategy.response
        self.recorder = Recorder(self)
        self.profile = profile
        self.stage_ns: dict[str, int] = dict.fromkeys((stage.name for stage in STEP_ORDER), 0)
        self.stage_draws: dict[str, int] = dict.fromkeys((stage.name for stage in STEP_ORDER), 0)
        self.probe = probe

        n, s = self.n, len(self.pop.names)
        self.scratch = Scratch.of(n)
        self.bad_shock = np.zeros(n, dtype=F32)      # one-off loads felt in tomorrow's trust stage
        self.good_shock = np.zeros(n, dtype=F32)
        self.any_shock = False
        self.active_count = np.bincount(self.pop.segment[self.pop.active], minlength=s).astype(np.int64)
        self.newcomers = np.flatnonzero(self.pop.arrival >= 0)   # customers who join later, by index
        self.joins = {int(d): self.newcomers[self.pop.arrival[self.newcomers] == d]
                      for d in np.unique(self.pop.arrival[self.newcomers])}
        self.active_value = np.bincount(self.pop.segment, weights=self.pop.value, minlength=s)
        self.churned_day = np.full(n, -1, dtype=np.int32)
        self.asks: list[consent.Ask] = []            # consent questions answered in the consent stage
        self.sends: list[int] = []                   # messages per reached customer today, per flow
        self.bad: np.ndarray | None = None           # today's bad load B (None: nobody feels any, or bad_here)
        self.good: np.ndarray | None = None          # today's good load G
        self.intent_sum = np.zeros(s)                 # today's Σ stated intent per segment (the churn stage's)
        self.revenue = np.zeros(s)
        self.cash = 0.0
        self.cost_total = 0.0
        self.pending: dict[int, list[tuple[int, np.ndarray]]] = defaultdict(list)   # day -> opt-outs due
        self.exits: dict[int, np.ndarray] = {}        # day -> customers who decided to leave
        self.any_stated = False
        self.due: dict[str, list[Callable[[int], None]]] = defaultdict(list)
        self.response_step: dict[int, int] = {}      # target (flow, or −1 the company) -> its next response step
        self.response_next: dict[int, int] = {}      # target -> first day its next step may be taken
        self.day_counts: dict[str, Any] = {}
        self.constants: dict[str, Any] = {}           # a stage's constants, made on first use (constant)
        self.costs: dict[str, float] = {}
        self.savings = 0.0                             # today's handling cost saved by personalised service
        self.service_flows = [k for k, f in enumerate(self.flows) if f.purpose == service.PURPOSE]
        # Where no service desk can change W or the shocks between exposure and trust, the numba path's trust
        # kernel forms B as it reads it (exposure.stage_exposure): one pass over every customer less
        self.bad_here = self.fast and not self.service_flows
        self.npv = 0.0
        self.terminal = 0.0                            # lifetime value past the horizon (last day)
        self.env = simpy.Environment()
        self.started = False
        self.calendar = events.Calendar(self, with_strategy)

    # ---------------------------------------------------------------- run
    def run(self, until: int | None = None) -> Recorder:
        """Run the days before ``until`` (default: the whole horizon); a later call goes on from there."""
        if not self.started:
            self.env.process(self._clock())
            self.started = True
        end = self.horizon + 1 if until is None else min(until, self.horizon + 1)
        if end > self.env.now:
            self.env.run(until=end)
        self.recorder.settle(min(end, self.horizon))
        return self.recorder

    def _clock(self) -> Any:
        yield self.env.timeout(0.5)
        for day in range(self.horizon):
            self.step(day)
            yield self.env.timeout(1.0)

    def step(self, day: int) -> None:
        """One day: every stage of STEP_ORDER in order."""
        self.begin_day()
        for stage in STEP_ORDER:
            if self.profile:
                before = sum(self.streams.draws.values())
                t0 = time.perf_counter_ns()
                stage.run(self, day)
                self.stage_ns[stage.name] += time.perf_counter_ns() - t0
                self.stage_draws[stage.name] += sum(self.streams.draws.values()) - before
            else:
                stage.run(self, day)
        if self.probe is not None:
            self.probe(day, self)

    def begin_day(self) -> None:
        """Start the day's counts and costs afresh (a unit test calls it before running one stage)."""
        self.day_counts = defaultdict(lambda: np.zeros(len(self.pop.names), dtype=np.float64))
        self.costs = defaultdict(float)
        self.savings = 0.0

    # ---------------------------------------------------------------- shared by the stages
    def uniform(self, decision: Decision, source: int, day: int) -> np.ndarray:
        """U[0, 1) draws of one (decision, source, day) for every customer, in the shared buffer."""
        return self.streams.uniform(decision, source, day, self.scratch.u)

    def seed(self, decision: Decision, source: int, day: int) -> np.ndarray:
        """The seed of ``uniform(decision, source, day)``'s draws, for a kernel that makes them as it goes."""
        return self.streams.raw(decision, source, day, self.n)

    def count(self, metric: str, idx: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add customers ``idx`` (optionally weighted) to today's per-segment count of ``metric``."""
        if not idx.size:
            return
        if self.fast and weights is None:
            kernels.add_counts(idx, self.pop.segment, self.day_counts[metric])
        else:
            self.day_counts[metric] += np.bincount(self.pop.segment[idx], weights=weights,
                                                   minlength=len(self.pop.names))

    def segment_sums(self, x: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``out[s] = float(x[segment s].sum())`` for every segment (numpy: a kernel was slower)."""
        out[:] = [float(np.add.reduce(x[sl])) for sl in self.pop.slices]     # .sum() without its Python wrapper
        return out

    def constant(self, name: str, make: Callable[[Replication], Any]) -> Any:
        """A stage's constants for the whole run, made on first use (the behaviour never changes in a run)."""
        value = self.constants.get(name)
        if value is None:
            value = self.constants[name] = make(self)
        return value

    def total(self, metric: str) -> float:
        """Today's count of ``metric`` over every segment (0 when nothing was counted)."""
        counts = self.day_counts.get(metric)
        return 0.0 if counts is None else float(counts.sum())

    def hazards(self, default: bool = False) -> dict[str, float]:
        """Today's yearly incident hazards; ``default``: of the default operations when the scenario states none."""
        ops = self.operations if self.operations is not None or not default else Operations()
        if ops is None:
            return dict.fromkeys(operations.CAUSES, 0.0)
        return operations.hazards(ops, self.controls, self.b, self.real_customers)

    def holding(self, day: int) -> np.ndarray:
        """Customers whose records are held on ``day``: active ones and former ones within retention."""
        held = self.pop.active | (self.churned_day >= 0)
        if self.controls.retention_days is not None:
            held &= self.pop.active | (self.churned_day >= day - self.controls.retention_days)
        return held

    def held_data(self, service: bool = False) -> tuple[str, ...]:
        """Data categories held: contact and every flow's data (``service``: what service staff see, if stated)."""
        flows = [f for f in self.flows if f.purpose == "customer_service_access"] if service else []
        return tuple(sorted({"contact"} | {c for f in (flows or self.flows) for c in f.data}))

    def flow_index(self, flow_id: str) -> int:
        """Index of the flow with this id."""
        return next(k for k, f in enumerate(self.flows) if f.id == flow_id)
