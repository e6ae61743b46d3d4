"""Run generated inputs through every door and classify what happened.

Doors for a file: ``load_scenario`` (run, compare, …), ``privsim validate`` (which also checks case
blocks), ``lint``, the case library (for case files) and the dashboard's upload. They must agree; an
accepted input must simulate (200 customers, one replication) to finite results. A door that raises
anything but ``InputError`` is a crash; a door that runs past the time limit is a hang.
"""

from __future__ import annotations

import os
import signal
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from privsim.errors import InputError
from tests.fuzz.inputs import SECRET, Input

TIME_LIMIT = 30          # seconds per door
BAD = ("crash", "hang", "memory", "wrongly_accepted", "non_finite", "inconsistent", "leak")


class HangError(Exception):
    """A door ran past the time limit."""


@contextmanager
def time_limit(seconds: int):
    def alarm(signum: int, frame: Any) -> None:
        raise HangError(f"more than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@dataclass
class Outcome:
    """What one door did with one input: accepted (with its value), refused (with its messages), or failed."""

    kind: str                          # accepted | refused | crash | hang | memory
    value: Any = None
    detail: str = ""


def door(fn: Callable[[], Any]) -> Outcome:
    try:
        with time_limit(TIME_LIMIT):
            return Outcome("accepted", fn())
    except InputError as exc:
        return Outcome("refused", detail="\n".join(str(p) for p in exc.problems))
    except HangError as exc:
        return Outcome("hang", detail=str(exc))
    except MemoryError:
        return Outcome("memory", detail="MemoryError")
    except RecursionError:
        return Outcome("crash", detail="RecursionError")
    except Exception:  # anything else is the defect the fuzzer looks for
        return Outcome("crash", detail=traceback.format_exc(limit=6))


@dataclass
class Verdict:
    """The class of an input and what became of it."""

    cls: str
    result: str                        # refused | accepted | one of BAD
    detail: str = ""


@dataclass
class Tally:
    """Counts by input class and result."""

    verdicts: list[Verdict] = field(default_factory=list)

    def add(self, v: Verdict) -> None:
        self.verdicts.append(v)

    def bad(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.result in BAD]

    def table(self) -> str:
        counts = Counter((v.cls.split("_")[0] if v.cls.startswith("flags") else v.cls, v.result) for v in self.verdicts)
        classes = sorted({c for c, _ in counts})
        results = ["refused", "accepted", *BAD]
        width = max(len(c) for c in classes) + 2
        lines = [f"{'class':<{width}}" + "".join(f"{r:>17}" for r in results)]
        for c in classes:
            lines.append(f"{c:<{width}}" + "".join(f"{counts[(c, r)] or '':>17}" for r in results))
        lines.append(f"{'total':<{width}}" + "".join(
            f"{sum(n for (_, r), n in counts.items() if r == res) or '':>17}" for res in results))
        return "\n".join(lines)


def materialise(item: Input, folder: Path) -> Path:
    """Write the input where the doors will read it (or make the special file it names)."""
    path = folder / "input.yaml"
    if item.special == "fifo":
        os.mkfifo(path)
    elif item.special == "folder":
        path.mkdir()
    elif item.special == "symlink_loop":
        path.symlink_to(path)
    elif item.special == "through_file":
        (folder / "plain").write_text("x")
        path = folder / "plain" / "input.yaml"
    elif item.special == "missing":
        path = folder / "missing.yaml"
    elif item.special == "device":
        path = Path("/dev/zero")
    else:
        path.write_bytes(item.content or b"")
    return path


def simulate_small(scenario: Any) -> str | None:
    """Run an accepted scenario small; the reason it is not finite, or None."""
    from privsim.experiments.runs import simulate
    from privsim.scenario.overrides import resize

    small = resize(scenario, 200) if scenario.population.size > 200 else scenario
    result = simulate(small, 0)
    if result.failed:
        return result.error
    for (seg, kpi), v in result.kpis.items():
        if not np.isfinite(v):
            return f"{seg}.{kpi} = {v}"
    return None


def judge(item: Input) -> Verdict:
    """Every door for one input, compared."""
    from privsim.dashboard.workspace import from_upload
    from privsim.scenario.load import load_scenario, read_scenario
    from privsim.tester.cases import case_problems, is_case, load_case
    from privsim.tester.lint import lint

    def validate(path: Path) -> Any:
        scenario, lines = read_scenario(path)
        if is_case(scenario) and (problems := case_problems(scenario, str(path), lines)):
            raise InputError(problems)
        return scenario

    with tempfile.TemporaryDirectory(prefix="privsim-fuzz-") as tmp:
        path = materialise(item, Path(tmp))
        doors = {"load": door(lambda: load_scenario(path)), "validate": door(lambda: validate(path)),
                 "lint": door(lambda: lint(path))}
        if item.is_case:
            doors["cases"] = door(lambda: load_case(path).scenario)
        if item.content is not None and len(item.content) <= 256 * 1024:
            doors["upload"] = door(lambda: from_upload("upload.yaml", item.content)[0])
    for name, o in doors.items():
        if o.kind in ("crash", "hang", "memory"):
            return Verdict(item.cls, o.kind, f"{name}: {o.detail}")
    if any(SECRET in o.detail for o in doors.values()):
        return Verdict(item.cls, "leak", next(o.detail for o in doors.values() if SECRET in o.detail))
    plain = [doors[d].kind for d in ("load", "lint", "upload") if d in doors]
    loaded = doors["load"].value
    meant_as_case = "cases" in doors and (loaded is None or is_case(loaded))   # still has a case block
    case = [doors["validate"].kind, *([doors["cases"].kind] if meant_as_case else [])]
    if len(set(plain)) > 1 or len(set(case)) > 1:
        return Verdict(item.cls, "inconsistent", ", ".join(f"{d}: {o.kind}" for d, o in doors.items()))
    accepted = doors["validate"].kind == "accepted" and doors["load"].kind == "accepted"
    if not accepted:
        return Verdict(item.cls, "refused", doors["validate"].detail or doors["load"].detail)
    if item.expect == "refuse":
        return Verdict(item.cls, "wrongly_accepted", f"accepted by every door: {item.base.name}: {item.note}")
    run = door(lambda: simulate_small(doors["load"].value))
    if run.kind != "accepted":
        return Verdict(item.cls, run.kind, f"simulate: {run.detail}")
    if run.value is not None:
        return Verdict(item.cls, "non_finite", run.value)
    return Verdict(item.cls, "accepted")
