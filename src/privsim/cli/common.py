"""What every command shares: the Typer app, the consoles, option types, the run options and bad-input handling.

``PRIVSIM_SIZE`` and ``PRIVSIM_REPS`` cap population size and replications of every command (tests
and documentation examples run small through them).
"""

from __future__ import annotations

import inspect
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import wraps
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from privsim.errors import InputError, did_you_mean
from privsim.experiments.executors import EXECUTORS
from privsim.experiments.runs import RunResult
from privsim.output import runfolders
from privsim.output.tables import kpi_rows, spread_note
from privsim.scenario.load import load_scenario
from privsim.scenario.overlay import apply_overlay
from privsim.scenario.overrides import override, parse_assignment, resize
from privsim.scenario.schema import Scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Privacy-risk simulator and worst-practice tester for CRM strategies.")
out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _version(show: bool) -> None:
    if show:
        from privsim import __version__

        out.print(f"privsim {__version__}", markup=False)
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="print the version and exit")] = False) -> None:
    """Privacy-risk simulator and worst-practice tester for CRM strategies."""

MAX_REPS, MAX_SIZE = 100_000, 50_000_000      # as the scenario format allows
Reps = Annotated[int | None, typer.Option("--reps", "-r", min=1, max=MAX_REPS,
                                          help="replications (default: the scenario's)")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, max=2**63 - 1, help="base seed (default: the scenario's)")]
Workers = Annotated[int | None, typer.Option("--workers", "-w", min=1, max=256, help="worker processes")]
ExecutorOpt = Annotated[str, typer.Option("--executor", "-x", help=f"one of: {', '.join(EXECUTORS)}")]
Scheduler = Annotated[str | None, typer.Option("--scheduler", help="a running Dask scheduler, tcp://HOST:PORT "
                                                                     "(with --executor dask)")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="override a field: PATH=VALUE (repeatable)")]
Size = Annotated[int | None, typer.Option("--size", min=1, max=MAX_SIZE,
                                          help="simulated customers (same real population)")]
Format = Annotated[str, typer.Option("--format", "-f", help="table or json")]
Force = Annotated[bool, typer.Option("--force", help="replace an earlier privsim output there (only what privsim "
                                                     "wrote; never a file of yours)")]

# the shared run options: parameter name -> (annotation, default)
RUN_OPTIONS: dict[str, tuple[Any, Any]] = {
    "reps": (Reps, None), "seed": (Seed, None), "workers": (Workers, None), "executor": (ExecutorOpt, "serial"),
    "scheduler": (Scheduler, None), "sets": (Sets, None), "size": (Size, None),
}


@dataclass(frozen=True)
class RunOptions:
    """The options every simulating command takes: replications, seed, where to run, overrides and size."""

    reps: int | None = None
    seed: int | None = None
    workers: int | None = None
    executor: str = "serial"
    scheduler: str | None = None
    sets: list[str] | None = None
    size: int | None = None
    overlays: list[Path] | None = None      # ``--overlay`` files of the commands that take one (``run``)

    def scenario(self, path: Path) -> Scenario:
        """Load a scenario and apply overlays, ``--set``, ``--size`` and the PRIVSIM_SIZE cap."""
        return prepared(path, self.sets, self.size, self.overlays)

    def replications(self, scenario: Scenario, default: int | None = None) -> int:
        """``--reps`` (else ``default``, else the scenario's) after the PRIVSIM_REPS cap."""
        return reps_for(scenario, self.reps or default)

    @property
    def overrides(self) -> list[str]:
        """The changes to the file this run makes, as typed: every ``--overlay``, ``--set``, then ``--size``."""
        return [*(f"overlay={p}" for p in self.overlays or []), *(self.sets or []),
                *([f"size={self.size}"] if self.size else [])]

    def titled(self, title: str) -> str:
        """``title`` with the run's overrides, so two runs of one file never look alike."""
        return runfolders.titled(title, self.overrides)

    def folder(self, out_dir: Path | None, name: str, scenarios: Sequence[Scenario], *extra: Any,
               dated: bool = True) -> Path:
        """``--out``, else a folder of its own: runs/<name>-<UTC time>-<hash of what runs>.

        A sweep's folder (``dated=False``) is runs/<name>-<hash>: the same sweep resumes into it, another one
        gets its own.
        """
        if out_dir is not None:
            return out_dir
        return runfolders.new_folder(name, scenarios, self.reps, self.seed, list(extra), dated=dated)

    @property
    def runner(self) -> dict[str, Any]:
        """Keyword arguments of every experiment function: seed, executor, workers, scheduler."""
        return {"seed": self.seed, "executor": self.executor, "workers": self.workers, "scheduler": self.scheduler}


def run_options(*, without: tuple[str, ...] = ()) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Give a command the shared run options (all of :data:`RUN_OPTIONS` but ``without``) as one ``run`` argument."""
    names = [n for n in RUN_OPTIONS if n not in without]

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        own = [p for p in inspect.signature(fn, eval_str=True).parameters.values() if p.name != "run"]
        shared = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=RUN_OPTIONS[n][1],
                                    annotation=RUN_OPTIONS[n][0]) for n in names]

        @wraps(fn)
        def command(*args: Any, **kwargs: Any) -> Any:
            run = RunOptions(**{n: kwargs.pop(n) for n in names})
            choice(run.executor, EXECUTORS, "--executor")
            return fn(*args, run=run, **kwargs)

        command.__signature__ = inspect.Signature([*own, *shared])  # type: ignore[attr-defined]
        command.__annotations__ = {p.name: p.annotation for p in (*own, *shared)}
        return command

    return decorate


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Bad input becomes one message per problem on stderr and exit code 2, never a traceback."""
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            for problem in exc.problems:
                err.print(f"error: {problem}", markup=False)
            raise typer.Exit(2) from None
    return wrapper


def choice(value: str, allowed: tuple[str, ...], flag: str) -> str:
    """Check a flag against its allowed values."""
    if value not in allowed:
        raise InputError.single(flag, f"got {value!r}{did_you_mean(value, allowed)}; allowed: {', '.join(allowed)}")
    return value


def prepared(path: Path, sets: list[str] | None = None, size: int | None = None,
             overlays: list[Path] | None = None) -> Scenario:
    """Load a scenario and apply overlays (``--overlay``), ``--set``, ``--size`` and the PRIVSIM_SIZE cap."""
    scenario = load_scenario(path)
    for overlay in overlays or []:
        scenario = apply_overlay(scenario, overlay)
    if sets:
        scenario = override(scenario, dict(parse_assignment(s) for s in sets), source="--set")
    n = size_for(scenario, size)
    return scenario if n == scenario.population.size else resize(scenario, n)


def size_for(scenario: Scenario, size: int | None = None) -> int:
    """Simulated customers: ``--size`` (up to the real population; default the scenario's), capped by PRIVSIM_SIZE."""
    pop = scenario.population
    real = int(pop.size * pop.represents)
    if size is not None and size > real:
        raise InputError.single("--size", f"got {size:,}; allowed: 1 to {real:,}, the real customers the scenario "
                                "stands for (each simulated customer stands for at least one)")
    return min(x for x in (size or pop.size, env_cap("PRIVSIM_SIZE")) if x)


def env_cap(name: str) -> int | None:
    """A positive integer from the environment, or None."""
    raw = os.environ.get(name)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise InputError.single(name, f"got {raw!r}; allowed: a whole number ≥ 1")
    return int(raw)


def capped(value: int | None, name: str) -> int | None:
    """``value`` capped by the environment variable ``name`` (either may be unset)."""
    cap = env_cap(name)
    return min(x for x in (value, cap) if x) if (value or cap) else None


def reps_for(scenario: Scenario, reps: int | None) -> int:
    """Replications after the PRIVSIM_REPS cap."""
    return capped(reps or scenario.replications, "PRIVSIM_REPS") or scenario.replications


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A Rich progress bar behind the one progress callback ``(done, total, stage)``."""
    if not enabled:
        yield lambda done, total, stage: None
        return
    if not err.is_terminal:        # piped or logged: a line every few seconds instead of a bar nobody sees
        yield _progress_lines()
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(done: int, total: int, stage: str) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


PROGRESS_EVERY = 5.0    # seconds between progress lines on a stderr that is not a terminal


def _progress_lines() -> Callable[[int, int, str], None]:
    """A progress callback printing ``stage: done/total (elapsed)`` to stderr, at most every few seconds."""
    started = last = time.monotonic()

    def update(done: int, total: int, stage: str) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY:
            last = now
            err.print(f"{stage}: {done}/{total} ({now - started:.0f} s)", markup=False, highlight=False)

    return update


def rich_table(frame: Any, title: str, left: tuple[str, ...] = ()) -> Table:
    """A Rich table of a frame of display strings (columns in ``left`` left-aligned, the rest right)."""
    table = Table(title=title, title_justify="left")
    for col in frame.columns:
        table.add_column(str(col), justify="left" if col in left else "right")
    for row in frame.itertuples(index=False):
        table.add_row(*(str(v) for v in row))
    return table


def kpi_table(run: RunResult, title: str) -> Table:
    """The KPI table of the whole population with its three labelled uncertainty figures."""
    summary = run.summary()
    table = rich_table(kpi_rows(summary[summary["segment"] == "all"], run.scenario.economics.currency), title,
                       left=("KPI",))
    table.caption = spread_note(len(run.replications)) or None
    table.caption_justify = "left"
    return table
