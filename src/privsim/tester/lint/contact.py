"""Checks on direct marketing and contact (LNT-07 … LNT-10) and use after objection (LNT-24)."""

from __future__ import annotations

from collections.abc import Iterator

from privsim.scenario import law
from privsim.tester.lint.base import Hit, check, unknown
from privsim.tester.lint.context import Context
from privsim.tester.lint.packs import ALL

BULK_SENDER_DAYS = 2   # Gmail/Yahoo bulk-sender rules (Feb 2024): process unsubscribes within 2 days
# contacts per month above which a channel is excessive [A]: e-mail 5/week, SMS 4/month, calls 2/month
# (research/privacy_methods.md LNT-09); push and postal are our own assumptions.
MAX_PER_MONTH = {"email": round(5 * 365.25 / 12 / 7, 1), "sms": 4.0, "phone": 2.0, "push": 30.0, "postal": 8.0}


@check("LNT-07", "Opt-out not honoured in time", "high", packs=ALL,
       trigger="the rule base says opt_out_ignored for a use: controls.opt_out_latency_days null (never) or above "
               "the limit in force (EU/UK 30 days; CAN-SPAM e-mail 14; CCPA sale 21); medium when above 2 days for "
               "e-mail (bulk-sender rules)",
       rule="CAN-SPAM 10 business days ($53,088 per e-mail); CCPA regs §7026(f) 15 business days; GDPR Art. 12(3), "
            "21(3); Gmail/Yahoo bulk-sender rules (2 days, 2024)",
       fix="honour opt-outs within the limit (controls: opt_out_latency_days)",
       pda="Unwarranted restriction", linddun="Unintervenability", kind="opt_out_ignored")
def opt_out_latency(ctx: Context) -> Iterator[Hit]:
    latency = ctx.scenario.strategy.controls.opt_out_latency_days
    path, key = ctx.controls("opt_out_latency_days"), "strategy.controls.opt_out_latency_days"
    late = False
    for u in ctx.uses:
        broken = ctx.breaks(law.Act("opt_out", u.facts, latency_days=latency), "opt_out_ignored")
        if broken:
            late = True
            limit = min(r.limit_days or 30 for r in broken)
            taken = "are never honoured" if latency is None else f"take {latency} days"
            yield Hit(path, f"opt-outs from {u.id} {taken}; the limit is {limit} ({broken[0].source})",
                      {key: limit}, subject=u.id)
    if not late and latency is not None and latency > BULK_SENDER_DAYS and any(
            u.practice and u.practice.channel == "email" for u in ctx.uses):
        yield Hit(path, f"e-mail opt-outs take {latency} days; bulk senders must honour them within "
                        f"{BULK_SENDER_DAYS}", {key: BULK_SENDER_DAYS}, severity="medium")


@check("LNT-08", "Re-permission mail to opted-out or unknown-consent contacts", "high", packs=ALL,
       trigger="a repermission_campaign that the rule base in force on its day calls repermission_to_opted_out: "
               "to people who opted out, or in the EU/UK by e-mail or SMS to anyone without consent",
       rule="ICO v Flybe £70k (3.3M e-mails) and v Honda £13k (2017): asking for consent is itself marketing; "
            "CAN-SPAM §7704(a)(4); CCPA §1798.135(c)(4): wait 12 months",
       fix="never mail people who opted out; ask lapsed customers in-app or at their next purchase",
       pda="Appropriation", linddun="Non-compliance", kind="repermission_to_opted_out")
def repermission(ctx: Context) -> Iterator[Hit]:
    uses = {u.id: u for u in ctx.uses}
    for i, e in ctx.events("repermission_campaign"):
        fix = {f"events.{i}.target": "lapsed", f"events.{i}.channel": "in_app"}
        name = e.id or f"repermission_{i}"
        broken = [r for pid in e.practices if pid in uses for r in ctx.breaks(
            law.Act("repermission", uses[pid].facts, target=e.target, channel=e.channel),
            "repermission_to_opted_out", day=e.day or 0)]
        if broken:
            who = "people who opted out" if e.target != "lapsed" else "people without consent"
            yield Hit(("events", i, "target" if e.target != "lapsed" else "channel"),
                      f"re-permission {e.channel} on day {e.day} mails {who} ({broken[0].source})", fix, subject=name)


@check("LNT-09", "Excessive contact frequency", "medium", packs=ALL,
       trigger="contacts_per_month above the channel's limit (email 21.7 = 5/week, sms 4, phone 2, push 30, "
               "postal 8); high above twice the limit",
       rule="Gmail/Yahoo complaint ceiling 0.3%; unsubscribe 0.1–0.5% per send (GDMA 2024); Kumar, Zhang & Luo "
            "2014; TCPA $500–1,500 per message",
       fix="cut contacts_per_month to the channel's limit", pda="Loss of autonomy", linddun="Unintervenability")
def frequency(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        limit = MAX_PER_MONTH.get(p.channel) if p else None
        if p is not None and limit is not None and p.contacts_per_month > limit:
            severity = "high" if p.contacts_per_month > 2 * limit else None
            yield Hit(u.at("contacts_per_month"), f"{u.id}: {p.contacts_per_month:g} {p.channel} contacts a month; "
                      f"limit {limit:g}", u.patch(contacts_per_month=limit), severity)


@check("LNT-10", "No unsubscribe or objection route in each message", "medium", packs=ALL,
       trigger="a practice with channel email or sms whose unsubscribe_link is false",
       rule="GDPR Art. 21(4); ePD Art. 13(2) 'each message'; CAN-SPAM opt-out mechanism",
       fix="put an unsubscribe link in every message (unsubscribe_link: true)",
       pda="Unwarranted restriction", linddun="Unawareness")
def unsubscribe(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        if p is None or p.channel not in ("email", "sms"):
            continue
        if p.unsubscribe_link is False:
            yield Hit(u.at("unsubscribe_link"), f"{u.id}: {p.channel} without an unsubscribe route",
                      u.patch(unsubscribe_link=True))
        elif p.unsubscribe_link is None:
            yield unknown(u.path, f"{u.id}: unsubscribe_link not stated")


@check("LNT-24", "Data used after objection, withdrawal or deletion", "high", packs=ALL,
       trigger="controls.opt_out_latency_days is null, or controls.erasure_honoured is false",
       rule="GDPR Art. 17, 21(3); CCPA §1798.105; CAN-SPAM",
       fix="stop every use of a person's data once they object or ask for deletion",
       pda="Unwarranted restriction", linddun="Unintervenability")
def used_after_objection(ctx: Context) -> Iterator[Hit]:
    if not ctx.uses:
        return
    c = ctx.scenario.strategy.controls
    if c.opt_out_latency_days is None:
        yield Hit(ctx.controls("opt_out_latency_days"), "data keeps being used after people object",
                  {"strategy.controls.opt_out_latency_days": ctx.opt_out_limit})
    if c.erasure_honoured is False:
        yield Hit(ctx.controls("erasure_honoured"), "deleted people stay in active uses",
                  {"strategy.controls.erasure_honoured": True})
    elif c.erasure_honoured is None:
        yield unknown(("strategy", "controls"), "controls.erasure_honoured not stated")
