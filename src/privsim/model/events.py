"""The SimPy calendar and what each event does when it comes due.

SimPy owns time: practice start/end, scheduled events and yearly-rate (Poisson) events
are processes that put an action on the engine's due list; the events stage applies
them in calendar order. Yearly-rate gaps come from their own streams, keyed by arrival.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from privsim.model.backlash import TIERS, Source
from privsim.model.consent import Ask
from privsim.model.discovery import FRONT_PAGE, NATIONAL, TRADE, learn, reveal
from privsim.model.fines import convert
from privsim.model.notice import tell
from privsim.model.practices import GRANTED
from privsim.model.rng import Decision, source_key
from privsim.scenario import law, taxonomy
from privsim.scenario.schema import (
    COMPANY_CAUSED,
    Breach,
    ClassAction,
    DataMerger,
    DataSale,
    MediaStory,
    PolicyChange,
    RepermissionCampaign,
    ServiceIncident,
)

if TYPE_CHECKING:
    from privsim.model.engine import Replication
    from privsim.scenario.coefficients import Behavior

F32 = np.float32
Action = Callable[[int], None]


def stage_events(eng: Replication, day: int) -> None:
    """Apply actions the SimPy calendar made due (in calendar order)."""
    for action in eng.due.pop("events", []):
        action(day)


class Calendar:
    """Schedules every flow start/end and scenario event as SimPy processes."""

    def __init__(self, eng: Replication, with_strategy: bool):
        self.eng, self.env = eng, eng.env
        for k, f in enumerate(eng.flows):
            self.at(f.start, lambda day, k=k: start_flow(eng, k, day))
            if f.end is not None:
                self.at(f.end, lambda day, k=k: end_flow(eng, k, day))
        for i, e in enumerate(eng.s.events):
            if isinstance(e, DataMerger | DataSale):
                continue          # compiled into flows
            if not with_strategy and e.type in COMPANY_CAUSED:
                continue
            key = source_key(e.id or f"{e.type}_{i}")
            action = self._action(e, i)
            if e.day is not None:
                self.at(e.day, action)
            else:
                rate = resolve_rate(eng, e)
                if rate > 0:
                    self.env.process(self._poisson(rate, key, action, e))

    def _action(self, e: Any, i: int) -> Action:
        handler, eng = HANDLERS[e.type], self.eng
        return lambda day: handler(eng, e, i, day)

    def at(self, day: float, action: Action, stage: str = "events") -> None:
        """Make ``action`` due in ``stage`` on ``day``."""
        self.env.process(self._at(day, action, stage))

    def _at(self, day: float, action: Action, stage: str) -> Any:
        yield self.env.timeout(max(0.0, day - self.env.now))
        self.eng.due[stage].append(action)

    def _poisson(self, rate: float, key: int, action: Action, e: Any) -> Any:
        """Arrivals at the yearly ``rate``; a rate that controls lower later is honoured by thinning."""
        n = 0
        while True:
            gap = self.eng.streams.exponential(Decision.ARRIVAL, key, n, 365.0 / rate)
            n += 1
            yield self.env.timeout(gap)
            if self.env.now >= self.eng.horizon:
                return
            now = resolve_rate(self.eng, e) if e.rate_per_year == "controls" else rate
            if now >= rate or self.eng.streams.scalar(Decision.ARRIVAL, key ^ 0x7417, n) < now / rate:
                self.eng.due["events"].append(action)


def resolve_rate(eng: Replication, e: Any) -> float:
    """Yearly rate of an event; ``controls`` derives it from the strategy's controls."""
    if e.rate_per_year != "controls":
        return float(e.rate_per_year)
    b, c = eng.b.breach, eng.controls
    if isinstance(e, ServiceIncident) or e.cause == "insider":
        return b.insider_broad_per_year if c.service_access == "broad" else b.insider_need_to_know_per_year
    if e.cause == "intrusion":
        return b.intrusion_per_year
    if c.remote_data == "none":
        return 0.0
    if e.cause == "lost_laptop":
        return b.lost_laptop_per_year
    return b.remote_access_per_year * (0.5 if c.remote_data == "encrypted" else 1.0)


# -------------------------------------------------------------------- flows
def start_flow(eng: Replication, k: int, day: int) -> None:
    """A flow goes live: ask for consent, or reach its targets on notice or covertly."""
    f = eng.flows[k]
    f.live = True
    idx = eng.practices.eligible(k)
    if f.purpose == "data_sale":   # the records on sale; with consent, only those who agree are sold
        u = eng.uniform(Decision.INCIDENT, f.key, day)
        idx = idx[u[idx] < f.share_of_records]
    take_in(eng, k, idx, day)
    eng.recorder.mark(day, "start", f.id)


def take_in(eng: Replication, k: int, idx: np.ndarray, day: int, salt: int = 0) -> None:
    """Customers ``idx`` meet live flow k: asked if it asks on start, else reached (notice readers informed)."""
    f = eng.flows[k]
    if f.mode in ("opt_in", "opt_out"):
        if f.ask_on_start:
            attention = 1.0 if f.mode == "opt_in" else getattr(eng.b.notice, f.notice)
            eng.asks.append(Ask(k, idx, f.mode, attention=attention, incentive=f.incentive, salt=salt))
    else:
        eng.practices.set_reach(k, idx, True)
        if f.disclosed:
            tell(eng, k, idx, f.notice, day, salt=salt)


def end_flow(eng: Replication, k: int, day: int) -> None:
    """A flow reaches its end day."""
    f = eng.flows[k]
    if f.live:
        f.live = False
        eng.practices.stop(k)
        eng.recorder.mark(day, "end", f.id)


# -------------------------------------------------------------------- events
def policy_change(eng: Replication, e: PolicyChange, i: int, day: int) -> None:
    """New consent terms; retroactive ones enrol people who never agreed and tell notice readers."""
    for pid in e.practices:
        k = eng.flow_index(pid)
        f = eng.flows[k]
        new = e.new_consent or f.mode
        f.mode = new
        if new == "opt_in":
            reached = np.flatnonzero(eng.practices.reach[k] & (eng.practices.consent[k] != GRANTED))
            eng.asks.append(Ask(k, reached, "opt_in", incentive=f.incentive, salt=0x0C0C))
        elif e.retroactive and f.live:
            enrolled = eng.practices.set_reach(k, eng.practices.eligible(k), True)
            f.retroactive = True
            eng.backlash.sources[k].weight = eng.practices.outrage_weight(k)
            eng.practices.refresh(enrolled)
            eng.regulator.judge(law.Act("retroactive_change", f.use()), f.id, day,
                                persons=enrolled.size * eng.represents, public=True)
            source = eng.backlash.sources[k]
            eng.backlash.track(source)
            v = eng.backlash.told(source, np.arange(eng.n), day)
            attention = getattr(eng.b.notice, e.notice)
            read = enrolled[v[enrolled] < attention]
            learn(eng, source, read, v[read] / attention, day, all_at_once=False)
        elif f.live and f.disclosed:      # new terms by notice: its readers learn of them
            tell(eng, k, np.flatnonzero(eng.practices.reach[k]), e.notice, day, salt=0x0C0C)
    eng.recorder.mark(day, "policy_change", ",".join(e.practices))


def breach(eng: Replication, e: Breach, i: int, day: int) -> None:
    """Records exposed: affected customers (held records, encryption) are notified, or learn later."""
    c, b = eng.controls, eng.b.breach
    exposure = 1.0
    if e.cause in ("lost_laptop", "remote_access"):
        exposure = {"none": 0.0, "encrypted": b.encrypted_exposure if e.cause == "lost_laptop" else 1.0,
                    "unencrypted": 1.0}[c.remote_data]
    held = eng.pop.active | (eng.churned_day >= 0)
    if c.retention_days is not None:
        held &= eng.pop.active | (eng.churned_day >= day - c.retention_days)
    _incident(eng, e, i, day, held, e.share_of_records * exposure, notify=e.notify, kind="breach")


def breach_cost(b: Behavior, records: float, notified: bool) -> float:
    """Direct cost in USD of a breach of ``records`` real records: (1 − s_LB)·C_ref·(N/N_ref)^b.

    Less the notification share when nobody is notified (docs/model.md §9).
    """
    if records <= 0:
        return 0.0
    c = b.breach
    total = c.cost_reference_usd * (records / c.reference_records) ** c.cost_exponent
    direct = (1.0 - c.lost_business_share) * total
    return direct if notified else direct * (1.0 - c.notification_share)


def service_incident(eng: Replication, e: ServiceIncident, i: int, day: int) -> None:
    """Staff misuse of service access: few affected, a public story if it gets out."""
    _incident(eng, e, i, day, eng.pop.active.copy(), e.share_affected, notify=False, kind="service_incident",
              public=e.public)


def _incident(eng: Replication, e: Any, i: int, day: int, held: np.ndarray, share: float, *,
              notify: bool, kind: str, public: bool = True) -> None:
    name = f"{e.id or f'{e.type}_{i}'}@{day}"
    key = source_key(name)
    u = eng.uniform(Decision.INCIDENT, key, day)
    affected = held & (u < share)
    n_affected = int(affected.sum())
    sensitivity = max(taxonomy.CATEGORIES[cat].sensitivity for cat in e.data)
    attack = kind == "breach" and e.cause == "intrusion"      # an outside attack; the rest is negligence
    weight = eng.b.outrage.breach_attack if attack else eng.b.outrage.breach_negligent
    source = eng.backlash.add(Source(name, key, sensitivity, weight, affected=affected,
                                     aware=np.zeros(eng.n, dtype=bool)))
    if kind == "breach":
        cost = breach_cost(eng.b, n_affected * eng.represents, notify)
        eng.costs["breach"] += convert(cost, "USD", eng.s.economics.currency)
        eng.count("breached", np.flatnonzero(affected))
    eng.recorder.mark(day, kind, name)
    if n_affected == 0:
        return
    eng.regulator.judge(law.Act("breach"), name, day, persons=n_affected * eng.represents, public=notify or public,
                        sensitive=taxonomy.is_sensitive(list(e.data)))
    if notify and kind == "breach":     # notified breaches reach the regulator too (GDPR Art. 33)
        eng.count("notified", np.flatnonzero(affected))
    intensity = min(1.0, sensitivity * math.sqrt(n_affected / eng.n)) if public else 0.0
    source.news_tier = breach_tier(eng, n_affected * eng.represents)
    if notify:
        eng.backlash.story(source, day, intensity, source.news_tier)
        told = np.flatnonzero(affected & eng.pop.active)
        v = eng.backlash.told(source, told, day)
        learn(eng, source, told, v, day, all_at_once=False)
    elif public:
        gap = eng.streams.exponential(Decision.ARRIVAL, key, 0, 30.0)  # found by others (T-Mobile: 2–3 weeks)
        eng.calendar.at(day + gap, lambda d: _surface(eng, source, intensity, d))


def breach_tier(eng: Replication, people: float) -> int:
    """The outlet tier of a breach story, by the real people affected."""
    m = eng.b.media
    return FRONT_PAGE if people >= m.breach_front_page else NATIONAL if people >= m.breach_national else TRADE


def _surface(eng: Replication, source: Source, intensity: float, day: int) -> None:
    """A hidden incident comes out: victims learn late, and what was kept from them weighs as a covert use."""
    source.weight = max(source.weight, eng.b.outrage.covert)
    eng.backlash.story(source, day, intensity, source.news_tier)
    told = np.flatnonzero(source.affected & eng.pop.active & ~source.aware)
    learn(eng, source, told, eng.backlash.told(source, told, day), day, all_at_once=False)
    eng.recorder.mark(day, "discovery", source.name)


def media_story(eng: Replication, e: MediaStory | ClassAction, i: int, day: int) -> None:
    """A story in an outlet of its tier: it exposes the named practices, or raises privacy salience in general.

    A class action is news of its own about the practices it names.
    """
    tier = TIERS.index(e.tier)
    exposed = [k for k, f in enumerate(eng.flows) if f.id in e.practices]
    for k in exposed:
        reveal(eng, k, day, intensity=e.intensity, tier=tier)
    if not exposed:
        eng.backlash.general.append((day, tier, e.intensity))
        eng.recorder.mark(day, "media_story", "")
    if e.type == "class_action":
        eng.recorder.mark(day, "class_action", ",".join(e.practices))


def repermission(eng: Replication, e: RepermissionCampaign, i: int, day: int) -> None:
    """Ask customers without consent again; opted-out targets complain and are a violation."""
    name = e.id or f"repermission_{i}"
    for pid in e.practices:
        k = eng.flow_index(pid)
        p = eng.practices
        base = p.targets[k] & eng.pop.active
        lapsed = base & (p.consent[k] != GRANTED) & ~p.requested[k]
        opted = base & p.requested[k]
        who = {"lapsed": lapsed, "opted_out": opted, "all_without_consent": lapsed | opted}[e.target]
        idx = np.flatnonzero(who)
        refused = (p.consent[k, idx] != 0) | p.requested[k, idx]
        shift = np.where(refused, F32(eng.b.consent.previously_refused), F32(0.0))
        complaint = np.where(p.requested[k, idx], F32(eng.b.opt_out.complaint_after_optout), F32(0.0))
        attention = getattr(eng.b.notice, "in_app" if e.channel in ("sms", "in_app") else e.channel)
        eng.asks.append(Ask(k, idx, "campaign", attention=attention, shift=shift, incentive=e.incentive,
                    salt=source_key(name), complaint=complaint, label=name))
        eng.costs["contacts"] += idx.size * eng.s.economics.cost_per_contact * eng.represents
        eng.count("sends", idx)
        if idx.size:       # the law decides whether mailing these people (opted out, or never asked) is a violation
            real = idx.size * eng.represents
            eng.regulator.judge(law.Act("repermission", eng.flows[k].use(), target=e.target, channel=e.channel),
                                name, day, persons=real, messages=real, public=True)
    eng.recorder.mark(day, "repermission_campaign", name)


HANDLERS: dict[str, Callable[..., None]] = {
    "policy_change": policy_change,
    "breach": breach,
    "service_incident": service_incident,
    "media_story": media_story,
    "class_action": media_story,
    "repermission_campaign": repermission,
}
