"""Checks on sharing, sale and merger (LNT-17 … LNT-20) and on transparency (LNT-21, LNT-22)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from privsim.scenario import taxonomy
from privsim.tester.lint.base import Hit, check, unknown
from privsim.tester.lint.context import QUASI_IDENTIFIERS, SHARING, Context, Use
from privsim.tester.lint.packs import ALL


def stop(u: Use) -> dict[str, Any] | None:
    """The patch that withdraws a use: a practice reaches nobody, a sale sells no record."""
    if u.practice is not None:
        return u.patch(segments=[])
    return u.patch(share_of_records=0.0) if u.purpose == "data_sale" else None


@check("LNT-17", "Sale or sharing without a working opt-out (California)", "high", packs=("us_ca",),
       trigger="purpose data_sale, third_party_sharing or cross_context_tracking without opt_in, where "
               "controls.do_not_sell_link or controls.honours_gpc is false",
       rule="CCPA §1798.120, §1798.135, regs §7025 (GPC); California AG v Sephora (2022, $1.2M)",
       fix="offer a 'Do Not Sell or Share' link and honour Global Privacy Control",
       pda="Appropriation", linddun="Data disclosure")
def sale_opt_out(ctx: Context) -> Iterator[Hit]:
    c = ctx.scenario.strategy.controls
    fix = {"strategy.controls.do_not_sell_link": True, "strategy.controls.honours_gpc": True}
    for u in ctx.uses:
        if u.purpose not in SHARING or u.consent == "opt_in":
            continue
        if c.do_not_sell_link is False or c.honours_gpc is False:
            missing = [n for n, v in (("no Do-Not-Sell link", c.do_not_sell_link), ("GPC ignored", c.honours_gpc))
                       if v is False]
            yield Hit(u.at("purpose"), f"{u.id}: {u.purpose} with {' and '.join(missing)}", fix)
        elif c.do_not_sell_link is None or c.honours_gpc is None:
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
       trigger="disclosed: false; critical with sensitive data, location or a sale",
       rule="GDPR Art. 5(1)(a), 12–14; FTC Act §5 deception; Aguirre et al. 2015; Facebook Beacon (2007, $9.5M)",
       fix="tell customers (disclosed: true)", pda="Surveillance", linddun="Unawareness")
def covert(ctx: Context) -> Iterator[Hit]:
    for u in ctx.uses:
        if not u.disclosed:
            worse = u.sensitive or "location" in u.data or u.purpose in ("data_sale", "location_tracking")
            yield Hit(u.at("disclosed"), f"{u.id}: {u.purpose} is hidden from customers",
                      u.patch(disclosed=True), "critical" if worse else None)


@check("LNT-22", "Practice contradicts the stated policy", "critical", packs=ALL,
       trigger="strategy.policy_claims contradicted: never_sell vs a sale, never_share vs sharing or sale, "
               "no_location_tracking vs location, no_sensitive_data vs sensitive data, honour_opt_outs vs "
               "opt_out_latency_days: null, no_retroactive_changes vs a retroactive policy_change",
       rule="FTC Act §5 deception; In re Gateway Learning (2004); Google location settlement (2022); "
            "Toysmart (2000)",
       fix="make the practice keep the promise (or stop it)", pda="Appropriation", linddun="Non-compliance")
def broken_promise(ctx: Context) -> Iterator[Hit]:
    claims = ctx.scenario.strategy.policy_claims
    if claims is None:
        if ctx.uses:
            yield unknown(ctx.strategy, "strategy.policy_claims not stated")
        return
    broken = {
        "never_sell": lambda u: u.purpose == "data_sale",
        "never_share": lambda u: u.purpose in SHARING,
        "no_location_tracking": lambda u: u.purpose == "location_tracking" or "location" in u.data,
        "no_sensitive_data": lambda u: u.sensitive,
    }
    for claim in claims:
        if claim in broken:
            for u in ctx.uses:
                if broken[claim](u):
                    yield Hit(u.at("purpose"), f"{u.id}: {u.purpose} breaks the promise '{claim}'", stop(u))
    latency = ctx.scenario.strategy.controls.opt_out_latency_days
    if "honour_opt_outs" in claims and latency is None:
        yield Hit(ctx.controls("opt_out_latency_days"), "opt-outs are never honoured despite 'honour_opt_outs'",
                  {"strategy.controls.opt_out_latency_days": ctx.opt_out_limit})
    if "no_retroactive_changes" in claims:
        for i, e in ctx.events("policy_change"):
            if e.retroactive:
                yield Hit(("events", i, "retroactive"), f"policy change on day {e.day} is retroactive despite "
                          "'no_retroactive_changes'", {f"events.{i}.retroactive": False})
