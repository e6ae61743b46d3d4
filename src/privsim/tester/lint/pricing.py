"""Price each finding: simulate the strategy as written and with the finding fixed, under common random numbers.

Replicate r of the fixed strategy pairs with replicate r of the original (same seed), so
the difference is the effect of the fix, not noise. A fix that changes only fields the
engine never reads (lint-only fields, ``gate``/``case``/``counterfactual``) is "not modelled".
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from pydantic import BaseModel

from privsim.experiments.arms import run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.intervals import mean_ci
from privsim.experiments.results import ReplicationResult
from privsim.scenario.overrides import override, resize
from privsim.scenario.schema import Scenario
from privsim.tester.lint.base import Price
from privsim.tester.lint.runner import Report

NOT_SIMULATED = ("gate", "case", "counterfactual")
PRICED_KPIS = ("total_value", "backlash_peak", "regulator_action")


def simulated_inputs(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the engine sees it: lint-only fields and descriptive blocks removed."""
    data = scenario.model_dump(mode="json", by_alias=True)
    for block in NOT_SIMULATED:
        data.pop(block, None)
    _strip(scenario, data)
    return data


def _strip(model: BaseModel, data: dict[str, Any]) -> None:
    for name, info in type(model).model_fields.items():
        key = info.alias or name
        extra = info.json_schema_extra
        if isinstance(extra, dict) and extra.get("lint_only"):
            data.pop(key, None)
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel) and isinstance(data.get(key), dict):
            _strip(value, data[key])
        elif isinstance(value, list):
            for item, sub in zip(value, data.get(key) or [], strict=False):
                if isinstance(item, BaseModel) and isinstance(sub, dict):
                    _strip(item, sub)


def price(report: Report, *, size: int = 2000, reps: int = 3, seed: int | None = None,
          executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
          progress: Progress = no_progress) -> None:
    """Attach a :class:`~privsim.tester.lint.base.Price` to every failed finding of ``report``."""
    s = report.scenario
    if size < s.population.size:
        s = resize(s, size)
    inputs = simulated_inputs(s)
    variants: dict[str, Scenario] = {}
    keys: dict[int, str] = {}
    for i, f in enumerate(report.failures):
        if f.fix is None:
            f.price = Price("no_fix", reps=reps, size=s.population.size)
            continue
        fixed = override(s, f.fix, source=f"fix of {f.check.id}")
        if simulated_inputs(fixed) == inputs:
            f.price = Price("not_modelled", reps=reps, size=s.population.size)
            continue
        key = json.dumps(simulated_inputs(fixed), sort_keys=True)
        variants.setdefault(key, fixed)
        keys[i] = key
    if not variants:
        return
    arms = [s, *variants.values()]
    cells = [(arm, r) for arm in arms for r in range(reps)]
    results = run_cells(cells, s.seed if seed is None else seed, make_executor(executor, workers, scheduler),
                        baseline=False, progress=progress, stage="pricing findings")
    runs = {key: results[(j + 1) * reps:(j + 2) * reps] for j, key in enumerate(variants)}
    original = results[:reps]
    for i, f in enumerate(report.failures):
        if i in keys:
            f.price = _paired(original, runs[keys[i]], s.population.size)


def _paired(original: list[ReplicationResult], fixed: list[ReplicationResult], size: int) -> Price | None:
    pairs = [(a, b) for a, b in zip(original, fixed, strict=True) if not a.failed and not b.failed]
    if not pairs:
        return None
    diff = {k: np.array([b.kpis[("all", k)] - a.kpis[("all", k)] for a, b in pairs]) for k in PRICED_KPIS}
    return Price("priced", value=float(diff["total_value"].mean()), value_ci=mean_ci(diff["total_value"]),
                 backlash_peak=float(diff["backlash_peak"].mean()), backlash_ci=mean_ci(diff["backlash_peak"]),
                 regulator_action=float(diff["regulator_action"].mean()), reps=len(pairs), size=size)
