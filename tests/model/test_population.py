import numpy as np
import pytest

from privsim.model.population import block_sizes, build_population
from privsim.model.rng import Streams
from privsim.scenario.coefficients import Behavior
from tests.conftest import small


@pytest.mark.parametrize("size", [1, 7, 100, 1001, 99_999])
def test_block_sizes_are_exact(size):
    counts = block_sizes([0.25, 0.6, 0.15], size)
    assert counts.sum() == size
    assert np.all(np.abs(counts - np.array([0.25, 0.6, 0.15]) * size) < 1)


def test_segments_are_contiguous_and_attributes_plausible():
    s = small("newsletter_opt_in.yaml", 4000)
    pop = build_population(s.population, s.behavior, Streams(1, 0))
    assert list(pop.names) == ["fundamentalist", "pragmatist", "unconcerned"]
    for j, sl in enumerate(pop.slices):
        assert (pop.segment[sl] == j).all()
    f, p, u = (pop.concern[sl].mean() for sl in pop.slices)
    assert f > p > u
    assert 0.25 < pop.privacy_active.mean() < 0.40
    assert pop.concern.dtype == np.float32 and pop.trust.min() > 0 and pop.trust.max() <= 1
    assert pop.value.mean() == pytest.approx(np.repeat([300, 350, 380], np.diff(pop.bounds)).mean(), rel=0.05)


def test_switching_averages_say_do_times_lock_in():
    s = small("newsletter_opt_in.yaml", 20_000)
    b = Behavior()
    pop = build_population(s.population, b, Streams(1, 0))
    assert pop.switching.mean() == pytest.approx(b.churn.say_do * (1 - s.population.lock_in), rel=0.03)
    assert pop.switching[pop.privacy_active].mean() > 2 * pop.switching[~pop.privacy_active].mean()


def test_population_is_reproducible():
    s = small("newsletter_opt_in.yaml", 500)
    a = build_population(s.population, s.behavior, Streams(1, 0))
    b = build_population(s.population, s.behavior, Streams(1, 0))
    c = build_population(s.population, s.behavior, Streams(1, 1))
    assert np.array_equal(a.trust, b.trust) and not np.array_equal(a.trust, c.trust)
