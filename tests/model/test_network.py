"""Word of mouth: the small-world graph is symmetric with the degree asked for."""

import numpy as np

from privsim.model.network import small_world
from privsim.model.rng import Streams


def test_small_world_graph_is_symmetric_with_the_right_degree():
    g = small_world(2000, 10, 0.1, Streams(1, 0))
    adjacency = (g > 0).astype(np.int8)
    assert (adjacency != adjacency.T).nnz == 0
    degrees = np.diff(g.indptr)
    assert 9 <= degrees.mean() <= 10.01
    assert np.allclose(np.asarray(g.sum(axis=1)).ravel(), 1.0)
    ring = small_world(100, 4, 0.0, Streams(1, 0))
    assert set(ring[0].indices) == {1, 2, 98, 99}
