"""The customer population as one numpy array per attribute (struct of arrays).

Customers are laid out in contiguous segment blocks (sizes by largest remainder), so a
per-segment total is a slice sum and no customer needs a Python object.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from privsim.model.rng import Decision, Streams
from privsim.scenario.coefficients import Behavior
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

    @property
    def size(self) -> int:
        """Number of simulated customers."""
        return int(self.segment.size)

    def slices(self) -> list[slice]:
        """One slice per segment."""
        return [slice(int(a), int(b)) for a, b in zip(self.bounds[:-1], self.bounds[1:], strict=True)]


def block_sizes(shares: list[float], size: int) -> np.ndarray:
    """Split ``size`` customers by ``shares`` with the largest-remainder method (exact, deterministic)."""
    raw = np.asarray(shares, dtype=np.float64) * size
    counts = np.floor(raw).astype(np.int64)
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[: size - int(counts.sum())]] += 1
    return counts


def build_population(spec: PopulationSpec, behavior: Behavior, streams: Streams) -> Population:
    """Draw the population: heterogeneity around each segment's concern, trust and value."""
    names = list(spec.segments)
    segs = [spec.segments[n] for n in names]
    counts = block_sizes([s.share for s in segs], spec.size)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    segment = np.repeat(np.arange(len(segs), dtype=np.int8), counts)
    n = spec.size

    def column(attr: str) -> np.ndarray:
        return np.repeat(np.asarray([getattr(s, attr) for s in segs], dtype=np.float64), counts)

    draw = streams.generator(Decision.POPULATION)
    z_concern, z_trust, z_value = (draw.standard_normal(n) for _ in range(3))
    u_active, u_tolerance = draw.random(n), draw.random(n)
    streams.draws[Decision.POPULATION] += 5 * n

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
    expected_activity = float(np.mean(active_share + (1.0 - active_share) * churn.inactive_factor))
    switching = churn.say_do * (1.0 - spec.lock_in) * activity / expected_activity
    base_hazard = -np.log1p(-column("churn_per_year")) / 365.0
    return Population(
        names=names, bounds=bounds, segment=segment, active=np.ones(n, dtype=bool),
        concern=concern.astype(F32), trust=trust.astype(F32), trust_base=trust.astype(F32),
        inv_trust_base=(1.0 / trust).astype(F32), value=value.astype(F32),
        base_hazard=base_hazard.astype(F32), switching=switching.astype(F32),
        tolerance=(u_tolerance * behavior.discovery.offence_scale).astype(F32),
        privacy_active=privacy_active, stated=np.zeros(n, dtype=F32),
    )
