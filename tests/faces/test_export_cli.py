"""privsim export pram|cnil on the command line: files written, the shared run options, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import openpyxl
import pytest

from privsim.tester.assessments import COLUMNS
from tests.conftest import ROOT

PRIVSIM = Path(sys.executable).parent / "privsim"
SCENARIO = str(ROOT / "scenarios" / "dark_pattern_consent.yaml")
SMALL = ("--size", "300", "--reps", "2")


def privsim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(PRIVSIM), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_pram_writes_a_workbook_with_the_run_options(tmp_path):
    out = tmp_path / "annex.xlsx"
    r = privsim("export", "pram", SCENARIO, "-o", str(out), *SMALL, "--seed", "5")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and f"wrote {out}" in r.stderr
    book = openpyxl.load_workbook(out)
    rows = list(book["Data actions"].iter_rows(values_only=True))
    assert rows[0] == COLUMNS and [x[0] for x in rows[1:]] == ["ad_profiling", "operations"]
    about = {x[1]: x[2] for x in book["About"].iter_rows(min_row=2, values_only=True)}
    assert (about["seed"], about["replications"], about["simulated customers"]) == (5, 2, 300)


def test_cnil_writes_an_importable_pia(tmp_path):
    out = tmp_path / "pia.json"
    r = privsim("export", "cnil", SCENARIO, "-o", str(out), *SMALL, "--author", "A. Analyst",
                "--set", "gate.discovery_after_days=30")
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((files("privsim") / "data" / "cnil_pia.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    assert data["pia"]["author_name"] == "A. Analyst"
    assert "NaN" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, where", [
    (("export", "pram", "missing.yaml", "-o", "x.xlsx"), "missing.yaml"),
    (("export", "pram", SCENARIO, "-o", "annex.csv"), "annex.csv: --output"),
    (("export", "cnil", SCENARIO, "-o", "pia.xlsx"), "pia.xlsx: --output"),
    (("export", "cnil", SCENARIO, "-o", "pia.json", "--set", "strategy.practices.ad_profiling.consent=nope"),
     "consent"),
    (("export", "pram", SCENARIO, "-o", "x.xlsx", "--executor", "threads"), "--executor"),
])
def test_bad_input_exits_2_and_writes_nothing(tmp_path, args, where):
    r = privsim(*args, cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and where in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_scenario_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(Path(SCENARIO).read_text().replace("consent: opt_in", "consent: nope"))
    r = privsim("export", "pram", str(bad), "-o", str(tmp_path / "a.xlsx"))
    assert r.returncode == 2 and f"{bad}:24" in r.stderr and "consent" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


def test_a_file_of_the_users_is_never_replaced_without_force(tmp_path):
    mine = tmp_path / "annex.xlsx"
    mine.write_text("my own notes")
    r = privsim("export", "pram", SCENARIO, "-o", str(mine), *SMALL)
    assert r.returncode == 2 and "--force" in r.stderr and mine.read_text() == "my own notes"
