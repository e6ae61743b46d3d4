"""The command line as a user meets it: exit codes, one clear message, run folders written atomically."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import ROOT, SCENARIOS

PRIVSIM = [sys.executable, "-m", "privsim.cli"]
BASE = (SCENARIOS / "newsletter_opt_in.yaml").read_text()


def cli(*args, cwd=None, env=None):
    environment = {**os.environ, "PRIVSIM_SIZE": "500", "PRIVSIM_REPS": "2", **(env or {})}
    return subprocess.run([*PRIVSIM, *args], capture_output=True, text=True, cwd=cwd or ROOT, env=environment,
                          timeout=300)


BAD = {
    "typo_key": (BASE.replace("contacts_per_month: 4", "contact_per_month: 4"), "did you mean 'contacts_per_month'"),
    "wrong_type": (BASE.replace("horizon_days: 365", "horizon_days: a year"), "a whole number"),
    "share_out_of_range": (BASE.replace("share: 0.60", "share: 1.60"), "≤ 1"),
    "shares_do_not_sum": (BASE.replace("share: 0.60", "share: 0.50"), "summing to 1"),
    "malformed_yaml": (BASE.replace("segments:\n", "segments: [\n", 1), "malformed YAML"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_scenario_gives_one_message_and_exit_2(case, tmp_path):
    text, expected = BAD[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = cli("run", str(path), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"error: {path}:") and expected in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "out").exists()


def test_missing_file_exit_2(tmp_path):
    result = cli("run", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2 and "no such file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("flags, expected", [
    (["--executor", "proc"], "did you mean 'processes'"),
    (["--set", "strategy.practices.newsleter.contacts_per_month=8"], "did you mean 'newsletter'"),
    (["--set", "population.size"], "PATH=VALUE"),
    (["--format", "xml"], "allowed: table, json"),
    (["--reps", "0"], "--reps"),
])
def test_bad_flags_exit_2(flags, expected, tmp_path):
    result = cli("run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--out", str(tmp_path / "o"), *flags)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_validate_is_a_pre_commit_hook(tmp_path):
    good = cli("validate", *map(str, sorted(SCENARIOS.glob("*.yaml"))))
    assert good.returncode == 0, good.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD["typo_key"][0])
    result = cli("validate", str(SCENARIOS / "newsletter_opt_in.yaml"), str(bad))
    assert result.returncode == 2 and str(bad) in result.stderr


def test_run_writes_a_complete_run_folder(tmp_path):
    out = tmp_path / "run"
    result = cli("run", str(SCENARIOS / "covert_sharing.yaml"), "--out", str(out), "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == [".privsim.json", "company.parquet", "kpis.csv",
                                                    "replications.csv", "scenario.yaml", "summary.json",
                                                    "timeseries.parquet"]
    assert sorted(json.loads((out / ".privsim.json").read_text())["files"]) == [
        "company.parquet", "kpis.csv", "replications.csv", "scenario.yaml", "summary.json", "timeseries.parquet"]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["seed"] == 5 and summary["replications"] == 2 and len(summary["scenario_sha256"]) == 64
    assert summary["versions"]["privsim"] and summary["versions"]["numpy"]
    series = pd.read_parquet(out / "timeseries.parquet")
    assert {"replicate", "day", "segment", "active", "backlash"} <= set(series.columns)
    assert not {"salience", "npv"} & set(series.columns)          # company-level series have their own file
    company = pd.read_parquet(out / "company.parquet")
    assert {"replicate", "day", "salience", "npv", "cash"} <= set(company.columns) and "segment" not in company
    kpis = pd.read_csv(out / "kpis.csv")
    assert {"kpi", "mean", "ci_low", "ci_high", "p5", "p95", "n", "unit"} <= set(kpis.columns)
    assert "NPV within the horizon" in result.stdout and "95% CI of mean" in result.stdout
    from privsim.scenario.load import load_scenario

    assert load_scenario(out / "scenario.yaml").population.size == 500


def test_json_format(tmp_path):
    result = cli("run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--out", str(tmp_path / "o"), "-f", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["failed"] == [] and any(k["kpi"] == "npv" for k in data["kpis"])


def test_schema_prints_json_schema():
    result = cli("schema")
    assert result.returncode == 0 and json.loads(result.stdout)["title"].startswith("privsim scenario")


def test_failed_replications_exit_1_and_are_named(tmp_path, monkeypatch):
    import privsim.experiments.arms as arms
    from privsim.cli import core  # noqa: F401
    from privsim.cli.common import app

    real = arms.arm

    def flaky(scenario, replicate, seed, with_strategy=True, base=None, **kw):
        if replicate == 1 and with_strategy:
            raise RuntimeError("disk on fire")
        return real(scenario, replicate, seed, with_strategy, base, **kw)

    monkeypatch.setattr(arms, "arm", flaky)
    monkeypatch.setenv("PRIVSIM_SIZE", "300")
    result = CliRunner().invoke(app, ["run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--reps", "3",
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "replication 1 failed: RuntimeError: disk on fire" in result.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert [f["replicate"] for f in summary["failed"]] == [1]


def test_killed_run_leaves_no_half_written_folder(tmp_path):
    out = tmp_path / "run"
    env = {**os.environ, "PRIVSIM_SIZE": "", "PRIVSIM_REPS": ""}
    proc = subprocess.Popen([*PRIVSIM, "run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--reps", "50",
                             "--out", str(out)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    time.sleep(4)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not out.exists()
    assert not list(Path(tmp_path).glob(".privsim-partial-*"))  # partial folder appears only at write time
    again = cli("run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--out", str(out))
    assert again.returncode == 0 and (out / "summary.json").exists()


def test_stale_partial_folders_are_cleaned_only_when_provably_privsims(tmp_path):
    stale = tmp_path / ".privsim-partial-run-999999999"          # a killed run's partial folder
    stale.mkdir()
    (stale / "timeseries.parquet").write_text("half")
    (stale / ".privsim.json").write_text(json.dumps({"kind": "run", "files": [], "pid": 999999999}))
    lookalike = tmp_path / ".privsim-partial-notes-999999998"    # same name pattern, but not privsim's
    lookalike.mkdir()
    (lookalike / "mine.txt").write_text("keep me")
    result = cli("run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--out", str(tmp_path / "run"))
    assert result.returncode == 0 and not stale.exists()
    assert (lookalike / "mine.txt").read_text() == "keep me"


def test_the_command_line_and_a_mean_field_replication_start_without_scipy():
    """scipy loads on first use (a CLI start costs ≈ 2 s more with it); a mean-field replication never needs it.

    The model's own code is checked on the numpy path: the kernels' numba imports scipy.linalg for itself.
    """
    code = ("import sys\n"
            "import privsim.cli.core, privsim.cli.experiments, privsim.cli.tester\n"
            "assert not [m for m in sys.modules if m.split('.')[0] in ('scipy', 'numba')], 'the CLI imports scipy'\n"
            "from privsim import load_scenario, resize\n"
            "from privsim.experiments.arms import arm\n"
            f"arm(resize(load_scenario({str(SCENARIOS / 'covert_sharing.yaml')!r}), 300), 0, 1)\n"
            "assert not [m for m in sys.modules if m.split('.')[0] == 'scipy'], 'a replication imports scipy'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PRIVSIM_ENGINE": "numpy"})
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_kpi_table_on_few_replications_says_so(tmp_path):
    result = cli("run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--reps", "3", "--out", str(tmp_path / "r"))
    assert result.returncode == 0 and "rests on 2 replications" in " ".join(result.stdout.split())   # PRIVSIM_REPS=2


def test_a_partial_response_runs_end_to_end(tmp_path):
    """A defensive company that first adds a notice and an opt-out, then stops: steps in order, in the KPIs."""
    result = cli("run", str(SCENARIOS / "covert_sharing.yaml"), "--size", "2000", "--reps", "3",
                 "--set", "strategy.response.posture=defensive",
                 "--set", "strategy.response.actions=[add_notice, add_opt_out, stop]",
                 "--out", str(tmp_path / "o"), "-f", "json")
    assert result.returncode == 0, result.stderr
    kpis = {k["kpi"]: k["mean"] for k in json.loads(result.stdout)["kpis"]}
    assert 0 < kpis["response_days.partner_feed"] < kpis["reversal_days.partner_feed"]
    saved = (tmp_path / "o" / "scenario.yaml").read_text()
    assert "posture: defensive" in saved and "add_notice" in saved


def test_compare_states_what_its_ranking_rests_on(tmp_path):
    result = cli("compare", str(SCENARIOS / "newsletter_opt_in.yaml"), str(SCENARIOS / "dark_pattern_consent.yaml"),
                 "--out", str(tmp_path / "c"), "-f", "json")
    assert result.returncode == 0, result.stderr
    ranking = json.loads(result.stdout)["ranking"]
    assert ranking["by"] == "total_value" and "365 days, terminal value lifetime" in ranking["basis"]
    values = [r["total_value"] for r in ranking["order"]]
    assert values == sorted(values, reverse=True) and len(ranking["by_npv_alone"]) == 2
    table = cli("compare", str(SCENARIOS / "newsletter_opt_in.yaml"), str(SCENARIOS / "dark_pattern_consent.yaml"),
                "--out", str(tmp_path / "t"))
    assert "Ranked by total value = NPV within the horizon + terminal value" in table.stdout.replace("\n", " ")


def test_version_is_the_packaged_one():
    import tomllib

    result = cli("--version")
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert result.returncode == 0 and result.stdout.strip() == f"privsim {declared}"


def test_help_texts_keep_their_brackets_and_show_no_markup():
    from privsim.cli import core, experiments, runs, tester  # noqa: F401  (registers the commands)
    from privsim.cli.common import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for name in names:
        text = CliRunner().invoke(app, [name, "--help"], terminal_width=200).output
        assert "``" not in text, name
    sweep = CliRunner().invoke(app, ["sweep", "--help"], terminal_width=200).output
    assert "PATH=[v1, v2, …]" in sweep


def test_progress_reaches_a_stderr_that_is_not_a_terminal(monkeypatch, tmp_path):
    from privsim.cli import common, core  # noqa: F401  (registers the commands)

    monkeypatch.setattr(common, "PROGRESS_EVERY", 0.0)
    result = CliRunner().invoke(common.app, ["run", str(SCENARIOS / "newsletter_opt_in.yaml"), "--size", "300",
                                             "--reps", "2", "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert "replications: 2/2" in result.output
