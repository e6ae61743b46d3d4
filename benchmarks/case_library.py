"""The case library against history: every case at 20,000 simulated customers × 20 replications.

For every case and observed outcome: the simulated mean (and the counterfactual's, same seeds), whether
it agrees by the rule of docs/cases.md, and for P(regulator action) the Brier score over the library beside
"same side of ½", against two reference forecasts (½ everywhere, and the library's base rate). The
regulator probability is also measured at 2,000 customers: the case test runs there.

Usage: ``python benchmarks/case_library.py [--size 20000] [--reps 20] [--markdown FILE]``
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from privsim.tester.cases import case_ids, load_case, run_case

KPI = "regulator_action"
TEST_SIZE = 2_000


def measure(cid: str, size: int, reps: int) -> dict[str, object]:
    """One case: comparisons with history, regulator action at ``size`` and at the test size."""
    case = load_case(cid)
    real = case.scenario.population.size * case.scenario.population.represents
    started = time.perf_counter()
    run = run_case(case, reps, size=min(size, int(real)), executor="processes")
    small = run_case(case, reps, size=min(TEST_SIZE, int(real)), counterfactual=False, executor="processes")
    observed = next((o.value for o in case.case.observed if o.kpi == KPI), None)
    return {"id": cid, "run": run, "observed": observed, "p": run.mean(KPI), "p_small": small.mean(KPI),
            "better": run.mean(KPI, True), "backlash": run.mean("backlash_peak"),
            "better_backlash": run.mean("backlash_peak", True), "seconds": time.perf_counter() - started}


def brier(pairs: list[tuple[float, float]]) -> float:
    """Mean squared difference of forecast and outcome."""
    return sum((p - o) ** 2 for p, o in pairs) / len(pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    results = []
    for cid in case_ids():
        r = measure(cid, args.size, args.reps)
        results.append(r)
        print(f"\n{cid}  ({r['seconds']:.0f} s)  regulator {r['p']:.2f} at {args.size:,} and {r['p_small']:.2f} at "
              f"{TEST_SIZE:,}; observed {r['observed']}")
        for c in r["run"].comparisons:
            print(f"  {c.observation.kpi:28s} observed {c.observation.value:<12.4g} simulated {c.simulated:<12.4g} "
                  f"better {c.counterfactual:<12.4g} {'agrees' if c.agrees else 'DIFFERS'}")
    pairs = [(r["p"], r["observed"]) for r in results if r["observed"] is not None]
    small = [(r["p_small"], r["observed"]) for r in results if r["observed"] is not None]
    base = sum(o for _, o in pairs) / len(pairs)
    same_side = sum((p >= 0.5) == (o >= 0.5) for p, o in pairs)
    print(f"\nP({KPI}) over {len(pairs)} cases: Brier {brier(pairs):.3f} at {args.size:,} ({brier(small):.3f} at "
          f"{TEST_SIZE:,}); same side of ½ in {same_side}; reference: ½ everywhere 0.250, base rate {base:.2f} "
          f"everywhere {brier([(base, o) for _, o in pairs]):.3f}")
    agree = sum(c.agrees for r in results for c in r["run"].comparisons)
    total = sum(len(r["run"].comparisons) for r in results)
    print(f"observations agreeing with history: {agree} of {total}")
    if args.markdown:
        args.markdown.write_text(markdown(results, args.size, pairs, small, same_side, base, agree, total))


def markdown(results: list[dict[str, object]], size: int, pairs: list[tuple[float, float]],
             small: list[tuple[float, float]], same_side: int, base: float, agree: int, total: int) -> str:
    """The docs/cases.md table and its summary line."""
    lines = [f"| case | observed regulator action | simulated at {size:,} | at {TEST_SIZE:,} | better practice: "
             "regulator | backlash peak → better | other observations agreeing |", "|---|---|---|---|---|---|---|"]
    for r in results:
        others = [c for c in r["run"].comparisons if c.observation.kpi != KPI]
        lines.append(f"| `{r['id']}` | {r['observed']:.0f} | {r['p']:.2f} | {r['p_small']:.2f} | "
                     f"{r['better']:.2f} | {r['backlash']:.1%} → {r['better_backlash']:.1%} | "
                     f"{sum(c.agrees for c in others)} of {len(others)} |")
    reference = brier([(base, o) for _, o in pairs])
    lines += ["", f"Brier score of P(regulator action) over {len(pairs)} cases: **{brier(pairs):.3f}** at "
              f"{size:,} ({brier(small):.3f} at {TEST_SIZE:,}); same side of ½ in {same_side} of {len(pairs)}. "
              f"Reference forecasts: ½ everywhere 0.250; the library's base rate ({base:.2f}) everywhere "
              f"{reference:.3f}. Observations agreeing with history: {agree} of {total}."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
