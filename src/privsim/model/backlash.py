"""Discovery and backlash: stories, media salience, word of mouth and outrage (docs/model.md §8).

Each flow and each incident is a *source* customers can learn about. A story about a source runs in an
outlet of a tier (trade press, national news, front pages) whose audience is a share of the customers;
stories recur (follow-ups, a regulator's announcement, a lawsuit), each with its own decaying salience.
Customers hear through the stories whose audience holds them and through word of mouth, and those whose
outrage exceeds their tolerance are offended. backlash(t) is the share of active customers offended by
anything.
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
TIERS = ("trade", "national", "front_page")   # nested audiences, smallest first
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
    stories: list[tuple[int, int, float]] = field(default_factory=list)   # (day, tier index, intensity)
    follow_up_at: dict[int, float] = field(default_factory=dict)   # next tier -> offended share its editors need
    news_tier: int = 0          # the tier its news runs in when nothing else says (a breach: by its size)
    spreading: bool = False
    calming: bool = False
    half_life: float = 21.0
    bystander: float = BYSTANDER   # outrage of those not affected, relative to those affected
    offended: np.ndarray | None = None
    counts: dict = field(default_factory=dict)

    @property
    def story_day(self) -> int | None:
        """The day of the first story (None: never in the news)."""
        return self.stories[0][0] if self.stories else None

    @property
    def tier(self) -> int:
        """The highest tier it has reached (−1: none)."""
        return max((t for _, t, _ in self.stories), default=-1)

    def by_tier(self, b: Behavior, day: int) -> list[float]:
        """Salience of its stories on ``day``, per tier: Σ I·shape(t − t_story)."""
        out = [0.0, 0.0, 0.0]
        for d, tier, intensity in self.stories:
            out[tier] += intensity * eq.salience_shape(b, day - d)
        return out

    def salience(self, b: Behavior, day: int, weights: tuple[float, ...]) -> float:
        """Media salience of this source on ``day``, each tier weighted by its audience (``weights``, front pages 1)."""
        return sum(s * w for s, w in zip(self.by_tier(b, day), weights, strict=True))


def audiences(b: Behavior) -> tuple[float, float, float]:
    """Audience share of each tier, smallest first (kept nested)."""
    m = b.media
    trade = m.audience_trade
    national = max(m.audience_national, trade)
    return trade, national, max(m.audience_front_page, national)


def audience_weights(b: Behavior) -> tuple[float, ...]:
    """Each tier's audience relative to the front pages'."""
    a = audiences(b)
    return tuple(x / a[2] if a[2] else 0.0 for x in a)


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
        self.weights = audience_weights(b)
        self.sources: list[Source] = []
        self.general: list[tuple[int, int, float]] = []   # stories about privacy in general (day, tier, I)
        self.stories = 0                                   # stories run so far, of every kind
        self._salience: tuple[tuple[int, int], float] = ((-1, 0), 0.0)   # ((day, stories), S) last worked out
        self.offended_any = np.zeros(n, dtype=bool)
        m = streams.uniform(Decision.MEDIA, 0, 0, np.empty(n, dtype=F32))   # one place in the audience each
        self.reach_class = sum((m < F32(a)).astype(np.int8) for a in audiences(b))  # 3: all tiers … 0: none
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
        """S(t) = min(1, Σ stories I·shape(t − t_story)·audience weight), 0–1."""
        told = (day, self.stories)
        if self._salience[0] == told:        # asked again today with no story since (several stages read it)
            return self._salience[1]
        w = self.weights
        total = sum(s.salience(self.b, day, w) for s in self.sources if s.stories)
        total += sum(i * w[t] * eq.salience_shape(self.b, day - d) for d, t, i in self.general)
        self._salience = (told, min(1.0, total))
        return self._salience[1]

    def general_story(self, day: int, tier: int, intensity: float) -> None:
        """A story about privacy in general, naming no practice of the company's."""
        self.general.append((day, tier, intensity))
        self.stories += 1

    def story(self, source: Source, day: int, intensity: float, tier: int) -> None:
        """A story about ``source`` in an outlet of ``tier`` on ``day`` (a discovery, notice, follow-up …)."""
        if (day, tier) not in {(d, t) for d, t, _ in source.stories}:
            source.stories.append((day, tier, min(1.0, intensity)))
            self.stories += 1
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
        trade, national, front = source.by_tier(self.b, day)
        table = np.asarray([0.0, front, front + national, front + national + trade], dtype=F32)
        level = float(np.mean(mouth)) if isinstance(mouth, np.ndarray) else mouth
        if table[3] < SALIENCE_FLOOR and self.b.discovery.word_of_mouth * level < MOUTH_FLOOR:
            source.spreading = False
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=F32)
        media = table[self.reach_class]                    # M_i: the stories whose audience holds i
        p = eq.hearing_probability(self.b, media, mouth, self._p)
        u = self.streams.uniform(Decision.AWARENESS, source.key, day, self._u)
        heard = np.flatnonzero((u < p) & active & ~source.aware)
        return heard, u[heard] / p[heard]   # position within [0, p) is again U[0, 1)

    def told(self, source: Source, idx: np.ndarray, day: int) -> np.ndarray:
        """Ladder draws for customers told directly (a notification or a notice they read)."""
        u = self.streams.uniform(Decision.AWARENESS, source.key ^ 0x5A5A5A5A, day, self._u)
        return u[idx].copy()

    def learn(self, source: Source, idx: np.ndarray, v: np.ndarray, concern: np.ndarray,
              tolerance: np.ndarray, trust: np.ndarray, all_at_once: bool) -> tuple[np.ndarray, Ladder]:
        """Customers ``idx`` become aware: outrage o = w·x·c·(1 + a_T·(T − ½)) (× bystander factor); who acts."""
        assert source.outrage is not None and source.offended is not None
        source.aware[idx] = True
        o = F32(source.weight * source.x) * concern[idx]
        o *= np.maximum(F32(1.0) + F32(self.b.outrage.trust_amplifier) * (trust[idx] - F32(0.5)), F32(0.0))
        o *= np.where(source.affected[idx], F32(1.0), F32(source.bystander))
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
