"""numpy's SeedSequence → PCG64 seeding, with the part shared by a stream's days hashed once.

A daily draw needs the generator of ``SeedSequence(seed, spawn_key=(replicate, decision, source, day))``;
building one costs ≈15 µs, a large share of the engine's fixed cost per day. Keys that differ only in
their last word (the day) share every step of numpy's hash before that word, so :func:`prefix` runs
those steps once per stream and :func:`pcg64_state` finishes one day's in a few integer operations;
:func:`block_words` finishes a block of days at once, as arrays, for a stream drawn day after day.
The algorithm is numpy's (numpy/random/bit_generator.pyx: ``mix_entropy``, ``generate_state``; PCG64's
``pcg64_set_seed``); tests/model/test_rng.py checks the states against numpy's for many keys.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

INIT_A, MULT_A, INIT_B, MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
MIX_MULT_L, MIX_MULT_R, XSHIFT = 0xCA01F9DD, 0x4973F715, 16
POOL = 4
MASK32, MASK128 = (1 << 32) - 1, (1 << 128) - 1
PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645    # PCG's default 128-bit multiplier
BLOCK = 512                                      # last key words (days) whose states are made together


def words32(n: int) -> list[int]:
    """An entropy integer as uint32 words, least significant first (0 is one word)."""
    if n < 0:
        raise ValueError("entropy must be non-negative")
    out = [n & MASK32]
    n >>= 32
    while n:
        out.append(n & MASK32)
        n >>= 32
    return out


def _hashmix(value: Any, const: int) -> tuple[Any, int]:
    """One word (an int or a uint64 array) through the running hash; returns it and the next hash constant."""
    value = value ^ const                 # not in place: an array is the caller's
    const = (const * MULT_A) & MASK32
    value = (value * const) & MASK32
    return value ^ (value >> XSHIFT), const


def _mix(x: Any, y: Any) -> Any:
    r = (MIX_MULT_L * x - MIX_MULT_R * y) & MASK32
    return r ^ (r >> XSHIFT)


@dataclass(frozen=True)
class Prefix:
    """numpy's entropy pool after every word but the last, and the hash constant reached there."""

    mixer: tuple[int, ...]
    const: int


def prefix(entropy: int, spawn_key: tuple[int, ...]) -> Prefix:
    """Hash ``entropy`` and ``spawn_key`` (all but the key's last word) as ``SeedSequence`` does."""
    run = words32(entropy)
    run += [0] * (POOL - len(run))        # with a spawn key numpy pads the entropy to the pool size
    rest = [w for k in spawn_key for w in words32(k)]
    const = INIT_A
    mixer = []
    for value in run[:POOL]:
        word, const = _hashmix(value, const)
        mixer.append(word)
    for src in range(POOL):
        for dst in range(POOL):
            if src != dst:
                word, const = _hashmix(mixer[src], const)
                mixer[dst] = _mix(mixer[dst], word)
    for value in run[POOL:] + rest:
        for dst in range(POOL):
            word, const = _hashmix(value, const)
            mixer[dst] = _mix(mixer[dst], word)
    return Prefix(tuple(mixer), const)


def pcg64_state(start: Prefix, last: int) -> dict:
    """The PCG64 state of ``SeedSequence(entropy, spawn_key=(*spawn_key, last))``, ``last`` one uint32 word."""
    return state_of(day_words(start, last))


def day_words(start: Prefix, last: int) -> list[int]:
    """The four uint64 state words (``generate_state``) of the key ending in ``last``, one uint32 word."""
    if not 0 <= last <= MASK32:
        raise ValueError("the last key word must fit 32 bits")
    return _words(start, last)


def block_words(start: Prefix, first: int, count: int = BLOCK) -> np.ndarray:
    """The four uint64 state words of every ``last`` in ``first … first + count − 1`` at once, shape (count, 4).

    The same integer steps as :func:`pcg64_state` on uint64 arrays (every product of two 32-bit words fits
    64 bits and only the low 32 bits are kept), so a stream's days cost one pass per block, not one each.
    """
    if first < 0 or first + count - 1 > MASK32:
        raise ValueError("the last key word must fit 32 bits")
    last = np.arange(first, first + count, dtype=np.uint64)
    return np.stack(_words(start, last), axis=1)


def state_of(w: Sequence[int]) -> dict:
    """The PCG64 state of ``generate_state``'s four uint64 words, as numpy's ``PCG64.state`` holds it."""
    state, inc = lcg_of(w)
    return {"bit_generator": "PCG64", "state": {"state": state, "inc": inc}, "has_uint32": 0, "uinteger": 0}


def lcg_of(w: Sequence[int]) -> tuple[int, int]:
    """The 128-bit LCG state and increment of ``generate_state``'s four uint64 words (``pcg64_set_seed``)."""
    w0, w1, w2, w3 = (int(x) for x in w)
    initstate, initseq = (w0 << 64) | w1, (w2 << 64) | w3
    inc = ((initseq << 1) | 1) & MASK128
    return (((inc + initstate) & MASK128) * PCG_MULT + inc) & MASK128, inc


def _words(start: Prefix, last: Any) -> list[Any]:
    """The last key word (an int, or a uint64 array of them) through the pool, then ``generate_state(4, uint64)``."""
    mixer, const = list(start.mixer), start.const
    for dst in range(POOL):
        word, const = _hashmix(last, const)
        mixer[dst] = _mix(mixer[dst], word)
    const, out = INIT_B, []
    for i in range(8):                                   # 8 uint32 words, little-endian pairs
        value = mixer[i % POOL] ^ const
        const = (const * MULT_B) & MASK32
        value = (value * const) & MASK32
        out.append(value ^ (value >> XSHIFT))
    return [out[i] | (out[i + 1] << 32) for i in range(0, 8, 2)]
