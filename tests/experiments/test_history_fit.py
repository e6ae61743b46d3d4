"""Calibration to a history: the holdout split, the likelihood's sense, and recovery of known coefficients."""

from __future__ import annotations

import numpy as np
import pytest

from privsim.errors import InputError
from privsim.experiments.executors import make_executor, no_progress
from privsim.experiments.history_fit import Likelihood, calibrate_history, default_fit, holdout_split
from privsim.experiments.history_sim import for_history
from privsim.experiments.sensitivity import factor_ranges
from privsim.scenario.coefficients import coefficient_ranges
from privsim.scenario.history import load_history
from privsim.scenario.load import load_scenario
from privsim.scenario.overlay import apply_overlay, load_overlay
from privsim.scenario.overrides import override, resize
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
FIT = ["behavior.opt_out.per_send", "behavior.consent.intercept"]


def truth() -> dict[str, float]:
    """The generating coefficients, as examples/make_history.py used them."""
    data, _ = load_overlay(EXAMPLES / "history-truth.yaml")
    return {f"behavior.{g}.{k}": v for g, group in data["behavior"].items() for k, v in group.items()}


def short(tmp_path, days: int = 120):
    """The bundled history's first ``days`` days."""
    lines = (EXAMPLES / "history.csv").read_text().splitlines()
    start = np.datetime64("2023-01-02")
    keep = [line for line in lines[1:] if np.datetime64(line[:10]) < start + days and ",preticked" not in line
            and ",control" not in line]
    path = tmp_path / "short.csv"
    path.write_text("\n".join([lines[0], *keep]) + "\n")
    return path


def test_holdout_takes_the_last_share_of_dates(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("date,metric,value\n" + "".join(f"2024-01-{d:02d},churn,{d}\n" for d in range(1, 9)))
    h = load_history(path)
    assert holdout_split(h, 0.25).tolist() == [False] * 6 + [True] * 2
    assert not holdout_split(h, 0.0).any()
    with pytest.raises(InputError, match="allowed: 0 \\(none\\) up to below 1"):
        holdout_split(h, 1.0)


def test_default_coefficients_follow_the_metrics():
    assert default_fit(load_history(EXAMPLES / "history.csv")) == [
        "behavior.opt_out.per_send", "behavior.opt_out.complaint_per_send", "behavior.consent.intercept",
        "behavior.churn.say_do"]


def test_the_true_coefficients_score_better_than_far_ones(tmp_path):
    h = load_history(short(tmp_path))
    s = for_history(resize(apply_overlay(load_scenario(EXAMPLES / "history-base.yaml"),
                                         EXAMPLES / "history-truth.yaml"), 1000), h)
    rows = h.frame.assign(part="fitted")
    scored = (rows["metric"] != "sends").to_numpy()
    ranges = {p: factor_ranges(s, [p])[p] for p in FIT}
    f = Likelihood(s, rows, scored, ranges, 1, s.seed, make_executor("serial"), no_progress, 10)
    z = np.array([(truth()[p] - lo) / (hi - lo) for p, (_, lo, hi) in ranges.items()])
    best = f.at(z)[0]
    for far in ([1.0, z[1]], [z[0], 0.0], [0.0, 1.0]):
        assert f.at(np.asarray(far))[0] < best - 2


def test_calibrating_to_the_bundled_history_recovers_its_coefficients():
    """examples/history.csv was simulated (seed 1, 20,000 customers) with examples/history-truth.yaml; start the
    two fitted coefficients at their defaults, the rest at the truth, and fit on the scenario's seed."""
    true = truth()
    defaults = {p: coefficient_ranges()[p][0] for p in FIT}
    s = override(apply_overlay(load_scenario(EXAMPLES / "history-base.yaml"), EXAMPLES / "history-truth.yaml"),
                 defaults)
    fit = calibrate_history(s, EXAMPLES / "history.csv", FIT, reps=2, size=5000, maxiter=16)
    p = fit.params_frame().set_index("parameter")
    for path in FIT:
        assert p.loc[path, "identified"]
        assert p.loc[path, "ci_low"] <= true[path] <= p.loc[path, "ci_high"], (path, p.loc[path].to_dict())
        assert abs(p.loc[path, "fitted"] - true[path]) < abs(defaults[path] - true[path])
    assert fit.loglik_after > fit.loglik_before
    q = fit.quality_frame().set_index(["part", "metric"])
    assert {"fitted", "held out"} == set(q.index.get_level_values(0))
    assert abs(q.loc[("held out", "consent_rate"), "error"]) < 0.05
    assert len(fit.left_out) and set(fit.left_out["variant"]) == {"control", "preticked"}
    assert "behavior:" in fit.overlay() and "not identified" not in fit.overlay()
