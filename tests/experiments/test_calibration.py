"""The default coefficients reproduce the published figures (privsim calibrate --check)."""

import json
import math

import pytest

from privsim.errors import InputError
from privsim.experiments.calibration import DEFAULT_TARGETS, check_all, load_targets, scenario_for


def test_targets_file_is_complete():
    targets = load_targets()
    ids = {t.id for t in targets}
    assert {"opt_in_cross_context", "banner_reject_first_layer", "banner_hidden_reject", "opt_out_participation",
            "unsubscribe_per_send", "repermission_retained", "breach_abnormal_churn", "protest_covert_targeted",
            "complaints_after_discovery", "reversal_peripheral", "reversal_central", "covert_costs_more",
            "heard_front_page", "heard_front_page_week", "heard_front_page_months"} <= ids
    assert {t.role for t in targets} == {"fitted", "predicted"}, "some figures are held out of the fit"
    for t in targets:
        assert t.source and t.figure
        assert (t.role == "fitted") == bool(t.fits)
        s = scenario_for(t, DEFAULT_TARGETS.parent)
        assert list(s.population.segments) == ["fundamentalist", "pragmatist", "unconcerned"]
        assert s.behavior.model_dump() == type(s.behavior)().model_dump(), "calibration runs use the defaults"


@pytest.mark.slow
def test_every_fitted_target_passes_and_every_predicted_one_is_measured():
    checks = check_all()
    failed = {c.target.id: (c.mean, c.target.bounds) for c in checks if c.target.role == "fitted" and not c.passed}
    assert not failed
    predicted = [c for c in checks if c.target.role == "predicted"]
    assert predicted and all(math.isfinite(c.mean) for c in predicted)


def test_a_fitted_target_names_what_it_fits(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("targets:\n  - id: x\n    figure: y\n    target: 0.5\n    bounds: [0, 1]\n    source: s\n"
                   "    scenario: z.yaml\n    role: fitted\n    metric: {kpi: npv}\n")
    with pytest.raises(InputError, match="fits"):
        load_targets(bad)


def test_check_command_exit_codes(tmp_path):
    from typer.testing import CliRunner

    from privsim.cli import core  # noqa: F401
    from privsim.cli.common import app

    ok = CliRunner().invoke(app, ["calibrate", "--check", "--only", "opt_in_cross_context", "--reps", "2"])
    assert ok.exit_code == 0, ok.output
    assert "opt_in_cross_context" in ok.output and "pass" in ok.output
    assert "Enforcement fit" in ok.output and ok.output.count("beats baseline") == 2
    as_json = CliRunner().invoke(app, ["calibrate", "--check", "--only", "opt_in_cross_context", "--reps", "2",
                                       "--format", "json"])
    data = json.loads(as_json.output)
    assert data["targets"][0]["id"] == "opt_in_cross_context" and data["enforcement"]["beats_baseline"]
    assert data["enforcement"]["held_out"] == round(0.3 * (data["enforcement"]["held_out"]
                                                           + data["enforcement"]["fitted_on"]))
    strict = tmp_path / "strict.yaml"
    text = DEFAULT_TARGETS.read_text().replace("bounds: [0.12, 0.46]", "bounds: [0.30, 0.46]")
    strict.write_text(text)
    for path in DEFAULT_TARGETS.parent.glob("*.yaml"):
        if path.name != "targets.yaml":
            (tmp_path / path.name).write_text(path.read_text())
    failing = CliRunner().invoke(app, ["calibrate", "--check", "--targets", str(strict), "--only",
                                       "opt_in_cross_context", "--reps", "2"])
    assert failing.exit_code == 1 and "FAIL" in failing.output
    predicted = DEFAULT_TARGETS.read_text().replace("bounds: [0.90, 0.98]", "bounds: [0.99, 1.0]")
    strict.write_text(predicted)
    missed = CliRunner().invoke(app, ["calibrate", "--check", "--targets", str(strict), "--only",
                                      "opt_out_participation", "--reps", "2", "--size", "2000"])
    assert missed.exit_code == 0, missed.output
    assert "Predicted targets" in missed.output and "predicted targets missed: opt_out_participation" in missed.output


def test_bad_target_file(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("targets:\n  - id: x\n    figure: y\n    target: 1\n    bounds: [0, 1]\n    source: s\n"
                   "    scenario: z.yaml\n    role: predicted\n    metric: {kpii: npv}\n")
    with pytest.raises(InputError, match="did you mean 'kpi'"):
        load_targets(bad)
