"""Discovery (docs/model.md §8): hidden or unexpected uses surface, stories spread, customers learn.

A covert or surprising flow is discovered with a daily hazard; a story about it (or about an
incident) starts a media cycle; customers who hear of it are shocked, state an intent to leave, and
the most outraged complain, protest or opt out. Outrage then calms by its half-life.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import behavior as eq
from privsim.model.backlash import Source
from privsim.model.churn import decide_exits
from privsim.model.optout import request_opt_out
from privsim.model.rng import Decision
from privsim.model.trust import shock

if TYPE_CHECKING:
    from privsim.model.engine import Replication


def stage_discovery(eng: Replication, day: int) -> None:
    """Hidden or unexpected uses surface; stories spread; outrage calms; backlash(t)."""
    salience = None
    for k, f in enumerate(eng.flows):
        source = eng.backlash.sources[k]
        if source.story_day is not None or not f.live:
            continue
        if eng.b.discovery.per_year == 0.0:     # nothing surfaces by itself: no hazard to compute
            break
        if salience is None:
            salience = eng.backlash.salience(day)
        unexpected = f.unexpectedness if f.disclosed else 1.0
        if f.disclosed and not (f.dark or f.retroactive):
            unexpected *= f.unexpectedness  # plain disclosed uses surface only when surprising
        reach = float(eng.practices.reach_count[k].sum()) / eng.n
        h = eq.discovery_hazard(eng.b, reach, f.sensitivity, unexpected, f.disclosed, f.all_at_once, salience)
        if h > 0 and eng.streams.scalar(Decision.DISCOVERY, f.key, day) < -math.expm1(-h):
            reveal(eng, k, day)
    active_count = int(eng.active_count.sum())
    for source in eng.backlash.sources:
        if source.spreading:
            idx, v = eng.backlash.spread(source, day, eng.pop.active, active_count)
            all_at_once = source.flow is not None and eng.flows[source.flow].all_at_once
            learn(eng, source, idx, v, day, all_at_once)
    for source in eng.backlash.sources:
        source.calming = source.flow is None or not eng.flows[source.flow].live
        follow_up(eng, source, day, active_count)
    eng.backlash.update_outrage(eng.pop.tolerance)


def follow_up(eng: Replication, source: Source, day: int, active_count: int) -> None:
    """As outrage spreads, a story is taken up by the next tier: national news, then the front pages.

    The offended share at which editors take it up is not known: each story's level is drawn once,
    uniform on (0, 2·L) around the documented L, so the chance of a follow-up grows linearly with the
    offended share instead of jumping at L (a cliff that the noise of a small simulated base would cross
    more often than a large one).
    """
    if not source.stories or source.offended is None or source.tier >= FRONT_PAGE:
        return
    m = eng.b.media
    offended = float(np.count_nonzero(source.offended & eng.pop.active)) / max(active_count, 1)
    nxt = source.tier + 1
    if nxt not in source.follow_up_at:              # drawn once per story and tier
        mean = m.escalate_front_page if source.tier == NATIONAL else m.escalate_national
        source.follow_up_at[nxt] = 2.0 * mean * eng.streams.scalar(Decision.MEDIA, source.key, nxt)
    if offended > source.follow_up_at[nxt]:
        intensity = max(i for _, _, i in source.stories)
        eng.backlash.story(source, day, intensity, source.tier + 1)
        eng.recorder.mark(day, "follow_up", source.name)


TRADE, NATIONAL, FRONT_PAGE = range(3)


def reveal(eng: Replication, k: int, day: int, intensity: float | None = None, tier: int = TRADE) -> None:
    """A story about flow k in an outlet of ``tier``: a discovery (someone finds it: trade press) or later news."""
    f = eng.flows[k]
    if intensity is None:
        reach = float(eng.practices.reach_count[k].sum()) / eng.n
        intensity = min(1.0, f.sensitivity * (0.3 + 0.7 * reach)
                        * (eng.b.discovery.all_at_once_factor if f.all_at_once else 1.0))
    source = eng.backlash.sources[k]
    first = source.story_day is None
    source.weight = eng.practices.outrage_weight(k)
    eng.backlash.story(source, day, intensity, tier)
    eng.recorder.mark(day, "discovery" if first else "media_story", f.id)


def learn(eng: Replication, source: Source, idx: np.ndarray, v: np.ndarray, day: int, all_at_once: bool) -> None:
    """Customers become aware of a source: trust shock, ladder of complaints/protest/opt-outs."""
    if idx.size == 0:
        return
    o, ladder = eng.backlash.learn(source, idx, v, eng.pop.concern, eng.pop.tolerance, eng.pop.trust, all_at_once)
    shock(eng, idx, bad=o)
    q = eq.intent_on_learning(eng.b, source.outrage[idx], eng.pop.tolerance[idx])
    eng.count("stated", idx, q)
    eng.count("learned", idx)
    decide_exits(eng, idx, q, v, source.key, day)
    eng.count("aware", idx)
    share = eng.b.regulator.formal_share
    eng.count("complaints", ladder.complaints)
    eng.count("formal_complaints", ladder.complaints, np.full(ladder.complaints.size, share))
    eng.count("formal_expected", ladder.offended, np.full(ladder.offended.size, eng.b.discovery.complaint * share))
    eng.count("protesters", ladder.protesters)
    if source.flow is not None:
        eng.practices.refresh(idx)
        request_opt_out(eng, source.flow, ladder.opt_outs, day)
