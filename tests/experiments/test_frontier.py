"""Tolerance frontier: the engine finds an analytically known optimum; Pareto set and cliff rules."""

import json
import math

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from privsim.errors import InputError
from privsim.experiments.frontier import CLIFF_FACTOR, CLIFF_FLOOR, find_cliff, frontier, pareto_efficient
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from tests.conftest import ROOT, SCENARIOS, small

SYNTHETIC = ROOT / "docs" / "examples" / "incentive_frontier.yaml"
INCENTIVE = "strategy.practices.insights.incentive"


def analytic(i: float, v: float) -> float:
    """Expected NPV gain per customer (docs/experiments.md): P(grant) = (1 + i)/(2 + i), gain V − i each."""
    return (1 + i) / (2 + i) * (v - i)


def test_frontier_finds_the_analytic_optimum_through_the_engine():
    s = load_scenario(SYNTHETIC)
    v = s.strategy.practices[0].data_revenue_per_record
    optimum = -2 + math.sqrt(v + 2)                       # d/di [(1 + i)(V − i)/(2 + i)] = 0
    assert optimum == 8.0
    f = frontier(s, f"{INCENTIVE}=0:24:7", reps=3)
    assert f.value(f.optimum) == optimum
    gain = f.sweep.kpi("npv_vs_baseline")
    n = s.population.size
    for i, mean in zip(gain[INCENTIVE], gain["mean"], strict=True):
        p = (1 + i) / (2 + i)
        se = math.sqrt(n * p * (1 - p) / 3) * (v - i)      # binomial error of the consenters, 3 replications
        assert abs(mean - n * analytic(i, v)) < 4 * se + 1e-6 * n * v


def test_pareto_efficient_points():
    better = np.array([[1.0, -1.0], [2.0, -2.0], [0.5, -3.0], [2.0, -1.0]])   # (NPV, −harm)
    assert pareto_efficient(better).tolist() == [False, False, False, True]
    assert pareto_efficient(np.array([[1.0, 0.0], [1.0, 0.0]])).tolist() == [True, True]


def test_cliff_is_the_first_step_past_the_factor_counted_from_the_floor():
    assert find_cliff(np.array([0.0, 0.0005, 0.0015, 0.01, 0.5])) == 3
    assert find_cliff(np.array([0.02, 0.03, 0.05, 0.09])) is None
    assert find_cliff(np.array([0.02, 0.05]), factor=2.0) == 1
    assert find_cliff(np.array([0.0, 2.5 * CLIFF_FLOOR])) == 1


def test_frontier_needs_grid_points():
    with pytest.raises(InputError, match="needs the points"):
        frontier(load_scenario(SYNTHETIC), f"{INCENTIVE}=0:24", reps=1)


PURPOSES = ("strategy.practices.personalised_offers.purpose="
            "[personalisation, profiling, cross_context_tracking, third_party_sharing, sensitive_inference]")


def test_cli_frontier_along_a_purpose_axis_marks_optimum_pareto_and_cliff(tmp_path, monkeypatch):
    from privsim.cli import experiments  # noqa: F401
    from privsim.cli.common import app

    monkeypatch.setenv("PRIVSIM_SIZE", "800")
    out = tmp_path / "fr"
    result = CliRunner().invoke(app, ["frontier", str(SCENARIOS / "uniform_personalisation.yaml"), "--param",
                                      PURPOSES, "--reps", "2", "--out", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    table = pd.DataFrame(data["frontier"])
    assert data["optimum"] == table.loc[table["npv"].idxmax(), "value"]
    assert table.loc[table["optimal"], "pareto"].all()
    peaks = table["backlash_peak"].to_numpy()
    assert peaks[-1] > peaks[0]              # inferring sensitive traits is the most offensive purpose
    if data["cliff"] is not None:
        i = int(table.index[table["value"] == data["cliff"]][0])
        assert peaks[i] > CLIFF_FACTOR * max(peaks[i - 1], CLIFF_FLOOR)
        assert all(peaks[j] <= CLIFF_FACTOR * max(peaks[j - 1], CLIFF_FLOOR) for j in range(1, i))
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "frontier" and summary["optimum_value"] == data["optimum"]
    assert (out / "frontier.csv").read_text().splitlines()[0].startswith("point,value,total_value,")


@pytest.mark.slow
def test_newsletter_frequency_has_an_interior_optimum_that_falls_with_contact_cost():
    """Diminishing returns (lift ∝ 1 − e^(−f/f₀)) against fatigue: the best frequency is neither end."""
    s = small("newsletter_opt_in.yaml", 3000)
    path = "strategy.practices.newsletter.contacts_per_month"
    optimum = {}
    for cost in (0.005, 0.2):
        f = frontier(override(s, {"economics.cost_per_contact": cost}), f"{path}=1:25:9", reps=3)
        optimum[cost] = f.value(f.optimum)
    assert 1 < optimum[0.005] < 25
    assert optimum[0.2] < optimum[0.005]
