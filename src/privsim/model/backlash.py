"""Discovery and backlash: stories, media salience, word of mouth and outrage (docs/model.md §8).

Each flow and each incident is a *source* customers can learn about. A story about a
source starts a media cycle; customers hear of it through media and word of mouth,
and those whose outrage exceeds their tolerance are offended. backlash(t) is the share
of active customers offended by anything.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from privsim.model import behavior as eq
from privsim.model.network import MeanField, SmallWorld
from privsim.model.rng import Decision, Streams
from privsim.scenario.coefficients import Behavior

F32 = np.float32
SALIENCE_FLOOR = 1e-3   # a story below this salience no longer spreads by media
MOUTH_FLOOR = 1e-4      # word of mouth below this daily hazard is treated as silent
BYSTANDER = 0.3         # outrage of customers not themselves affected, relative to those affected


@dataclass
class Source:
    """Something customers can learn about: a flow (practice, merger, sale) or an incident."""

    name: str
    key: int
    x: float
    weight: float
    affected: np.ndarray
    aware: np.ndarray
    flow: int | None = None
    outrage: np.ndarray | None = None
    story_day: int | None = None
    intensity: float = 0.0
    spreading: bool = False
    calming: bool = False
    half_life: float = 21.0
    offended: np.ndarray | None = None
    counts: dict = field(default_factory=dict)

    def salience(self, b: Behavior, day: int) -> float:
        """Media salience of this source on ``day``."""
        if self.story_day is None:
            return 0.0
        return self.intensity * eq.salience_shape(b, day - self.story_day)


@dataclass
class Ladder:
    """What newly aware customers do: the most outraged complain, more protest, more opt out."""

    complaints: np.ndarray
    protesters: np.ndarray
    opt_outs: np.ndarray
    offended: np.ndarray           # every newly aware customer who is offended (the ladder's base)


class Backlash:
    """All sources, the media cycle and the awareness spread."""

    def __init__(self, b: Behavior, n: int, mouth: MeanField | SmallWorld, streams: Streams):
        self.b, self.n, self.mouth, self.streams = b, n, mouth, streams
        self.sources: list[Source] = []
        self.general: list[tuple[int, float]] = []   # media stories about privacy in general
        self.offended_any = np.zeros(n, dtype=bool)
        self._u = np.empty(n, dtype=F32)
        self._p = np.empty(n, dtype=F32)
        self.any_outrage = False

    def add(self, source: Source) -> Source:
        """Register a source."""
        source.half_life = self.b.discovery.outrage_half_life_days
        self.sources.append(source)
        return source

    # ------------------------------------------------------------ media
    def salience(self, day: int) -> float:
        """S(t) = min(1, Σ stories intensity·shape(t − t_story)), 0–1."""
        total = sum(s.salience(self.b, day) for s in self.sources)
        total += sum(i * eq.salience_shape(self.b, day - d) for d, i in self.general)
        return min(1.0, total)

    def story(self, source: Source, day: int, intensity: float) -> None:
        """A story about ``source`` breaks on ``day`` (discovery, notification or media)."""
        if source.story_day is None or source.salience(self.b, day) < intensity:
            source.story_day, source.intensity = day, min(1.0, intensity)
        source.spreading = True
        self.track(source)

    def track(self, source: Source) -> None:
        """Give ``source`` outrage state, so customers told directly can react before any story."""
        if source.outrage is None:
            source.outrage = np.zeros(self.n, dtype=F32)
            source.offended = np.zeros(self.n, dtype=bool)

    # ------------------------------------------------------------ awareness
    def spread(self, source: Source, day: int, active: np.ndarray,
               active_count: int) -> tuple[np.ndarray, np.ndarray]:
        """Who hears of ``source`` today, and their ladder draws (one draw a customer while it lives)."""
        assert source.offended is not None
        mouth = self.mouth.mouth(source.offended, active_count)
        media = source.salience(self.b, day)
        level = float(np.mean(mouth)) if isinstance(mouth, np.ndarray) else mouth
        if media < SALIENCE_FLOOR and self.b.discovery.word_of_mouth * level < MOUTH_FLOOR:
            source.spreading = False
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=F32)
        p = eq.hearing_probability(self.b, media, mouth, self._p)
        u = self.streams.uniform(Decision.AWARENESS, source.key, day, self._u)
        heard = np.flatnonzero((u < p) & active & ~source.aware)
        return heard, u[heard] / p[heard]   # position within [0, p) is again U[0, 1)

    def told(self, source: Source, idx: np.ndarray, day: int) -> np.ndarray:
        """Ladder draws for customers told directly (a notification or a notice they read)."""
        u = self.streams.uniform(Decision.AWARENESS, source.key ^ 0x5A5A5A5A, day, self._u)
        return u[idx].copy()

    def learn(self, source: Source, idx: np.ndarray, v: np.ndarray, concern: np.ndarray,
              tolerance: np.ndarray, all_at_once: bool) -> tuple[np.ndarray, Ladder]:
        """Customers ``idx`` become aware: outrage o = w·x·c (× bystander factor); who acts on it."""
        assert source.outrage is not None and source.offended is not None
        source.aware[idx] = True
        o = F32(source.weight * source.x) * concern[idx]
        o *= np.where(source.affected[idx], F32(1.0), F32(BYSTANDER))
        source.outrage[idx] = np.maximum(source.outrage[idx], o)
        offended = source.outrage[idx] > tolerance[idx]
        source.offended[idx] = offended
        self.offended_any[idx[offended]] = True
        self.any_outrage = self.any_outrage or bool(offended.any())
        d = self.b.discovery
        protest = d.protest_all_at_once if all_at_once else d.protest_targeted
        ladder = Ladder(complaints=idx[offended & (v < d.complaint)],
                        protesters=idx[offended & (v < protest)],
                        opt_outs=idx[offended & (v < d.opt_out) & source.affected[idx]],
                        offended=idx[offended])
        return o, ladder

    # ------------------------------------------------------------ outrage
    def update_outrage(self, tolerance: np.ndarray) -> None:
        """Outrage of calming sources decays by its half-life; offended_k = o_k > θ; OR over k."""
        if not self.any_outrage:
            return
        self.offended_any.fill(False)
        for s in self.sources:
            if s.outrage is None:
                continue
            if s.calming:
                s.outrage *= F32(math.exp(-math.log(2.0) / s.half_life))
                np.greater(s.outrage, tolerance, out=s.offended)
            self.offended_any |= s.offended
        self.any_outrage = bool(self.offended_any.any())

    def forget(self, idx: np.ndarray) -> None:
        """Churned customers take their outrage with them."""
        for s in self.sources:
            if s.outrage is not None:
                s.outrage[idx] = 0.0
                s.offended[idx] = False
        self.offended_any[idx] = False
