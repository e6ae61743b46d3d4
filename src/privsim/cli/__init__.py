"""The ``privsim`` command line: a thin face over the Python API.

Commands live in submodules by area (``core``, ...) and register on :data:`app`.

Exit codes: 0 ok, 1 a risk gate or calibration failed (or replications failed), 2 bad input.
``PRIVSIM_SIZE`` and ``PRIVSIM_REPS`` cap population size and replications of every
command (tests and documentation examples run small through them).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from privsim.output.formatting import fmt
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override, parse_assignment, resize
from privsim.scenario.schema import Scenario

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Privacy-risk simulator and worst-practice tester for CRM strategies.")
out = Console(highlight=False, width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True, highlight=False, soft_wrap=True)

Reps = Annotated[int | None, typer.Option("--reps", "-r", min=1, help="replications (default: the scenario's)")]
Seed = Annotated[int | None, typer.Option("--seed", min=0, help="base seed (default: the scenario's)")]
Workers = Annotated[int | None, typer.Option("--workers", "-w", min=1, help="worker processes")]
ExecutorOpt = Annotated[str, typer.Option("--executor", "-x", help=f"one of: {', '.join(EXECUTORS)}")]
Sets = Annotated[list[str] | None, typer.Option("--set", help="override a field: PATH=VALUE (repeatable)")]
Size = Annotated[int | None, typer.Option("--size", min=1, help="simulated customers (same real population)")]
Format = Annotated[str, typer.Option("--format", "-f", help="table or json")]


USAGE_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def main() -> None:
    """Console-script entry point: usage errors become one ``error:`` line and exit code 2."""
    from privsim.cli import core, experiments, tester  # noqa: F401  (registers the commands)

    try:
        code = app(standalone_mode=False)
    except USAGE_ERROR as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            out.print(exc.ctx.get_help(), markup=False)
            sys.exit(0)
        where = f"{exc.ctx.command_path}: " if exc.ctx else ""
        err.print(f"error: {where}{exc.format_message()} (see --help)", markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)


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


def prepared(path: Path, sets: list[str] | None = None, size: int | None = None) -> Scenario:
    """Load a scenario and apply ``--set``, ``--size`` and the PRIVSIM_SIZE cap."""
    scenario = load_scenario(path)
    if sets:
        scenario = override(scenario, dict(parse_assignment(s) for s in sets))
    cap = env_cap("PRIVSIM_SIZE")
    size = min(x for x in (size, cap, scenario.population.size) if x) if (size or cap) else None
    if size and size != scenario.population.size:
        scenario = resize(scenario, size)
    return scenario


def env_cap(name: str) -> int | None:
    """A positive integer from the environment, or None."""
    raw = os.environ.get(name)
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise InputError.single(name, f"got {raw!r}; allowed: a whole number ≥ 1")
    return int(raw)


def reps_for(scenario: Scenario, reps: int | None) -> int:
    """Replications after the PRIVSIM_REPS cap."""
    n = reps or scenario.replications
    cap = env_cap("PRIVSIM_REPS")
    return min(n, cap) if cap else n


@contextmanager
def progress_bar(enabled: bool = True) -> Iterator[Callable[[int, int, str], None]]:
    """A Rich progress bar behind the one progress callback ``(done, total, stage)``."""
    if not enabled:
        yield lambda done, total, stage: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(done: int, total: int, stage: str) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield update


def kpi_table(run: RunResult, title: str) -> Table:
    """The KPI table of the whole population with its three labelled uncertainty figures."""
    currency = run.scenario.economics.currency
    summary = run.summary()
    table = Table(title=title, title_justify="left")
    for col in ("KPI", "mean", "95% CI of mean", "P5–P95 over replications", "n"):
        table.add_column(col, justify="left" if col == "KPI" else "right")
    for row in summary[summary["segment"] == "all"].itertuples():
        table.add_row(row.kpi, fmt(row.kpi, row.mean, currency),
                      f"{fmt(row.kpi, row.ci_low, currency)} – {fmt(row.kpi, row.ci_high, currency)}",
                      f"{fmt(row.kpi, row.p5, currency)} – {fmt(row.kpi, row.p95, currency)}", str(row.n))
    return table




Scheduler = Annotated[str | None, typer.Option("--scheduler", help="a running Dask scheduler, tcp://HOST:PORT "
                                                                     "(with --executor dask)")]
