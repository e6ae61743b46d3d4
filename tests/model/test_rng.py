import numpy as np
import pytest

from privsim.model import kernels
from privsim.model.rng import Decision, Streams, source_key


def draw(streams, decision, source, day, n=1000):
    return streams.uniform(decision, source, day, np.empty(n, dtype=np.float32)).copy()


def test_same_key_same_numbers_regardless_of_order():
    a, b = Streams(7, 2), Streams(7, 2)
    x = draw(a, Decision.CHURN, 0, 5)
    draw(b, Decision.OPT_OUT, 123, 5)   # drawing something else first changes nothing
    assert np.array_equal(x, draw(b, Decision.CHURN, 0, 5))


def test_every_key_part_changes_the_stream():
    base = draw(Streams(7, 2), Decision.CHURN, 0, 5)
    for other in (draw(Streams(8, 2), Decision.CHURN, 0, 5), draw(Streams(7, 3), Decision.CHURN, 0, 5),
                  draw(Streams(7, 2), Decision.OPT_OUT, 0, 5), draw(Streams(7, 2), Decision.CHURN, 1, 5),
                  draw(Streams(7, 2), Decision.CHURN, 0, 6)):
        assert not np.array_equal(base, other)


def test_draws_are_indexed_by_customer_prefix_stable():
    """Customer i gets the same number whatever the population beyond i: draws are indexed by id."""
    s = Streams(1, 0)
    assert np.array_equal(draw(s, Decision.CONSENT, 9, 3, 500), draw(s, Decision.CONSENT, 9, 3, 1000)[:500])


def test_uniform_range_and_draw_counts():
    s = Streams(3, 0)
    x = draw(s, Decision.AWARENESS, 1, 1, 10_000)
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() < 1
    assert abs(x.mean() - 0.5) < 0.02
    s.scalar(Decision.DISCOVERY, 1, 1)
    assert s.draws[Decision.AWARENESS] == 10_000 and s.draws[Decision.DISCOVERY] == 1


def test_source_key_is_stable():
    assert source_key("newsletter") == 2122679752  # CRC-32: fixed forever, results depend on it
    assert source_key("newsletter") != source_key("newsletters")


@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1, 2**32, 2**40 + 5, 2**130 + 3])
def test_a_stream_reseeded_from_its_prefix_is_numpys_generator_of_that_key(seed):
    from privsim.model import seeds

    for key in [(0, 4, 0), (3, 2, 2**32 - 1), (11, 16, 123456), (2**33, 1, 5)]:
        start = seeds.prefix(seed, key)
        for day in (0, 1, 364, 2**32 - 1):
            numpy_state = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(*key, day))).state
            assert seeds.pcg64_state(start, day) == numpy_state
    with pytest.raises(ValueError):
        seeds.pcg64_state(seeds.prefix(seed, (0,)), 2**32)


@pytest.mark.parametrize("seed", [0, 2**40 + 5])
def test_a_block_of_days_gives_each_days_own_state(seed):
    from privsim.model import seeds

    start = seeds.prefix(seed, (2, 4, 17))
    for first in (0, seeds.BLOCK, 2**32 - seeds.BLOCK):
        words = seeds.block_words(start, first)
        for row in (0, 1, 200, seeds.BLOCK - 1):
            assert seeds.state_of(words[row]) == seeds.pcg64_state(start, first + row)
    numpy_state = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(2, 4, 17, 700))).state
    assert seeds.state_of(seeds.block_words(start, seeds.BLOCK)[700 - seeds.BLOCK]) == numpy_state
    with pytest.raises(ValueError):
        seeds.block_words(start, 2**32 - seeds.BLOCK + 1)


def test_a_stream_drawn_day_after_day_is_numpys_generator_on_every_day():
    s = Streams(9, 1)
    for day in [3, 3, *range(0, 1100, 7), 5]:       # first and later uses of each block, out of order too
        expected = s.generator(Decision.CHURN, 0, day).random(5, dtype=np.float32)
        assert np.array_equal(s.uniform(Decision.CHURN, 0, day, np.empty(5, dtype=np.float32)), expected), day


needs_numba = pytest.mark.skipif(not kernels.available(), reason="the raw words are the numba path's")


@needs_numba
def test_raw_words_are_numpys_pcg64_words_of_that_key_for_every_count():
    """Four interleaved lanes give ``random_raw``'s words in order, for counts on and off the lanes' multiple."""
    kernels.compile_kernels()
    s, out = Streams(42, 3), np.zeros(600, dtype=np.uint64)
    for day in (0, 0, 5, 6, 600, 3, 1100, 2**32 - 1):      # first and later uses of a block, out of order
        for n in (0, 1, 2, 3, 5, 7, 8, 9, 10, 1001):
            raw = s.generator(Decision.CHURN, 7, day).bit_generator.random_raw((n + 1) // 2).view(np.uint32)
            words = out[:(n + 1) // 2]
            kernels.seeded_words(s.raw(Decision.CHURN, 7, day, n), words)
            assert np.array_equal(words.view(np.uint32), raw), (day, n)


@needs_numba
def test_a_words_draw_i_is_the_generators_float32_draw_i():
    kernels.compile_kernels()
    s, out = Streams(5, 0), np.zeros(50, dtype=np.uint64)
    kernels.seeded_words(s.raw(Decision.OPT_OUT, 99, 12, 99), out)
    words = out.view(np.uint32)
    draws = np.array([kernels.draw(words, i) for i in range(99)], dtype=np.float32)
    assert np.array_equal(draws, s.generator(Decision.OPT_OUT, 99, 12).random(99, dtype=np.float32))


@needs_numba
def test_the_shared_generator_draws_what_a_fresh_one_would_after_raw_words():
    kernels.compile_kernels()
    s, draws = Streams(42, 3), np.empty(7, dtype=np.float32)
    for day in (0, 5, 6):
        s.raw(Decision.CHURN, 0, day, 5)
        fresh = s.generator(Decision.OPT_OUT, 99, day).random(7, dtype=np.float32)
        assert np.array_equal(s.uniform(Decision.OPT_OUT, 99, day, draws), fresh)


@needs_numba
def test_the_draw_kernels_draw_a_block_at_a_time_what_the_generator_draws():
    """Churn's and opt-out's kernels make their draws as they go: the same customers as the generator's draws."""
    kernels.compile_kernels()
    s, rng = Streams(8, 1), np.random.default_rng(4)
    for n in (1, 63, 64, 65, 127, 1000, 4097):          # on and off the block and lane multiples
        p = (rng.random(n, dtype=np.float32) * np.float32(0.3)).astype(np.float32)
        u = s.generator(Decision.CHURN, 3, 9).random(n, dtype=np.float32)
        gone = np.empty(n, dtype=np.int32)
        count = kernels.churn_draws(s.raw(Decision.CHURN, 3, 9, n), -p, gone, np.zeros(n, np.float32),
                                    np.zeros(n, np.float32), np.float32(1.0), False)
        assert np.array_equal(gone[:count], np.flatnonzero(u < p)), n
        asked, complaint = rng.random(n) < 0.3, (rng.random(n, dtype=np.float32) * np.float32(0.2)).astype(np.float32)
        out = np.empty(n, dtype=np.int32)
        leave, spam = kernels.opt_out_draws(s.raw(Decision.CHURN, 3, 9, n), asked, -p, complaint, True, out)
        assert np.array_equal(out[:leave], np.flatnonzero((u < p) & ~asked)), n
        assert np.array_equal(out[n - spam:][::-1], np.flatnonzero((u >= p) & (u < p + complaint))), n

