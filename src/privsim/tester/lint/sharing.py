"""Checks on sharing, sale and merger (LNT-17 … LNT-20) and on transparency (LNT-21, LNT-22)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from privsim.scenario import law, taxonomy
from privsim.tester.lint.base import Hit, check, unknown
from privsim.tester.lint.context import QUASI_IDENTIFIERS, SHARING, Context, Use
from privsim.tester.lint.packs import ALL


def stop(u: Use) -> dict[str, Any] | None:
    """The patch that withdraws a use: a practice reaches nobody, a sale sells no record."""
    if u.practice is not None:
        return u.patch(segments=[])
    return u.patch(share_of_records=0.0) if u.purpose == "data_sale" else None


@check("LNT-17", "Sale or sharing without a working opt-out (California; GLBA)", "high", packs=("us", "us_ca"),
       trigger="the rule base says consent_bypassed under US law: in California a sale or sharing with no choice, "
               "no Do-Not-Sell link or Global Privacy Control ignored (controls.do_not_sell_link / honours_gpc); "
               "a financial institution sharing with third parties without notice and opt-out (GLBA)",
       rule="CCPA §1798.120, §1798.135, regs §7025 (GPC); California AG v Sephora (2022, $1.2M); "
            "Gramm–Leach–Bliley Act Privacy Rule (16 CFR 313)",
       fix="offer a 'Do Not Sell or Share' link and honour Global Privacy Control; an opt-out before sharing",
       pda="Appropriation", linddun="Data disclosure", kind="consent_bypassed")
def sale_opt_out(ctx: Context) -> Iterator[Hit]:
    c = ctx.scenario.strategy.controls
    for u in ctx.judged_uses:
        if u.purpose not in SHARING or u.consent == "opt_in":
            continue
        broken = ctx.use_breaks(u, "consent_bypassed", ("us", "us_ca"))
        choice = u.patch(consent="opt_out") if u.consent in law.NOT_CHOSEN else {}
        if any(r.jurisdiction == "us_ca" for r in broken):
            missing = [n for n, v in (("no Do-Not-Sell link", c.do_not_sell_link), ("GPC ignored", c.honours_gpc))
                       if v is False] or [f"consent {u.consent}"]
            fix = {"strategy.controls.do_not_sell_link": True, "strategy.controls.honours_gpc": True}
            yield Hit(u.at("purpose"), f"{u.id}: {u.purpose} with {' and '.join(missing)}", fix | choice,
                      subject=u.id)
        elif broken:
            yield Hit(u.at("consent"), f"{u.id}: a financial institution's {u.purpose} without an opt-out (GLBA)",
                      choice, subject=u.id)
        elif "us_ca" in ctx.jurisdictions and (c.do_not_sell_link is None or c.honours_gpc is None):
            yield unknown(u.path, f"{u.id}: controls.do_not_sell_link / honours_gpc not stated")


@check("LNT-18", "Sale of sensitive data, or to data brokers", "critical", packs=ALL,
       trigger="purpose data_sale with sensitive data, or recipients contains data_broker",
       rule="FTC X-Mode/Outlogic, InMarket, Kochava (2022–24); FTC v Avast (2024, $16.5M); CPRA right to limit",
       fix="sell no sensitive category and no data to brokers", pda="Appropriation", linddun="Data disclosure")
def sensitive_sale(ctx: Context) -> Iterator[Hit]:
    for u in ctx.uses:
        if u.purpose == "data_sale" and u.sensitive:
            kept = [c for c in u.data if not taxonomy.CATEGORIES[c].special]
            yield Hit(u.at("data"), f"{u.id}: sells sensitive data",
                      u.patch(data=kept) if kept else u.informed())
        if u.practice is not None and "data_broker" in (u.practice.recipients or []):
            rest = [r for r in u.practice.recipients or [] if r != "data_broker"]
            yield Hit(u.at("recipients"), f"{u.id}: data goes to a data broker", u.patch(recipients=rest))


@check("LNT-19", "Data merger or dataset combination without notice or basis", "high", packs=ALL,
       trigger="purpose data_merger (or data_source: merged) that is covert (disclosed: false) or has consent: none",
       rule="GDPR Art. 14, 5(1)(b); CJEU C-252/21 Meta v Bundeskartellamt (2023); DoubleClick–Abacus (2000)",
       fix="tell customers and ask before combining (disclosed: true, consent: opt_in)",
       pda="Unanticipated revelation", linddun="Linking")
def merger(ctx: Context) -> Iterator[Hit]:
    for u in ctx.uses:
        merged = u.purpose == "data_merger" or (u.practice is not None and u.practice.data_source == "merged")
        if merged and (not u.disclosed or u.consent == "none"):
            yield Hit(u.at("disclosed" if not u.disclosed else "consent"),
                      f"{u.id}: combines datasets " + ("covertly" if not u.disclosed else "without consent"),
                      u.informed())


@check("LNT-20", "Re-identification exposure", "high", packs=ALL,
       trigger="a practice sharing, selling, merging or researching data with deidentified: true that still "
               "holds quasi-identifiers (identifiers, demographics, location, biometric, genetic)",
       rule="NIST PRAM 're-identification'; LINDDUN Linking/Identifying; GDPR Recital 26",
       fix="drop the quasi-identifiers, or treat the data as personal data", pda="Re-identification",
       linddun="Identifying")
def reidentification(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        if p is None or u.purpose not in SHARING | {"data_merger", "research"}:
            continue
        quasi = [c for c in u.data if c in QUASI_IDENTIFIERS]
        if p.deidentified and quasi:
            kept = [c for c in u.data if c not in QUASI_IDENTIFIERS]
            yield Hit(u.at("deidentified"), f"{u.id}: 'de-identified' data still holds {', '.join(quasi)}",
                      u.patch(data=kept) if kept else None)
        elif p.deidentified is None:
            yield unknown(u.path, f"{u.id}: deidentified not stated")


@check("LNT-21", "Covert processing, no notice", "high", packs=ALL,
       trigger="the rule base says undisclosed_use (disclosed: false): always in the EU, UK and California; in "
               "the US for data sold or shared; critical with sensitive data, location or a sale",
       rule="GDPR Art. 5(1)(a), 12–14; CCPA §1798.100(b); FTC Act §5 deception by omission; Facebook Beacon "
            "(2007, $9.5M)",
       fix="tell customers (disclosed: true)", pda="Surveillance", linddun="Unawareness", kind="undisclosed_use")
def covert(ctx: Context) -> Iterator[Hit]:
    for u in ctx.uses:
        if ctx.use_breaks(u, "undisclosed_use"):
            worse = u.sensitive or "location" in u.data or u.purpose in ("data_sale", "location_tracking")
            yield Hit(u.at("disclosed"), f"{u.id}: {u.purpose} is hidden from customers",
                      u.patch(disclosed=True), "critical" if worse else None, subject=u.id)


@check("LNT-22", "Practice contradicts the stated policy", "critical", packs=ALL,
       trigger="the rule base says deception: never_sell vs a sale, never_share vs sharing or sale, "
               "no_location_tracking vs location, no_sensitive_data vs sensitive data, anonymous_profiles vs "
               "browsing joined to names, honour_opt_outs vs opt_out_latency_days: null, "
               "no_retroactive_changes vs a retroactive policy_change (secure_data is broken by a breach)",
       rule="FTC Act §5 deception; In re Gateway Learning (2004); Google location settlement (2022); "
            "Toysmart (2000); GDPR Art. 5(1)(a)",
       fix="make the practice keep the promise (or stop it)", pda="Appropriation", linddun="Non-compliance",
       kind="deception")
def broken_promise(ctx: Context) -> Iterator[Hit]:
    claims = ctx.scenario.strategy.policy_claims
    if claims is None:
        if ctx.uses:
            yield unknown(ctx.strategy, "strategy.policy_claims not stated")
        return
    for u in ctx.uses:
        if ctx.use_breaks(u, "deception"):
            broken = [c for c in claims if c in law.CLAIMS and law.CLAIMS[c](u.facts)]
            yield Hit(u.at("purpose"), f"{u.id}: {u.purpose} breaks the promise '{broken[0]}'", stop(u), subject=u.id)
    latency = ctx.scenario.strategy.controls.opt_out_latency_days
    for u in ctx.uses:
        if ctx.breaks(law.Act("opt_out", u.facts, latency_days=latency), "deception"):
            yield Hit(ctx.controls("opt_out_latency_days"), f"opt-outs from {u.id} are never honoured despite "
                      "'honour_opt_outs'", {"strategy.controls.opt_out_latency_days": ctx.opt_out_limit}, subject=u.id)
    uses = {u.id: u for u in ctx.uses}
    for i, e in ctx.events("policy_change"):
        for pid in e.practices if e.retroactive else []:
            if pid in uses and ctx.breaks(law.Act("retroactive_change", uses[pid].facts), "deception", day=e.day or 0):
                yield Hit(("events", i, "retroactive"), f"policy change on day {e.day} is retroactive for {pid} "
                          "despite 'no_retroactive_changes'", {f"events.{i}.retroactive": False}, subject=pid)


@check("LNT-32", "Biometric identifiers without written consent (Illinois BIPA)", "critical", packs=("us_il",),
       trigger="the rule base says biometric_without_consent: biometric data without opt-in, or sold",
       rule="740 ILCS 14/15(b), 15(c); liquidated damages $1,000 (negligent) or $5,000 (reckless) per violation; "
            "Facebook $650M settlement (2021)",
       fix="collect biometric identifiers only with a written release (consent: opt_in), never sell them",
       pda="Appropriation", linddun="Non-compliance", kind="biometric_without_consent")
def biometric(ctx: Context) -> Iterator[Hit]:
    for u in ctx.judged_uses:
        if ctx.use_breaks(u, "biometric_without_consent"):
            yield Hit(u.at("consent"), f"{u.id}: biometric data on {u.consent} for {u.purpose}", u.informed(),
                      subject=u.id)
