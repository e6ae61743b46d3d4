"""The Laplace posterior of the fitted coefficients: draws inside their ranges, and closer to the figures."""

import numpy as np
import pandas as pd
import pytest

from privsim.experiments.calibration import Target
from privsim.experiments.posterior import Posterior, fitted_targets, load_sample, sigma


def toy() -> Posterior:
    target = Target(id="t", figure="f", target=1.0, bounds=(0.8, 1.2), source="s", scenario="x.yaml",
                    metric={"kpi": "churn"}, role="fitted", fits=["behavior.a"])
    return Posterior(paths=["behavior.a"], mean=np.array([1.0]), cov=np.array([[0.01]]),
                     jacobian=np.array([[2.0]]), simulated=np.array([1.0]), targets=[target],
                     ranges={"behavior.a": (1.0, 0.0, 2.0)})


def test_draws_stay_in_range_and_follow_the_covariance():
    post = toy()
    draws = post.sample(2000)
    assert draws["behavior.a"].between(0.0, 2.0).all()
    assert draws["behavior.a"].std() == pytest.approx(0.1, rel=0.1)
    assert post.inside(draws)["t"] == pytest.approx(0.68, abs=0.04)        # |2·(θ − 1)| ≤ 0.2: one σ
    wide = pd.DataFrame({"behavior.a": np.random.default_rng(1).uniform(0.0, 2.0, 2000)})
    assert post.inside(wide)["t"] == pytest.approx(0.1, abs=0.03)


def test_the_shipped_sample_covers_every_fitted_coefficient_within_its_range():
    from privsim.experiments.calibration import DEFAULT_TARGETS, scenario_for
    from privsim.experiments.sensitivity import factor_ranges

    sample = load_sample()
    targets = fitted_targets()
    assert set(sample.columns) == {p for t in targets for p in t.fits}
    ranges = factor_ranges(scenario_for(targets[0], DEFAULT_TARGETS.parent), list(sample.columns))
    for p, (_, lo, hi) in ranges.items():
        assert sample[p].between(lo, hi).all(), p
    assert len(sample) >= 200 and all(sigma(t) > 0 for t in targets)
