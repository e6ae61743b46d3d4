"""HTML reports: one per kind of run folder, self-contained, no network request when opened."""

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from privsim.errors import InputError
from privsim.experiments.compare import compare
from privsim.experiments.frontier import frontier
from privsim.experiments.runs import replicate
from privsim.experiments.sensitivity import sensitivity
from privsim.experiments.sweep import sweep
from privsim.experiments.uncertainty import uncertainty
from privsim.output.folders import write_comparison, write_run, write_sensitivity, write_uncertainty
from privsim.output.report import build_report, write_report
from privsim.scenario.overrides import override
from tests.conftest import small

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
EXTERNAL = re.compile(r"<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.I)


@pytest.fixture(scope="module")
def covert():
    return override(small("covert_sharing.yaml", 400), {"horizon_days": 150})


@pytest.fixture(scope="module")
def folders(covert, tmp_path_factory):
    root = tmp_path_factory.mktemp("runs")
    other = override(covert, {"strategy.practices.partner_feed.data_revenue_per_record": 8.0, "name": "Pricier"})
    sens = sensitivity(covert, params=["behavior.discovery.media_reach", "economics.discount_rate"], reps=1)
    return {
        "run": write_run(replicate(covert, 2), root / "run"),
        "compare": write_comparison(compare([covert, other], 2), root / "compare"),
        "sweep": sweep(covert, ["strategy.practices.partner_feed.centrality=0:1:2"], reps=1,
                       out=root / "sweep").folder,
        "frontier": frontier(covert, "strategy.practices.partner_feed.visibility=[targeted, all_at_once]", reps=1,
                             out=root / "frontier").sweep.folder,
        "sensitivity": write_sensitivity(sens, covert, root / "sensitivity", seed=covert.seed, reps=1),
        "uncertainty": write_uncertainty(uncertainty(covert, 2), root / "uncertainty"),
    }


HEADINGS = {"run": "Over time", "compare": "Paired differences", "sweep": "Points", "frontier": "Tolerance frontier",
            "sensitivity": "Tornado: NPV within the horizon", "uncertainty": "Coefficient uncertainty"}


ENGINEER = re.compile(r"\d\.?\d*e[+-]\d|\bTrue\b|\bFalse\b|\{'|\['|\bnan\b|\bNone\b")


@pytest.mark.parametrize("kind", sorted(HEADINGS))
def test_a_report_speaks_to_people(folders, kind):
    """Outside the scripts, no scientific notation, Python repr or True/False reaches the reader."""
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", "", build_report(folders[kind]), flags=re.S))
    assert not ENGINEER.search(text), text[max(0, ENGINEER.search(text).start() - 200):][:400]


@pytest.mark.parametrize("kind", sorted(HEADINGS))
def test_report_of_every_kind_is_self_contained(folders, kind):
    html = build_report(folders[kind])
    assert HEADINGS[kind] in html
    assert html.count("Plotly.newPlot") >= 1
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert len(html) > 3_000_000                              # plotly.js itself is inlined
    assert html.count("<script type=\"text/javascript\">/**") == 1   # … exactly once


def test_bad_run_folders_are_bad_input(tmp_path):
    with pytest.raises(InputError, match="no such run folder"):
        build_report(tmp_path / "missing")
    with pytest.raises(InputError, match=r"no summary\.json"):
        build_report(tmp_path)
    (tmp_path / "summary.json").write_text("{not json")
    with pytest.raises(InputError, match="cannot be read"):
        build_report(tmp_path)
    (tmp_path / "summary.json").write_text('{"kind": "poem"}')
    with pytest.raises(InputError, match="kind 'poem' has no report"):
        build_report(tmp_path)


def test_cli_report_writes_the_file_and_bad_input_exits_2(folders, tmp_path):
    from privsim.cli import experiments  # noqa: F401
    from privsim.cli.common import app

    target = tmp_path / "r.html"
    ok = CliRunner().invoke(app, ["report", str(folders["compare"]), "--out", str(target)])
    assert ok.exit_code == 0 and target.stat().st_size > 3_000_000
    bad = CliRunner().invoke(app, ["report", str(tmp_path / "nope")])
    assert bad.exit_code == 2 and "no such run folder" in bad.output


@pytest.mark.e2e
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed")
def test_report_opens_offline_and_makes_no_network_request(folders, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    path = write_report(folders["compare"], tmp_path / "report.html")
    outside = []
    args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        page = browser.new_page()

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", guard)
        page.goto(path.resolve().as_uri(), wait_until="load")
        page.wait_for_selector(".plot-container .main-svg", state="attached", timeout=60_000)
        charts = page.locator(".js-plotly-plot").count()
        browser.close()
    assert outside == []
    assert charts == 3                       # differences, time series, segments
