"""The SimPy calendar and what each event does when it comes due.

SimPy owns time: practice start/end, scheduled events and yearly-rate (Poisson) events
are processes that put an action on the engine's due list; the events stage applies
them in calendar order. Yearly-rate gaps come from their own streams, keyed by arrival.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from privsim.model import operations
from privsim.model.backlash import BYSTANDER, TIERS, Source
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
    """Schedules every flow start/end, scenario event and operational hazard as SimPy processes."""

    def __init__(self, eng: Replication, with_strategy: bool):
        self.eng, self.env = eng, eng.env
        for k, f in enumerate(eng.flows):
            self.at(f.start, lambda day, k=k: start_flow(eng, k, day))
            if f.end is not None:
                self.at(f.end, lambda day, k=k: end_flow(eng, k, day))
        scripted: set[str] = set()
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
                if e.rate_per_year == "controls":
                    scripted.add(operations.cause_of(e.type, getattr(e, "cause", None)))
                self.poisson(key, action, lambda e=e: resolve_rate(eng, e))
        if with_strategy and eng.operations is not None:   # the engine's own draws, unless an event stands for one
            for cause in operations.CAUSES:
                if cause not in scripted:
                    self.poisson(source_key(f"operations.{cause}"), lambda day, c=cause: incident(eng, c, day),
                                 lambda c=cause: eng.hazards()[c])

    def _action(self, e: Any, i: int) -> Action:
        handler, eng = HANDLERS[e.type], self.eng
        return lambda day: handler(eng, e, i, day)

    def at(self, day: float, action: Action, stage: str = "events") -> None:
        """Make ``action`` due in ``stage`` on ``day``."""
        self.env.process(self._at(day, action, stage))

    def _at(self, day: float, action: Action, stage: str) -> Any:
        yield self.env.timeout(max(0.0, day - self.env.now))
        self.eng.due[stage].append(action)

    def poisson(self, key: int, action: Action, rate: Callable[[], float]) -> None:
        """Arrivals at the yearly ``rate()``; a rate that controls lower later is honoured by thinning."""
        top = rate()
        if top > 0:
            self.env.process(self._poisson(top, key, action, rate))

    def _poisson(self, top: float, key: int, action: Action, rate: Callable[[], float]) -> Any:
        n = 0
        while True:
            gap = self.eng.streams.exponential(Decision.ARRIVAL, key, n, 365.0 / top)
            n += 1
            yield self.env.timeout(gap)
            if self.env.now >= self.eng.horizon:
                return
            now = rate()
            if now >= top or self.eng.streams.scalar(Decision.ARRIVAL, key ^ 0x7417, n) < now / top:
                self.eng.due["events"].append(action)


def resolve_rate(eng: Replication, e: Any) -> float:
    """Yearly rate of an event; ``controls``: the hazard of its cause that operations and controls imply."""
    if e.rate_per_year != "controls":
        return float(e.rate_per_year)
    return eng.hazards(default=True)[operations.cause_of(e.type, getattr(e, "cause", None))]


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
    """Customers ``idx`` meet live flow k: asked if it asks on start, else reached (notice readers informed).

    Customers who granted consent already (a base seeded from a file) are reached without being asked again.
    """
    f = eng.flows[k]
    if f.mode in ("opt_in", "opt_out"):
        granted = eng.practices.consent[k, idx] == GRANTED
        if granted.any():
            eng.practices.set_reach(k, idx[granted], True)
            idx = idx[~granted]
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
    share = e.share_of_records
    if e.cause == "lost_laptop" and e.rate_per_year != "controls":   # a controls rate already counts encryption
        share *= operations.left(eng.controls, eng.b, "disk_encryption")
    name = f"{e.id or f'{e.type}_{i}'}@{day}"
    happen(eng, Incident(name, "breach", e.cause, tuple(e.data), share, notify=e.notify, authority=e.notify), day)


def service_incident(eng: Replication, e: ServiceIncident, i: int, day: int) -> None:
    """Staff misuse of service access: few affected, a public story if it gets out."""
    name = f"{e.id or f'{e.type}_{i}'}@{day}"
    happen(eng, Incident(name, "service_incident", "insider", tuple(e.data), e.share_affected, notify=False,
                         authority=False, public=e.public), day)


def incident(eng: Replication, cause: str, day: int) -> None:
    """An operational incident of ``cause`` drawn by the engine: its size, who knows, whom the law says to tell."""
    ops, b = eng.operations, eng.b
    assert ops is not None
    key = source_key(f"operations.{cause}@{day}")
    z = eng.streams.normal(Decision.INCIDENT, key, 0)
    records = operations.size(cause, ops, b, eng.real_customers).draw(z, b.incidents.size_spread)
    held = eng.held_data(service=cause in ("insider", "departure", "remote_access"))
    known = cause not in operations.FOUND_BY_LOGS
    if not known and eng.controls.access_logging:
        known = eng.streams.scalar(Decision.INCIDENT, key, 1) < b.incidents.logging_detects
    public = known or eng.streams.scalar(Decision.INCIDENT, key, 2) < b.incidents.undetected_comes_out
    authority, subjects = law.notice_duty(eng.s.jurisdictions, eng.regulator.date(day), held, records)
    kind = "service_incident" if cause == "insider" else "breach"
    happen(eng, Incident(f"{cause}@{day}", kind, cause, held, None, notify=known and subjects, public=public,
                         records=records, authority=known and authority, known=known), day)


@dataclass(frozen=True)
class Incident:
    """One incident as it happens: what was exposed, to what share of the records held, and who is told.

    ``records`` are real records (drawn incidents: independent of the simulated size); None counts the
    simulated customers affected × ``represents`` (scripted events).
    """

    name: str
    kind: str                # breach | service_incident
    cause: str
    data: tuple[str, ...]
    share: float | None      # share of the records held that it exposes (None: ``records`` of those held)
    notify: bool             # the people affected are told (and a story runs)
    authority: bool          # the regulator is told (GDPR Art. 33, state laws)
    public: bool = True      # not notified, it still comes out later
    records: float | None = None
    known: bool = True       # the company knows of it now (else its costs come when it comes out)


def happen(eng: Replication, inc: Incident, day: int) -> None:
    """Customers whose records are held are affected; costs, the regulator and customers' reactions follow."""
    held = eng.pop.active.copy() if inc.kind == "service_incident" else eng.holding(day)
    key = source_key(inc.name)
    u = eng.uniform(Decision.INCIDENT, key, day)
    if inc.records is None:
        affected = held & (u < inc.share)
        n_affected = int(affected.sum())
        real, reached = n_affected * eng.represents, n_affected / eng.n
    else:     # real records of a real base: the simulated victims are an unbiased sample of them
        held_real = max(float(held.sum()) * eng.represents, 1.0)
        affected = held & (u < inc.records / held_real)
        real, reached = inc.records, inc.records / (eng.n * eng.represents)
    sensitivity = max(taxonomy.CATEGORIES[cat].sensitivity for cat in inc.data)
    attack = inc.kind == "breach" and inc.cause == "intrusion"      # an outside attack; the rest is negligence
    weight = eng.b.outrage.breach_attack if attack else eng.b.outrage.breach_negligent
    source = eng.backlash.add(Source(inc.name, key, sensitivity, weight, affected=affected,
                                     aware=np.zeros(eng.n, dtype=bool), bystander=BYSTANDER * math.sqrt(reached)))
    costly = inc.kind == "breach" or inc.records is not None
    if costly:
        eng.count("breached", np.flatnonzero(affected))
        if inc.known:
            book(eng, real, inc.notify)
    eng.recorder.mark(day, inc.kind, inc.name)
    if real <= 0:
        return
    eng.regulator.judge(law.Act("breach"), inc.name, day, persons=real, public=inc.notify or inc.public,
                        sensitive=taxonomy.is_sensitive(list(inc.data)))
    if inc.authority and costly:
        eng.count("notified", np.flatnonzero(affected))
    intensity = min(1.0, sensitivity * math.sqrt(reached)) if inc.public else 0.0
    source.news_tier = breach_tier(eng, real)
    if inc.notify:
        eng.backlash.story(source, day, intensity, source.news_tier)
        told = np.flatnonzero(affected & eng.pop.active)
        v = eng.backlash.told(source, told, day)
        learn(eng, source, told, v, day, all_at_once=False)
    elif inc.public:
        gap = eng.streams.exponential(Decision.ARRIVAL, key, 0, 30.0)  # found by others (T-Mobile: 2–3 weeks)
        late = real if costly and not inc.known else 0.0
        eng.calendar.at(day + gap, lambda d: _surface(eng, source, intensity, d, late))


def book(eng: Replication, records: float, notified: bool) -> None:
    """Book the direct cost of a breach of ``records`` real records, in the scenario's currency."""
    eng.costs["breach"] += convert(breach_cost(eng.b, records, notified), "USD", eng.s.economics.currency)


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


def breach_tier(eng: Replication, people: float) -> int:
    """The outlet tier of a breach story, by the real people affected."""
    m = eng.b.media
    return FRONT_PAGE if people >= m.breach_front_page else NATIONAL if people >= m.breach_national else TRADE


def _surface(eng: Replication, source: Source, intensity: float, day: int, records: float = 0.0) -> None:
    """A hidden incident comes out: victims learn late, and what was kept from them weighs as a covert use.

    One the company did not know of is paid for now (``records``: its real records).
    """
    if records:
        book(eng, records, notified=False)
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
        eng.backlash.general_story(day, tier, e.intensity)
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
