"""The rule base: which acts the law in force on a given day makes violations, by jurisdiction and by date.

One statement of the rules for the simulated regulator (``privsim.model.regulator``) and for lint
(``privsim.tester.lint``), so the two never disagree on what is a violation. A rule names the act it
judges (a data use, a retroactive change, a re-permission campaign, a security failure, the handling of
opt-outs), the kind of violation, where and from when to when it is in force, and its legal source.
Dates and sources are in docs/model.md §10; tags: [V] checked against the text, [R] recalled, [A] our
reading where the law leaves room (heuristics, not legal advice).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from privsim.scenario import taxonomy

REFERENCE_DATE = date(2026, 1, 1)     # a scenario without start_date starts here: results never read the clock

KINDS = {
    "consent_bypassed": "a purpose that needs consent (or, under older law, an opt-out) run with less",
    "sensitive_without_consent": "special-category or sensitive data used without the consent the law asks",
    "invalid_consent": "consent obtained by a dark pattern (pre-ticked, hidden reject, bundled, forced)",
    "undisclosed_use": "a use customers were not told about",
    "deception": "a practice that contradicts a published privacy claim",
    "children": "children's data used without the consent the law asks",
    "biometric_without_consent": "biometric identifiers collected without written consent (BIPA)",
    "opt_out_ignored": "opt-outs not honoured, or later than the legal limit",
    "retroactive_change": "new terms applied to data already held, without opt-in",
    "repermission_to_opted_out": "marketing (asking again included) to people who objected",
    "breach": "a security failure exposed personal data",
}
SHARING = frozenset({"data_sale", "third_party_sharing", "cross_context_tracking"})
MARKETING = frozenset({"marketing_email", "profiling", "personalisation", "data_sale", "third_party_sharing",
                       "cross_context_tracking", "data_merger", "location_tracking", "sensitive_inference"})
MINOR_RISK = frozenset({"data_sale", "third_party_sharing", "cross_context_tracking", "profiling",
                        "sensitive_inference", "marketing_email", "location_tracking"})
DARK = frozenset({"pre_ticked", "hidden_reject", "bundled", "forced"})   # patterns that void consent
NOT_CHOSEN = ("none", "notice_only")     # the customer was offered no choice at all
CLAIMS: dict[str, Callable[[Use], bool]] = {}   # filled below: policy claim -> the uses that break it


@dataclass(frozen=True)
class Use:
    """What the law reads about one data use (a practice, a merger or a sale)."""

    id: str
    purpose: str
    data: frozenset[str]
    consent: str                         # opt_in | opt_out | notice_only | none
    disclosed: bool = True
    ui_patterns: frozenset[str] = frozenset()
    channel: str = "none"
    audience_min_age: int | None = None
    data_source: str | None = None
    unsubscribe_link: bool | None = None
    legal_basis: str | None = None

    def special(self, regime: str) -> bool:
        """Uses data on a law's special list (``gdpr``, ``dpd``, ``cpra``, ``bipa``, ``coppa``)."""
        return _special(self.data, regime)

    def minors(self, age: int) -> bool:
        """Reaches people under ``age`` (a stated audience, or children's data)."""
        return "children" in self.data or (self.audience_min_age is not None and self.audience_min_age < age)

    @property
    def soft_opt_in(self) -> bool:
        """Marketing e-mail to one's own customers with a refusal offered (ePrivacy Art. 13(2), PECR reg. 22(3))."""
        return (self.purpose == "marketing_email" and self.consent in ("opt_in", "opt_out")
                and self.data_source in (None, "first_party_sale") and self.unsubscribe_link is not False)


@functools.lru_cache(maxsize=1024)
def _special(data: frozenset[str], regime: str) -> bool:
    return taxonomy.is_sensitive(sorted(data), regime)


@dataclass(frozen=True)
class Company:
    """What the law reads about the strategy as a whole."""

    claims: frozenset[str] = frozenset()
    financial_institution: bool = False
    do_not_sell_link: bool | None = None     # None: not stated (then the consent mode decides)
    honours_gpc: bool | None = None
    under_order: bool = False                # bound by an earlier privacy order (a new violation is a repeat)


@dataclass(frozen=True)
class Act:
    """Something the company does that a rule may judge: a use, or a one-off act on it."""

    what: str                            # use | retroactive_change | repermission | breach | opt_out
    use: Use | None = None
    company: Company = field(default_factory=Company)
    latency_days: int | None = None      # opt_out: days to honour a request (None: never)
    target: str = ""                     # repermission: lapsed | opted_out | all_without_consent
    channel: str = ""                    # repermission: email | sms | postal | in_app


@dataclass(frozen=True)
class Rule:
    """One rule: the violation it defines, where and when it is in force, its source, and its test."""

    id: str
    kind: str
    jurisdiction: str
    start: date
    end: date | None
    source: str
    act: str | tuple[str, ...]           # the acts it judges
    test: Callable[[Act], bool]
    limit_days: int | None = None        # for opt_out rules: the latest an opt-out may be honoured

    def in_force(self, day: date) -> bool:
        """The rule applies on ``day``."""
        return self.start <= day and (self.end is None or day <= self.end)


def _needs(rule: Callable[[Use], bool]) -> Callable[[Act], bool]:
    return lambda act: act.use is not None and rule(act.use)


def _always(act: Act) -> bool:
    return True


def _late(limit: int) -> Callable[[Act], bool]:
    return lambda act: act.latency_days is None or act.latency_days > limit


def _broken(act: Act) -> bool:
    """The act contradicts a claim the privacy policy makes."""
    claims = act.company.claims
    if act.what == "opt_out":
        return "honour_opt_outs" in claims and act.latency_days is None
    if act.what == "retroactive_change":
        return "no_retroactive_changes" in claims
    if act.what == "breach":
        return "secure_data" in claims
    return act.use is not None and any(CLAIMS[c](act.use) for c in claims if c in CLAIMS)


def _objectors(act: Act) -> bool:
    """A campaign that reaches people who opted out."""
    return act.target in ("opted_out", "all_without_consent")


CLAIMS.update({
    "never_sell": lambda u: u.purpose == "data_sale",
    "never_share": lambda u: u.purpose in SHARING,
    "no_location_tracking": lambda u: u.purpose == "location_tracking" or "location" in u.data,
    "no_sensitive_data": lambda u: bool(taxonomy.is_sensitive(sorted(u.data))),
    "anonymous_profiles": lambda u: u.purpose == "data_merger" or {"contact", "browsing"} <= u.data,
})
# secure_data is broken by a breach (an act, not a use): see _broken

D = date
DPD, GDPR = D(1998, 10, 25), D(2018, 5, 25)          # Directive 95/46/EC transposition deadline; GDPR applies
DPA98, PECR = D(2000, 3, 1), D(2003, 12, 11)          # UK Data Protection Act 1998 in force; PECR in force
EPD, COOKIES = D(2003, 10, 31), D(2011, 5, 25)        # ePrivacy Directive transposition; 2009/136/EC Art. 5(3)
UK_COOKIES = D(2011, 5, 26)
FTC_PRIVACY = D(1998, 8, 13)                          # In re GeoCities: the FTC's first online privacy case
GATEWAY, BJS = D(2004, 7, 7), D(2005, 6, 16)          # retroactive change as unfair; data security as unfair
COPPA, CAN_SPAM, GLBA = D(2000, 4, 21), D(2004, 1, 1), D(2001, 7, 1)
CCPA, CPRA, BIPA = D(2020, 1, 1), D(2023, 1, 1), D(2008, 10, 3)
PRE_GDPR = D(2018, 5, 24)


def _eu_family(j: str, first: date, email_from: date, cookies_from: date, names: dict[str, str]) -> list[Rule]:
    """The EU and UK rules, which share their structure and differ in dates and statutes."""
    old = names["old"]
    return [
        Rule(f"{j}_old_sensitive", "sensitive_without_consent", j, first, PRE_GDPR,
             f"{old}: explicit consent for special categories (95/46/EC Art. 8(2)(a)) [R]", "use",
             _needs(lambda u: u.special("dpd") and u.consent != "opt_in")),
        Rule(f"{j}_gdpr_sensitive", "sensitive_without_consent", j, GDPR, None,
             f"{names['gdpr']} Art. 9(2)(a): explicit consent for special categories [V]", "use",
             _needs(lambda u: u.special("gdpr") and u.consent != "opt_in")),
        Rule(f"{j}_old_transparency", "undisclosed_use", j, first, PRE_GDPR,
             f"{old}: the data subject must be informed (95/46/EC Arts. 10–11) [R]", "use",
             _needs(lambda u: not u.disclosed)),
        Rule(f"{j}_gdpr_transparency", "undisclosed_use", j, GDPR, None,
             f"{names['gdpr']} Arts. 5(1)(a), 13, 14: information at collection [V]", "use",
             _needs(lambda u: not u.disclosed)),
        Rule(f"{j}_old_objection", "consent_bypassed", j, first, PRE_GDPR,
             f"{old}: the right to object to processing for direct marketing (95/46/EC Art. 14(b)); no choice "
             "offered is no right to object [A]", "use",
             _needs(lambda u: u.disclosed and u.consent in NOT_CHOSEN and u.purpose in MARKETING
                    and u.purpose not in ("marketing_email", "cross_context_tracking"))),
        Rule(f"{j}_email", "consent_bypassed", j, email_from, None,
             f"{names['email']}: prior consent for marketing e-mail, save the soft opt-in to one's own customers "
             "with a refusal offered in every message [V]", "use",
             _needs(lambda u: u.purpose == "marketing_email" and u.consent != "opt_in" and not u.soft_opt_in)),
        Rule(f"{j}_device_refusal", "consent_bypassed", j, email_from, cookies_from - timedelta(days=1),
             f"{names['cookies']} as first enacted: information and a right to refuse for storage on devices [R]",
             "use", _needs(lambda u: u.purpose == "cross_context_tracking" and u.consent in NOT_CHOSEN)),
        Rule(f"{j}_device_consent", "consent_bypassed", j, cookies_from, None,
             f"{names['cookies']} as amended (2009/136/EC): consent for tracking stored on devices [V]", "use",
             _needs(lambda u: u.purpose == "cross_context_tracking" and u.consent != "opt_in")),
        Rule(f"{j}_gdpr_consent", "consent_bypassed", j, GDPR, None,
             f"{names['gdpr']} Arts. 6(1)(a), 7: consent for purposes customers do not expect (taxonomy: "
             "needs_consent); an opt-out is no consent (CJEU C-673/17 Planet49, 2019), a contract no basis for "
             "behavioural ads (DPC v Meta, 2023) [A]", "use",
             _needs(lambda u: taxonomy.PURPOSES[u.purpose].needs_consent
                    and (u.consent != "opt_in" or u.legal_basis == "contract")
                    and u.purpose not in ("marketing_email", "cross_context_tracking"))),
        Rule(f"{j}_gdpr_dark", "invalid_consent", j, GDPR, None,
             f"{names['gdpr']} Arts. 4(11), 7(4), Recitals 32, 42–43: freely given, unambiguous consent; "
             "Planet49 (2019); CNIL v Google €150M (2021) [V]", "use",
             _needs(lambda u: u.consent == "opt_in" and bool(u.ui_patterns & DARK))),
        Rule(f"{j}_gdpr_children", "children", j, GDPR, None,
             f"{names['gdpr']} Art. 8: a child's consent needs a parent's below 16 (13 in the UK) [V]", "use",
             _needs(lambda u: u.minors(names["minors"]) and u.purpose in MINOR_RISK and u.consent != "opt_in")),
        Rule(f"{j}_fairness", "deception", j, first, None,
             f"{old} / {names['gdpr']}: fair processing (95/46/EC Art. 6(1)(a); GDPR Art. 5(1)(a)) [R]",
             ("use", "opt_out", "retroactive_change", "breach"), _broken),
        Rule(f"{j}_objection_limit", "opt_out_ignored", j, first, None,
             f"{names['gdpr']} Arts. 12(3), 21(3): within one month (the same under {old} [A])", "opt_out",
             _late(30), limit_days=30),
        Rule(f"{j}_repermission", "repermission_to_opted_out", j, email_from, None,
             f"{names['email']}: an e-mail asking for consent is itself marketing, to people who opted out or "
             "never consented (ICO v Flybe and v Honda, 2017) [V]", "repermission",
             lambda act: _objectors(act) or act.channel in ("email", "sms")),
        Rule(f"{j}_security", "breach", j, first, None,
             f"{old} (95/46/EC Art. 17) / {names['gdpr']} Art. 32: appropriate security [R]", "breach", _always),
        Rule(f"{j}_purpose_limitation", "retroactive_change", j, first, None,
             f"{old} (95/46/EC Art. 6(1)(b)) / {names['gdpr']} Arts. 5(1)(b), 6(4): purpose limitation [R]",
             "retroactive_change", _always),
    ]


RULES: tuple[Rule, ...] = (
    *_eu_family("eu", DPD, EPD, COOKIES, {"old": "Data Protection Directive", "gdpr": "GDPR",
                                           "email": "ePrivacy Directive 2002/58/EC Art. 13",
                                           "cookies": "ePrivacy Art. 5(3)", "minors": 16}),
    *_eu_family("uk", DPA98, PECR, UK_COOKIES, {"old": "Data Protection Act 1998", "gdpr": "UK GDPR",
                                                 "email": "PECR reg. 22", "cookies": "PECR reg. 6", "minors": 13}),
    # US federal
    Rule("us_ftc_deception", "deception", "us", FTC_PRIVACY, None,
         "FTC Act §5 deception: a broken privacy promise (In re GeoCities, 1998; Toysmart, 2000); a breach "
         "against a promise of security (In re Eli Lilly, 2002) [V]",
         ("use", "opt_out", "retroactive_change", "breach"), _broken),
    Rule("us_ftc_omission", "undisclosed_use", "us", FTC_PRIVACY, None,
         "FTC Act §5 deception by omission: data sold or shared without disclosure (In re Sears Holdings, 2009; "
         "FTC v Vizio, 2017) [A]", "use", _needs(lambda u: not u.disclosed and u.purpose in SHARING)),
    Rule("us_ftc_retroactive", "retroactive_change", "us", GATEWAY, None,
         "FTC Act §5: a material retroactive change without opt-in is unfair and deceptive (In re Gateway "
         "Learning, 2004) [V]", "retroactive_change", _always),
    Rule("us_ftc_security", "breach", "us", BJS, None,
         "FTC Act §5 unfairness: unreasonable data security (In re BJ's Wholesale Club, 2005) [R]", "breach",
         _always),
    Rule("us_coppa", "children", "us", COPPA, None,
         "COPPA Rule (16 CFR 312): verifiable parental consent under 13; civil penalties per child [V]", "use",
         _needs(lambda u: u.minors(13) and u.consent != "opt_in")),
    Rule("us_canspam_opt_out", "opt_out_ignored", "us", CAN_SPAM, None,
         "CAN-SPAM Act §7704(a)(4): honour an e-mail opt-out within 10 business days (≈ 14 days) [V]", "opt_out",
         lambda act: act.use is not None and act.use.channel == "email" and _late(14)(act), limit_days=14),
    Rule("us_canspam_repermission", "repermission_to_opted_out", "us", CAN_SPAM, None,
         "CAN-SPAM Act §7704(a)(4): no commercial e-mail after an opt-out [V]", "repermission",
         lambda act: _objectors(act) and act.channel == "email"),
    Rule("us_glba", "consent_bypassed", "us", GLBA, None,
         "Gramm–Leach–Bliley Act, Privacy Rule: notice and an opt-out before a financial institution shares "
         "with non-affiliated third parties [R]", "use",
         lambda act: act.company.financial_institution and act.use is not None
         and act.use.purpose in ("data_sale", "third_party_sharing") and act.use.consent in NOT_CHOSEN),
    # California (CCPA as amended by the CPRA)
    Rule("ca_ccpa_sale", "consent_bypassed", "us_ca", CCPA, None,
         "CCPA §1798.120, §1798.135: a working right to opt out of sale ('Do Not Sell', Global Privacy Control; "
         "California AG v Sephora, 2022) [V]", "use",
         lambda act: act.use is not None and act.use.purpose in ("data_sale", "third_party_sharing")
         and act.use.consent != "opt_in" and (act.use.consent in NOT_CHOSEN or act.company.do_not_sell_link is False
                                              or act.company.honours_gpc is False)),
    Rule("ca_cpra_share", "consent_bypassed", "us_ca", CPRA, None,
         "CPRA §1798.120: a right to opt out of sharing for cross-context behavioural advertising [V]", "use",
         _needs(lambda u: u.purpose == "cross_context_tracking" and u.consent in NOT_CHOSEN)),
    Rule("ca_cpra_sensitive", "sensitive_without_consent", "us_ca", CPRA, None,
         "CPRA §1798.121: a right to limit the use of sensitive personal information [V]", "use",
         _needs(lambda u: u.special("cpra") and u.consent in NOT_CHOSEN)),
    Rule("ca_ccpa_minors", "children", "us_ca", CCPA, None,
         "CCPA §1798.120(c): opt-in to sell or share data of consumers under 16 [V]", "use",
         _needs(lambda u: u.minors(16) and u.purpose in SHARING and u.consent != "opt_in")),
    Rule("ca_cpra_dark", "invalid_consent", "us_ca", CPRA, None,
         "CPRA §1798.140(h): agreement obtained through dark patterns is not consent; CPPA v Honda (2025) [V]",
         "use", _needs(lambda u: u.consent == "opt_in" and bool(u.ui_patterns & DARK))),
    Rule("ca_ccpa_notice", "undisclosed_use", "us_ca", CCPA, None,
         "CCPA §1798.100(b): notice at collection of the purposes of use [V]", "use",
         _needs(lambda u: not u.disclosed)),
    Rule("ca_ccpa_opt_out", "opt_out_ignored", "us_ca", CCPA, None,
         "CCPA regulations §7026(f): act on an opt-out within 15 business days (≈ 21 days) [V]", "opt_out",
         lambda act: act.use is not None and act.use.purpose in SHARING and _late(21)(act), limit_days=21),
    Rule("ca_ccpa_repermission", "repermission_to_opted_out", "us_ca", CCPA, None,
         "CCPA §1798.135(c)(4): wait 12 months before asking an opted-out consumer again [V]", "repermission",
         _objectors),
    Rule("ca_ccpa_security", "breach", "us_ca", CCPA, None,
         "CCPA §1798.150: damages for a breach caused by unreasonable security [V]", "breach", _always),
    # Illinois
    Rule("il_bipa", "biometric_without_consent", "us_il", BIPA, None,
         "Illinois BIPA 740 ILCS 14/15(b): written release before collecting biometric identifiers; 15(c): no "
         "sale [V]", "use",
         _needs(lambda u: u.special("bipa") and (u.consent != "opt_in" or u.purpose == "data_sale"))),
)
IMPLIES = {"us_ca": ("us", "us_ca"), "us_il": ("us", "us_il"), "us": ("us",), "eu": ("eu",), "uk": ("uk",)}
CHANGES = sorted({r.start for r in RULES} | {r.end + timedelta(days=1) for r in RULES if r.end})  # the law changes


def regimes(jurisdictions: Iterable[str]) -> list[str]:
    """The rule sets that apply: California and Illinois add to the US federal rules."""
    out: list[str] = []
    for j in jurisdictions:
        out += [r for r in IMPLIES[j] if r not in out]
    return out


def breaches(act: Act, jurisdictions: Iterable[str], day: date) -> list[Rule]:
    """Every rule in force on ``day`` in ``jurisdictions`` that ``act`` breaks."""
    return list(_breaches(act, tuple(jurisdictions), era(day)))


def era(day: date) -> int:
    """Which stretch between two changes of the law ``day`` falls in: the rules in force are the same within one."""
    return bisect.bisect_right(CHANGES, day)


@functools.lru_cache(maxsize=4096)
def _breaches(act: Act, jurisdictions: tuple[str, ...], era: int) -> tuple[Rule, ...]:
    """``breaches`` between two changes of the law (``era``: CHANGES before the day), judged once.

    Rules and acts are immutable and a rule's test reads only the act, so the answer is the same on
    every day of an era; the engine asks it for every live use every day.
    """
    day = CHANGES[era - 1] if era else date.min
    where = set(regimes(jurisdictions))
    return tuple(r for r in RULES if act.what in _acts(r) and r.jurisdiction in where and r.in_force(day)
                 and r.test(act))


def _acts(rule: Rule) -> tuple[str, ...]:
    return rule.act if isinstance(rule.act, tuple) else (rule.act,)


def opt_out_limit(jurisdictions: Iterable[str], day: date, use: Use | None = None) -> int | None:
    """The strictest legal limit in days for honouring an opt-out from ``use`` (None: no rule sets one)."""
    where = set(regimes(jurisdictions))
    limits = [r.limit_days for r in RULES if "opt_out" in _acts(r) and r.jurisdiction in where and r.in_force(day)
              and r.limit_days is not None and (use is None or r.test(Act("opt_out", use, latency_days=None)))]
    return min(limits) if limits else None


def kinds(act: Act, jurisdictions: Iterable[str], day: date) -> set[str]:
    """The kinds of violation ``act`` is on ``day``."""
    return {r.kind for r in breaches(act, jurisdictions, day)}


# ---------------------------------------------------------------- breach notification
CA_BREACH, CA_AG_NOTICE = D(2003, 7, 1), D(2012, 1, 1)   # Cal. Civ. Code §1798.82 (SB 1386); AG copy (SB 24)
US_PERSONAL = frozenset({"government_id", "financial", "account_credentials", "health", "biometric", "genetic"})
AG_THRESHOLD = 500       # California residents in one breach from which the Attorney General gets a copy


@dataclass(frozen=True)
class Duty:
    """Who must be told of a breach that the company knows of, where and from when (docs/operations.md §4)."""

    jurisdiction: str
    start: date
    source: str
    authority: Callable[[frozenset[str], float], bool]    # (data, real records) -> the regulator must be told
    subjects: Callable[[frozenset[str], float], bool]     # -> the people affected must be told


def _high_risk(data: frozenset[str], records: float) -> bool:
    return taxonomy.is_sensitive(sorted(data)) or bool(data & US_PERSONAL)


DUTIES: tuple[Duty, ...] = (
    *(Duty(j, GDPR, f"{name} Art. 33: the authority within 72 hours unless the breach is unlikely to be a risk; "
                    "Art. 34: the people affected when it is a high risk, not when the data are unintelligible "
                    "(34(3)(a)) [V]", lambda data, records: True, _high_risk)
      for j, name in (("eu", "GDPR"), ("uk", "UK GDPR"))),
    Duty("us", CA_BREACH, "Cal. Civ. Code §1798.82 (2003) and the other state laws (all 50 states by 2018): "
                          "residents whose unencrypted name with an SSN, ID, account, medical or login data was "
                          "taken; the Attorney General from 500 residents (2012) [R]",
         lambda data, records: bool(data & US_PERSONAL) and records >= AG_THRESHOLD,
         lambda data, records: bool(data & US_PERSONAL)),
)


def notice_duty(jurisdictions: Iterable[str], day: date, data: Iterable[str], records: float,
                encrypted: bool = False) -> tuple[bool, bool]:
    """(authority, people affected): whom the law in force on ``day`` makes the company tell of a known breach.

    Encrypted data whose key was not taken is no notifiable breach (GDPR Arts. 33(1), 34(3)(a); the
    encryption exemption of every US state law).
    """
    if encrypted or records <= 0:
        return False, False
    where, held = set(regimes(jurisdictions)), frozenset(data)
    duties = [d for d in DUTIES if d.jurisdiction in where and d.start <= day]
    return (any(d.authority(held, records) for d in duties), any(d.subjects(held, records) for d in duties))
