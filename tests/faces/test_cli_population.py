"""``privsim population build|survey``: what they print and write, exit 2 on bad input, no identifier anywhere."""

from __future__ import annotations

import yaml
from typer.testing import CliRunner

from privsim.cli import core, population  # noqa: F401  (registers the commands)
from privsim.cli.common import app
from privsim.scenario.schema import Population
from tests.conftest import ROOT
from tests.scenario.owndata import customers, scenario_text, write

runner = CliRunner()
EXAMPLES = ROOT / "examples"


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def test_segments_only_writes_a_block_that_loads(tmp_path):
    export, map_path = write(tmp_path, customers())
    result = invoke("population", "build", export, "--map", map_path, "-o", tmp_path / "block.yaml",
                    "--segments-only", "--size", "200")
    assert result.exit_code == 0, result.output
    assert "identifiers dropped, never read: email" in result.output
    assert "identifiers hashed (salted, salt not kept): customer_id" in result.output
    assert "other columns, never read: note" in result.output
    text = (tmp_path / "block.yaml").read_text()
    assert text.startswith("# written by privsim population build")
    pop = Population.model_validate(yaml.safe_load(text)["population"])
    assert pop.size == 200 and pop.represents == 2 and set(pop.segments) == {"fundamentalist", "pragmatist",
                                                                              "unconcerned"}


def test_bad_input_exits_2_with_located_lines_and_writes_nothing(tmp_path):
    export, map_path = write(tmp_path, customers().assign(spend="lots"))
    out = tmp_path / "population.parquet"
    result = invoke("population", "build", export, "--map", map_path, "-o", out)
    assert result.exit_code == 2
    assert f"error: {export}:2: column spend: got 'lots'; allowed: a finite number 0 to 1e+07" in result.output
    assert "Traceback" not in result.output and not out.exists()
    assert not list(tmp_path.glob("*.tmp-*"))
    map_path.write_text("identifiers: [email]\nsegment: {column: seg}\nannual_vale: spend\n")
    result = invoke("population", "build", export, "--map", map_path, "-o", out)
    assert result.exit_code == 2 and f"{map_path}:3: annual_vale: unknown key 'annual_vale' (did you mean " \
                                      "'annual_value'?)" in result.output
    assert not out.exists()


def test_an_existing_file_of_the_users_is_not_replaced(tmp_path):
    export, map_path = write(tmp_path, customers())
    mine = tmp_path / "mine.yaml"
    mine.write_text("my notes\n")
    result = invoke("population", "build", export, "--map", map_path, "-o", mine, "--segments-only")
    assert result.exit_code == 2 and mine.read_text() == "my notes\n"


def test_survey_prints_the_mix_with_intervals_and_writes_the_block(tmp_path):
    out = tmp_path / "survey.yaml"
    result = invoke("population", "survey", EXAMPLES / "survey.csv", "--map", EXAMPLES / "survey.map.yaml",
                    "-o", out, "--size", "2000")
    assert result.exit_code == 0, result.output
    assert "effective n" in result.output and "95% interval" in result.output
    assert "identifiers dropped, never read: respondent_id" in result.output
    pop = Population.model_validate(yaml.safe_load(out.read_text())["population"])
    assert abs(sum(s.share for s in pop.segments.values()) - 1) < 1e-9


def test_no_email_or_id_of_the_export_reaches_any_output_run_folder_or_log(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    frame = customers(300)
    export, map_path = write(tmp_path, frame)
    logs = [invoke("population", "build", export, "--map", map_path, "-o", tmp_path / "population.parquet")]
    logs.append(invoke("population", "build", export, "--map", map_path, "-o", tmp_path / "block.yaml",
                       "--segments-only"))
    segments = yaml.safe_load((tmp_path / "block.yaml").read_text())["population"]["segments"]
    (tmp_path / "own.yaml").write_text(scenario_text("population.parquet", segments, size=300))
    logs.append(invoke("run", tmp_path / "own.yaml", "--reps", "1", "-o", tmp_path / "runs" / "own"))
    logs.append(invoke("validate", tmp_path / "own.yaml"))
    assert all(r.exit_code == 0 for r in logs), [r.output for r in logs]
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p not in (export, map_path)]
    assert (tmp_path / "runs" / "own" / "scenario.yaml") in written and len(written) > 5
    secrets = [*frame["email"], *frame["customer_id"]]
    blobs = [p.read_bytes() for p in written] + [r.output.encode() for r in logs]
    found = [s for s in secrets if any(s.encode() in blob for blob in blobs)]
    assert not found, found[:5]
