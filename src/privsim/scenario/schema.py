"""The scenario format: pydantic models of the whole file, strict keys, frozen values.

Every field carries its range and a description; cross-field rules live in model validators.
``privsim.scenario.load`` is the door from YAML to these objects.
"""

from __future__ import annotations

import hashlib
import json
import re
import typing
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import ConfigDict, Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from privsim.errors import InputError
from privsim.scenario import popfile, taxonomy
from privsim.scenario.base import LocatedError, Strict
from privsim.scenario.coefficients import Behavior
from privsim.scenario.law import REFERENCE_DATE

SCHEMA_VERSION = 4
NAME = r"^[a-z][a-z0-9_]*$"

Category = Literal[tuple(taxonomy.CATEGORIES)]  # type: ignore[valid-type]
PurposeName = Literal[tuple(taxonomy.PURPOSES)]  # type: ignore[valid-type]
ConsentMode = Literal["opt_in", "opt_out", "notice_only", "none"]
Channel = Literal["none", "email", "sms", "phone", "push", "postal", "in_app"]
NoticeChannel = Literal["in_app", "email", "postal", "website_only"]
Tier = Literal["trade", "national", "front_page"]
Posture = Literal["responsive", "defensive", "stonewall"]
ResponseAction = Literal["stop", "add_opt_out", "ask_opt_in", "add_notice", "add_controls", "apologise"]
UIPattern = Literal["pre_ticked", "hidden_reject", "confirmshaming", "nagging", "bundled", "forced"]
Jurisdiction = Literal["eu", "uk", "us", "us_ca", "us_il"]
LegalBasis = Literal["consent", "contract", "legitimate_interest", "legal_obligation", "vital_interests",
                     "public_task"]
DataSource = Literal["first_party_sale", "first_party_other", "purchased", "merged", "inferred"]
Recipient = Literal["processor", "ad_partner", "data_broker", "affiliate", "public_authority"]
PolicyClaim = Literal["never_sell", "never_share", "no_location_tracking", "no_sensitive_data",
                      "honour_opt_outs", "no_retroactive_changes", "secure_data", "anonymous_profiles"]
LINT_ONLY = {"lint_only": True}   # marks optional fields only the worst-practice tester reads
Share = Annotated[float, Field(ge=0.0, le=1.0)]
Day = Annotated[int, Field(ge=0, le=3650)]
Rate = Annotated[float, Field(gt=0.0, le=365.0)]          # events a year
# Money and counts have documented maxima, so no total can overflow or lose its meaning (docs/scenario.md).
MAX_VALUE = 1e7             # revenue of one customer in a year
MAX_UNIT = 1e5              # a unit price or cost: per record, per complaint, per contact, per record sold
MAX_INCENTIVE = 1e6         # a one-off incentive for consent
MARGIN = 0.30              # contribution margin on sales: retail 0.22–0.45 (docs/economics_sources.md §3)
MAX_TURNOVER = 1e13         # a company's yearly turnover (the largest are below 1e12)
MAX_REAL = 1e10             # real customers a population stands for (more than the world's population)
MAX_SEGMENTS, MAX_PRACTICES, MAX_EVENTS = 100, 64, 500
SHARE_TOLERANCE = 0.005     # a segment's share may differ this much from its share in population.from_file





# ---------------------------------------------------------------- population
class Segment(Strict):
    """A privacy-attitude segment (Westin-style) with its economics."""

    share: float = Field(gt=0.0, le=1.0, description="share of the population")
    concern: Share = Field(description="baseline privacy concern, 0–1")
    trust: Share = Field(description="baseline trust in the company, 0–1")
    annual_value: float = Field(ge=0.0, le=MAX_VALUE, description="revenue per customer per year, economics.currency")
    churn_per_year: float = Field(ge=0.0, lt=1.0, description="baseline yearly churn without privacy effects")
    privacy_active: Share | None = Field(
        None, description="share of privacy actives; default behavior.churn.privacy_active_share")


class Network(Strict):
    """How word of mouth travels: mean field, or a sparse small-world graph."""

    kind: Literal["mean_field", "small_world"] = "mean_field"
    degree: int = Field(10, ge=2, le=200, description="contacts per customer (small_world)")
    rewire: Share = Field(0.1, description="Watts–Strogatz rewiring probability (small_world)")

    @field_validator("degree")
    @classmethod
    def _even(cls, v: int) -> int:
        if v % 2:
            raise ValueError(f"got {v}; allowed: an even number (a ring lattice links k/2 each side)")
        return v


class Shock(Strict):
    """A one-off wave of new customers (a campaign, a competitor's exit, a demand shock)."""

    day: Day
    share: float = Field(gt=0.0, le=5.0, description="new customers as a share of the starting base")


class Acquisition(Strict):
    """New customers joining over the horizon, each drawn from the segment mix."""

    per_year: float = Field(0.0, ge=0.0, le=2.0, description="new customers a year as a share of the starting "
                                                         "base (retail CRM ≈ 0.25: docs/economics_sources.md §6)")
    shocks: list[Shock] = Field(default_factory=list, max_length=50)


class Population(Strict):
    """Simulated customers, whom they stand for, and their attitudes."""

    size: int = Field(ge=1, le=50_000_000, description="simulated customers")
    represents: float = Field(1.0, ge=1.0, le=1e9, description="real customers each simulated one stands for")
    concern_drift_per_year: float = Field(
        0.01, ge=-0.2, le=0.2, description="yearly drift of baseline concern (Pew 2019–23: 79%→81% concerned)")
    lock_in: Share = Field(0.0, description="switching cost: share of privacy-driven exits that never happen")
    segments: dict[str, Segment] = Field(min_length=1, max_length=MAX_SEGMENTS)
    network: Network = Network()
    acquisition: Acquisition = Field(Acquisition(), description="new customers over the horizon: practices that "
                                     "ask on start ask them at sign-up")
    from_file: str | None = Field(
        None, description="a per-customer population file (Parquet, from `privsim population build`), relative to "
                          "the scenario file: size customers are resampled from it by segment (docs/own-data.md)")
    _table: popfile.CustomerTable | None = PrivateAttr(None)

    @field_validator("from_file")
    @classmethod
    def _absolute(cls, v: str | None, info: ValidationInfo) -> str | None:
        """A relative path is read from the scenario file's folder (the working folder for text and --set)."""
        if v is None:
            return None
        base = (info.context or {}).get("base") or Path.cwd()
        path = Path(v).expanduser()
        return str(path if path.is_absolute() else Path(base).absolute() / path)

    @property
    def table(self) -> popfile.CustomerTable | None:
        """The customers of ``from_file``, checked (None without one)."""
        return self._table

    @field_validator("segments")
    @classmethod
    def _segments(cls, v: dict[str, Segment]) -> dict[str, Segment]:
        bad = [name for name in v if not re.match(NAME, name)]
        if bad:
            raise ValueError(f"segment name {bad[0]!r} is not allowed; allowed: lower_snake_case names")
        if "all" in v:
            raise ValueError("segment name 'all' is reserved for the whole population; allowed: another name")
        total = sum(s.share for s in v.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"shares sum to {total:.6g}; allowed: shares summing to 1")
        return v

    @model_validator(mode="after")
    def _feasible(self) -> Population:
        if self.from_file is not None:
            self._attach(self.from_file)
        if self.size < len(self.segments):
            raise LocatedError(("size",), f"got {self.size} for {len(self.segments)} segments; allowed: at least "
                               "one simulated customer per segment")
        if self.size * self.represents > MAX_REAL:
            raise LocatedError(("represents",), f"size × represents is {self.size * self.represents:.3g} real "
                               f"customers; allowed: at most {MAX_REAL:.0e}")
        return self

    def _attach(self, path: str) -> None:
        """Load the customers of ``from_file``; its segments and shares must be the block's."""
        try:
            table = popfile.load_table(path)
        except InputError as exc:
            raise LocatedError(("from_file",), str(exc)) from None
        shares = table.shares()
        if set(shares) != set(self.segments):
            raise LocatedError(("segments",), f"segments {', '.join(sorted(self.segments))} are not the file's; "
                               f"allowed: {', '.join(table.names)} (the segments of {path})")
        off = [n for n, s in self.segments.items() if abs(s.share - shares[n]) > SHARE_TOLERANCE]
        if off:
            mix = ", ".join(f"{n} {shares[n]:.4f}" for n in table.names)
            raise LocatedError(("segments", off[0], "share"), f"got {self.segments[off[0]].share:g}; allowed: "
                               f"the file's shares within {SHARE_TOLERANCE:g}: {mix}")
        self._table = table


# ---------------------------------------------------------------- strategy
class Practice(Strict):
    """One use of customer data (DESIGN §4): what, how consent is asked, contacts, money."""

    id: str = Field(pattern=NAME, description="unique id, lower_snake_case")
    purpose: PurposeName
    data: list[Category] = Field(min_length=1, description="data categories used")
    consent: ConsentMode
    disclosed: bool = Field(True, description="false: a covert use customers are not told about")
    ask_on_start: bool = Field(True, description="ask for consent when the practice starts (else only by campaign)")
    notice: NoticeChannel = Field("email", description="how customers are told (opt_out, notice_only)")
    framing: Literal["neutral", "benefit", "alarm"] = "neutral"
    ui_patterns: list[UIPattern] = Field(default_factory=list, description="dark patterns in the consent flow")
    channel: Channel = Field("none", description="contact channel, if the practice sends messages")
    contacts_per_month: float = Field(0.0, ge=0.0, le=300.0)
    revenue_lift: float = Field(0.0, ge=-1.0, le=5.0, description="relative revenue lift on reached customers")
    data_revenue_per_record: float = Field(0.0, ge=0.0, le=MAX_UNIT, description="yearly revenue per reached record")
    segments: list[str] | None = Field(None, description="target segments; null = everyone")
    share: Share = Field(1.0, description="share of the targeted customers it reaches (e.g. one platform's "
                                          "users); the same customers in every arm")
    start_day: Day = 0
    end_day: Day | None = None
    incentive: float = Field(0.0, ge=0.0, le=MAX_INCENTIVE,
                             description="one-off value offered for consent, economics.currency")
    visibility: Literal["targeted", "all_at_once"] = "targeted"
    centrality: Share | None = Field(None, description="override of its revenue at stake (0 peripheral … 1 the "
                                                       "business model); null: its share of revenue in the run")
    # optional facts the law reads (privsim.scenario.law); null: not stated
    data_source: DataSource | None = Field(
        None, description="where the data comes from: first_party_sale (bought from you), first_party_other, "
                          "purchased, merged or inferred (the soft opt-in needs first_party_sale)")
    unsubscribe_link: bool | None = Field(
        None, description="every message carries an unsubscribe / objection route")
    audience_min_age: int | None = Field(
        None, ge=0, le=120, description="youngest age in the targeted audience (children's rules)")
    legal_basis: LegalBasis | None = Field(
        None, description="lawful basis claimed for the use (GDPR Art. 6; a contract is no basis for ads)")
    # optional fields read only by the worst-practice tester (privsim lint); null: not stated
    collected_for: PurposeName | None = Field(
        None, description="the purpose the data was originally collected for", json_schema_extra=LINT_ONLY)
    opt_in_steps: int | None = Field(
        None, ge=1, le=50, description="clicks needed to give consent", json_schema_extra=LINT_ONLY)
    opt_out_steps: int | None = Field(
        None, ge=1, le=50, description="clicks needed to refuse or withdraw consent", json_schema_extra=LINT_ONLY)
    recipients: list[Recipient] | None = Field(
        None, description="who receives the data outside the company", json_schema_extra=LINT_ONLY)
    contracts_in_place: bool | None = Field(
        None, description="processor / third-party contracts cover every recipient", json_schema_extra=LINT_ONLY)
    deidentified: bool | None = Field(
        None, description="the data is pseudonymised or 'anonymised' before it leaves", json_schema_extra=LINT_ONLY)
    automated_decision: Literal["none", "with_human_review", "without_human_review"] | None = Field(
        None, description="decisions with legal or similar effect (credit, eligibility, price) made by the "
                          "practice", json_schema_extra=LINT_ONLY)

    @model_validator(mode="after")
    def _coherent(self) -> Practice:
        if not self.disclosed and self.consent in ("opt_in", "opt_out"):
            raise ValueError(f"a covert practice cannot ask for consent (consent: {self.consent}); "
                             "allowed: consent none or notice_only with disclosed: false")
        if self.end_day is not None and self.end_day < self.start_day:
            raise ValueError(f"end_day {self.end_day} is before start_day {self.start_day}")
        if (self.channel == "none") != (self.contacts_per_month == 0):
            raise ValueError("channel and contacts_per_month go together: a channel needs contacts, "
                             "contacts need a channel")
        return self


class Controls(Strict):
    """Operational privacy controls."""

    opt_out_latency_days: int | None = Field(10, ge=0, le=3650, description="null: opt-outs never honoured")
    retention_days: int | None = Field(None, ge=0, le=36_500,
                                       description="days former customers' records are kept; null: forever")
    # security controls: each lowers the incident hazard it addresses (docs/operations.md); null: not stated (off)
    access_logging: bool | None = Field(
        None, description="staff access to customer records is logged and reviewed: deters and detects insider "
                          "misuse")
    just_in_time_access: bool = Field(
        False, description="agents open a record only for a ticket, for its duration (no standing access)")
    field_masking: bool = Field(
        False, description="sensitive fields are masked on agents' screens unless the task needs them")
    mfa: bool = Field(False, description="multi-factor authentication on remote access")
    disk_encryption: bool = Field(False, description="full-disk encryption of devices holding customer data")
    dlp: bool = Field(False, description="data-loss prevention blocks bulk exports by staff")
    security_training: bool = Field(False, description="staff phishing and security-awareness training")
    # optional fields read only by the worst-practice tester (privsim lint); null: not stated
    device_policy: Literal["managed", "byod_managed", "byod_unmanaged"] | None = Field(
        None, description="devices remote staff use for customer data", json_schema_extra=LINT_ONLY)
    employee_monitoring: Literal["none", "activity", "keystroke", "screen", "webcam"] | None = Field(
        None, description="how remote staff are monitored", json_schema_extra=LINT_ONLY)
    honours_gpc: bool | None = Field(
        None, description="Global Privacy Control signals are honoured as opt-outs (the law reads it)")
    do_not_sell_link: bool | None = Field(
        None, description="a 'Do Not Sell or Share' link is offered (CCPA; the law reads it)")
    erasure_honoured: bool | None = Field(
        None, description="deletion requests remove the person from every active use", json_schema_extra=LINT_ONLY)


class ResponsePolicy(Strict):
    """How the company responds under pressure: a posture (its tolerance) and the actions it takes in turn."""

    posture: Posture = Field("responsive", description="tolerance of pressure before acting: responsive (acts "
                                                       "within days), defensive (defends, yields to more), "
                                                       "stonewall (denies until pressure is overwhelming)")
    actions: list[ResponseAction] = Field(
        default_factory=lambda: ["apologise", "stop"], max_length=12,
        description="what it does, one step each time pressure exceeds its tolerance; an apology goes with the "
                    "step after it; [] never responds")
    notice: NoticeChannel = Field("in_app", description="how add_notice and add_opt_out tell customers")


# ---------------------------------------------------------------- operations
class ServiceDesk(Strict):
    """Service staff who open customer records while serving customers."""

    staff: int | None = Field(None, ge=0, le=10_000_000, description="agents who can open customer records; null: "
                                                                    "as many as the contacts need (real customers "
                                                                    "× contacts a year ÷ contacts per agent)")
    contacts_per_agent_year: float = Field(
        12_000.0, gt=0.0, le=1e6, description="contacts one agent handles a year (≈ 55 a day: "
                                              "docs/operations_sources.md O2.5)")
    broad_share: Share = Field(0.0, description="share of agents who can open every record; the rest see only "
                                               "the customers they serve (need-to-know)")
    turnover_per_year: float = Field(0.30, ge=0.0, le=5.0, description="leavers per agent per year")
    contacts_per_customer_year: float = Field(
        0.3, ge=0.0, le=365.0, description="service contacts a customer makes a year (calls, chats, e-mails): "
                                           "retail 0.3, telecom 1.8–2.5 (docs/operations_sources.md O10.1)")
    cost_per_contact: float = Field(
        6.0, ge=0.0, le=MAX_UNIT, description="handling cost of one service contact, economics.currency [A]")


class RemoteWork(Strict):
    """Staff who work off-site with customer data, and the devices that hold it."""

    staff: int = Field(0, ge=0, le=10_000_000, description="staff who reach customer data from off-site")
    devices_per_person: float = Field(1.0, ge=0.0, le=10.0, description="laptops and phones each carries")
    local_records_share: Share = Field(
        0.05, description="share of customer records a device holds locally (exports, caches, synced files)")


class Operations(Strict):
    """Who can see customer data, where it travels and where copies sit: the exposure incidents scale with.

    Stated, the engine draws insider misuse, leavers taking data, lost devices, remote-access compromises,
    test-copy leaks and outside intrusions at rates per exposure unit (docs/operations.md); absent, no
    operational incident is drawn (scripted ``breach``/``service_incident`` events still happen).
    """

    service: ServiceDesk = ServiceDesk()
    remote: RemoteWork = RemoteWork()
    test_data: Literal["none", "synthetic", "masked", "production"] = Field(
        "none", description="copies of customer data in test and development environments: none, synthetic, "
                            "masked (not personal data) or production copies")
    outside_attacks: bool = Field(True, description="outside intrusions at behavior.incidents.intrusion_per_year")


class Strategy(Strict):
    """A strategy: practices, controls and the response policy."""

    name: str = "Unnamed strategy"
    practices: list[Practice] = Field(default_factory=list, max_length=MAX_PRACTICES)
    controls: Controls = Controls()
    response: ResponsePolicy = ResponsePolicy()
    dpia_done: bool | None = Field(
        None, description="a data-protection impact assessment covers the strategy (lint only)",
        json_schema_extra=LINT_ONLY)
    policy_claims: list[PolicyClaim] | None = Field(
        None, description="promises the privacy policy makes; a practice that breaks one is deception")
    financial_institution: bool = Field(
        False, description="the company is a financial institution (US GLBA privacy rule applies)")
    under_order: bool = Field(
        False, description="the company is bound by an earlier privacy order: a new violation is a repeat "
                           "(civil penalties per violation in the US)")

    @field_validator("practices")
    @classmethod
    def _unique(cls, v: list[Practice]) -> list[Practice]:
        ids = [p.id for p in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"practice id {dupes[0]!r} appears more than once; allowed: unique ids")
        return v


# ---------------------------------------------------------------- events
class Event(Strict):
    """Common timing: on a ``day``, or at a yearly ``rate_per_year`` (Poisson arrivals)."""

    id: str | None = Field(None, pattern=NAME)
    day: Day | None = None
    rate_per_year: Rate | None = None

    @model_validator(mode="after")
    def _timing(self) -> Event:
        if (self.day is None) == (self.rate_per_year is None):
            raise ValueError("give exactly one of day or rate_per_year")
        return self


class OneOff(Event):
    """An event that happens once, on a day."""

    @model_validator(mode="after")
    def _day_only(self) -> OneOff:
        if self.day is None:
            raise ValueError(f"a {self.type} happens on a day; allowed: day, not rate_per_year")  # type: ignore[attr-defined]
        return self


class PolicyChange(OneOff):
    """A change of terms for some practices, possibly applied to data already held."""

    type: Literal["policy_change"]
    practices: list[str] = Field(min_length=1)
    new_consent: ConsentMode | None = Field(None, description="the consent mode after the change")
    retroactive: bool = False
    notice: NoticeChannel = "email"


class DataMerger(OneOff):
    """Joining a new data source (e.g. anonymous browsing) to customer identities."""

    type: Literal["data_merger"]
    data: list[Category] = Field(min_length=1)
    consent: ConsentMode = "opt_out"
    disclosed: bool = True
    notice: NoticeChannel = "website_only"
    revenue_lift: float = Field(0.0, ge=-1.0, le=5.0)
    data_revenue_per_record: float = Field(0.0, ge=0.0, le=MAX_UNIT)
    centrality: Share | None = Field(None, description="override of its revenue at stake; null: from the run")


class DataSale(OneOff):
    """Selling customer records to a third party."""

    type: Literal["data_sale"]
    data: list[Category] = Field(min_length=1)
    share_of_records: Share = 1.0
    price_per_record: float = Field(0.0, ge=0.0, le=MAX_UNIT, description="one-off, economics.currency")
    consent: ConsentMode = "none"
    disclosed: bool = False


class Breach(Event):
    """Records exposed by a loss or an attack; ``rate_per_year: controls``: the rate operations and controls imply."""

    type: Literal["breach"]
    rate_per_year: Rate | Literal["controls"] | None = None  # type: ignore[assignment]
    share_of_records: Share = 1.0
    data: list[Category] = Field(default_factory=lambda: ["contact", "purchase_history"], min_length=1)
    cause: Literal["lost_laptop", "remote_access", "intrusion", "insider", "departure", "test_copy"] = "intrusion"
    notify: bool = True


class ServiceIncident(Event):
    """Staff misuse of customer data seen while serving them ('God View')."""

    type: Literal["service_incident"]
    rate_per_year: Rate | Literal["controls"] | None = None  # type: ignore[assignment]
    share_affected: Share = 0.001
    data: list[Category] = Field(default_factory=lambda: ["location"], min_length=1)
    public: bool = Field(True, description="the incident becomes a media story")


class MediaStory(Event):
    """A story that exposes named practices, or raises privacy salience in general."""

    type: Literal["media_story"]
    practices: list[str] = Field(default_factory=list)
    intensity: Share = 1.0
    tier: Tier = Field("national", description="the outlet: trade (trade and tech press), national, front_page "
                                              "(front pages everywhere); its audience is behavior.media.audience_*")


class ClassAction(OneOff):
    """A lawsuit filed over named practices: news of its own (its settlement is not modelled here)."""

    type: Literal["class_action"]
    practices: list[str] = Field(min_length=1)
    intensity: Share = 0.6
    tier: Tier = "national"


class RepermissionCampaign(OneOff):
    """Asking customers without consent again (itself marketing)."""

    type: Literal["repermission_campaign"]
    practices: list[str] = Field(min_length=1)
    target: Literal["lapsed", "opted_out", "all_without_consent"] = "lapsed"
    channel: Literal["email", "sms", "postal", "in_app"] = "email"
    incentive: float = Field(0.0, ge=0.0, le=MAX_INCENTIVE)


EVENTS = (PolicyChange, DataMerger, DataSale, Breach, ServiceIncident, MediaStory, ClassAction,
          RepermissionCampaign)
AnyEvent = Annotated[Union[EVENTS], Field(discriminator="type")]  # noqa: UP007  (a union built from the tuple)
EVENT_TYPES = tuple(typing.get_args(e.model_fields["type"].annotation)[0] for e in EVENTS)
COMPANY_CAUSED = frozenset(EVENT_TYPES) - {"media_story", "class_action"}   # the company's own (none in the baseline)


# ---------------------------------------------------------------- economics
class Economics(Strict):
    """Money: currency, discounting and unit costs."""

    currency: Literal["USD", "EUR", "GBP"] = "USD"
    discount_rate: float = Field(0.08, ge=0.0, le=1.0, description="annual")
    cost_per_contact: float = Field(0.005, ge=0.0, le=MAX_UNIT)
    cost_per_complaint: float = Field(5.0, ge=0.0, le=MAX_UNIT, description="handling cost of one complaint")
    margin: Share = Field(MARGIN, description="contribution margin on sales (annual value and lifts): cash is "
                                              "margin × sales + data revenue − costs (docs/model.md §12)")
    terminal_value: Literal["lifetime", "none"] = Field(
        "lifetime", description="lifetime: value the customers left at the horizon (total_value); none: stop there")
    annual_turnover: float | None = Field(
        None, ge=0.0, le=MAX_TURNOVER, description="for fine caps; null: real customers × mean annual value")


# ---------------------------------------------------------------- tester blocks
class Gate(Strict):
    """Thresholds and adverse draws of the stress test (``privsim test``); null turns a threshold off."""

    max_value_loss: float | None = Field(
        None, ge=0.0, le=1e15, description="P95 loss of total value (NPV + terminal value) against the "
                                           "no-practice baseline, economics.currency")
    max_value_loss_share: float | None = Field(
        0.01, ge=0.0, le=100.0, description="P95 loss of total value as a share of the baseline's total value "
                                            "(materiality) [A]")
    max_regulator_probability: Share | None = Field(
        0.25, description="probability that a regulator opens an investigation [A]")
    max_backlash_peak: Share | None = Field(
        0.05, description="P95 of peak backlash (share of active customers aware and offended) [A]")
    discovery_after_days: Day = Field(
        90, description="covert practices are exposed by a media story this many days after they start")
    extra_concern_drift_per_year: float = Field(
        0.05, ge=0.0, le=0.2, description="added to population.concern_drift_per_year (capped at 0.2)")
    breaches: bool = Field(True, description="draw operational incidents (from the default operations when the "
                                             "scenario states none)")


class Observation(Strict):
    """One thing that happened in a historical case, comparable with a simulated KPI."""

    kpi: str = Field(description="KPI name, e.g. backlash_peak, regulator_action, fines, privacy_churn")
    value: float = Field(description="the observed value in the KPI's unit (regulator_action: 1 or 0)")
    text: str = Field(description="what happened, in words, with its figure")
    note: str | None = Field(None, description="why the simulation differs from history here, if it does")


class Case(Strict):
    """Metadata of a historical worst-practice case (scenarios/cases/)."""

    company: str
    year: int = Field(ge=1900, le=2100)
    story: str
    what_happened: str
    sources: list[str] = Field(min_length=1)
    lesson: str
    observed: list[Observation] = Field(default_factory=list)
    model_gap: str | None = Field(None, description="where the simulation disagrees with history, and why")


# ---------------------------------------------------------------- scenario
class Scenario(Strict):
    """A whole scenario file."""

    model_config = ConfigDict(**Strict.model_config, populate_by_name=True)

    schema_version: int = Field(SCHEMA_VERSION, alias="schema", ge=SCHEMA_VERSION, le=SCHEMA_VERSION)
    name: str
    description: str = ""
    start_date: date = Field(REFERENCE_DATE, ge=date(1970, 1, 1), le=date(2100, 1, 1),
                             description="the scenario's day 0; the law in force on each simulated day applies "
                                         "(default: the fixed reference date, never the clock)")
    horizon_days: int = Field(365, ge=1, le=3650)
    replications: int = Field(20, ge=1, le=100_000)
    seed: int = Field(2026, ge=0, le=2**63 - 1)
    jurisdictions: list[Jurisdiction] = Field(default_factory=lambda: ["eu"])
    population: Population
    strategy: Strategy = Strategy()
    operations: Operations | None = Field(
        None, description="staff, devices and test copies: incidents drawn from exposure (null: none drawn)")
    events: list[AnyEvent] = Field(default_factory=list, max_length=MAX_EVENTS)
    behavior: Behavior = Behavior()
    economics: Economics = Economics()
    gate: Gate | None = Field(None, description="stress-test thresholds (privsim test)")
    case: Case | None = Field(None, description="a historical case's metadata (scenarios/cases/)")
    counterfactual: dict[str, Any] | None = Field(
        None, description="the better strategy as a patch: {dotted.path: value}, paths as for --set")

    @model_validator(mode="after")
    def _references(self) -> Scenario:
        a = self.population.acquisition
        joining = a.per_year * self.horizon_days / 365.0 + sum(sh.share for sh in a.shocks)
        if self.population.size * (1.0 + joining) > 50_000_000:
            raise LocatedError(("population", "acquisition"), f"{self.population.size:,} customers and "
                               f"{joining:.3g}× as many joining exceed 50,000,000 simulated; allowed: a smaller size")
        for i, sh in enumerate(a.shocks):
            if sh.day >= self.horizon_days:
                raise LocatedError(("population", "acquisition", "shocks", i, "day"),
                                   f"day {sh.day} is past the horizon; allowed: 0 … {self.horizon_days - 1}")
        segments = set(self.population.segments)
        for i, p in enumerate(self.strategy.practices):
            for s in p.segments or []:
                if s not in segments:
                    raise LocatedError(("strategy", "practices", i, "segments"),
                                   f"unknown segment {s!r}; allowed: {', '.join(sorted(segments))}")
        ids = {p.id for p in self.strategy.practices}
        for i, e in enumerate(self.events):   # data mergers and sales run as practices from their day
            if isinstance(e, DataMerger | DataSale):
                flow = e.id or f"{e.type}_{i}"
                if flow in ids:
                    raise LocatedError(("events", i, "id"), f"id {flow!r} is already a practice id; allowed: a new id")
                ids.add(flow)
        for i, e in enumerate(self.events):
            for ref in getattr(e, "practices", []):
                if ref not in ids:
                    raise LocatedError(("events", i, "practices"),
                                   f"unknown practice {ref!r}; allowed: {', '.join(sorted(ids)) or 'none defined'}")
            if e.day is not None and e.day >= self.horizon_days:   # days run 0 … horizon_days − 1
                raise LocatedError(("events", i, "day"),
                                   f"got {e.day}; allowed: 0 to {self.horizon_days - 1} (horizon_days − 1)")
        return self

    def digest(self) -> str:
        """SHA-256 of the resolved scenario: the key for caching and run summaries."""
        payload = json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True)
        if self.population.table is not None:      # the customers, not only the file's name
            payload += self.population.table.sha256
        return hashlib.sha256(payload.encode()).hexdigest()

    def practice(self, practice_id: str) -> Practice:
        """The practice with this id."""
        return next(p for p in self.strategy.practices if p.id == practice_id)
