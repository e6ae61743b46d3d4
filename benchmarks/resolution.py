"""Resolution benchmark: every KPI of the same real population at 2,000, 20,000 and 100,000 simulated customers.

Four bundled scenarios and three library cases run at each size (same seed, same real population: only
``represents`` changes). For every KPI it prints the mean and 95% interval at each size (Wilson for
probabilities), then compares 2k and 20k with 100k: Newcombe's interval for probabilities, Welch's for
the rest, p-values Holm-corrected over all comparisons of a scenario at family-wise level 1%, and the
largest disagreement (smallest p-value) with its relative size.

Usage: ``python benchmarks/resolution.py [--reps 40] [--quick] [--markdown FILE]``
(``--quick``: 20 replications, 2k and 20k only).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from privsim.experiments import resolution
from privsim.scenario.load import load_scenario
from privsim.scenario.schema import Scenario
from privsim.tester.cases import load_case

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("covert_sharing", "newsletter_opt_in", "remote_breach_unencrypted", "repermission_lapsed")
CASES = ("doubleclick_abacus_1999", "path_address_book_2011", "toysmart_2000")
SIZES = (2_000, 20_000, 100_000)


def subjects() -> list[tuple[str, Scenario]]:
    """The scenarios and cases measured, by name."""
    out = [(name, load_scenario(ROOT / "scenarios" / f"{name}.yaml")) for name in SCENARIOS]
    return out + [(f"case {cid}", load_case(cid).scenario) for cid in CASES]


def fmt(v: float) -> str:
    """A compact number for the tables."""
    return f"{v:.3g}" if abs(v) < 1e6 else f"{v:.3e}"


def measure(name: str, scenario: Scenario, sizes: tuple[int, ...], reps: int) -> dict[str, object]:
    """One subject: the KPI table by size, the comparisons with the largest size and Holm's verdict."""
    started = time.perf_counter()
    values = resolution.by_size(scenario, sizes, reps, executor="processes")
    table = resolution.summary(values)
    real = scenario.population.size * scenario.population.represents
    diffs = [d for small in sizes[:-1] for d in resolution.compare(values, small, sizes[-1], real=real)]
    disagreeing = resolution.disagreements(diffs, alpha=0.01)
    largest = min((d for d in diffs if d.testable), key=lambda d: d.p_value)
    return {"name": name, "table": table, "diffs": diffs, "real": disagreeing, "largest": largest,
            "real_population": real,
            "seconds": time.perf_counter() - started}


def print_result(r: dict[str, object], sizes: tuple[int, ...]) -> None:
    """The KPI table of one subject and its verdict."""
    table, largest = r["table"], r["largest"]
    print(f"\n## {r['name']}  (real population {r['real_population']:,.0f}; {r['seconds']:.0f} s)")
    print(f"{'kpi':34s}" + "".join(f"{f'{s:,}':>34s}" for s in sizes))
    for kpi, rows in table.groupby("kpi", sort=True):
        cells = {row.size: f"{fmt(row.mean)} ({fmt(row.low)}–{fmt(row.high)})" for row in rows.itertuples()}
        print(f"{kpi:34s}" + "".join(f"{cells.get(s, '–'):>34s}" for s in sizes))
    sparse = [f"{d.kpi} {d.sizes[0]:,}" for d in r["diffs"] if not d.testable]
    print(f"comparisons {len(r['diffs']) - len(sparse)}; disagreeing after Holm (1%): {len(r['real'])} "
          f"{[f'{d.kpi} {d.sizes}' for d in r['real']]}; not tested (under 5 customers a replication): {sparse}")
    print(f"largest disagreement: {largest.kpi} {largest.sizes[0]:,} vs {largest.sizes[1]:,}: "
          f"{fmt(largest.difference)} (99% {fmt(largest.low)} – {fmt(largest.high)}), p = {largest.p_value:.3g}, "
          f"{largest.relative:.1%} of its magnitude")


def markdown(results: list[dict[str, object]], sizes: tuple[int, ...], reps: int) -> str:
    """docs/resolution.md: every KPI of every subject at every size, and the verdicts."""
    lines = ["# Resolution independence: measured", "",
             f"Written by `python benchmarks/resolution.py --markdown docs/resolution.md` ({reps} replications "
             "per size, same seed, same real population; only `represents` changes). Mean (95% interval: Wilson "
             "for probabilities, t otherwise). Comparisons with the largest size: Newcombe (probabilities) or "
             "Welch (the rest), Holm-corrected over a subject's comparisons at family-wise 1%.", "",
             "A share of fewer than five customers a replication at the smaller size is too discrete for "
             "Welch's normal approximation: it is listed as not tested.", "",
             "| subject | comparisons | disagreeing (Holm, 1%) | largest disagreement | p | relative | not tested |",
             "|---|---|---|---|---|---|---|"]
    for r in results:
        d = r["largest"]
        sparse = ", ".join(f"{x.kpi} at {x.sizes[0]:,}" for x in r["diffs"] if not x.testable) or "–"
        tested = sum(x.testable for x in r["diffs"])
        lines.append(f"| {r['name']} | {tested} | {len(r['real'])} | {d.kpi}, {d.sizes[0]:,} vs "
                     f"{d.sizes[1]:,}: {fmt(d.difference)} (99% {fmt(d.low)} – {fmt(d.high)}) | "
                     f"{d.p_value:.3g} | {d.relative:.1%} | {sparse} |")
    for r in results:
        lines += ["", f"## {r['name']}", "", "| kpi | " + " | ".join(f"{s:,}" for s in sizes) + " |",
                  "|---|" + "---|" * len(sizes)]
        for kpi, rows in r["table"].groupby("kpi", sort=True):
            cells = {row.size: f"{fmt(row.mean)} ({fmt(row.low)} – {fmt(row.high)})" for row in rows.itertuples()}
            lines.append(f"| {kpi} | " + " | ".join(cells.get(s, "–") for s in sizes) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=40)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    sizes = SIZES[:2] if args.quick else SIZES
    reps = 20 if args.quick else args.reps
    results = []
    for name, scenario in subjects():
        results.append(measure(name, scenario, sizes, reps))
        print_result(results[-1], sizes)
    total = sum(len(r["real"]) for r in results)
    print(f"\nsubjects {len(results)}; KPIs disagreeing across sizes after Holm: {total}")
    if args.markdown:
        args.markdown.write_text(markdown(results, sizes, reps))


if __name__ == "__main__":
    main()
