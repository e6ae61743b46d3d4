"""Data categories with sensitivity and purposes with expectedness.

A practice's privacy cost is ``sensitivity(data) × (1 − expectedness(purpose))``
(docs/model.md §2). Values are on 0–1; each carries a one-line source or rationale.
Tags: [V] checked against a source, [R] recalled from primary material, [N] an anecdote (one case),
[A] our judgement. Sources: docs/sources.md, docs/taxonomy_sources.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """A data category: how sensitive customers find it, and which laws treat it as special (``privsim.scenario.law``).

    ``special`` names the lists it is on: ``gdpr`` (GDPR Art. 9 special categories, also the UK's), ``dpd``
    (Directive 95/46/EC Art. 8), ``cpra`` (CPRA "sensitive personal information", Cal. Civ. Code
    §1798.140(ae)), ``bipa`` (Illinois biometric identifiers), ``coppa`` (children's data).
    """

    sensitivity: float
    special: frozenset[str]
    why: str


@dataclass(frozen=True)
class Purpose:
    """A purpose of use: how expected it is in the context where the data was collected."""

    expectedness: float
    needs_consent: bool
    why: str


NONE: frozenset[str] = frozenset()
CATEGORIES: dict[str, Category] = {
    "contact": Category(0.20, NONE, "[A] name/e-mail/phone: routine identifiers customers hand over freely"),
    "public_content": Category(0.20, NONE, "[A] = contact: published by the user; publicly available data is not CPRA sensitive PI ((ae)(3))"),
    "identifiers": Category(0.30, NONE, "[A] customer/device ids: linkable but not revealing on their own"),
    "demographics": Category(0.30, NONE, "[A] age, gender, household: Lotus MarketPlace drew 30k removal requests"),
    "purchase_history": Category(0.35, NONE, "[A] retailer-held; Abacus catalogue data was the DoubleClick merger asset"),
    "coarse_location": Category(0.35, NONE, "[A] city-level (fides imprecise): zip code sits with demographics in Milne et al. 2017; not CPRA-precise"),
    "preferences": Category(0.30, NONE, "[A] stated interests: given knowingly, low surprise"),
    "browsing": Category(0.45, NONE, "[V] cross-site activity: ATT opt-in ≈25% of prompted users (Flurry 2021)"),
    "political_opinions": Category(0.45, frozenset({"gdpr", "dpd"}), "[A] GDPR Art. 9, not CPRA; candidate preference rated not very sensitive (Pew 2014)"),
    "racial_ethnic_origin": Category(0.50, frozenset({"gdpr", "dpd", "cpra"}), "[A] GDPR Art. 9, CPRA (ae)(1)(D); with age and gender in Milne 2017, raised for discrimination harm"),
    "religious_beliefs": Category(0.50, frozenset({"gdpr", "dpd", "cpra"}), "[A] GDPR Art. 9, CPRA (ae)(1)(D); H&M's €35.3M fine covered recorded beliefs (Hamburg DPA 2020)"),
    "union_membership": Category(0.50, frozenset({"gdpr", "dpd", "cpra"}), "[A] as religious_beliefs (same clause of GDPR Art. 9 and CPRA (ae)(1)(D)); no perception figure"),
    "contact_list": Category(0.60, NONE, "[N] address books: one case, Path's upload reversed within a day "
                                         "(docs/sources.md §taxonomy)"),
    "self_image": Category(0.60, NONE, "[A] 82% wary of revealing personal photos (Payback); biometric only if processed to identify (GDPR Rec. 51)"),
    "sex_life_orientation": Category(0.65, frozenset({"gdpr", "cpra"}), "[A] GDPR Art. 9, CPRA (ae)(2)(C); Grindr NOK 65M: using the app alone reveals orientation"),
    "location": Category(0.70, frozenset({"cpra"}), "[V] precise geolocation is sensitive PI under CPRA; Google $391.5M (2022)"),
    "financial": Category(0.80, frozenset({"cpra"}), "[V] 64% vs 49% would leave after financial vs personal data loss (Gemalto 2015)"),
    "communications": Category(0.80, frozenset({"cpra"}), "[R] message contents are CPRA sensitive PI"),
    "criminal_history": Category(0.80, NONE, "[A] = financial: stigma, exclusion from work and housing; GDPR Art. 10, not Art. 9 (no list here)"),
    "government_id": Category(0.85, frozenset({"cpra"}), "[V] SSNs: 90% call them very sensitive (Pew 2014, "
                                                         "docs/taxonomy_sources.md §4); Equifax, T-Mobile breaches "
                                                         "(docs/sources.md §taxonomy)"),
    "account_credentials": Category(0.85, frozenset({"cpra"}), "[A] = government_id: passwords sit with SSNs in Milne 2017's secure identifiers; CPRA (ae)(1)(B)"),
    "health": Category(0.90, frozenset({"gdpr", "dpd", "cpra"}), "[R] GDPR Art. 9 special category; healthcare breach churn 6.5% (Ponemon 2008)"),
    "biometric": Category(0.90, frozenset({"gdpr", "cpra", "bipa"}), "[R] GDPR Art. 9 special category"),
    "neural": Category(0.90, frozenset({"cpra"}), "[A] = health: measured from the nervous system; CPRA sensitive PI from 2025 (SB 1223)"),
    "children": Category(0.90, frozenset({"coppa"}), "[R] COPPA; Path's $800k fine was for under-13 users"),
    "sensitive_inference": Category(0.90, frozenset({"gdpr", "dpd", "cpra"}), "[V] inferred pregnancy/health (Target 2012); inferred data judged least acceptable"),
    "genetic": Category(1.00, frozenset({"gdpr", "dpd", "cpra"}), "[V] GDPR Art. 9; 15% of 23andMe customers asked for deletion (2025)"),
}

PURPOSES: dict[str, Purpose] = {
    "service_delivery": Purpose(0.95, False, "[A] the reason the data was given"),
    "customer_service_access": Purpose(0.80, False, "[A] staff seeing data to serve you is expected; misuse is not"),
    "remote_workplace": Purpose(0.80, False, "[A] processing location, invisible to customers until a loss"),
    "site_analytics": Purpose(0.70, True, "[V] first-party measurement: 59% consent in CNIL's 2020 survey"),
    "legal_disclosure": Purpose(0.70, False, "[A] compelled by law (subpoena, regulator): seldom anticipated, but not the company's choice"),
    "marketing_email": Purpose(0.60, True, "[A] expected from a seller you bought from (ePD Art. 13(2) soft opt-in)"),
    "personalisation": Purpose(0.50, True, "[V] within-site use judged acceptable (Kim, Barasz & John 2019)"),
    "limited_data_ads": Purpose(0.50, True, "[A] ads chosen on limited data, no profile (TCF purpose 2): between site_analytics and profiling"),
    "research": Purpose(0.40, True, "[A] secondary use customers rarely anticipate"),
    "profiling": Purpose(0.30, True, "[V] 44% consent to behavioural ads in CNIL's 2020 survey"),
    "location_tracking": Purpose(0.25, True, "[V] tracking after location history was off drew $391.5M (Google 2022)"),
    "unspecified_purpose": Purpose(0.20, True, "[A] collected for a use 'not yet expressly defined' (fides collect): fails GDPR Art. 5(1)(b)"),
    "ai_training": Purpose(0.20, True, "[A] 80% of those aware of AI expect data used in ways not originally intended (Pew 2023)"),
    "third_party_sharing": Purpose(0.15, True, "[V] sharing without permission deters 55% (Ping Identity 2019)"),
    "cross_context_tracking": Purpose(0.10, True, "[V] ATT 'track you across other companies' apps': 4–25% opt in"),
    "data_merger": Purpose(0.10, True, "[V] joining anonymous browsing to identities: DoubleClick–Abacus 2000"),
    "data_sale": Purpose(0.05, True, "[V] Toysmart sold data against its promise: 44 states objected"),
    "sensitive_inference": Purpose(0.05, True, "[V] Target pregnancy model: the classic creepy inference"),
    "publication": Purpose(0.05, True, "[N] a customer's activity shown to other users: Beacon's purchase "
                                      "stories drew a 50,000-signature petition in 9 days (docs/sources.md §taxonomy)"),
}

CONSENT_MODES = ("opt_in", "opt_out", "notice_only", "none")
CHANNELS = ("none", "email", "sms", "phone", "push", "postal", "in_app")
NOTICE_CHANNELS = ("in_app", "email", "postal", "website_only")
UI_PATTERNS = ("pre_ticked", "hidden_reject", "confirmshaming", "nagging", "bundled", "forced")
JURISDICTIONS = ("eu", "uk", "us", "us_ca")


def privacy_cost(data: list[str], purpose: str) -> float:
    """x_k = max sensitivity of the categories × (1 − expectedness of the purpose)."""
    sensitivity = max(CATEGORIES[c].sensitivity for c in data)
    return sensitivity * (1.0 - PURPOSES[purpose].expectedness)


def is_sensitive(data: list[str], regime: str | None = None) -> bool:
    """True when a category is special under ``regime`` (``gdpr``, ``cpra`` …), or under any law when None."""
    return any(CATEGORIES[c].special if regime is None else regime in CATEGORIES[c].special for c in data)
