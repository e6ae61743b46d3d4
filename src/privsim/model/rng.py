"""Common random numbers by construction.

Every random decision draws from its own generator, derived from
``SeedSequence(seed, spawn_key=(replicate, decision, source, day))``, never from a
shared stream whose position depends on what was drawn before. Draws for customers
always cover all N and are indexed by customer id, so two strategies on the same seed
differ only where the strategies differ.
"""

from __future__ import annotations

import zlib
from enum import IntEnum

import numpy as np

from privsim.model import seeds


class Decision(IntEnum):
    """Stable ids of random decisions (never renumber: results depend on them)."""

    POPULATION = 1
    CONSENT = 2
    OPT_OUT = 3
    CHURN = 4
    DISCOVERY = 5
    AWARENESS = 6
    REGULATOR = 7
    ARRIVAL = 8
    INCIDENT = 9
    CAMPAIGN = 10
    NETWORK = 11
    OUTCOME = 12
    COEFFICIENTS = 13
    NOTICE = 14          # who reads a notice, a consent question or a campaign message
    MEDIA = 15           # each customer's place in the media audience (drawn once)
    TARGET = 16          # which customers of a targeted segment a partial practice reaches (drawn once)
    RESPONSE = 17        # the company's daily decision to respond to pressure
    SERVICE = 18         # who contacts customer service today, and whether the agent surfaces unexpected data


def source_key(name: str) -> int:
    """Stable 32-bit key of a practice or event id (CRC-32), independent of list order."""
    return zlib.crc32(name.encode("utf-8"))


UNUSED = np.empty((0, 4), dtype=np.uint64)   # a block used for one day only so far


class Streams:
    """Generators for one replicate; counts the draws made, per decision, for the benchmark."""

    def __init__(self, seed: int, replicate: int):
        self.seed = int(seed)
        self.replicate = int(replicate)
        self.draws: dict[Decision, int] = dict.fromkeys(Decision, 0)
        self._prefixes: dict[tuple[int, int], seeds.Prefix] = {}
        self._blocks: dict[tuple[int, int, int], np.ndarray] = {}   # (decision, source, block) -> (days, 4) words
        self._bits = np.random.PCG64(0)             # reseeded for each draw and used at once
        self._shared = np.random.Generator(self._bits)

    def generator(self, decision: Decision, source: int = 0, day: int = 0) -> np.random.Generator:
        """The generator of one (decision, source, day)."""
        seq = np.random.SeedSequence(self.seed, spawn_key=(self.replicate, int(decision), source, day))
        return np.random.Generator(np.random.PCG64(seq))

    def seed_words(self, decision: Decision, source: int, day: int) -> np.ndarray:
        """The four uint64 words numpy's seeding makes of (decision, source, day) (privsim.model.seeds).

        Without building a SeedSequence a day: a stream's prefix is hashed once, its days a block at a time.
        """
        key = (int(decision), source)
        start = self._prefixes.get(key)
        if start is None:
            start = self._prefixes[key] = seeds.prefix(self.seed, (self.replicate, *key))
        block, row = divmod(day, seeds.BLOCK)
        words = self._blocks.get((*key, block))
        if words is None:             # a block's first use: this day alone; its second: the whole block
            self._blocks[(*key, block)] = UNUSED
            return np.array(seeds.day_words(start, day), dtype=np.uint64)
        if words is UNUSED:
            words = self._blocks[(*key, block)] = seeds.block_words(start, block * seeds.BLOCK)
        return words[row]

    def reseeded(self, decision: Decision, source: int, day: int) -> np.random.Generator:
        """The generator of (decision, source, day) as the one shared generator, valid until the next call.

        Its state equals ``generator``'s.
        """
        self._bits.state = seeds.state_of(self.seed_words(decision, source, day).tolist())
        return self._shared

    def uniform(self, decision: Decision, source: int, day: int, out: np.ndarray) -> np.ndarray:
        """Fill ``out`` (float32, one per customer) with U[0, 1) draws."""
        self.reseeded(decision, source, day).random(out=out, dtype=np.float32)
        self.draws[decision] += out.size
        return out

    def raw(self, decision: Decision, source: int, day: int, n: int) -> np.ndarray:
        """The seed words behind ``uniform``'s ``n`` draws, for a kernel that makes them as it goes.

        numba path only: ``kernels`` seeds PCG64 from them and turns raw word i into draws 2i and 2i + 1.
        """
        self.draws[decision] += n
        return self.seed_words(decision, source, day)

    def scalar(self, decision: Decision, source: int, day: int) -> float:
        """One U[0, 1) draw: a company-level decision such as a discovery or an investigation."""
        self.draws[decision] += 1
        return float(self.reseeded(decision, source, day).random())

    def normal(self, decision: Decision, source: int, index: int) -> float:
        """One standard normal draw (the log-size of an incident), keyed by an index."""
        self.draws[decision] += 1
        return float(self.reseeded(decision, source, index).standard_normal())

    def exponential(self, decision: Decision, source: int, index: int, mean: float) -> float:
        """One exponential gap (e.g. between yearly-rate events), keyed by arrival index."""
        self.draws[decision] += 1
        return float(self.reseeded(decision, source, index).exponential(mean))
