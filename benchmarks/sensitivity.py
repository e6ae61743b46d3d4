"""Sensitivity and frontier benchmark: wall time, time to the first streamed point, and a table hash.

- tornado: the dashboard's default (the ``economics`` group, NPV) on ``newsletter_opt_in.yaml``;
- frontier: the dashboard's default axis, the newsletter's ``contacts_per_month`` = 1 … 16 in 6 points.

Both at 2,000 customers × 3 replications on the serial executor (the dashboard's default), each in
a fresh child process so imports are outside the timed run but nothing is warm. The table hash
must not change between code versions: results are bit-identical with and without streaming.
The machine's busy cores during each run (this run's own included) are printed beside it, since
the host is shared: on 2 cores, a serial run alone shows about 1, one beside other work about 2.

Usage: ``python benchmarks/sensitivity.py [--size N] [--reps R] [--executor E] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from engine import busy_seconds

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "scenarios" / "newsletter_opt_in.yaml"
FRONTIER = "strategy.practices.newsletter.contacts_per_month=1:16:6"
EXPERIMENTS = ("tornado", "frontier")


def run_child(experiment: str, size: int, reps: int, executor: str) -> dict[str, Any]:
    """One experiment in this process: wall seconds, seconds to the first streamed point, table hash."""
    from privsim import load_scenario, resize
    from privsim.experiments.frontier import frontier
    from privsim.experiments.sensitivity import sensitivity

    scenario = resize(load_scenario(SCENARIO), size)
    first: list[float] = []
    t0 = time.perf_counter()

    def on_point(point: int, partial: Any) -> None:
        first.append(time.perf_counter() - t0)

    if experiment == "tornado":
        table = sensitivity(scenario, "tornado", params=["economics"], kpis=["npv"], reps=reps, executor=executor,
                            on_point=on_point).table
    else:
        table = frontier(scenario, FRONTIER, reps=reps, executor=executor, on_point=on_point).table
    seconds = time.perf_counter() - t0
    digest = hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()[:16]
    return {"experiment": experiment, "seconds": seconds, "first_point": first[0] if first else None,
            "points": len(first), "table_hash": digest}


def measure(experiment: str, args: argparse.Namespace) -> dict[str, Any]:
    """One child run, with the machine's busy cores over it (all processes)."""
    b0, w0 = busy_seconds(), time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", experiment, str(args.size),
                           str(args.reps), args.executor], capture_output=True, text=True, cwd=HERE, check=True)
    wall = time.perf_counter() - w0
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["busy_cores"] = (busy_seconds() - b0) / wall
    return out


def main() -> None:
    """Run both experiments and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=4, metavar=("EXPERIMENT", "SIZE", "REPS", "EXECUTOR"), help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--executor", default="serial")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.child:
        experiment, size, reps, executor = args.child
        print(json.dumps(run_child(experiment, int(size), int(reps), executor)))
        return
    rows = [measure(e, args) for e in EXPERIMENTS]
    print(f"{args.size:,} customers × {args.reps} replications, {args.executor} executor")
    print("| experiment | seconds | first point s | points streamed | table hash | busy cores |")
    print("| --- | ---: | ---: | ---: | --- | ---: |")
    for r in rows:
        first = "—" if r["first_point"] is None else f"{r['first_point']:.2f}"
        print(f"| {r['experiment']} | {r['seconds']:.2f} | {first} | {r['points']} | {r['table_hash']} | "
              f"{r['busy_cores']:.2f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main()
