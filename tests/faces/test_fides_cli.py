"""privsim import fides and privsim lint on a data map, on the command line: files written, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from privsim.scenario.load import load_scenario
from tests.conftest import ROOT

PRIVSIM = Path(sys.executable).parent / "privsim"
EXAMPLE = ROOT / "examples" / "fides"


def privsim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(PRIVSIM), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_import_writes_a_valid_skeleton_and_lists_what_did_not_map(tmp_path):
    out = tmp_path / "datamap.yaml"
    r = privsim("import", "fides", str(EXAMPLE), "-o", str(out), "-j", "eu,us_ca")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("warning: ") == 2 and f"{EXAMPLE}/ads.yml:16: " in r.stderr
    assert f"wrote {out}: 5 practices from 6 privacy declarations in 3 systems; 2 warnings" in r.stderr
    s = load_scenario(out)
    assert len(s.strategy.practices) == 5 and s.jurisdictions == ["eu", "us_ca"]
    assert privsim("validate", str(out)).returncode == 0
    assert privsim("import", "fides", str(EXAMPLE / "shop.yml"), "-o", str(out)).returncode == 0   # its own file


def test_import_bad_input_exits_2_located_and_writes_nothing(tmp_path):
    bad = tmp_path / "map.yml"
    bad.write_text("system:\n  - fides_key: crm\n    privacy_declarations:\n"
                   "      - {data_categories: [user.contact], data_use: sales, legal_basis_for_processing: consent}\n")
    out = tmp_path / "out.yaml"
    for args in (["import", "fides", str(bad), "-o", str(out)],
                 ["import", "fides", str(tmp_path / "missing.yml"), "-o", str(out)],
                 ["import", "fides", str(EXAMPLE), "-o", str(out), "-j", "mars"]):
        r = privsim(*args)
        assert r.returncode == 2 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr, r.stderr
    r = privsim("import", "fides", str(bad), "-o", str(out))
    assert f"{bad}:4: system[0].privacy_declarations[0].legal_basis_for_processing: got 'consent'" in r.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [bad]
    mine = tmp_path / "mine.yaml"
    mine.write_text("keep me\n")
    r = privsim("import", "fides", str(EXAMPLE), "-o", str(mine))
    assert r.returncode == 2 and mine.read_text() == "keep me\n"


def test_lint_on_the_map_names_file_and_line_in_text_json_and_sarif(tmp_path):
    r = privsim("lint", "examples/fides", "--no-price")
    assert r.returncode == 1, r.stderr
    assert "examples/fides/ads.yml:12" in r.stdout and "LNT-15" in r.stdout
    assert "warning: examples/fides/shop.yml:31: " in r.stderr
    r = privsim("lint", "examples/fides/ads.yml", "--no-price", "--format", "json", "--fail-on", "never")
    data = json.loads(r.stdout)
    assert r.returncode == 0 and data["file"] == "examples/fides/ads.yml" and len(data["warnings"]) == 1
    lnt15 = next(f for f in data["findings"] if f["check"] == "LNT-15")
    assert (lnt15["file"], lnt15["line"]) == ("examples/fides/ads.yml", 12)
    sarif = tmp_path / "lint.sarif"
    r = privsim("lint", "examples/fides/ads.yml", "--no-price", "--format", "sarif", "-o", str(sarif))
    assert r.returncode == 1 and sarif.exists()
    result = next(x for x in json.loads(sarif.read_text())["runs"][0]["results"] if x["ruleId"] == "LNT-15")
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "examples/fides/ads.yml"


def test_lint_bad_map_exits_2_and_writes_no_report(tmp_path):
    bad = tmp_path / "map.yml"
    bad.write_text("system:\n  - fides_key: crm\n    privacy_declarations:\n      - {data_use: sales}\n")
    report = tmp_path / "lint.sarif"
    r = privsim("lint", str(bad), "--no-price", "--format", "sarif", "-o", str(report))
    assert r.returncode == 2 and "Traceback" not in r.stderr and not report.exists()
    assert f"{bad}:4: system[0].privacy_declarations[0].data_categories: missing required field" in r.stderr
