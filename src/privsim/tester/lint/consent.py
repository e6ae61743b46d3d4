"""Checks on consent and lawful basis (LNT-01 … LNT-06) and deceptive consent design (LNT-25)."""

from __future__ import annotations

from collections.abc import Iterator

from privsim.scenario import law
from privsim.tester.lint.base import Hit, check, unknown
from privsim.tester.lint.context import Context
from privsim.tester.lint.packs import ALL, EU_UK, EU_UK_CA

DECEPTIVE = ("pre_ticked", "confirmshaming", "nagging", "hidden_reject")
EU_AND_UK = ("eu", "uk")
CONDITIONAL = ("bundled", "forced")


def without(patterns: tuple[str, ...], *drop: str) -> list[str]:
    """UI patterns with some removed."""
    return [p for p in patterns if p not in drop]


@check("LNT-01", "Consent bypassed for a consent-dependent purpose", "critical", packs=EU_UK,
       trigger="the rule base (privsim.scenario.law) says consent_bypassed under EU/UK law in force at the start "
               "date, and consent is none or notice_only (or legal_basis: contract)",
       rule="GDPR Art. 6(1), 7; Directive 95/46/EC Art. 14(b); ePD Art. 5(3), 13(1); PECR reg. 22; DPC v Meta "
            "(2023, €390M: contract is no basis for behavioural ads)",
       fix="ask for opt-in consent (consent: opt_in, disclosed: true)", pda="Appropriation", linddun="Non-compliance",
       kind="consent_bypassed")
def consent_bypassed(ctx: Context) -> Iterator[Hit]:
    for u in ctx.judged_uses:
        broken = ctx.use_breaks(u, "consent_bypassed", EU_AND_UK)
        contract = u.practice is not None and u.practice.legal_basis == "contract"
        if broken and (u.consent in ("none", "notice_only") or contract):
            why = "legal_basis is contract" if contract and u.consent not in ("none", "notice_only") \
                else f"consent is {u.consent}"
            fix = u.informed() | (u.patch(legal_basis="consent") if contract else {})
            yield Hit(u.at("consent"), f"{u.id}: {u.purpose} needs consent but {why} ({broken[0].source})", fix,
                      subject=u.id)


@check("LNT-02", "Opt-out (silence or pre-ticked box) treated as consent where opt-in is required", "high",
       packs=EU_UK,
       trigger="the rule base says consent_bypassed under EU/UK law for a use on consent: opt_out (the soft opt-in "
               "aside), or invalid_consent for an opt-in with a pre-ticked box",
       rule="GDPR Art. 4(11) and Recital 32; CJEU C-673/17 Planet49 (2019)",
       fix="make consent an active opt-in without pre-ticked boxes", pda="Appropriation", linddun="Unawareness",
       kind="consent_bypassed")
def silence_as_consent(ctx: Context) -> Iterator[Hit]:
    for u in ctx.judged_uses:
        broken = [r for r in ctx.use_breaks(u, "consent_bypassed", EU_AND_UK) if not r.id.endswith("_email")]
        if u.consent == "opt_out" and broken:
            yield Hit(u.at("consent"), f"{u.id}: {u.purpose} on {', '.join(u.data)} runs on opt-out; silence is "
                                       "not consent", u.patch(consent="opt_in"), subject=u.id)


@check("LNT-03", "Soft opt-in misapplied to marketing e-mail", "high", packs=EU_UK,
       trigger="purpose: marketing_email with consent: opt_out that the rule base finds outside the soft opt-in "
               "(data_source not first_party_sale, or unsubscribe_link false)",
       rule="ePD Art. 13(2); PECR reg. 22(3): soft opt-in only for own customers, similar products, "
            "opt-out in every message",
       fix="ask for opt-in, or limit opt-out e-mail to your own customers with an unsubscribe link",
       pda="Appropriation", linddun="Non-compliance", kind="consent_bypassed")
def soft_opt_in(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        if p is None or u.purpose != "marketing_email" or u.consent != "opt_out":
            continue
        if [r for r in ctx.use_breaks(u, "consent_bypassed", EU_AND_UK) if r.id.endswith("_email")]:
            where = (u.at("data_source"), f"{u.id}: opt-out e-mail to data from {p.data_source}, not from a sale "
                                          "to the person") if p.data_source not in (None, "first_party_sale") else \
                (u.at("unsubscribe_link"), f"{u.id}: opt-out e-mail without an unsubscribe link in every message")
            yield Hit(where[0], where[1], u.patch(consent="opt_in"), subject=u.id)
        elif p.data_source is None:
            yield unknown(u.path, f"{u.id}: opt-out e-mail; data_source not stated (soft opt-in needs "
                                  "first_party_sale; the simulation assumes your own customers)")


@check("LNT-04", "Bundled or conditional consent ('accept or leave')", "high", packs=EU_UK_CA,
       trigger="ui_patterns contains bundled or forced on a purpose other than service_delivery",
       rule="GDPR Art. 7(4), Recital 43; CPRA §1798.140(h); WhatsApp 2021 'accept by 8 Feb' (Signal +4,200%)",
       fix="ask separately for each non-essential purpose; service must not depend on it",
       pda="Induced disclosure", linddun="Unintervenability")
def conditional_consent(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        tied = [p for p in u.ui_patterns if p in CONDITIONAL]
        if tied and u.purpose != "service_delivery":
            yield Hit(u.at("ui_patterns"), f"{u.id}: {u.purpose} is {' and '.join(tied)} with the service",
                      u.patch(ui_patterns=without(u.ui_patterns, *CONDITIONAL)))


@check("LNT-05", "Retroactive material change without opt-in", "critical", packs=ALL,
       trigger="a policy_change event with retroactive: true and new_consent other than opt_in, where the rule "
               "base in force on its day calls it retroactive_change",
       rule="FTC In re Gateway Learning (2004); FTC Facebook orders (2011, 2019 $5bn); GDPR Art. 6(4); "
            "Directive 95/46/EC Art. 6(1)(b)",
       fix="apply the new terms only to data collected after the change, or ask for opt-in (new_consent: opt_in)",
       pda="Appropriation", linddun="Non-compliance", kind="retroactive_change")
def retroactive_change(ctx: Context) -> Iterator[Hit]:
    uses = {u.id: u for u in ctx.uses}
    for i, e in ctx.events("policy_change"):
        if not e.retroactive or e.new_consent == "opt_in":
            continue
        for pid in e.practices:
            if pid in uses and ctx.breaks(law.Act("retroactive_change", uses[pid].facts), "retroactive_change",
                                          day=e.day or 0):
                yield Hit(("events", i, "retroactive"), f"policy change on day {e.day} applies new terms for "
                          f"{pid} to data already held without opt-in", {f"events.{i}.new_consent": "opt_in"},
                          subject=pid)


@check("LNT-06", "Refusing or withdrawing is harder than accepting", "high", packs=EU_UK_CA,
       trigger="ui_patterns contains hidden_reject, or opt_out_steps > opt_in_steps, on a practice that asks",
       rule="GDPR Art. 7(3); CNIL v Google €150M / Facebook €60M (2022); CPPA v Honda $632.5k (2025); "
            "Nouwens et al. 2020: +22 pp consent without first-layer reject",
       fix="put 'reject' on the first layer and make withdrawal as easy as consent",
       pda="Unwarranted restriction", linddun="Unintervenability")
def asymmetric_choice(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        if p is None or u.consent not in ("opt_in", "opt_out"):
            continue
        if "hidden_reject" in u.ui_patterns:
            yield Hit(u.at("ui_patterns"), f"{u.id}: 'reject' is hidden behind the first layer",
                      u.patch(ui_patterns=without(u.ui_patterns, "hidden_reject")))
        elif p.opt_in_steps is not None and p.opt_out_steps is not None:
            if p.opt_out_steps > p.opt_in_steps:
                yield Hit(u.at("opt_out_steps"), f"{u.id}: {p.opt_out_steps} clicks to refuse against "
                                                 f"{p.opt_in_steps} to accept", u.patch(opt_out_steps=p.opt_in_steps))
        else:
            yield unknown(u.path, f"{u.id}: opt_in_steps / opt_out_steps not stated")


@check("LNT-25", "Deceptive design in consent or privacy choices", "high", packs=ALL,
       trigger="ui_patterns contains pre_ticked, confirmshaming, nagging or hidden_reject",
       rule="EDPB Guidelines 03/2022; FTC 'Bringing Dark Patterns to Light' (2022); CPRA §1798.140(h)",
       fix="remove the dark patterns (ui_patterns: [])", pda="Induced disclosure", linddun="Unawareness")
def dark_patterns(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        found = [p for p in u.ui_patterns if p in DECEPTIVE]
        if found:
            yield Hit(u.at("ui_patterns"), f"{u.id}: consent flow uses {', '.join(found)}",
                      u.patch(ui_patterns=without(u.ui_patterns, *DECEPTIVE)))



@check("LNT-31", "Consent obtained by a dark pattern is no consent", "high", packs=EU_UK_CA,
       trigger="the rule base says invalid_consent: an opt-in whose flow is pre-ticked, hides 'reject', is bundled "
               "or forced",
       rule="GDPR Arts. 4(11), 7(4); CJEU Planet49 (2019); CNIL v Google €150M (2021); CPRA §1798.140(h); CPPA v "
            "Honda (2025)",
       fix="ask again without the dark pattern (ui_patterns without pre_ticked, hidden_reject, bundled, forced)",
       pda="Induced disclosure", linddun="Non-compliance", kind="invalid_consent")
def void_consent(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        broken = ctx.use_breaks(u, "invalid_consent")
        if broken:
            voiding = sorted(set(u.ui_patterns) & law.DARK)
            yield Hit(u.at("ui_patterns"), f"{u.id}: consent given through {', '.join(voiding)} is no consent "
                      f"({broken[0].source})", u.patch(ui_patterns=without(u.ui_patterns, *voiding)), subject=u.id)
