"""The customer population as one numpy array per attribute (struct of arrays).

Customers are laid out in contiguous segment blocks (sizes by largest remainder), so a
per-segment total is a slice sum and no customer needs a Python object. Customers who join later
(``population.acquisition``) sit at the end of their segment's block, inactive with zero state until
their day; their attributes are drawn from a generator of their own, so the starting customers are the
same with or without them. A population from a file (``population.from_file``) resamples each segment's
block from the file's customers of that segment, who bring their value, measured concern and consent states.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np

from privsim.model.rng import Decision, Streams
from privsim.scenario.coefficients import Behavior
from privsim.scenario.popfile import CustomerTable
from privsim.scenario.schema import Population as PopulationSpec

F32 = np.float32


@dataclass
class Population:
    """Per-customer state; churned customers carry zero trust, hazard and value weight."""

    names: list[str]
    bounds: np.ndarray        # segment s holds customers bounds[s]:bounds[s+1]
    segment: np.ndarray       # int8 segment index
    active: np.ndarray        # bool
    concern: np.ndarray       # f32, 0–1, drifts yearly
    trust: np.ndarray         # f32, 0–1
    trust_base: np.ndarray    # f32 T̄, the level trust relaxes to
    inv_trust_base: np.ndarray  # f32 1/T̄ (0 once churned)
    value: np.ndarray         # f32 annual value
    base_hazard: np.ndarray   # f32 daily baseline churn hazard
    switching: np.ndarray     # f32 realised exits per unit stated intent (say–do × lock-in × activity)
    tolerance: np.ndarray     # f32 offence threshold θ
    privacy_active: np.ndarray  # bool: has switched provider over data practices before
    stated: np.ndarray        # f32 stated intent to leave formed on learning of a violation
    arrival: np.ndarray       # int32 day a customer joins (−1: a customer from the start)
    joining: dict[str, np.ndarray]   # attribute -> values of the customers who join later (arrival order)
    seeded: dict[str, np.ndarray] = field(default_factory=dict)  # practice id -> starting int8 consent code

    @property
    def size(self) -> int:
        """Number of simulated customers."""
        return int(self.segment.size)

    @functools.cached_property
    def slices(self) -> list[slice]:
        """One slice per segment (the bounds never change: customers who join later have their places already)."""
        return [slice(int(a), int(b)) for a, b in zip(self.bounds[:-1], self.bounds[1:], strict=True)]


def block_sizes(shares: list[float], size: int) -> np.ndarray:
    """Split ``size`` customers by ``shares`` with the largest-remainder method (exact, deterministic)."""
    raw = np.asarray(shares, dtype=np.float64) * size
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: size - int(counts.sum())]] += 1
    return counts


JOINING = ("trust", "trust_base", "inv_trust_base", "value", "base_hazard", "switching")


def arrival_days(spec: PopulationSpec, counts: np.ndarray, horizon: int) -> list[np.ndarray]:
    """Per segment, the day of each newcomer: a steady rate plus the shocks' one-off waves.

    The rate is a share of the starting block a year, scheduled like sends, so no arrival is drawn.
    """
    a = spec.acquisition
    out = []
    for n in counts:
        days: list[int] = []
        if a.per_year:
            rate = a.per_year * n / 365.0
            t = np.arange(horizon)
            per_day = np.floor((t + 1) * rate).astype(np.int64) - np.floor(t * rate).astype(np.int64)
            days += np.repeat(t, per_day).tolist()
        for shock in a.shocks:
            days += [shock.day] * round(shock.share * n)
        out.append(np.sort(np.asarray(days, dtype=np.int32)))
    return out


def build_population(spec: PopulationSpec, behavior: Behavior, streams: Streams, horizon: int = 0) -> Population:
    """Draw the population: heterogeneity around each segment's concern, trust and value; newcomers after."""
    names = list(spec.segments)
    segs = [spec.segments[n] for n in names]
    start = block_sizes([s.share for s in segs], spec.size)
    days = arrival_days(spec, start, horizon)
    later = np.asarray([d.size for d in days], dtype=np.int64)
    first = _draw(segs, start, spec, behavior, streams.generator(Decision.POPULATION))
    streams.draws[Decision.POPULATION] += 5 * spec.size
    table, seeded = spec.table, {}
    if table is not None:
        rows = resample(table, names, start, streams.generator(Decision.POPULATION, 2))
        _overlay(first, table, rows)
        seeded = {pid: codes[rows] for pid, codes in table.consent.items()}
    if not later.any():
        n = spec.size
        return Population(names=names, bounds=np.concatenate([[0], np.cumsum(start)]),
                          segment=np.repeat(np.arange(len(segs), dtype=np.int8), start),
                          active=np.ones(n, dtype=bool), stated=np.zeros(n, dtype=F32),
                          arrival=np.full(n, -1, dtype=np.int32), joining={}, seeded=seeded, **first)
    joiners = _draw(segs, later, spec, behavior, streams.generator(Decision.POPULATION, 1))
    streams.draws[Decision.POPULATION] += 5 * int(later.sum())
    if table is not None:        # newcomers resemble the file's customers; nobody has asked them anything yet
        _overlay(joiners, table, resample(table, names, later, streams.generator(Decision.POPULATION, 3)))
    counts = start + later
    a0, a1 = np.concatenate([[0], np.cumsum(start)]), np.concatenate([[0], np.cumsum(later)])
    order = np.concatenate([np.concatenate([np.arange(a0[s], a0[s + 1]), spec.size + np.arange(a1[s], a1[s + 1])])
                            for s in range(len(segs))])
    merged = {k: np.concatenate([first[k], joiners[k]])[order] for k in first}
    arrival = np.concatenate([np.concatenate([np.full(start[s], -1, dtype=np.int32), days[s]])
                              for s in range(len(segs))])
    pending = np.flatnonzero(arrival >= 0)
    joining = {k: merged[k][pending].copy() for k in JOINING}
    for k in JOINING:                              # newcomers carry zero state until their day
        merged[k][pending] = 0.0
    n = int(counts.sum())
    unasked = np.zeros(int(later.sum()), dtype=np.int8)
    seeded = {pid: np.concatenate([codes, unasked])[order] for pid, codes in seeded.items()}
    return Population(names=names, bounds=np.concatenate([[0], np.cumsum(counts)]),
                      segment=np.repeat(np.arange(len(segs), dtype=np.int8), counts), active=arrival < 0,
                      stated=np.zeros(n, dtype=F32), arrival=arrival, joining=joining, seeded=seeded, **merged)


def resample(table: CustomerTable, names: list[str], counts: np.ndarray, draw: np.random.Generator) -> np.ndarray:
    """Rows of the file for ``counts`` customers per segment, in segment blocks, keeping each segment's mix.

    Every row of a segment is taken ⌊k/m⌋ times and the remainder without replacement (a random permutation
    cut short), so the resampled marginals match the file's up to one customer per row.
    """
    blocks = []
    for name, k in zip(names, counts, strict=True):
        rows = table.rows_of(name)
        perm = draw.permutation(rows.size)
        blocks.append(rows[perm[np.arange(int(k)) % rows.size]])
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int64)


def _overlay(attrs: dict[str, np.ndarray], table: CustomerTable, rows: np.ndarray) -> None:
    """The file's value and measured concern replace the drawn ones (trust, tolerance stay drawn)."""
    if table.value is not None:
        attrs["value"] = table.value[rows]
    if table.concern is not None:
        measured = table.concern[rows]
        attrs["concern"] = np.where(np.isnan(measured), attrs["concern"], measured).astype(F32)


def _draw(segs: list, counts: np.ndarray, spec: PopulationSpec, behavior: Behavior,
          draw: np.random.Generator) -> dict[str, np.ndarray]:
    """Attributes of ``counts`` customers per segment (in segment blocks) from one generator."""
    n = int(counts.sum())

    def column(attr: str) -> np.ndarray:
        return np.repeat(np.asarray([getattr(s, attr) for s in segs], dtype=np.float64), counts)

    z_concern, z_trust, z_value = (draw.standard_normal(n) for _ in range(3))
    u_active, u_tolerance = draw.random(n), draw.random(n)
    concern = np.clip(column("concern") + behavior.concern_sd * z_concern, 0.0, 1.0)
    trust = np.clip(column("trust") + behavior.trust_sd * z_trust, 0.02, 1.0)
    sd = behavior.value_sd
    value = column("annual_value") * np.exp(sd * z_value - sd * sd / 2)
    active_share = np.repeat(np.asarray(
        [s.privacy_active if s.privacy_active is not None else behavior.churn.privacy_active_share
         for s in segs]), counts)
    privacy_active = u_active < active_share
    churn = behavior.churn
    activity = np.where(privacy_active, 1.0, churn.inactive_factor)
    expected_activity = float(np.mean(active_share + (1.0 - active_share) * churn.inactive_factor)) if n else 1.0
    switching = churn.say_do * (1.0 - spec.lock_in) * activity / expected_activity
    base_hazard = -np.log1p(-column("churn_per_year")) / 365.0
    return {"concern": concern.astype(F32), "trust": trust.astype(F32), "trust_base": trust.astype(F32),
            "inv_trust_base": (1.0 / trust).astype(F32), "value": value.astype(F32),
            "base_hazard": base_hazard.astype(F32), "switching": switching.astype(F32),
            "tolerance": (u_tolerance * behavior.discovery.offence_scale).astype(F32),
            "privacy_active": privacy_active}
