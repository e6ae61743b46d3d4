"""The stress-test gate: adverse draws, P5/P50/P95 NPV loss, regulator probability, peak backlash and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from privsim.scenario.overrides import override
from privsim.scenario.schema import Gate, Operations
from privsim.tester.gate import adverse, stress
from tests.conftest import ROOT, SCENARIOS, small

PRIVSIM = Path(sys.executable).parent / "privsim"


def privsim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([str(PRIVSIM), *args], cwd=cwd, capture_output=True, text=True, timeout=600)


def test_adverse_draws_expose_covert_practices_add_breaches_and_drift():
    s = small("covert_sharing.yaml")
    gate = Gate(discovery_after_days=40, extra_concern_drift_per_year=0.05)
    stressed = adverse(s, gate)
    stories = [e for e in stressed.events if e.type == "media_story" and e.practices == ["partner_feed"]]
    assert [e.day for e in stories if (e.id or "").startswith("gate_")] == [40]
    assert s.operations is None and stressed.operations == Operations()     # incidents drawn from default operations
    stated = override(s, {"operations.service.broad_share": 0.5})
    assert adverse(stated, gate).operations == stated.operations
    assert stressed.population.concern_drift_per_year == pytest.approx(s.population.concern_drift_per_year + 0.05)
    capped = adverse(override(s, {"population.concern_drift_per_year": 0.19}), gate)
    assert capped.population.concern_drift_per_year == 0.2


def test_disclosed_practices_are_not_forced_into_the_news():
    s = small("newsletter_opt_in.yaml")
    stressed = adverse(s, Gate(breaches=False, extra_concern_drift_per_year=0.0))
    assert stressed.events == s.events and stressed.population == s.population and stressed.operations is None


def test_known_bad_strategy_fails_and_known_good_passes():
    bad = stress(small("covert_sharing.yaml"), reps=10)
    good = stress(small("newsletter_opt_in.yaml"), reps=3)      # at 10 one year brings a large breach
    assert not bad.passed and good.passed
    failed = {v.name for v in bad.verdicts if not v.passed}
    assert "max_backlash_peak" in failed     # a responsive company stops it within days: P(regulator) ≈ 0.1
    p5, p50, p95 = bad.value_loss
    assert p5 <= p50 <= p95 and p95 > 0            # covert sharing loses money against doing nothing
    assert bad.backlash_peak[1] > good.backlash_peak[1]
    assert bad.regulator_probability > good.regulator_probability


def test_thresholds_come_from_the_gate_block():
    s = small("newsletter_opt_in.yaml")
    lenient = stress(s, reps=3)
    strict = stress(override(s, {"gate": {"max_backlash_peak": 0.0, "max_regulator_probability": 0.0}}), reps=3)
    assert lenient.passed
    peak = strict.backlash_peak[1]
    assert strict.passed == (peak == 0.0)
    off = stress(override(small("covert_sharing.yaml"), {"gate": {
        "max_value_loss": None, "max_value_loss_share": None, "max_regulator_probability": None,
        "max_backlash_peak": None}}), reps=2)
    assert off.passed and all(v.limit is None for v in off.verdicts)


def test_cli_exit_codes_and_flags():
    bad = privsim("test", "scenarios/covert_sharing.yaml", "--reps", "2", "--size", "1000")
    assert bad.returncode == 1, bad.stderr
    assert "FAIL" in bad.stdout and "not legal advice" in bad.stdout and "P95" in bad.stdout
    good = privsim("test", "scenarios/newsletter_opt_in.yaml", "--reps", "2", "--size", "1000", "--format", "json")
    assert good.returncode == 0, good.stderr
    data = json.loads(good.stdout)
    assert data["passed"] is True and set(data["value_loss"]) == {"p5", "p50", "p95"}
    loose = privsim("test", "scenarios/covert_sharing.yaml", "--reps", "2", "--size", "1000",
                    "--max-regulator-probability", "1", "--max-backlash-peak", "1", "--max-value-loss-share", "1")
    assert loose.returncode == 0, loose.stdout


def test_cli_bad_threshold_is_bad_input():
    r = privsim("test", "scenarios/newsletter_opt_in.yaml", "--max-backlash-peak", "1.5")
    assert r.returncode == 2 and "Traceback" not in r.stderr and r.stderr.startswith("error:")
    r = privsim("test", str(SCENARIOS / "nope.yaml"))
    assert r.returncode == 2 and "no such file" in r.stderr


def test_a_criterion_that_cannot_be_evaluated_fails_with_its_reason():
    from privsim.tester.gate import Verdict

    undefined = Verdict("max_value_loss_share", "P95 NPV loss / baseline NPV", float("nan"), 0.01)
    assert not undefined.passed and "cannot be evaluated" in undefined.reason
    assert Verdict("x", "x", float("nan"), None).passed              # a threshold turned off is no criterion
    assert Verdict("x", "x", 0.5, 0.25).reason == "x 50.00% is above the limit 25.00%"
    assert Verdict("x", "x", 2.5e6, 1e6, "currency", "EUR").reason == "x €2.5M is above the limit €1M"
    gain = Verdict("x", "P95 loss", -1.2e6, 1e6, "currency", "USD", loss=True)
    assert gain.passed and gain.shown(gain.value) == "none (a gain of $1.2M)"     # a loss below 0 is no loss


def test_a_p95_on_few_replications_carries_a_warning(newsletter):
    from privsim.tester.gate import stress

    few = stress(newsletter, reps=3)
    assert few.warnings and "3 replications" in few.warnings[0] and "20" in few.warnings[0]
