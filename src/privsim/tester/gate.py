"""The stress test behind ``privsim test``: the strategy under adverse draws, as a CI gate.

Adverse draws: every covert practice is exposed by a media story a fixed time after it
starts; operational incidents are drawn from the scenario's operations (the default ones when it
states none) at the rates their exposure and controls imply; baseline concern drifts up faster.
The gate reports P5/P50/P95 of the loss of total value (NPV within the horizon + terminal value)
against the no-practice baseline (same seeds, CRN), the probability of regulator action and peak
backlash, and fails when any exceeds its threshold (``gate:`` block or flags).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from privsim.experiments.executors import Executor, Progress, no_progress
from privsim.experiments.results import SPREAD_MIN_REPS
from privsim.experiments.runs import RunResult, replicate
from privsim.model.vocabulary import CURRENCY, PROBABILITY, SHARE
from privsim.output.formatting import fmt, money, plain, quantity
from privsim.scenario.load import scenario_from_data
from privsim.scenario.schema import Gate, Scenario


def adverse(scenario: Scenario, gate: Gate) -> Scenario:
    """The scenario with the gate's adverse draws added (forced discovery, breaches, concern drift)."""
    data = scenario.model_dump(mode="json", by_alias=True)
    events: list[dict[str, Any]] = data["events"]
    for p in scenario.strategy.practices:
        day = p.start_day + gate.discovery_after_days
        if not p.disclosed and day < scenario.horizon_days and (p.end_day is None or day <= p.end_day):
            events.append({"type": "media_story", "id": f"gate_exposes_{p.id}", "day": day,
                           "practices": [p.id], "intensity": 1.0})
    if gate.breaches and data.get("operations") is None:   # incidents drawn from the default operations
        data["operations"] = {}
    population = data["population"]
    population["concern_drift_per_year"] = min(0.2, population["concern_drift_per_year"]
                                               + gate.extra_concern_drift_per_year)
    return scenario_from_data(data, source="gate (adverse draws)")


@dataclass(frozen=True)
class Verdict:
    """One gate threshold: the measured figure, its limit (None: off) and whether it passed."""

    name: str
    label: str
    value: float
    limit: float | None
    unit: str = SHARE
    currency: str = "USD"
    loss: bool = False          # the figure is a loss: below 0 it is a gain, and says so

    def shown(self, x: float | None) -> str:
        """A measured figure or limit in the verdict's unit ('off' for no limit, 'n/a' when undefined)."""
        if x is None:
            return "off"
        if math.isnan(x):
            return "n/a"
        return f"none (a gain of {quantity(self.unit, -x, self.currency)})" if self.loss and x < 0 else \
            quantity(self.unit, x, self.currency)

    @property
    def passed(self) -> bool:
        """No limit, or a defined value within it: a criterion that cannot be evaluated never passes."""
        return self.limit is None or (not math.isnan(self.value) and self.value <= self.limit)

    @property
    def reason(self) -> str:
        """Why it failed, in words ('' when it passed)."""
        if self.passed:
            return ""
        if math.isnan(self.value):
            return f"{self.label} cannot be evaluated (no replication gave a value), so the gate cannot pass it"
        return f"{self.label} {self.shown(self.value)} is above the limit {self.shown(self.limit)}"


@dataclass
class GateResult:
    """Figures and verdicts of one stress test."""

    scenario: Scenario
    gate: Gate
    run: RunResult
    value_loss: tuple[float, float, float]        # P5, P50, P95 loss of total value, economics.currency
    baseline_value: float                         # median total value of the no-practice arm
    regulator_probability: float
    backlash_peak: tuple[float, float]            # P50, P95
    verdicts: list[Verdict]

    @property
    def passed(self) -> bool:
        """Every threshold held and no replication failed."""
        return all(v.passed for v in self.verdicts) and not self.run.failed

    @property
    def warnings(self) -> list[str]:
        """What makes the verdict less sure than it looks (few replications for a P95)."""
        n = len([r for r in self.run.replications if not r.failed])
        if n >= SPREAD_MIN_REPS:
            return []
        return [f"the P95 figures rest on {n} replication{'s' if n != 1 else ''}; below {SPREAD_MIN_REPS} a P95 is "
                f"set by the one or two worst runs. Run the gate with --reps {SPREAD_MIN_REPS} or more."]

    def outcome(self) -> str:
        """The figures behind the verdicts in words, with one sign convention: a gain vs doing nothing is positive."""
        c = self.scenario.economics.currency
        p5, p50, p95 = (-x for x in reversed(self.value_loss))     # gain percentiles from loss percentiles
        return (f"Total value vs doing nothing (NPV + terminal value; negative is a loss): P5 {money(p5, c)}, "
                f"P50 {money(p50, c)}, P95 {money(p95, c)} (doing nothing: {money(self.baseline_value, c)}) · "
                f"regulator action {fmt('regulator_action', self.regulator_probability)} · peak backlash P50 "
                f"{fmt('backlash_peak', self.backlash_peak[0])}, P95 {fmt('backlash_peak', self.backlash_peak[1])}")

    def adverse_draws(self) -> list[str]:
        """The adverse draws this stress test added, in words."""
        g = self.gate
        lines = [f"concern drift +{plain(g.extra_concern_drift_per_year)}/year"]
        exposed = [e.practices[0] for e in self.scenario.events
                   if e.type == "media_story" and (e.id or "").startswith("gate_exposes_")]
        if exposed:
            lines.append(f"covert practices exposed {g.discovery_after_days} days after they start: "
                         f"{', '.join(exposed)}")
        if g.breaches:
            lines.append("incidents drawn from operations at the rates their exposure and controls imply")
        return lines


def stress(scenario: Scenario, gate: Gate | None = None, reps: int | None = None, *, seed: int | None = None,
           executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
           progress: Progress = no_progress) -> GateResult:
    """Run the strategy under adverse draws and judge it against the gate thresholds.

    Args:
        scenario: the strategy to test
        gate: thresholds and adverse draws (default: the scenario's ``gate:`` block)
        reps: replications per scenario (default: the scenario's ``replications``)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
    """
    gate = gate or scenario.gate or Gate()
    stressed = adverse(scenario, gate)
    run = replicate(stressed, reps, seed=seed, executor=executor, workers=workers, scheduler=scheduler,
                    progress=progress)
    k = run.kpis()
    k = k[k["segment"] == "all"].pivot(index="replicate", columns="kpi", values="value")
    if k.empty:
        nan = float("nan")
        return GateResult(stressed, gate, run, (nan, nan, nan), nan, nan, (nan, nan), [])
    loss = -k["total_vs_baseline"].to_numpy(dtype=float)
    baseline = float(np.median(k["total_value"].to_numpy(dtype=float) - k["total_vs_baseline"].to_numpy(dtype=float)))
    p5, p50, p95 = (float(x) for x in np.percentile(loss, [5, 50, 95]))
    regulator = float(k["regulator_action"].mean())
    peaks = k["backlash_peak"].to_numpy(dtype=float)
    b50, b95 = (float(x) for x in np.percentile(peaks, [50, 95]))
    share = p95 / baseline if baseline > 0 else float("nan")
    currency = scenario.economics.currency
    verdicts = [
        Verdict("max_value_loss", "P95 loss of total value vs no-practice baseline", p95, gate.max_value_loss,
                CURRENCY, currency, loss=True),
        Verdict("max_value_loss_share", "P95 loss of total value / baseline total value", share,
                gate.max_value_loss_share, loss=True),
        Verdict("max_regulator_probability", "probability of regulator action", regulator,
                gate.max_regulator_probability, PROBABILITY),
        Verdict("max_backlash_peak", "P95 peak backlash", b95, gate.max_backlash_peak),
    ]
    return GateResult(stressed, gate, run, (p5, p50, p95), baseline, regulator, (b50, b95), verdicts)
