"""HTML reports: one per kind of run folder, self-contained, no network request when opened."""

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from privsim.dashboard import workspace
from privsim.dashboard.settings import DEFAULT_REPS, DEFAULT_SIZE
from privsim.errors import InputError
from privsim.experiments.compare import compare
from privsim.experiments.frontier import frontier
from privsim.experiments.runs import replicate
from privsim.experiments.sensitivity import sensitivity
from privsim.experiments.sweep import sweep
from privsim.experiments.uncertainty import uncertainty
from privsim.output.folders import write_comparison, write_run, write_sensitivity, write_uncertainty
from privsim.output.report import BASIC, build_report, bundle_version, plotlyjs, write_report
from privsim.scenario.overrides import override, resize
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
    assert html.count("<script type=\"text/javascript\">/**") == 1   # plotly.js is inlined exactly once:
    if kind == "uncertainty":                                        # box plots need the whole of it,
        assert len(html) > 3_000_000 and "(basic - minified)" not in html
    else:                                                            # scatter and bar the basic bundle
        assert "plotly.js (basic - minified) v" in html[:2000] and 1_190_000 < len(html) < 1_500_000


def test_the_basic_bundle_is_the_plotly_js_version_plotly_py_writes_for():
    """An upgrade of plotly.py without the matching basic bundle would fall back to the whole 4.8 MB."""
    from plotly.offline import get_plotlyjs_version

    assert bundle_version(BASIC.read_text(encoding="utf-8")) == get_plotlyjs_version()
    assert plotlyjs({"scatter", "bar"}) == BASIC.read_text(encoding="utf-8")
    assert len(plotlyjs({"scatter", "box"})) > 3_000_000


def test_the_report_of_the_default_comparison_is_under_1_5_mb(tmp_path):
    """The dashboard's default comparison at its default settings (20,000 customers, 5 replications)."""
    entries = workspace.bundled()
    scenarios = [resize(workspace.scenario(entries[name]), DEFAULT_SIZE) for name in workspace.DEFAULT_COMPARE]
    folder = write_comparison(compare(scenarios, DEFAULT_REPS), tmp_path / "compare")
    html = build_report(folder)
    assert len(html.encode()) < 1_500_000
    assert html.count("Plotly.newPlot") == 3 and "Over time" in html and "KPIs: " in html


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
    assert ok.exit_code == 0 and target.stat().st_size > 1_000_000
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
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))

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
    assert outside == [] and errors == []      # the basic bundle draws every trace of the report
    assert charts == 3                       # differences, time series, segments
