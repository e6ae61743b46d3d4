"""Calibration targets: published figures the default model must reproduce.

Each figure is measured from the whole engine on a named calibration scenario, never by
setting a coefficient equal to it.

A target file lists figures with bounds, source, scenario and the metric to measure:
``kpi`` (a KPI's mean), ``ratio`` (sum of one daily series over another, e.g. opt-outs per
send) or ``per_customer`` (a KPI over the real population).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field, ValidationError, model_validator

from privsim.errors import InputError, Problem, did_you_mean
from privsim.experiments.executors import Executor, Progress, no_progress
from privsim.experiments.intervals import mean_ci
from privsim.experiments.runs import replicate
from privsim.scenario.base import Strict
from privsim.scenario.load import load_scenario, read_text
from privsim.scenario.messages import problems_from
from privsim.scenario.overrides import resize
from privsim.scenario.schema import Scenario
from privsim.scenario.yamlmap import parse

DATA = Path(__file__).resolve().parents[1] / "data" / "calibration"
DEFAULT_TARGETS = DATA / "targets.yaml"


class Metric(Strict):
    """What to measure on a calibration run."""

    kpi: str | None = None
    ratio: tuple[str, str] | None = None
    per_customer: str | None = None
    segment: str = "all"
    versus: str | None = Field(None, description="scenario file: measure this minus that, same seed (CRN)")


class Target(Strict):
    """One published figure with its bounds, source and calibration scenario."""

    id: str
    role: Literal["fitted", "predicted"] = Field(
        description="fitted: a coefficient (fits) was chosen to reproduce it; predicted: used to choose none")
    fits: list[str] = Field(default_factory=list, description="the coefficients chosen to reproduce it")
    figure: str
    target: float | None = Field(None, description="point value; null for a sign/bounds-only check")
    bounds: tuple[float | None, float | None]
    source: str
    scenario: str
    metric: Metric
    replications: int = Field(8, ge=1)
    size: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _role(self) -> Target:
        if (self.role == "fitted") != bool(self.fits):
            raise ValueError("a fitted target names the coefficients chosen to reproduce it (fits); a predicted "
                             "target names none")
        return self


class TargetFile(Strict):
    """A calibration target file."""

    targets: list[Target]


@dataclass
class Check:
    """The simulated value of one target."""

    target: Target
    mean: float
    ci: tuple[float, float]
    values: np.ndarray

    @property
    def error(self) -> float | None:
        """Relative point error (simulated − target) / target."""
        if self.target.target in (None, 0):
            return None
        return (self.mean - self.target.target) / self.target.target

    @property
    def passed(self) -> bool:
        """The simulated mean lies within the published bounds."""
        lo, hi = self.target.bounds
        return (lo is None or self.mean >= lo) and (hi is None or self.mean <= hi)


def load_targets(path: str | Path = DEFAULT_TARGETS) -> list[Target]:
    """Read a target file."""
    source = str(path)
    data, lines = parse(read_text(path), source)
    try:
        return TargetFile.model_validate(data).targets
    except ValidationError as exc:
        raise InputError(problems_from(exc, TargetFile, data, source, lines)) from None


def select(targets: list[Target], only: Sequence[str] | None) -> list[Target]:
    """The targets named by ``--only`` (all without it); an id the file does not hold is bad input."""
    if not only:
        return targets
    ids = [t.id for t in targets]
    unknown = [i for i in only if i not in ids]
    if unknown:
        raise InputError([Problem("--only", None, "", f"no target {i!r}{did_you_mean(i, ids)}; allowed: "
                                  f"{', '.join(ids)}") for i in unknown])
    return [t for t in targets if t.id in only]


def scenario_for(target: Target, base: Path) -> Scenario:
    """The target's calibration scenario (relative paths resolve beside the target file)."""
    path = Path(target.scenario)
    s = load_scenario(path if path.is_absolute() else base / path)
    return resize(s, target.size) if target.size else s


def measure(target: Target, scenario: Scenario, reps: int | None = None, seed: int | None = None,
            executor: str | Executor = "serial", workers: int | None = None, progress: Progress = no_progress,
            versus: Scenario | None = None) -> Check:
    """Run the calibration scenario and measure the target's metric per replication (paired if ``versus``)."""
    values = _values(target, scenario, reps, seed, executor, workers, progress)
    if versus is not None:
        values = values - _values(target, versus, reps, seed if seed is not None else scenario.seed,
                                  executor, workers, progress)
    values = values[~np.isnan(values)]
    return Check(target, float(values.mean()) if values.size else float("nan"), mean_ci(values), values)


def _values(target: Target, scenario: Scenario, reps: int | None, seed: int | None, executor: str | Executor,
            workers: int | None, progress: Progress) -> np.ndarray:
    baseline = target.metric.kpi in ("privacy_churn", "npv_vs_baseline", "total_vs_baseline")
    run = replicate(scenario, reps or target.replications, seed=seed, executor=executor, workers=workers,
                    progress=progress, baseline=baseline)
    if run.failed:
        raise RuntimeError(f"{target.id}: replication failed: {run.failed[0].error}")
    return np.asarray([metric_value(target.metric, r, scenario) for r in run.replications], dtype=float)


def metric_value(metric: Metric, result: Any, scenario: Scenario) -> float:
    """One replication's value of a metric."""
    j = result.segments.index(metric.segment)
    if metric.kpi:
        return float(result.kpis.get((metric.segment, metric.kpi), np.nan))
    if metric.ratio:
        num, den = (float(result.series[m][:, j].sum()) for m in metric.ratio)
        return num / den if den else float("nan")
    assert metric.per_customer
    real = scenario.population.size * scenario.population.represents
    return float(result.kpis[(metric.segment, metric.per_customer)]) / real


def check_all(path: str | Path = DEFAULT_TARGETS, *, reps: int | None = None, size: int | None = None,
              only: list[str] | None = None, executor: str | Executor = "serial", workers: int | None = None,
              progress: Progress = no_progress) -> list[Check]:
    """Measure every target in a file (optionally a subset, smaller or with fewer replications)."""
    targets = select(load_targets(path), only)
    out = []
    base = Path(path).parent
    for i, t in enumerate(targets):
        scenario = scenario_for(t, base)
        versus = scenario_for(t.model_copy(update={"scenario": t.metric.versus}), base) if t.metric.versus else None
        if size:
            scenario = resize(scenario, min(size, scenario.population.size))
            versus = resize(versus, min(size, versus.population.size)) if versus else None
        out.append(measure(t, scenario, reps, executor=executor, workers=workers, versus=versus))
        progress(i + 1, len(targets), t.id)
    return out

