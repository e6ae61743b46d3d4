"""The case library: every case loads, runs and is beaten by its counterfactual on backlash and regulator
risk; where the simulation disagrees with history the case file says why; case files cannot override
behaviour coefficients."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from privsim.errors import InputError
from privsim.tester.cases import CASES_DIR, agrees, case_ids, load_case, run_case
from tests.conftest import ROOT

PRIVSIM = Path(sys.executable).parent / "privsim"
pytestmark = pytest.mark.xdist_group("cases")   # one worker runs the whole library once
IDS = case_ids()


def privsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PRIVSIM), *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def runs():
    """Every case and its counterfactual, small (2,000 customers, 3 replications, same seeds)."""
    return {cid: run_case(load_case(cid), 3, size=2000) for cid in IDS}


def test_library_has_at_least_12_sourced_cases():
    assert len(IDS) >= 12
    for cid in IDS:
        c = load_case(cid)
        meta = c.case
        assert meta.company and meta.story and meta.what_happened and meta.lesson
        assert meta.sources and all(s.startswith("http") for s in meta.sources)
        assert meta.observed, f"{cid} records nothing that happened"
        assert c.scenario.counterfactual
        assert "behavior:" not in c.path.read_text()


@pytest.mark.slow
@pytest.mark.parametrize("cid", IDS)
def test_case_runs_and_counterfactual_beats_it(runs, cid):
    r = runs[cid]
    assert not r.history.failed and r.better is not None and not r.better.failed
    assert len(r.history.replications) == 3
    backlash, better_backlash = r.mean("backlash_peak"), r.mean("backlash_peak", True)
    regulator, better_regulator = r.mean("regulator_action"), r.mean("regulator_action", True)
    assert better_backlash <= backlash and better_regulator <= regulator
    assert better_backlash < backlash or better_regulator < regulator
    assert not math.isnan(r.mean("npv")) and not math.isnan(r.mean("npv", True))   # reported, not asserted


@pytest.mark.slow
@pytest.mark.parametrize("cid", IDS)
def test_disagreement_with_history_is_explained(runs, cid):
    for comparison in runs[cid].comparisons:
        if not comparison.agrees:
            assert comparison.observation.note, (
                f"{cid}: {comparison.observation.kpi} simulated {comparison.simulated:.4g} against "
                f"{comparison.observation.value:.4g} in history; the case file must say why")


@pytest.mark.slow
def test_counterfactuals_lower_backlash_in_most_cases(runs):
    lower = [cid for cid, r in runs.items() if r.mean("backlash_peak", True) < r.mean("backlash_peak")]
    assert len(lower) >= len(runs) - 2


def test_agreement_rule():
    assert agrees("regulator_action", 1, 0.67) and not agrees("regulator_action", 1, 0.33)
    assert agrees("regulator_action", 0, 0.0) and not agrees("regulator_action", 0, 0.9)
    assert agrees("fines", 100_000, 250_000) and not agrees("fines", 100_000, 400_000)
    assert agrees("fines", 0, 0.0) and not agrees("fines", 0, 50.0)
    assert agrees("privacy_churn", 0.0, 0.008) and not agrees("privacy_churn", 0.0, 0.02)
    assert agrees("protest_share", 0.0012, 0.003) and agrees("protest_share", 0.0012, 0.011)
    assert not agrees("protest_share", 0.0012, 0.04)
    assert not agrees("reversal_days.x", 15, float("nan"))


def write_case(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text)
    return path


BEACON = (CASES_DIR / "facebook_beacon_2007.yaml").read_text()


def test_case_may_not_override_behaviour(tmp_path):
    path = write_case(tmp_path, BEACON + "behavior: {outrage: {covert: 0.1}}\n")
    with pytest.raises(InputError) as exc:
        load_case(path)
    (problem,) = exc.value.problems
    assert problem.field == "behavior" and problem.line == BEACON.count("\n") + 1
    assert "may not override" in problem.message


def test_case_needs_a_counterfactual(tmp_path):
    text = BEACON[: BEACON.index("counterfactual:")]
    with pytest.raises(InputError, match="counterfactual"):
        load_case(write_case(tmp_path, text))


def test_bad_counterfactual_path_is_located(tmp_path):
    path = write_case(tmp_path, BEACON.replace("strategy.practices.beacon.consent: opt_in",
                                               "strategy.practices.becon.consent: opt_in"))
    with pytest.raises(InputError) as exc:
        load_case(path)
    problem = exc.value.problems[0]
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if "becon" in t)
    assert problem.line == line and "beacon" in problem.message


def test_unknown_observed_kpi_is_located(tmp_path):
    path = write_case(tmp_path, BEACON.replace("- kpi: protest_share", "- kpi: protest_shar"))
    with pytest.raises(InputError) as exc:
        load_case(path)
    assert "did you mean 'protest_share'" in str(exc.value)


def test_unknown_case_id_suggests():
    with pytest.raises(InputError, match="did you mean 'facebook_beacon_2007'"):
        load_case("facebook_beacon_2070")


def test_cli_list_show_run():
    listed = privsim("cases", "list", "--format", "json")
    assert listed.returncode == 0 and {c["id"] for c in json.loads(listed.stdout)} == set(IDS)
    shown = privsim("cases", "show", "flybe_repermission_2016")
    assert shown.returncode == 0
    assert "What happened" in shown.stdout and "LNT-08" in shown.stdout and "https://" in shown.stdout
    ran = privsim("cases", "run", "flybe_repermission_2016", "--counterfactual", "--format", "json")
    assert ran.returncode == 0, ran.stderr
    data = json.loads(ran.stdout)
    assert data["replications"] == 3
    fines = next(c for c in data["comparisons"] if c["kpi"] == "fines")
    assert fines["observed"] == 70000 and fines["counterfactual"] is not None
    assert data["kpis"]["regulator_action"]["counterfactual"] <= data["kpis"]["regulator_action"]["case"]
    table = privsim("cases", "run", "facebook_beacon_2007")
    assert table.returncode == 0 and "What happened beside what the simulation gives" in table.stdout
    assert privsim("cases", "run", "no_such_case").returncode == 2


def test_docs_cover_every_case():
    doc = (ROOT / "docs" / "cases.md").read_text()
    for cid in IDS:
        assert f"| `{cid}` |" in doc, cid
