"""Engine benchmark: customer-days per second, peak memory, per-stage cost and the ratio to the naive model.

Every configuration runs in a fresh child process (this script with ``--child``), which builds the
scenario, times ``Replication(..., profile=True)`` set-up and daily loop separately, and reports its
own peak RSS with the per-stage nanoseconds and random draws. The rate is customer-days per second
of the daily loop: N × days / loop wall time (set-up, population draw and graph building excluded
and printed apart). Only the strategy arm runs (``simulate`` adds a cheaper no-practice arm).

Configurations (``--quick``: 100k instead of 1M, naive model at 2k):
- ``three_practices.yaml`` at 100k and 1M customers × 365 days, mean-field word of mouth;
- the same plus a covert partner feed exposed by a media story on day 90 (discovery and the
  regulator at their defaults, no reversal, so word of mouth runs to the horizon), at 1M with
  mean-field and with small-world word of mouth (degree 10);
- the engine and the naive per-customer SimPy model (``naive.py``) at 10k: the speed ratio.

Usage: ``python benchmarks/engine.py [--quick] [--json FILE]``. The machine has 2 cores shared with
other work: the background CPU used by other processes during each run is printed beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "three_practices.yaml"
DAYS = 365
TARGET_CDPS, STRETCH_CDPS, TARGET_RATIO, TARGET_MB = 15e6, 25e6, 100.0, 300.0
COVERT = {"id": "covert_feed", "purpose": "third_party_sharing", "data": ["contact", "purchase_history"],
          "consent": "none", "disclosed": False, "data_revenue_per_record": 4.0}
STORY = {"type": "media_story", "day": 90, "practices": ["covert_feed"], "intensity": 0.8}


# ------------------------------------------------------------------ child side
def scenario(variant: str, size: int) -> Any:
    """The benchmark scenario at ``size``: ``three`` as shipped, or ``covert_<network kind>``."""
    from privsim.scenario.load import load_scenario
    from privsim.scenario.overrides import override

    s = override(load_scenario(SCENARIO), {"population.size": size, "horizon_days": DAYS})
    if variant == "three":
        return s
    practices = [*s.model_dump(mode="json")["strategy"]["practices"], COVERT]
    return override(s, {"strategy.practices": practices, "events": [STORY], "behavior.discovery": {},
                        "behavior.regulator": {},
                        "population.network": {"kind": variant.removeprefix("covert_"), "degree": 10}})


def run_child(kind: str, variant: str, size: int) -> dict[str, Any]:
    """One configuration in this process; returns timings, peak RSS and the per-stage profile."""
    import privsim.model.engine  # noqa: F401  (imports first, so their memory is reported apart)

    out: dict[str, Any] = {"kind": kind, "variant": variant, "n": size, "days": DAYS,
                           "import_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    s = scenario(variant, size)
    if kind == "naive":
        import naive

        t0 = time.perf_counter()
        naive.run(s)
        out.update(setup=0.0, sim=time.perf_counter() - t0)
    else:
        from privsim.model.engine import Replication

        spreading: list[int] = []

        def probe(day: int, eng: Replication) -> None:
            if any(src.spreading for src in eng.backlash.sources):
                spreading.append(day)

        t0 = time.perf_counter()
        eng = Replication(s, 0, profile=True, probe=probe)
        t1 = time.perf_counter()
        rec = eng.run()
        out.update(setup=t1 - t0, sim=time.perf_counter() - t1, stage_ns=eng.stage_ns,
                   stage_draws={k: int(v) for k, v in eng.stage_draws.items()},
                   discovered=[d for d, what, _ in rec.marks if what == "discovery"],
                   aware_share=float(rec.series["aware"][:, -1].sum() / s.population.represents / size),
                   spreading_days=len(spreading))
    out["cdps"] = size * DAYS / out["sim"]
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


# ------------------------------------------------------------------ parent side
def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all cores) since boot."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def measure(kind: str, variant: str, size: int) -> dict[str, Any]:
    """Run one configuration in a child process; adds the background CPU other processes used meanwhile."""
    label = f"{kind} {variant} {size:,}"
    print(f"  running {label} ...", file=sys.stderr, flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy0, wall0 = busy_seconds(), time.perf_counter()
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", kind, variant, str(size)],
                          capture_output=True, text=True, cwd=HERE)
    wall, busy = time.perf_counter() - wall0, busy_seconds() - busy0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{label} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    own = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["background_cores"] = max(0.0, (busy - own) / wall)
    return result


def mark(ok: bool) -> str:
    """Verdict beside a target."""
    return "meets" if ok else "MISSES"


def report(results: dict[str, dict[str, Any]], big: int, naive_n: int) -> None:
    """Print the throughput table, the targets, the per-stage table and the naive ratio."""
    from privsim.model.engine import STEP_ORDER

    print(f"\nEngine benchmark: {DAYS} days, one replication per row, each in a fresh process "
          f"(load average now {Path('/proc/loadavg').read_text().split()[0]})\n")
    print(f"{'configuration':36s} {'customers':>10s} {'set-up s':>9s} {'loop s':>8s} "
          f"{'customer-days/s':>16s} {'peak MB':>8s} {'imports MB':>10s} {'other CPU':>9s}")
    names = {"three": "three practices, mean field", "covert_mean_field": "+ covert found, mean field",
             "covert_small_world": "+ covert found, small world"}
    for r in results.values():
        what = f"{r['kind']}: {names[r['variant']]}"
        print(f"{what:36s} {r['n']:>10,} {r['setup']:>9.2f} {r['sim']:>8.2f} {r['cdps']:>16,.0f} "
              f"{r['peak_mb']:>8.0f} {r['import_mb']:>10.0f} {r['background_cores']:>8.2f}c")
    head, naive, small = results[f"engine three {big}"], results[f"naive three {naive_n}"], \
        results[f"engine three {naive_n}"]
    print("\nTargets")
    print(f"  engine at {big:,}, one process: {head['cdps'] / 1e6:.1f} M customer-days/s "
          f"(target >= {TARGET_CDPS / 1e6:.0f} M, stretch {STRETCH_CDPS / 1e6:.0f} M): "
          f"{mark(head['cdps'] >= TARGET_CDPS)}")
    print(f"  peak memory at {big:,} with three practices: {head['peak_mb']:.0f} MB, of which imports "
          f"{head['import_mb']:.0f} MB (target <= {TARGET_MB:.0f} MB): {mark(head['peak_mb'] <= TARGET_MB)}")
    ratio, equal = head["cdps"] / naive["cdps"], small["cdps"] / naive["cdps"]
    print(f"  engine at {big:,} / naive model at {naive_n:,}: {ratio:,.0f}x "
          f"(target >= {TARGET_RATIO:.0f}x): {mark(ratio >= TARGET_RATIO)}")
    print(f"  engine / naive model, both at {naive_n:,}: {equal:,.0f}x "
          f"(naive: {naive['cdps']:,.0f} customer-days/s, {naive['peak_mb']:.0f} MB)")
    for variant in ("covert_mean_field", "covert_small_world"):
        r = results[f"engine {variant} {big}"]
        print(f"  {names[variant]}: {r['cdps'] / 1e6:.1f} M customer-days/s; discovered on day(s) "
              f"{r['discovered'] or 'none'}, {r['aware_share']:.1%} of customers heard, "
              f"word of mouth ran {r['spreading_days']} days")
    runs = [k for k, r in results.items() if r["kind"] == "engine" and r["n"] == big]
    print(f"\nPer stage at {big:,} customers: nanoseconds | random draws per customer-day")
    print(f"{'stage':10s}" + "".join(f" {names[results[k]['variant']].lstrip('+ '):>30s}" for k in runs))
    for stage in (s.name for s in STEP_ORDER):
        cells = []
        for k in runs:
            r, cd = results[k], results[k]["n"] * DAYS
            cells.append(f"{r['stage_ns'][stage] / cd:>9.2f} ns | {r['stage_draws'][stage] / cd:>6.3f} dr")
        print(f"{stage:10s}" + "".join(f" {c:>30s}" for c in cells))
    cells = [f"{sum(results[k]['stage_ns'].values()) / (results[k]['n'] * DAYS):>9.2f} ns | "
             f"{sum(results[k]['stage_draws'].values()) / (results[k]['n'] * DAYS):>6.3f} dr" for k in runs]
    print(f"{'total':10s}" + "".join(f" {c:>30s}" for c in cells))


def main() -> None:
    """Parse options; as parent run every configuration, as child run one and print its JSON."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--quick", action="store_true", help="100k instead of 1M customers; naive model at 2k")
    ap.add_argument("--json", type=Path, help="also write the raw results to this file")
    ap.add_argument("--child", nargs=3, metavar=("KIND", "VARIANT", "SIZE"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, variant, size = args.child
        print(json.dumps(run_child(kind, variant, int(size))))
        return
    big, naive_n = (100_000, 2_000) if args.quick else (1_000_000, 10_000)
    plan = [("engine", "three", naive_n), ("naive", "three", naive_n), ("engine", "three", 100_000),
            ("engine", "three", big), ("engine", "covert_mean_field", big), ("engine", "covert_small_world", big)]
    results: dict[str, dict[str, Any]] = {}
    for kind, variant, size in plan:
        key = f"{kind} {variant} {size}"
        if key not in results:
            results[key] = measure(kind, variant, size)
    report(results, big, naive_n)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
