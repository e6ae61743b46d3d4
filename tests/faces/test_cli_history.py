"""``privsim history convert``, ``calibrate --history`` and ``run --overlay`` end to end, small."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from privsim.cli import core, history  # noqa: F401  (registers the commands)
from privsim.cli.common import app
from tests.conftest import ROOT

runner = CliRunner()
EXAMPLES = ROOT / "examples"


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def short_history(tmp_path, days: int = 70):
    lines = (EXAMPLES / "history.csv").read_text().splitlines()
    keep = [line for line in lines[1:] if line[:10] < f"2023-{1 + days // 31:02d}-{1 + days % 31:02d}"]
    path = tmp_path / "short.csv"
    path.write_text("\n".join([lines[0], *keep]) + "\n")
    return path


def test_converters_write_the_tidy_format(tmp_path):
    result = invoke("history", "convert", "email", EXAMPLES / "history" / "email-report.csv", "-o",
                    tmp_path / "email.csv", "--purpose", "newsletter")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "email.csv").read_text().startswith("date,metric,value,n,segment,purpose,variant\n")
    result = invoke("history", "convert", "consent", EXAMPLES / "history" / "consent-log.csv", "-o",
                    tmp_path / "consent.parquet")
    assert result.exit_code == 0 and "rows" in result.output


def test_calibrate_to_a_history_writes_overlay_and_plot_that_run_loads(tmp_path):
    overlay, plot = tmp_path / "fitted.yaml", tmp_path / "observed.html"
    result = invoke("calibrate", EXAMPLES / "history-base.yaml", "--history", short_history(tmp_path), "--fit",
                    "behavior.consent.intercept", "--size", "500", "--reps", "1", "--maxiter", "6", "-o", overlay,
                    "--plot", plot)
    assert result.exit_code == 0, result.output
    assert "Fitted coefficients" not in result.output and "consent: intercept" in result.output
    assert "held out" in result.output and "e+" not in result.output
    fitted = yaml.safe_load(overlay.read_text())["behavior"]["consent"]["intercept"]
    assert 1.8 <= fitted <= 3.6
    page = plot.read_text()
    head = page.split("</head>")[0]
    assert head.count("<script") == 1 and "plotly.js" in head and "<script src" not in page   # inlined once
    assert "Consent rate: newsletter" in page
    result = invoke("run", EXAMPLES / "history-base.yaml", "--overlay", overlay, "--size", "300", "--reps", "1",
                    "--set", "horizon_days=20", "-o", tmp_path / "run")
    assert result.exit_code == 0, result.output
    assert f"overlay={overlay}" in (tmp_path / "run" / "summary.json").read_text()


def test_a_bad_history_exits_2_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,metric,value\n2023-01-02,sends,10\n2023-01-03,unsubscribes,-1\n")
    overlay = tmp_path / "fitted.yaml"
    result = invoke("calibrate", EXAMPLES / "history-base.yaml", "--history", bad, "-o", overlay)
    assert result.exit_code == 2
    assert f"error: {bad}:3: column value: got '-1'; allowed: a finite number ≥ 0" in result.output
    assert not overlay.exists()
    result = invoke("run", EXAMPLES / "history-base.yaml", "--overlay", bad, "--size", "300")
    assert result.exit_code == 2 and "error:" in result.output
