"""The assessment behind both exports: the stress test, and each data action's part in it.

Each data action is taken out of the strategy and the stress test rerun on the same seeds: replicate *r*
without it pairs with replicate *r* of the stress test (common random numbers), so the difference is the
data action's doing, not noise. In a pair the data action **became problematic** when it was exposed (a
story, word of mouth or a regulator's publicity named it), or the stress test has a regulator
investigation or more incidents than its pair without it. Its **loss** is the total value (NPV + terminal
value) without it minus with it: what it costs under adverse draws (negative: it earns more than it costs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from privsim.experiments.arms import run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.results import ReplicationResult
from privsim.scenario.schema import Gate, Scenario
from privsim.scenario.yamlmap import LineMap
from privsim.tester.assessments.actions import OPERATIONS, DataAction, data_actions, without
from privsim.tester.assessments.figures import MEDIAN, SHARE, SPREAD, Figure, average, proportion
from privsim.tester.assessments.problems import Mapped, mapped, union
from privsim.tester.gate import GateResult, adverse, stress
from privsim.tester.lint import Finding, Report

ALL = "all"


def kpi(result: ReplicationResult, name: str) -> float:
    """A whole-population KPI of one replication (0 when the replication does not define it)."""
    return float(result.kpis.get((ALL, name), 0.0))


@dataclass
class ActionRisk:
    """One data action in the stress test: its findings and, per replication pair, problem and loss."""

    action: DataAction
    findings: list[Finding]
    problematic: np.ndarray          # bool per successful pair
    losses: np.ndarray               # total value without it − with it, per successful pair (currency)
    currency: str

    @property
    def mapping(self) -> Mapped:
        """Its NIST problematic data actions and problems: its own and those of its lint findings."""
        return union([self.action.mapping(), *(mapped("check", f.check.id) for f in self.findings)])

    @property
    def likelihood(self) -> Figure:
        """The probability that it becomes problematic under the stress test."""
        return proportion("likelihood", "probability that the data action becomes problematic", self.problematic)

    @property
    def impact(self) -> Figure:
        """The mean loss in the replications where it became problematic."""
        return average("impact", "loss of total value when it becomes problematic", self.losses[self.problematic],
                       self.currency)

    @property
    def expected_loss(self) -> Figure:
        """The mean loss over all replications: likelihood and impact together."""
        return average("expected_loss", "expected loss of total value", self.losses, self.currency)


@dataclass
class Assessment:
    """The stress test of a strategy, its lint report and the part each data action plays."""

    gate: GateResult
    report: Report
    risks: list[ActionRisk]
    errors: list[str] = field(default_factory=list)    # failed replications, of any arm

    @property
    def scenario(self) -> Scenario:
        """The scenario as given (before the stress test's adverse draws)."""
        return self.report.scenario

    @property
    def currency(self) -> str:
        """The scenario's currency."""
        return self.scenario.economics.currency

    @property
    def ok(self) -> list[ReplicationResult]:
        """The stress test's successful replications."""
        return [r for r in self.gate.run.replications if not r.failed]

    def share(self, money: float | None) -> float | None:
        """Money as a share of the no-practice baseline's total value (None when that is not positive)."""
        base = self.gate.baseline_value
        if money is None or not math.isfinite(base) or base <= 0:
            return None
        return money / base

    def series(self, name: str) -> np.ndarray:
        """A whole-population KPI over the stress test's successful replications."""
        return np.array([kpi(r, name) for r in self.ok], dtype=float)

    def figures(self) -> list[Figure]:
        """The stress test's figures, as ``privsim test`` reports them, plus the probabilities the CNIL levels use."""
        g, cur = self.gate, self.currency
        loss = -self.series("total_vs_baseline")
        p5, p50, p95 = (None if math.isnan(x) else x for x in g.value_loss)
        b50, b95 = (None if math.isnan(x) else x for x in g.backlash_peak)
        heard = self.series("heard")
        spread = [("value_loss_p5", "P5 loss of total value vs no-practice baseline", p5, cur),
                  ("value_loss_p50", "P50 loss of total value vs no-practice baseline", p50, cur),
                  ("value_loss_p95", "P95 loss of total value vs no-practice baseline", p95, cur),
                  ("backlash_peak_p50", "P50 peak backlash", b50, SHARE),
                  ("backlash_peak_p95", "P95 peak backlash", b95, SHARE),
                  ("heard_p95", "P95 share of customers who learned of a violation or incident",
                   float(np.percentile(heard, 95)) if heard.size else None, SHARE)]
        base = None if math.isnan(g.baseline_value) else g.baseline_value
        return [
            *(Figure(n, label, v, None, None, unit, SPREAD) for n, label, v, unit in spread[:3]),
            average("value_loss_mean", "mean loss of total value vs no-practice baseline", loss, cur),
            Figure("baseline_value", "total value of the no-practice baseline", base, None, None, cur, MEDIAN),
            proportion("regulator_action", "probability of regulator action", self.series("regulator_action") > 0),
            proportion("regulator_or_incident", "probability of regulator action or an incident",
                       (self.series("regulator_action") > 0) | (self.series("incidents") > 0)),
            proportion("lost_device", "probability that a device holding customer data is lost",
                       self.series("incidents.lost_laptop") > 0 if self.gate.scenario.operations is not None
                       else np.array([], dtype=bool)),        # no operations, no devices: not estimated
            *(Figure(n, label, v, None, None, unit, SPREAD) for n, label, v, unit in spread[3:]),
        ]

    def figure(self, name: str) -> Figure:
        """One of :meth:`figures` by name."""
        return next(f for f in self.figures() if f.name == name)


def gate_without(gate: Gate, action: DataAction) -> Gate:
    """The gate of the arm without ``action``: without operations, no incidents are drawn from the defaults."""
    return gate.model_copy(update={"breaches": False}) if action.kind == OPERATIONS else gate


def problematic(action: DataAction, with_it: ReplicationResult, without_it: ReplicationResult) -> bool:
    """The data action became problematic in this pair (see the module docstring)."""
    exposed = any(kind == "discovery" and what == action.id for _, kind, what in with_it.marks)
    return exposed or any(kpi(with_it, k) > kpi(without_it, k) for k in ("regulator_action", "incidents"))


def assess(scenario: Scenario, report: Report, lines: LineMap | None = None, reps: int | None = None, *,
           seed: int | None = None, executor: str | Executor = "serial", workers: int | None = None,
           scheduler: str | None = None, progress: Progress = no_progress) -> Assessment:
    """Stress-test a strategy and measure each data action's part in it (same seeds, paired).

    Args:
        scenario: the strategy to assess (its ``gate:`` block sets the adverse draws)
        report: its lint report (findings are attached to the data actions they concern)
        lines: field path → line map of the scenario file, for the data actions' lines
        reps: replications (default: the scenario's)
        seed: base seed (default: the scenario's)
        executor: ``serial``, ``processes`` or ``dask``; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler (with ``executor='dask'``)
        progress: callback ``(done, total, stage)``
    """
    gate = scenario.gate or Gate()
    result = stress(scenario, gate, reps, seed=seed, executor=executor, workers=workers, scheduler=scheduler,
                    progress=progress)
    actions = data_actions(scenario, gate, lines)
    n = len(result.run.replications)
    cells = [(adverse(without(scenario, a), gate_without(gate, a)), r) for a in actions for r in range(n)]
    with make_executor(executor, workers, scheduler) as runner:
        arms = run_cells(cells, result.run.seed, runner, baseline=False, progress=progress,
                         stage="data actions left out") if cells else []
    errors = [f"stress test replication {r.replicate}: {r.error}" for r in result.run.failed]
    risks = []
    for j, a in enumerate(actions):
        pairs = [(w, wo) for w, wo in zip(result.run.replications, arms[j * n:(j + 1) * n], strict=True)
                 if not w.failed and not wo.failed]
        errors += [f"replication {wo.replicate} without {a.id}: {wo.error}" for wo in arms[j * n:(j + 1) * n]
                   if wo.failed]
        risks.append(ActionRisk(
            a, [f for f in report.failures if a.owns(f)],
            np.array([problematic(a, w, wo) for w, wo in pairs], dtype=bool),
            np.array([kpi(wo, "total_value") - kpi(w, "total_value") for w, wo in pairs], dtype=float),
            scenario.economics.currency))
    return Assessment(result, report, risks, errors)
