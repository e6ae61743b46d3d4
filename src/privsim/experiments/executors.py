"""Where replications run: in this process, in local worker processes, or on a Dask cluster.

Every executor hands back each result with its task index (``each``) or all of them in
task order (``map``), whatever order they finish in, so worker count never changes results.
Workers run top-level functions and send back compact results, never populations. An
executor used as a context manager keeps its pool or cluster open across several batches.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import threading
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from types import TracebackType
from typing import Any

from privsim.errors import InputError, did_you_mean

Progress = Callable[[int, int, str], None]
# The forkserver imports these once and forks warm workers from it. "__main__" is the calling script (under
# Streamlit, app.py): its top level must be guarded by ``if __name__ == "__main__"``, as app.py is.
# ``warm`` loads the engine's kernels there, so no worker loads them again.
PRELOAD = ["__main__", "privsim.experiments.runs", "privsim.experiments.arms", "privsim.experiments.warm"]


def no_progress(done: int, total: int, stage: str) -> None:
    """The default progress callback: nothing."""


def started(_: Any) -> None:
    """A task that does nothing: it makes the pool start a worker."""


def watch_parent(parent: int, every: float = 0.5) -> None:
    """Worker initializer: end this worker as soon as the process that started the pool is gone.

    A run killed with SIGKILL cannot stop its pool; its workers (children of the forkserver) would run on.
    """
    def watch() -> None:
        while True:
            time.sleep(every)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass

    threading.Thread(target=watch, name="privsim-parent-watch", daemon=True).start()


class Executor(ABC):
    """Runs ``fn`` over ``tasks``; subclasses implement ``each`` (and ``open``/``close`` if they hold workers)."""

    name = "executor"

    @abstractmethod
    def each(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
             stage: str = "replications") -> Iterator[tuple[int, Any]]:
        """Yield ``(task index, result)`` as tasks finish."""

    def map(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
            stage: str = "replications") -> list[Any]:
        """Apply ``fn`` to every task; results in task order."""
        out: list[Any] = [None] * len(tasks)
        for i, result in self.each(fn, tasks, progress, stage):
            out[i] = result
        return out

    def open(self) -> None:  # noqa: B027 (a hook: executors without workers have nothing to start)
        """Start workers (nothing to start by default)."""

    def close(self, abort: bool = False) -> None:  # noqa: B027
        """Stop workers started by ``open`` (``abort``: at once, without finishing running tasks)."""

    def __enter__(self) -> Executor:
        self.open()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close(abort=kind is not None)   # interrupted or failed: stop the workers now, leave nothing running


class Serial(Executor):
    """One task after another in this process."""

    name = "serial"

    def each(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
             stage: str = "replications") -> Iterator[tuple[int, Any]]:
        """Apply ``fn`` to every task in order."""
        for i, task in enumerate(tasks):
            result = fn(task)
            yield i, result
            progress(i + 1, len(tasks), stage)


class Processes(Executor):
    """A pool of local worker processes (forkserver: safe beside threads such as progress bars)."""

    name = "processes"

    def __init__(self, workers: int | None = None):
        self.workers = workers or max(1, os.cpu_count() or 1)
        self._pool: ProcessPoolExecutor | None = None

    def open(self) -> None:
        """Start the worker pool."""
        if self._pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                             initializer=watch_parent, initargs=(os.getpid(),))

    def close(self, abort: bool = False) -> None:
        """Stop the worker pool; ``abort`` terminates workers instead of waiting for their tasks."""
        if self._pool is not None:
            if abort:
                for process in list(getattr(self._pool, "_processes", {}).values()):
                    process.terminate()
            self._pool.shutdown(wait=not abort, cancel_futures=True)
            self._pool = None

    def each(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
             stage: str = "replications") -> Iterator[tuple[int, Any]]:
        """Apply ``fn`` to every task in worker processes."""
        if not tasks:
            return
        owned = self._pool is None
        if owned:
            self.workers, full = min(self.workers, len(tasks)), self.workers
            self.open()
            self.workers = full
        assert self._pool is not None
        futures: dict[Any, int] = {}
        try:
            futures = {self._pool.submit(fn, task): i for i, task in enumerate(tasks)}
            for done, future in enumerate(as_completed(futures), start=1):
                yield futures[future], future.result()
                progress(done, len(tasks), stage)
        except BaseException:
            for future in futures:            # interrupted: nothing of this batch is left queued
                future.cancel()
            if owned:
                self.close(abort=True)
            raise
        if owned:
            self.close()


class Kept(Processes):
    """Worker processes that outlive the runs using them (a server's): a run ending, even in error, keeps them.

    Workers start once and stay warm (forked with privsim imported and the kernels loaded), so a run does not
    wait for them; :meth:`start` starts them in the background, :meth:`shutdown` stops them. A broken pool (a worker
    killed) is started afresh by the next run.
    """

    def __init__(self, workers: int | None = None):
        super().__init__(workers)
        self._lock = threading.Lock()     # sessions of one server share the pool: one of them restarts it

    def close(self, abort: bool = False) -> None:
        """Keep the workers: one run is over, not the pool's life (its queued tasks were cancelled)."""

    def shutdown(self) -> None:
        """Stop the workers now."""
        super().close(abort=True)

    def open(self) -> None:
        """Start the workers, or start them afresh if the pool broke."""
        with self._lock:
            if self._pool is not None and getattr(self._pool, "_broken", False):
                self.shutdown()
            super().open()

    def each(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
             stage: str = "replications") -> Iterator[tuple[int, Any]]:
        """As :meth:`Processes.each`, on the kept workers."""
        self.open()
        yield from super().each(fn, tasks, progress, stage)

    def submit(self, fn: Callable[[Any], Any], task: Any) -> Future:
        """Run ``fn(task)`` on a worker; its future."""
        self.open()
        assert self._pool is not None
        return self._pool.submit(fn, task)

    def start(self) -> None:
        """Start every worker now, without waiting (a pool starts them as tasks come, the first run would wait)."""
        for _ in range(self.workers):
            self.submit(started, None)


class Dask(Executor):
    """A Dask cluster: a new LocalCluster, or a running scheduler at ``tcp://HOST:PORT``.

    ``processes=False`` runs the LocalCluster's workers as threads in this process (unit tests).
    """

    name = "dask"

    def __init__(self, workers: int | None = None, scheduler: str | None = None, *, processes: bool = True,
                 timeout: float = 10.0):
        self.workers = workers or max(1, os.cpu_count() or 1)
        self.scheduler = scheduler
        self.processes = processes
        self.timeout = timeout
        self._client: Any = None
        self._cluster: Any = None

    def open(self) -> None:
        """Connect to the scheduler, or start a LocalCluster bound to 127.0.0.1."""
        if self._client is not None:
            return
        try:
            import dask
            from dask.distributed import Client, LocalCluster
            from distributed.utils import get_mp_context
        except ImportError:
            raise InputError.single("--executor", "dask is not installed; allowed: serial, processes, or dask "
                                    "after pip install -e '.[dask]'") from None

        if self.scheduler:
            try:
                self._client = Client(self.scheduler, timeout=self.timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError) as exc:
                raise InputError.single("--scheduler", f"cannot reach {self.scheduler!r} ({exc}); "
                                        "allowed: the address of a running Dask scheduler, tcp://HOST:PORT") from None
            return
        options: dict[str, Any] = {"n_workers": self.workers, "threads_per_worker": 1,
                                   "processes": self.processes, "dashboard_address": None}
        # Two worker defaults slow replications down (measured at 20,000 customers): the statistical
        # profiler samples the task thread every 10 ms (≈ 8%; nothing reads it, there is no dashboard),
        # and MALLOC_TRIM_THRESHOLD_=65536 pins glibc's mmap threshold at 128 KB, so every float64
        # customer array is mapped, faulted in and unmapped afresh (≈ 15%). LocalCluster workers run without both.
        quiet = {"distributed.worker.profile.enabled": False,
                 "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}
        if self.processes:
            options["host"] = "127.0.0.1"
            with dask.config.set({**quiet, "distributed.worker.multiprocessing-method": "forkserver"}):
                get_mp_context().set_forkserver_preload(["distributed", *PRELOAD])   # workers start warm
                self._cluster = LocalCluster(**options)
        else:
            with dask.config.set(quiet):
                self._cluster = LocalCluster(**options)
        self._client = Client(self._cluster, set_as_default=False)

    def close(self, abort: bool = False) -> None:
        """Disconnect; stop the LocalCluster if this executor started it."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def each(self, fn: Callable[[Any], Any], tasks: Sequence[Any], progress: Progress = no_progress,
             stage: str = "replications") -> Iterator[tuple[int, Any]]:
        """Submit every task to the cluster; yield results as they arrive."""
        if not tasks:
            return
        from dask.distributed import as_completed as dask_completed

        owned = self._client is None
        self.open()
        try:
            batch = uuid.uuid4().hex[:12]
            futures = [self._client.submit(fn, task, key=f"privsim-{stage}-{batch}-{i}", pure=False)
                       for i, task in enumerate(tasks)]
            index = {f.key: i for i, f in enumerate(futures)}
            arrivals = dask_completed(futures, loop=self._client.loop, with_results=True)
            for done, (future, result) in enumerate(arrivals, start=1):
                yield index[future.key], result
                progress(done, len(tasks), stage)
        except BaseException:
            if owned:
                self.close(abort=True)
            raise
        if owned:
            self.close()


EXECUTORS = ("serial", "processes", "dask")
SCHEDULER = re.compile(r"(?:(?:tcp|tls)://)?[A-Za-z0-9._\-\[\]:]+:\d{1,5}")


def make_executor(kind: str | Executor = "serial", workers: int | None = None,
                  scheduler: str | None = None) -> Executor:
    """An executor by name (an :class:`Executor` instance is returned as it is)."""
    if isinstance(kind, Executor):
        return kind
    if scheduler and kind != "dask":
        raise InputError.single("--scheduler", f"a scheduler address needs --executor dask (got {kind!r})")
    if scheduler and not SCHEDULER.fullmatch(scheduler):
        raise InputError.single("--scheduler", f"got {scheduler!r}; allowed: tcp://HOST:PORT (or tls://HOST:PORT) "
                                "of a running Dask scheduler")
    if kind == "serial":
        return Serial()
    if kind == "processes":
        return Processes(workers)
    if kind == "dask":
        return Dask(workers, scheduler)
    raise InputError.single("--executor", f"got {kind!r}{did_you_mean(kind, EXECUTORS)}; "
                            f"allowed: {', '.join(EXECUTORS)}")
