"""numpy's SeedSequence → PCG64 seeding, with the part shared by a stream's days hashed once.

A daily draw needs the generator of ``SeedSequence(seed, spawn_key=(replicate, decision, source, day))``;
building one costs ≈15 µs, a large share of the engine's fixed cost per day. Keys that differ only in
their last word (the day) share every step of numpy's hash before that word, so :func:`prefix` runs
those steps once per stream and :func:`pcg64_state` finishes one day's in a few integer operations.
The algorithm is numpy's (numpy/random/bit_generator.pyx: ``mix_entropy``, ``generate_state``; PCG64's
``pcg64_set_seed``); tests/model/test_rng.py checks the states against numpy's for many keys.
"""

from __future__ import annotations

from dataclasses import dataclass

INIT_A, MULT_A, INIT_B, MULT_B = 0x43B0D7E5, 0x931E8875, 0x8B51F9DD, 0x58F38DED
MIX_MULT_L, MIX_MULT_R, XSHIFT = 0xCA01F9DD, 0x4973F715, 16
POOL = 4
MASK32, MASK128 = (1 << 32) - 1, (1 << 128) - 1
PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645    # PCG's default 128-bit multiplier


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


def _hashmix(value: int, const: int) -> tuple[int, int]:
    """One word through the running hash; returns it and the next hash constant."""
    value ^= const
    const = (const * MULT_A) & MASK32
    value = (value * const) & MASK32
    return value ^ (value >> XSHIFT), const


def _mix(x: int, y: int) -> int:
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
    if not 0 <= last <= MASK32:
        raise ValueError("the last key word must fit 32 bits")
    mixer, const = list(start.mixer), start.const
    for dst in range(POOL):
        word, const = _hashmix(last, const)
        mixer[dst] = _mix(mixer[dst], word)
    const, out = INIT_B, []
    for i in range(8):                                   # generate_state(4, uint64): 8 words, little-endian
        value = mixer[i % POOL] ^ const
        const = (const * MULT_B) & MASK32
        value = (value * const) & MASK32
        out.append(value ^ (value >> XSHIFT))
    w = [out[i] | (out[i + 1] << 32) for i in range(0, 8, 2)]
    initstate, initseq = (w[0] << 64) | w[1], (w[2] << 64) | w[3]
    inc = ((initseq << 1) | 1) & MASK128
    state = (((inc + initstate) & MASK128) * PCG_MULT + inc) & MASK128
    return {"bit_generator": "PCG64", "state": {"state": state, "inc": inc}, "has_uint32": 0, "uinteger": 0}
