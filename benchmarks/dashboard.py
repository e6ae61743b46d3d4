"""How fast the real dashboard answers: headless Chromium against ``streamlit run app.py``.

Starts the app of a source tree on a free 127.0.0.1 port (``PRIVSIM_RUNS`` in a temporary folder, so
nothing is kept in the repository), drives it with Playwright and Debian's ``/usr/bin/chromium`` as
``tests/faces/test_browser.py`` does, and prints, in seconds after the click:

- Run & compare, default comparison: first KPI cards (provisional or final), final cards and every
  chart drawn, on a fresh server and again (warm) with another seed;
- the frontier and the sensitivity page with their defaults: every chart drawn;
- the size of the report the dashboard kept for the first comparison.

``--baseline DIR`` measures another tree (e.g. a git worktree of an earlier commit) first, on its own
fresh server, and prints both side by side. Speed is never asserted in tests; this only reports.

    .venv/bin/python benchmarks/dashboard.py [--baseline /tmp/dash-before] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))           # the browser test's server helper
from tests.faces.streamlit_server import serve  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
WAIT = 600_000                          # ms: the default sensitivity run is long on two shared cores
ANY_CARD = "[class*='kpi-1-npv'] [data-testid='stMetricValue']"     # provisional or final
FINAL_CARD = ".st-key-kpi-1-npv [data-testid='stMetricValue']"
# Every chart on the page has drawn its plot, and the page has got past its last chart: on Run & compare the
# Downloads heading below the charts is there (the run folder is written after it), elsewhere the script run ended
CHARTS_DRAWN = """(below) => {
  const text = document.body.textContent;     // not innerText: no layout forced every 50 ms
  if (!text.includes('Simulated in')) return false;
  if (below ? !text.includes(below) : document.querySelector('[data-testid="stStatusWidget"] button')) return false;
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].filter(c => c.checkVisibility());
  return charts.length > 0 && charts.every(c => c.querySelector('.main-svg .draglayer'));
}"""
ROWS = (("compare_first_cards", "Run & compare, fresh server: click → first cards"),
        ("compare_final_cards", "Run & compare, fresh server: click → final cards"),
        ("compare_charts", "Run & compare, fresh server: click → all charts"),
        ("warm_first_cards", "Run & compare, warm, other seed: click → first cards"),
        ("warm_final_cards", "Run & compare, warm, other seed: click → final cards"),
        ("warm_charts", "Run & compare, warm, other seed: click → all charts"),
        ("frontier_charts", "Tolerance frontier (defaults): click → chart"),
        ("sensitivity_charts", "Sensitivity (defaults): click → all charts"),
        ("report_mb", "HTML report of the default comparison, MB"),
        ("other_cpu", "other processes' CPU during the run, cores"))


@contextmanager
def server(tree: Path, runs: Path) -> Iterator[str]:
    """``streamlit run`` of ``tree``'s app with ``tree``'s sources first on the path; yields its URL."""
    try:
        env = {"PYTHONPATH": str(tree / "src"), "PRIVSIM_RUNS": str(runs)}
        with serve(tree, runs / "server.log", env) as (url, _):
            yield url
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None


def run_compare(browser: Any, url: str) -> dict[str, float]:
    """Click Run comparison at ``url``; seconds to the first cards, the final cards and every chart."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    button = page.get_by_role("button", name="Run comparison")
    button.wait_for(state="visible", timeout=WAIT)
    page.wait_for_load_state("networkidle", timeout=WAIT)   # clicked on a loaded page, as a person would
    start = time.perf_counter()
    button.click()
    page.locator(ANY_CARD).first.wait_for(timeout=WAIT)
    first = time.perf_counter() - start
    page.locator(FINAL_CARD).wait_for(timeout=WAIT)
    final = time.perf_counter() - start
    page.wait_for_function(CHARTS_DRAWN, arg="Downloads", timeout=WAIT, polling=50)
    drawn = time.perf_counter() - start
    page.close()
    return {"first_cards": first, "final_cards": final, "charts": drawn}


def run_page(browser: Any, url: str, label: str) -> float:
    """Click ``label`` at ``url``; seconds until every chart is drawn."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(url, wait_until="domcontentloaded")
    button = page.get_by_role("button", name=label)
    button.wait_for(state="visible", timeout=WAIT)
    page.wait_for_load_state("networkidle", timeout=WAIT)   # clicked on a loaded page, as a person would
    start = time.perf_counter()
    button.click()
    page.wait_for_function(CHARTS_DRAWN, arg=None, timeout=WAIT, polling=50)
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def cpu_seconds() -> float:
    """CPU seconds every process has used since boot (user + system, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    return (int(fields[0]) + int(fields[1]) + int(fields[2])) / os.sysconf("SC_CLK_TCK")


def own_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and its waited-for children."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in stat[11:15]) / os.sysconf("SC_CLK_TCK")


def measure(tree: Path) -> dict[str, float]:
    """Every figure of the benchmark for the dashboard of ``tree``, on a fresh server."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="privsim-bench-runs-") as tmp, \
            sync_playwright() as p:
        runs = Path(tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        began, wall, before = cpu_seconds(), time.monotonic(), tree_cpu(os.getpid())
        with server(tree, runs) as url:
            out = {f"compare_{k}": v for k, v in run_compare(browser, f"{url}/").items()}
            out |= {f"warm_{k}": v for k, v in run_compare(browser, f"{url}/?seed=20261201").items()}
            out["frontier_charts"] = run_page(browser, f"{url}/frontier", "Run frontier")
            out["sensitivity_charts"] = run_page(browser, f"{url}/sensitivity", "Run sensitivity")
            mine = tree_cpu(os.getpid()) - before
        browser.close()
        reports = sorted(runs.glob("compare-*/report.html"))
        out["report_mb"] = reports[0].stat().st_size / 1e6 if reports else float("nan")
        out["other_cpu"] = max(0.0, (cpu_seconds() - began - mine) / (time.monotonic() - wall))
    return out


def tree_cpu(pid: int) -> float:
    """CPU seconds of ``pid`` and every process below it that still runs (the server, Chromium)."""
    try:
        total = own_cpu(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            total += sum(tree_cpu(int(c)) for c in children.read_text().split())
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return total


def table(columns: dict[str, dict[str, float]]) -> str:
    """The figures as a Markdown table, one column per tree."""
    names = list(columns)
    lines = ["| measured | " + " | ".join(names) + " |", "| --- |" + " ---: |" * len(names)]
    for key, text in ROWS:
        cells = [f"{columns[n][key]:.2f}" if key in columns[n] else "–" for n in names]
        lines.append(f"| {text} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Measure this tree (and a baseline tree first, if given) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=ROOT, help="source tree to measure (default: this one)")
    parser.add_argument("--baseline", type=Path, help="another source tree, measured first, printed beside")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    columns: dict[str, dict[str, float]] = {}
    if args.baseline:
        columns[f"before ({args.baseline})"] = measure(args.baseline.resolve())
    columns["now"] = measure(args.tree.resolve())
    print(table(columns))
    if args.json:
        args.json.write_text(json.dumps(columns, indent=2) + "\n")


if __name__ == "__main__":
    main()
