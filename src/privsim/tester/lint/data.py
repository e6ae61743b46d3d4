"""Checks on purpose, minimisation, sensitive data and retention (LNT-11 … LNT-16, LNT-23)."""

from __future__ import annotations

from collections.abc import Iterator

from privsim.scenario import taxonomy
from privsim.tester.lint.base import Hit, check, unknown
from privsim.tester.lint.context import Context
from privsim.tester.lint.packs import ALL, EU_UK_CA

SERVICE = frozenset({"service_delivery", "customer_service_access", "remote_workplace"})
# purposes compatible with data collected for a purpose [A]: expected in the same context (GDPR Art. 6(4))
COMPATIBLE: dict[str, frozenset[str]] = {
    "service_delivery": SERVICE | {"site_analytics", "marketing_email", "personalisation"},
    "customer_service_access": SERVICE,
    "remote_workplace": SERVICE,
    "site_analytics": frozenset({"site_analytics", "personalisation"}),
    "marketing_email": frozenset({"marketing_email", "personalisation", "site_analytics"}),
    "personalisation": frozenset({"personalisation", "marketing_email", "site_analytics"}),
    "research": frozenset({"research"}),
    "profiling": frozenset({"profiling", "personalisation", "marketing_email"}),
    "location_tracking": frozenset({"location_tracking"}),
    "third_party_sharing": frozenset({"third_party_sharing"}),
    "cross_context_tracking": frozenset({"cross_context_tracking", "profiling"}),
    "data_merger": frozenset({"data_merger", "profiling"}),
    "data_sale": frozenset({"data_sale", "third_party_sharing"}),
    "sensitive_inference": frozenset({"sensitive_inference"}),
    "publication": frozenset({"publication"}),        # showing a customer's activity to others is its own purpose
    "limited_data_ads": frozenset({"limited_data_ads"}),
    "unspecified_purpose": frozenset({"unspecified_purpose"}),
    "ai_training": frozenset({"ai_training"}),
    "legal_disclosure": frozenset({"legal_disclosure"}),
}
# a disclosure the law compels is no secondary use the company chose (GDPR Art. 6(4): processing based on law) [A]
COMPATIBLE = {k: v | {"legal_disclosure"} for k, v in COMPATIBLE.items()}
_CORE = frozenset({"contact", "identifiers", "purchase_history", "preferences"})
# data categories a purpose needs [A] (CNIL PIA Q213; e.g. no location for a newsletter, no health in service notes)
NEEDED: dict[str, frozenset[str]] = {
    "service_delivery": _CORE | {"financial", "demographics"},
    "customer_service_access": _CORE | {"financial"},
    "remote_workplace": _CORE | {"financial"},
    "site_analytics": frozenset({"identifiers", "browsing"}),
    "marketing_email": _CORE | {"demographics"},
    "personalisation": _CORE | {"browsing", "demographics"},
    "research": _CORE | {"browsing", "demographics"},
    "profiling": _CORE | {"browsing", "demographics"},
    "location_tracking": frozenset({"identifiers", "location"}),
    "third_party_sharing": _CORE | {"demographics"},
    "cross_context_tracking": frozenset({"identifiers", "browsing"}),
    "data_merger": _CORE | {"browsing", "demographics"},
    "data_sale": _CORE | {"demographics"},
    "sensitive_inference": frozenset({"identifiers", "purchase_history", "browsing", "sensitive_inference"}),
    "publication": _CORE | {"browsing", "public_content"},   # what was bought or done, and what they posted
    "limited_data_ads": frozenset({"identifiers", "coarse_location"}),   # TCF purpose 2: device, non-precise location
    "unspecified_purpose": frozenset(),                # no purpose stated, so no data is necessary for it
    "ai_training": _CORE | {"browsing", "demographics"},   # as research
    "legal_disclosure": frozenset(taxonomy.CATEGORIES),   # the law, not the company, names the data
}
MINOR_RISK = frozenset({"data_sale", "third_party_sharing", "cross_context_tracking", "profiling",
                        "sensitive_inference", "publication", "ai_training"})
MAX_RETENTION_DAYS = 3 * 365   # CNIL commercial-management guidance: 3 years after last contact [R]


@check("LNT-11", "Purpose creep: incompatible secondary use", "high", packs=EU_UK_CA,
       trigger="a practice whose purpose is not compatible with collected_for, without opt-in consent",
       rule="GDPR Art. 5(1)(b), 6(4); CPRA §1798.100(c), regs §7002; Kim, Barasz & John 2019",
       fix="ask for opt-in consent to the new purpose", pda="Appropriation", linddun="Non-compliance")
def purpose_creep(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        if p is None or u.purpose in SERVICE or u.consent == "opt_in":
            continue
        if p.collected_for is None:
            yield unknown(u.path, f"{u.id}: collected_for not stated")
        elif u.purpose not in COMPATIBLE[p.collected_for]:
            yield Hit(u.at("collected_for"), f"{u.id}: data collected for {p.collected_for} used for {u.purpose}",
                      u.informed())


@check("LNT-12", "Data not necessary for the purpose (minimisation)", "medium", packs=EU_UK_CA,
       trigger="a data category outside what the purpose needs (table in privsim.tester.lint.data); high if it is "
               "sensitive",
       rule="GDPR Art. 5(1)(c); CNIL PIA Q213; Hamburg DPA v H&M (2020, €35.3M)",
       fix="drop the categories the purpose does not need", pda="Induced disclosure", linddun="Non-compliance")
def minimisation(ctx: Context) -> Iterator[Hit]:
    for u in ctx.uses:
        extra = [c for c in u.data if c not in NEEDED[u.purpose]]
        if not extra:
            continue
        kept = [c for c in u.data if c in NEEDED[u.purpose]]
        yield Hit(u.at("data"), f"{u.id}: {u.purpose} does not need {', '.join(extra)}",
                  u.patch(data=kept) if kept else None, "high" if taxonomy.is_sensitive(extra) else None)


@check("LNT-13", "Sensitive data without the consent the law asks", "critical", packs=ALL,
       trigger="the rule base says sensitive_without_consent: GDPR Art. 9 / Directive 95/46/EC Art. 8 categories "
               "without explicit opt-in (EU/UK), CPRA sensitive personal information with no choice (California)",
       rule="GDPR Art. 9; CPRA sensitive PI, §1798.121; FTC GoodRx ($1.5M) and BetterHelp ($7.8M), 2023",
       fix="ask for explicit opt-in consent (consent: opt_in, disclosed: true)",
       pda="Stigmatization", linddun="Data disclosure", kind="sensitive_without_consent")
def sensitive_without_opt_in(ctx: Context) -> Iterator[Hit]:
    for u in ctx.judged_uses:
        broken = ctx.use_breaks(u, "sensitive_without_consent")
        if broken:
            yield Hit(u.at("consent"), f"{u.id}: sensitive data on {u.consent}" + ("" if u.disclosed else
                      ", covertly") + f" ({broken[0].source})", u.informed(), subject=u.id)


@check("LNT-14", "Inferring sensitive traits", "high", packs=ALL,
       trigger="purpose sensitive_inference, data sensitive_inference, or data_source: inferred with sensitive "
               "data, unless a disclosed opt_in",
       rule="NIST PRAM 'unanticipated revelation'; WP29 WP251 profiling guidelines; Target pregnancy score (2012)",
       fix="infer sensitive traits only with disclosed opt-in consent", pda="Unanticipated revelation",
       linddun="Linking")
def sensitive_inference(ctx: Context) -> Iterator[Hit]:
    for u in ctx.uses:
        inferred = u.practice is not None and u.practice.data_source == "inferred" and u.sensitive
        if ((u.purpose == "sensitive_inference" or "sensitive_inference" in u.data or inferred)
                and not (u.consent == "opt_in" and u.disclosed)):
            yield Hit(u.at("purpose"), f"{u.id}: infers sensitive traits on {u.consent}", u.informed())


@check("LNT-15", "Precise location tracking without opt-in, or covert", "critical", packs=ALL,
       trigger="purpose location_tracking or data contains location, and consent is not a disclosed opt_in",
       rule="ePD Art. 9; CPRA precise geolocation; FTC X-Mode (2024), InMarket, Kochava; Google 40 states "
            "$391.5M (2022)",
       fix="track location only with disclosed opt-in consent", pda="Surveillance", linddun="Detecting")
def location(ctx: Context) -> Iterator[Hit]:
    for u in ctx.uses:
        if ((u.purpose == "location_tracking" or "location" in u.data)
                and not (u.consent == "opt_in" and u.disclosed)):
            yield Hit(u.at("consent"), f"{u.id}: location on {u.consent}" + ("" if u.disclosed else ", covertly"),
                      u.informed())


@check("LNT-16", "Minors' data without the consent the law asks", "critical", packs=ALL,
       trigger="the rule base says children: children's data or an audience below the law's age (COPPA 13; GDPR "
               "Art. 8 16 in the EU, 13 in the UK; CCPA 16 for a sale) without opt-in",
       rule="COPPA; CCPA §1798.120(c) ($7,988 per violation, 2025); GDPR Art. 8; FTC v Path $800k (2013)",
       fix="exclude minors, or ask for opt-in (parental consent under 13)", pda="Appropriation",
       linddun="Non-compliance", kind="children")
def minors(ctx: Context) -> Iterator[Hit]:
    for u in ctx.judged_uses:
        broken = ctx.use_breaks(u, "children")
        if broken:
            stated = u.practice.audience_min_age if u.practice else None
            where = u.at("data") if "children" in u.data else u.at("audience_min_age")
            yield Hit(where, f"{u.id}: minors' data (audience from {stated if stated is not None else 'any age'}) "
                      f"used for {u.purpose} on {u.consent} ({broken[0].source})", u.informed(), subject=u.id)
        elif u.purpose in MINOR_RISK and u.consent != "opt_in" and u.practice is not None \
                and u.practice.audience_min_age is None and "children" not in u.data:
            yield unknown(u.path, f"{u.id}: audience_min_age not stated for {u.purpose}")


@check("LNT-23", "Indefinite or excessive retention", "medium", packs=EU_UK_CA,
       trigger=f"controls.retention_days is null (kept forever) or above {MAX_RETENTION_DAYS}; high when any use "
               "has sensitive data",
       rule="GDPR Art. 5(1)(e); CNIL PIA Q215; CPRA §1798.100(a)(3); Berlin DPA v Deutsche Wohnen (2019, €14.5M)",
       fix=f"delete former customers' records after at most {MAX_RETENTION_DAYS} days",
       pda="Insecurity", linddun="Non-compliance")
def retention(ctx: Context) -> Iterator[Hit]:
    if not ctx.uses:
        return
    days = ctx.scenario.strategy.controls.retention_days
    severity = "high" if any(u.sensitive for u in ctx.uses) else None
    fix = {"strategy.controls.retention_days": MAX_RETENTION_DAYS}
    if days is None:
        yield Hit(ctx.controls("retention_days"), "former customers' records are kept forever", fix, severity)
    elif days > MAX_RETENTION_DAYS:
        yield Hit(ctx.controls("retention_days"), f"records kept {days} days", fix, severity)
