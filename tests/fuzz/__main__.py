"""``python -m tests.fuzz [--inputs N] [--flags M] [--seed S]``: fuzz every door, print counts by class.

Exits 1 when any input crashed, hung, ran out of memory, was wrongly accepted, gave a non-finite
result, met doors that disagree, or leaked file contents into a message. ``make fuzz`` runs it large;
``make test`` runs it small (tests/fuzz/test_fuzz.py).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

MEMORY_LIMIT = 6 * 1024**3      # bytes of address space: a blow-up ends in MemoryError, not in swapping


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--flags", type=int, default=120)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, resource.RLIM_INFINITY))

    from tests.fuzz.flags import command_lines, judge_command
    from tests.fuzz.harness import Tally, judge
    from tests.fuzz.inputs import Generator

    tally = Tally()
    start = time.perf_counter()
    for item in Generator(args.seed).inputs(args.inputs):
        tally.add(judge(item))
    files = time.perf_counter() - start
    with tempfile.TemporaryDirectory(prefix="privsim-fuzz-run-") as tmp:
        run_folder = Path(tmp) / "run"
        from typer.testing import CliRunner

        from privsim.cli import core  # noqa: F401
        from privsim.cli.common import app

        CliRunner().invoke(app, ["run", "scenarios/newsletter_opt_in.yaml", "--set", "horizon_days=30", "--out",
                                 str(run_folder)], env={"PRIVSIM_SIZE": "200", "PRIVSIM_REPS": "1"})
        for line in command_lines(args.seed, args.flags):
            tally.add(judge_command(line, run_folder))
    print(tally.table())
    print(f"\n{args.inputs} inputs in {files:.0f} s, {args.flags} command lines in "
          f"{time.perf_counter() - start - files:.0f} s (seed {args.seed})")
    for v in tally.bad():
        print(f"\n{v.result}: {v.cls}\n{v.detail[:2000]}")
    return 1 if tally.bad() else 0


if __name__ == "__main__":
    sys.exit(main())
