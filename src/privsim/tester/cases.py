"""The historical case library (``scenarios/cases/``): load, check and replay worst-practice cases.

A case file encodes what the company did with the default behaviour coefficients (it may
not contain a ``behavior:`` block), what happened (``case.observed``) and the better
practice (``counterfactual:``, a patch). Replaying it runs the case and its counterfactual
on the same seeds and sets each observation beside the simulated figure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from privsim.errors import InputError, Problem, did_you_mean
from privsim.experiments.executors import Executor, Progress, no_progress
from privsim.experiments.runs import RunResult, replicate
from privsim.model.vocabulary import BOUNDED, KPIS, PROBABILITY, is_kpi, term
from privsim.scenario.load import read_scenario
from privsim.scenario.overrides import override, resize
from privsim.scenario.schema import Case, Observation, Scenario
from privsim.scenario.yamlmap import LineMap, line_of

CASES_DIR = Path(__file__).resolve().parents[3] / "scenarios" / "cases"
AGREE_FACTOR = 3.0       # amounts and counts agree within a factor of 3 (order of magnitude)
AGREE_SHARE = 0.01       # shares also agree within 1 percentage point


@dataclass
class CaseFile:
    """A loaded, checked case file."""

    id: str
    path: Path
    scenario: Scenario

    @property
    def case(self) -> Case:
        """The case metadata."""
        assert self.scenario.case is not None
        return self.scenario.case

    def counterfactual(self) -> Scenario:
        """The scenario with the better practice patched in."""
        return override(self.scenario, self.scenario.counterfactual or {}, source=f"{self.path}: counterfactual")


def case_ids(directory: Path = CASES_DIR) -> list[str]:
    """Ids (file stems) of the cases in ``directory``, sorted."""
    return sorted(p.stem for p in directory.glob("*.yaml"))


def load_case(ref: str | Path, directory: Path = CASES_DIR) -> CaseFile:
    """Load a case by id or path; a bad case file raises InputError naming file, line and field."""
    path = Path(ref)
    if not path.is_file():
        ids = case_ids(directory)
        if str(ref) not in ids:
            raise InputError.single(str(ref), f"no such case{did_you_mean(str(ref), ids)}; allowed: {', '.join(ids)}")
        path = directory / f"{ref}.yaml"
    scenario, lines = read_scenario(path)          # the one door, as for every scenario file
    problems = case_problems(scenario, str(path), lines)
    if problems:
        raise InputError(problems)
    return CaseFile(path.stem, path, scenario)


def is_case(scenario: Scenario) -> bool:
    """The file is meant as a case (it has a ``case:`` or a ``counterfactual:`` block)."""
    return scenario.case is not None or scenario.counterfactual is not None


def case_problems(scenario: Scenario, source: str, lines: LineMap) -> list[Problem]:
    """What keeps a valid scenario from being a valid case file; ``privsim validate`` and the library both ask."""
    problems = []
    if "behavior" in scenario.model_fields_set:
        problems.append(Problem(source, line_of(lines, ("behavior",)), "behavior",
                                "a case file may not override behaviour coefficients; allowed: no behavior block"))
    problems += _missing(scenario, source, lines) + _observations(scenario, source, lines)
    return problems or _patch(scenario, source, lines)


def _missing(s: Scenario, source: str, lines: LineMap) -> list[Problem]:
    return [Problem(source, line_of(lines, ()), block, f"missing required block; a case file needs {block}:")
            for block, value in (("case", s.case), ("counterfactual", s.counterfactual)) if not value]


def _observations(s: Scenario, source: str, lines: LineMap) -> list[Problem]:
    problems = []
    for i, o in enumerate(s.case.observed if s.case else []):
        if not is_kpi(o.kpi):
            problems.append(Problem(source, line_of(lines, ("case", "observed", i, "kpi")), f"case.observed[{i}].kpi",
                                    f"unknown KPI {o.kpi!r}{did_you_mean(o.kpi, KPIS)}; allowed: {', '.join(KPIS)}"))
    return problems


def _patch(s: Scenario, source: str, lines: LineMap) -> list[Problem]:
    """Problems of the counterfactual patch, located at the patch key they concern (else the block)."""
    try:
        override(s, s.counterfactual or {})
    except InputError as exc:
        keys = list(s.counterfactual or {})
        out = []
        for p in exc.problems:
            key = next((k for k in keys if p.field and (k.startswith(p.field) or p.field.startswith(k))), None)
            line = line_of(lines, ("counterfactual", key) if key else ("counterfactual",))
            out.append(Problem(source, line, f"counterfactual ({p.field})" if p.field else "counterfactual",
                               p.message))
        return out
    return []


@dataclass(frozen=True)
class Comparison:
    """One observation beside the simulated figure of the case (and of its counterfactual)."""

    observation: Observation
    simulated: float
    counterfactual: float | None
    agrees: bool


@dataclass
class CaseRun:
    """A replayed case: the case as it happened and, optionally, its counterfactual on the same seeds."""

    case: CaseFile
    history: RunResult
    better: RunResult | None
    comparisons: list[Comparison]

    def mean(self, kpi: str, counterfactual: bool = False) -> float:
        """Mean of a whole-population KPI over replications."""
        run = self.better if counterfactual else self.history
        return _mean(run, kpi) if run is not None else float("nan")


def _mean(run: RunResult, kpi: str) -> float:
    k = run.kpis()
    v = k[(k["segment"] == "all") & (k["kpi"] == kpi)]["value"].to_numpy(dtype=float)
    v = v[~np.isnan(v)]
    return float(v.mean()) if v.size else float("nan")


def agrees(kpi: str, observed: float, simulated: float) -> bool:
    """Whether the simulation agrees with history, by the rule docs/cases.md states.

    Probabilities: same side of 1/2. Shares: within 1 pp or a factor of 3. Amounts, counts
    and days: within a factor of 3 (observed 0: simulated below 1).
    """
    if math.isnan(simulated):
        return False
    unit = term(kpi).unit
    if unit == PROBABILITY:
        return (simulated >= 0.5) == (observed >= 0.5)
    if unit in BOUNDED:
        if abs(simulated - observed) <= AGREE_SHARE:
            return True
        if observed == 0:
            return False
    elif observed == 0:
        return abs(simulated) < 1.0
    ratio = simulated / observed
    return 1.0 / AGREE_FACTOR <= ratio <= AGREE_FACTOR


def run_case(case: CaseFile, reps: int | None = None, *, size: int | None = None, seed: int | None = None,
             counterfactual: bool = True, executor: str | Executor = "serial", workers: int | None = None,
             scheduler: str | None = None, progress: Progress = no_progress) -> CaseRun:
    """Replay a case (and its counterfactual, paired by seed) and compare with what happened.

    Args:
        case: a case of the library (:func:`load_case`)
        reps: replications per scenario (default: the scenario's ``replications``)
        size: simulated customers (same real population)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        counterfactual: also run the better practice on the same seeds
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
    """
    history_s = case.scenario
    better_s = case.counterfactual() if counterfactual else None
    if size is not None and size != history_s.population.size:
        history_s = resize(history_s, size)
        better_s = resize(better_s, size) if better_s is not None else None
    options: dict[str, Any] = {"seed": seed, "executor": executor, "workers": workers, "scheduler": scheduler,
                               "progress": progress}
    history = replicate(history_s, reps, **options)
    better = replicate(better_s, reps, **options) if better_s is not None else None
    comparisons = [Comparison(o, _mean(history, o.kpi), _mean(better, o.kpi) if better else None,
                              agrees(o.kpi, o.value, _mean(history, o.kpi))) for o in case.case.observed]
    return CaseRun(case, history, better, comparisons)
