"""Running many (scenario, replicate) cells on one seed, sharing no-practice baseline arms.

Every experiment (compare, sweep, frontier, sensitivity, calibration, uncertainty) is a
list of cells run on one seed, so replicate r of every cell uses the same random streams
(common random numbers). The baseline arm (no practices, no company-caused events) depends
only on what :func:`baseline_key` keeps, so cells with equal keys share one baseline run
per replicate. All cells go to the executor in two batches: first every cell that needs a
baseline not yet run (its task runs the baseline, then the strategy arm), then the cells that
reuse one; so results stream from the first task on instead of after all baselines.
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from privsim.experiments.executors import Executor, Progress, no_progress
from privsim.experiments.results import ReplicationResult, finite, kpis_of
from privsim.model.engine import Probe, Replication
from privsim.scenario.schema import COMPANY_CAUSED, Scenario

Cell = tuple[Scenario, int]                      # (scenario, replicate)
OnResult = Callable[[int, ReplicationResult], None]
IGNORED = ("name", "description", "replications", "seed")   # the seed is always passed explicitly


def baseline_key(scenario: Scenario) -> str:
    """Hash of everything the no-practice baseline arm can depend on.

    Strategy practices and company-caused events are left out; everything else is kept.
    """
    data = scenario.model_dump(mode="json", by_alias=True)
    for name in IGNORED:
        data.pop(name, None)
    data["strategy"] = {k: v for k, v in data["strategy"].items() if k not in ("name", "practices")}
    data["events"] = [e for e in data["events"] if e["type"] not in COMPANY_CAUSED]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def arm(scenario: Scenario, replicate: int, seed: int | None, with_strategy: bool = True,
        base: ReplicationResult | None = None, *, exclusions: dict[str, Any] | None = None,
        probe: Probe | None = None, record: bool = False) -> ReplicationResult:
    """One arm of one replication; ``base`` is the no-practice arm of the same replicate, if any.

    ``record``: the result also says which scenario values the run read (``reads``).
    """
    reads: set[str] | None = set() if record else None
    eng = Replication(scenario, replicate, seed=seed, with_strategy=with_strategy, exclusions=exclusions, probe=probe,
                      reads=reads)
    rec = eng.run()
    return finite(ReplicationResult(replicate=replicate, segments=rec.segments, series=rec.series,
                                    company=rec.company, marks=rec.marks,
                                    kpis=kpis_of(rec, base, np.diff(eng.pop.bounds)),
                                    reads=None if reads is None else frozenset(reads)))


def arm_task(task: tuple[Scenario, int, int, bool, ReplicationResult | None]) -> ReplicationResult:
    """Worker entry point: one arm; an exception is recorded, never raised."""
    scenario, replicate, seed, with_strategy, base = task
    if base is not None and base.failed:
        return ReplicationResult(replicate=replicate, segments=[], error=f"baseline arm failed: {base.error}")
    return _guarded(lambda: arm(scenario, replicate, seed, with_strategy, base), replicate)


def _guarded(run: Callable[[], ReplicationResult], replicate: int) -> ReplicationResult:
    try:
        return run()
    except Exception as exc:  # a failed replication is recorded; the rest go on
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return ReplicationResult(replicate=replicate, segments=[], error=detail)


def paired_task(task: tuple[Scenario, int, int, bool]) -> tuple[ReplicationResult, ReplicationResult]:
    """Worker entry point: a cell's no-practice baseline arm (recording its reads if asked), then its strategy arm."""
    scenario, replicate, seed, record = task
    base = _guarded(lambda: arm(scenario, replicate, seed, False, record=record), replicate)
    return base, arm_task((scenario, replicate, seed, True, base))


def run_cells(cells: Sequence[Cell], seed: int, runner: Executor, *, baseline: bool = True,
              progress: Progress = no_progress, stage: str = "replications",
              on_result: OnResult | None = None, keys: Sequence[str] | None = None,
              bases: dict[tuple[str, int], ReplicationResult] | None = None,
              record: bool = False) -> list[ReplicationResult]:
    """Run every cell on ``seed``; results in cell order. ``on_result(i, result)`` sees each as it finishes.

    Cells share a baseline arm per replicate when their ``keys`` are equal (default :func:`baseline_key`);
    ``bases`` holds baselines already run, by (key, replicate), and gets the new ones; ``record``: new
    baselines say what they read.
    """
    out: list[Any] = [None] * len(cells)

    def done(i: int, result: ReplicationResult) -> None:
        out[i] = result
        if on_result is not None:
            on_result(i, result)

    if not baseline:
        for i, result in runner.each(arm_task, [(s, r, seed, True, None) for s, r in cells], progress, stage):
            done(i, result)
        return out
    keys_of = [(baseline_key(s) if keys is None else keys[i], r) for i, (s, r) in enumerate(cells)]
    bases = {} if bases is None else bases
    owner: dict[tuple[str, int], int] = {}
    for i, key in enumerate(keys_of):
        if key not in bases:
            owner.setdefault(key, i)                        # the first cell of each distinct baseline runs it
    first = list(owner.values())
    rest = [i for i in range(len(cells)) if owner.get(keys_of[i]) != i]
    total = len(cells)
    if first:
        paired = [(*cells[i], seed, record) for i in first]
        for j, (base, result) in runner.each(paired_task, paired, lambda d, _, s: progress(d, total, s), stage):
            bases[keys_of[first[j]]] = base
            done(first[j], result)
    if rest:
        tasks = [(*cells[i], seed, True, bases[keys_of[i]]) for i in rest]
        for j, result in runner.each(arm_task, tasks, lambda d, _, s: progress(len(first) + d, total, s), stage):
            done(rest[j], result)
    return out
