"""Experiment benchmark: a paired compare and a sweep on serial, local processes and Dask.

- compare: ``newsletter_opt_in.yaml`` (4 e-mails a month) against the same newsletter at 8 a month,
  20 replications each at 20,000 customers × 365 days, with the no-practice baseline arm (shared:
  the two strategies differ only in their practices, so it runs once per replicate);
- sweep: 20 points of ``contacts_per_month`` = 1 … 20 on the same scenario, 2 replications each.

Every (experiment, executor) runs in a fresh child process (this script with ``--child``), so pool
and cluster start-up and worker imports are inside the timed wall clock, as a user meets them
(``--executor dask`` starts a LocalCluster of 2 worker processes); start-up (including a trivial
warm-up batch) is also timed apart, and "warm" is the experiment on workers already running, as on a
long-lived cluster or pool. Each child also returns a hash
of its KPI table: all executors must agree bit for bit. Targets on a 2-core machine: the compare
≤ 12 s with processes and ≥ 1.7× faster than serial; Dask ≤ 10% slower than processes.

The machine's speed drifts by up to a quarter from minute to minute (a shared host), so the
executors run in interleaved rounds (serial, processes, Dask, serial, …) and every figure is the
median over the rounds, with the range of the total beside it. The machine's busy cores are sampled
for 1 s before each run (other work sharing the cores) and over the run itself.

Usage: ``python benchmarks/experiments.py [--rounds K] [--size N] [--reps R] [--points P] [--json FILE]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from engine import busy_seconds

HERE = Path(__file__).resolve().parent
SCENARIO = HERE.parent / "scenarios" / "newsletter_opt_in.yaml"
CONTACTS = "strategy.practices.newsletter.contacts_per_month"
EXECUTORS = ("serial", "processes", "dask")
TARGET_SECONDS, TARGET_SPEEDUP, TARGET_DASK_OVERHEAD = 12.0, 1.7, 0.10


def run_child(experiment: str, executor: str, size: int, reps: int, points: int, sweep_reps: int,
              workers: int) -> dict[str, Any]:
    """One experiment on one executor in this process: wall seconds and a hash of the KPI table."""
    from privsim import load_scenario, override, resize
    from privsim.experiments import compare, sweep
    from privsim.experiments.executors import make_executor

    base = resize(load_scenario(SCENARIO), size)
    t0 = time.perf_counter()
    runner = make_executor(executor, workers)
    runner.open()                      # pool / cluster start-up, timed apart as well:
    runner.map(abs, range(2 * workers))   # a trivial batch starts a lazy pool and warms every worker
    t1 = time.perf_counter()
    if experiment == "compare":
        twice = override(base, {CONTACTS: 8, "name": "Newsletter, 8 a month"})
        result = compare([base, twice], reps, executor=runner)
        table = result.to_frame()
    else:
        result = sweep(base, [f"{CONTACTS}=1:{points}:{points}"], reps=sweep_reps, executor=runner)
        table = result.to_frame()
    t2 = time.perf_counter()
    digest = hashlib.sha256(table.to_csv(index=False).encode()).hexdigest()[:16]
    return {"experiment": experiment, "executor": executor, "seconds": t2 - t0, "startup": t1 - t0,
            "warm": t2 - t1, "kpi_hash": digest, "rows": len(table)}


def measure(args: argparse.Namespace, experiment: str, executor: str) -> dict[str, Any]:
    """Run one child; add the machine's busy cores before (1 s sample) and during the run."""
    b0 = busy_seconds()
    time.sleep(1.0)
    before = busy_seconds() - b0
    print(f"  {experiment} on {executor} ...", file=sys.stderr, flush=True)
    b0, w0 = busy_seconds(), time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", experiment, executor,
                           str(args.size), str(args.reps), str(args.points), str(args.sweep_reps), str(args.workers)],
                          capture_output=True, text=True, cwd=HERE)
    wall, busy = time.perf_counter() - w0, busy_seconds() - b0
    if proc.returncode != 0:
        raise SystemExit(f"{experiment} on {executor} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["busy_cores_before"] = before
    result["busy_cores_during"] = busy / wall
    return result


def medians(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One (experiment, executor) over its rounds: median of every figure, range of the total."""
    out = dict(rounds[0])
    for key in ("seconds", "startup", "warm", "busy_cores_before", "busy_cores_during"):
        out[key] = statistics.median(r[key] for r in rounds)
    out["low"], out["high"] = min(r["seconds"] for r in rounds), max(r["seconds"] for r in rounds)
    out["kpi_hash"] = "/".join(sorted({r["kpi_hash"] for r in rounds}))
    out["rounds"] = len(rounds)
    return out


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    """Seconds, speed-ups and targets (medians over the rounds)."""
    by = {(r["experiment"], r["executor"]): r for r in results}
    print(f"\nExperiments at {args.size:,} customers × 365 days, {args.workers} workers "
          f"(compare: 2 scenarios × {args.reps} replications + baseline; sweep: {args.points} points × "
          f"{args.sweep_reps} replications); medians of {args.rounds} interleaved rounds\n")
    print(f"{'experiment':<10} {'executor':<10} {'seconds':>8} {'range':>13} {'start-up':>9} {'warm':>7} "
          f"{'vs serial':>10} {'vs processes':>13} {'warm vs proc':>13} {'busy before':>12} {'busy during':>12}"
          "  kpi hash")
    for r in results:
        serial = by[(r["experiment"], "serial")]["seconds"]
        procs = by[(r["experiment"], "processes")]
        spread = f"{r['low']:.1f}–{r['high']:.1f}"
        print(f"{r['experiment']:<10} {r['executor']:<10} {r['seconds']:>8.2f} {spread:>13} {r['startup']:>9.2f} "
              f"{r['warm']:>7.2f} "
              f"{serial / r['seconds']:>9.2f}× {r['seconds'] / procs['seconds'] - 1:>+12.1%} "
              f"{r['warm'] / procs['warm'] - 1:>+12.1%} {r['busy_cores_before']:>11.2f}c "
              f"{r['busy_cores_during']:>11.2f}c  {r['kpi_hash']}")
    for experiment in ("compare", "sweep"):
        hashes = {by[(experiment, e)]["kpi_hash"] for e in EXECUTORS}
        print(f"{experiment}: identical KPI tables on every executor: {'yes' if len(hashes) == 1 else 'NO'}")
    c = {e: by[("compare", e)]["seconds"] for e in EXECUTORS}
    speedup, overhead = c["serial"] / c["processes"], c["dask"] / c["processes"] - 1
    print(f"\ncompare with processes {c['processes']:.2f} s (target ≤ {TARGET_SECONDS:g} s): "
          f"{'meets' if c['processes'] <= TARGET_SECONDS else 'MISSES'}")
    print(f"speed-up over serial {speedup:.2f}× (target ≥ {TARGET_SPEEDUP}×): "
          f"{'meets' if speedup >= TARGET_SPEEDUP else 'MISSES'}")
    warm = by[("compare", "dask")]["warm"] / by[("compare", "processes")]["warm"] - 1
    print(f"Dask overhead over processes, start-up included {overhead:+.1%} (target ≤ {TARGET_DASK_OVERHEAD:.0%}): "
          f"{'meets' if overhead <= TARGET_DASK_OVERHEAD else 'MISSES'}")
    print(f"Dask overhead over processes, workers already running {warm:+.1%} (target ≤ {TARGET_DASK_OVERHEAD:.0%}): "
          f"{'meets' if warm <= TARGET_DASK_OVERHEAD else 'MISSES'}")


def main() -> None:
    """Parse arguments; run every experiment on every executor in child processes and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=7, help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--points", type=int, default=20)
    parser.add_argument("--sweep-reps", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; figures are their medians")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if args.child:
        experiment, executor, *numbers = args.child
        print(json.dumps(run_child(experiment, executor, *map(int, numbers))))
        return
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _ in range(args.rounds):
        for experiment in ("compare", "sweep"):
            for executor in EXECUTORS:
                runs.setdefault((experiment, executor), []).append(measure(args, experiment, executor))
    results = [medians(rounds) for rounds in runs.values()]
    report(results, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
