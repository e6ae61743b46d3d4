"""Where replications run: in this process, or in local worker processes.

Every executor returns results in task order (keyed by index), whatever order they
finish in, so worker count never changes results. Workers run top-level functions and
send back compact results, never populations.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol

Progress = Callable[[int, int, str], None]


def no_progress(done: int, total: int, stage: str) -> None:
    """The default progress callback: nothing."""


class Executor(Protocol):
    """Runs ``fn`` over ``tasks`` and returns results in task order."""

    name: str

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
            stage: str = "replications") -> list[Any]:
        """Apply ``fn`` to every task."""
        ...


class Serial:
    """One task after another in this process."""

    name = "serial"

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
            stage: str = "replications") -> list[Any]:
        """Apply ``fn`` to every task in order."""
        out = []
        for i, task in enumerate(tasks):
            out.append(fn(task))
            progress(i + 1, len(tasks), stage)
        return out


class Processes:
    """A pool of local worker processes (forkserver: safe beside threads such as progress bars)."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or max(1, os.cpu_count() or 1)

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
            stage: str = "replications") -> list[Any]:
        """Apply ``fn`` to every task in worker processes; results come back in task order."""
        if not tasks:
            return []
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["privsim.experiments"])
        out: list[Any] = [None] * len(tasks)
        with ProcessPoolExecutor(max_workers=min(self.workers, len(tasks)), mp_context=context) as pool:
            futures = {pool.submit(fn, task): i for i, task in enumerate(tasks)}
            for done, future in enumerate(as_completed(futures), start=1):
                out[futures[future]] = future.result()
                progress(done, len(tasks), stage)
        return out


EXECUTORS = ("serial", "processes")


def make_executor(kind: str = "serial", workers: int | None = None, scheduler: str | None = None) -> Executor:
    """An executor by name."""
    if kind == "serial":
        return Serial()
    if kind == "processes":
        return Processes(workers)
    raise ValueError(f"unknown executor {kind!r}; allowed: {', '.join(EXECUTORS)}")
