"""privsim lint on the command line: exit codes, formats, the notice and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PRIVSIM = Path(sys.executable).parent / "privsim"
FIXTURES = "tests/fixtures/lint"


def privsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PRIVSIM), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_table_shows_notice_packs_prices_and_fails_on_high():
    r = privsim("lint", "scenarios/covert_sharing.yaml", "--size", "500", "--reps", "2")
    assert r.returncode == 1, r.stderr
    assert "not legal advice" in r.stdout and "rules checked 2026" in r.stdout
    assert "LNT-01" in r.stdout and "cannot evaluate" in r.stdout
    assert "pp" in r.stdout                      # a priced backlash difference


def test_fail_on_threshold_and_never():
    assert privsim("lint", f"{FIXTURES}/LNT-25.fires.yaml", "--no-price", "--fail-on", "critical").returncode == 0
    assert privsim("lint", f"{FIXTURES}/LNT-25.fires.yaml", "--no-price", "--fail-on", "high").returncode == 1
    assert privsim("lint", "scenarios/covert_sharing.yaml", "--no-price", "--fail-on", "never").returncode == 0
    assert privsim("lint", "scenarios/newsletter_opt_in.yaml", "--no-price").returncode == 0
    assert privsim("lint", "scenarios/newsletter_opt_in.yaml", "--no-price", "--fail-on", "medium").returncode == 1


def test_json_lists_findings_with_file_line_and_price():
    r = privsim("lint", "scenarios/covert_sharing.yaml", "--format", "json", "--size", "400", "--reps", "2")
    data = json.loads(r.stdout)
    assert r.returncode == 1 and data["failed"] is True
    assert "not legal advice" in data["notice"]
    lnt01 = next(f for f in data["findings"] if f["check"] == "LNT-01")
    assert lnt01["file"] == "scenarios/covert_sharing.yaml" and lnt01["line"] == 25
    assert lnt01["price"]["status"] == "priced" and lnt01["price"]["backlash_peak"] < 0
    assert [p["checked"] for p in data["packs"]] == ["2026-12-01"]


def test_jurisdiction_flag_switches_packs():
    r = privsim("lint", f"{FIXTURES}/LNT-01.fires.yaml", "--no-price", "--format", "json", "-j", "us")
    data = json.loads(r.stdout)
    assert [p["id"] for p in data["packs"]] == ["us"]
    assert not any(f["check"] == "LNT-01" for f in data["findings"])


def test_bad_input_exits_2_with_located_message(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / FIXTURES / "LNT-01.fires.yaml").read_text().replace("consent: none", "consent: nope"))
    r = privsim("lint", str(bad), "--no-price")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{bad}:17" in r.stderr and "consent" in r.stderr
    for args in (["--format", "xml"], ["--fail-on", "severe"], ["-j", "mars"]):
        r = privsim("lint", "scenarios/newsletter_opt_in.yaml", "--no-price", *args)
        assert r.returncode == 2 and r.stderr.startswith("error:") and "Traceback" not in r.stderr
