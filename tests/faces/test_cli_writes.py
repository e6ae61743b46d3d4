"""Every writing command, pointed at a user's folder or file, leaves every byte of it as it was."""

import hashlib
import json

import pytest
from typer.testing import CliRunner

from privsim.cli import core, experiments, tester  # noqa: F401  (registers the commands)
from privsim.cli.common import app
from tests.conftest import SCENARIOS

NEWSLETTER = str(SCENARIOS / "newsletter_opt_in.yaml")
QUICK = ["--set", "horizon_days=30", "--reps", "1"]
WRITERS = {
    "run": ["run", NEWSLETTER, *QUICK],
    "compare": ["compare", NEWSLETTER, str(SCENARIOS / "segmented_personalisation.yaml"), *QUICK],
    "sweep": ["sweep", NEWSLETTER, "--param", "strategy.practices.newsletter.contacts_per_month=[2, 4]", *QUICK],
    "frontier": ["frontier", NEWSLETTER, "--param", "strategy.practices.newsletter.contacts_per_month=[2, 4]", *QUICK],
    "sensitivity": ["sensitivity", NEWSLETTER, "--param", "economics.discount_rate", *QUICK],
    "uncertainty": ["uncertainty", NEWSLETTER, "--param", "behavior.trust.apology", *QUICK],
}
FILE_WRITERS = {
    "lint": ["lint", NEWSLETTER, "--no-price", "--format", "json", "--output"],
    "report": ["report", "RUN", "--out"],
    "calibrate": ["calibrate", NEWSLETTER, "--fit", "behavior.consent.intercept", "--only", "opt_in_cross_context",
                  "--maxiter", "2", "--reps", "1", "--size", "200", "--out"],
}


def fingerprint(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def users_folder(tmp_path):
    folder = tmp_path / "mine"
    (folder / "points").mkdir(parents=True)
    (folder / "thesis.docx").write_bytes(b"\x00years of work\xff")
    (folder / "summary.json").write_text('{"kind": "run"}')     # looks like a run folder, but privsim never wrote it
    (folder / "points" / "point-00000.parquet.tmp-1").write_text("my temp file")
    (folder / "kpis.csv").write_text("mine")
    return folder


@pytest.fixture(autouse=True)
def small(monkeypatch):
    monkeypatch.setenv("PRIVSIM_SIZE", "200")
    monkeypatch.setenv("PRIVSIM_REPS", "1")


@pytest.mark.parametrize("command", sorted(WRITERS))
@pytest.mark.parametrize("force", [False, True])
def test_a_folder_of_user_files_survives_every_writing_command(command, force, users_folder):
    before = fingerprint(users_folder.parent)
    result = CliRunner().invoke(app, [*WRITERS[command], "--out", str(users_folder), *(["--force"] * force)])
    assert result.exit_code == 2, result.output
    assert "did not write" in result.output and "Traceback" not in result.output
    assert fingerprint(users_folder.parent) == before


@pytest.mark.parametrize("command", sorted(WRITERS))
def test_a_file_given_as_the_output_folder_is_refused(command, users_folder):
    before = fingerprint(users_folder.parent)
    result = CliRunner().invoke(app, [*WRITERS[command], "--out", str(users_folder / "thesis.docx"), "--force"])
    assert result.exit_code == 2 and "is a file, not a folder" in result.output
    assert fingerprint(users_folder.parent) == before


@pytest.mark.parametrize("command", sorted(FILE_WRITERS))
def test_a_user_file_is_not_overwritten_by_a_single_file_output(command, users_folder, tmp_path):
    run = tmp_path / "run"
    assert CliRunner().invoke(app, [*WRITERS["run"], "--out", str(run)]).exit_code == 0
    args = [str(run) if a == "RUN" else a for a in FILE_WRITERS[command]]
    before = fingerprint(users_folder.parent)
    for target in (users_folder / "thesis.docx", users_folder):
        result = CliRunner().invoke(app, [*args, str(target)])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
    assert fingerprint(users_folder.parent) == before


def test_a_second_run_needs_force_and_keeps_the_users_notes(tmp_path):
    out = tmp_path / "run"
    assert CliRunner().invoke(app, [*WRITERS["run"], "--out", str(out)]).exit_code == 0
    (out / "notes.md").write_text("my notes on this run")
    again = CliRunner().invoke(app, [*WRITERS["run"], "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    forced = CliRunner().invoke(app, [*WRITERS["run"], "--out", str(out), "--seed", "9", "--force"])
    assert forced.exit_code == 0, forced.output
    assert json.loads((out / "summary.json").read_text())["seed"] == 9
    assert (out / "notes.md").read_text() == "my notes on this run"


def test_a_sweep_resumes_in_its_own_folder_without_force(tmp_path):
    out = tmp_path / "sweep"
    first = CliRunner().invoke(app, [*WRITERS["sweep"], "--out", str(out)])
    assert first.exit_code == 0, first.output
    again = CliRunner().invoke(app, [*WRITERS["sweep"], "--out", str(out), "--format", "json"])
    assert again.exit_code == 0 and json.loads(again.output)["resumed_points"] == [0, 1]


def test_two_runs_never_share_a_folder_and_say_what_they_changed(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for contacts in (8, 2):
        result = runner.invoke(app, ["run", NEWSLETTER, *QUICK, "--set",
                                     f"strategy.practices.newsletter.contacts_per_month={contacts}"])
        assert result.exit_code == 0, result.output
    folders = sorted(f for f in (tmp_path / "runs").iterdir() if f.is_dir())
    assert len(folders) == 2 and all(f.name.startswith("newsletter_opt_in-") for f in folders)
    titles = [json.loads((f / "summary.json").read_text())["title"] for f in folders]
    assert {t.rsplit("=", 1)[1] for t in titles} == {"8", "2"}
    again = runner.invoke(app, ["run", NEWSLETTER, *QUICK, "--set",
                                "strategy.practices.newsletter.contacts_per_month=2"])
    assert again.exit_code == 0 and len([f for f in (tmp_path / "runs").iterdir() if f.is_dir()]) == 3   # a third


def test_the_same_sweep_resumes_into_its_default_folder_and_another_gets_its_own(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(app, WRITERS["sweep"])
    again = runner.invoke(app, WRITERS["sweep"])
    other = runner.invoke(app, [*WRITERS["sweep"][:3], "strategy.practices.newsletter.contacts_per_month=[3, 5]",
                                *QUICK])
    assert first.exit_code == again.exit_code == other.exit_code == 0, (again.output, other.output)
    assert "resumed: 2 finished point(s)" in again.output
    assert len([f for f in (tmp_path / "runs").iterdir() if f.is_dir()]) == 2
    assert (tmp_path / "runs" / "catalog.duckdb").is_file()       # both are in the run catalog
