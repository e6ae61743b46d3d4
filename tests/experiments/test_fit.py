"""Calibration by fitting: a perturbed coefficient is pulled back to the published figure."""

import json

import pytest
from typer.testing import CliRunner

from privsim.errors import InputError
from privsim.experiments.calibration import DEFAULT_TARGETS
from privsim.experiments.fit import calibrate
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from tests.conftest import SCENARIOS

INTERCEPT = "behavior.consent.intercept"


@pytest.fixture(scope="module")
def perturbed():
    return override(load_scenario(SCENARIOS / "newsletter_opt_in.yaml"), {INTERCEPT: 3.5})


@pytest.fixture(scope="module")
def fitted(perturbed):
    return calibrate(perturbed, [INTERCEPT], only=["opt_in_cross_context"], reps=2, size=2000, maxiter=30)


def test_fit_reaches_the_target_and_moves_the_coefficient_back(fitted):
    table = fitted.to_frame().iloc[0]
    assert abs(table.before - 0.25) > 0.08
    assert abs(table.after - 0.25) < 0.005 and table.passed
    assert fitted.objective_after < fitted.objective_before / 100
    assert 1.8 <= fitted.fitted[INTERCEPT] < 3.2 and fitted.start[INTERCEPT] == 3.5
    assert fitted.scenario.behavior.consent.intercept == fitted.fitted[INTERCEPT]
    assert fitted.evaluations == len(fitted.history) <= 30


def test_fit_is_deterministic(perturbed, fitted):
    again = calibrate(perturbed, [INTERCEPT], only=["opt_in_cross_context"], reps=2, size=2000, maxiter=30)
    assert again.fitted == fitted.fitted and again.after == fitted.after


@pytest.mark.parametrize(("params", "only", "message"), [
    ([], None, "no coefficient to fit"),
    (["behavior.consent"], ["opt_in_cross_context"], "is a group"),
    (["behavior.consent.interecpt"], ["opt_in_cross_context"], "did you mean"),
    ([INTERCEPT], ["no_such_target"], "no target .no_such_target."),
])
def test_bad_fit_requests_are_bad_input(perturbed, params, only, message):
    with pytest.raises(InputError, match=message):
        calibrate(perturbed, params, only=only, reps=1, size=200)


def test_cli_fit_writes_the_fitted_scenario(tmp_path, monkeypatch):
    from privsim.cli import core  # noqa: F401
    from privsim.cli.common import app

    monkeypatch.setenv("PRIVSIM_SIZE", "2000")
    source = tmp_path / "start.yaml"
    source.write_text((SCENARIOS / "newsletter_opt_in.yaml").read_text() + "behavior: {consent: {intercept: 3.5}}\n")
    out = tmp_path / "fitted.yaml"
    result = CliRunner().invoke(app, ["calibrate", str(source), "--targets", str(DEFAULT_TARGETS), "--fit", INTERCEPT,
                                      "--only", "opt_in_cross_context", "--reps", "2", "--out", str(out),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["targets"][0]["passed"] and data["parameters"][0]["start"] == 3.5
    assert load_scenario(out).behavior.consent.intercept == pytest.approx(data["parameters"][0]["fitted"])
    nothing = CliRunner().invoke(app, ["calibrate"])
    assert nothing.exit_code == 2 and "--check, or FILE --targets T --fit PATH" in nothing.output
