"""Checks on access, security, workplace and governance (LNT-26 … LNT-30, LNT-33)."""

from __future__ import annotations

from collections.abc import Iterator

from privsim.scenario import taxonomy
from privsim.tester.lint.base import Hit, check, unknown
from privsim.tester.lint.context import SHARING, Context
from privsim.tester.lint.packs import ALL, EU_UK_CA

INTRUSIVE_MONITORING = ("keystroke", "screen", "webcam")
LARGE_SCALE = 1_000_000   # real people; WP248 gives no number [A]


@check("LNT-26", "Over-broad staff or customer-service access", "medium", packs=ALL,
       trigger="controls.service_access: broad, or controls.access_logging: false; high when any use has "
               "sensitive data",
       rule="CNIL PIA feared event 'illegitimate access'; GDPR Art. 5(1)(f), 32; NY AG v Uber 'God View' (2016)",
       fix="need-to-know access with logged, reviewed access", pda="Insecurity", linddun="Data disclosure")
def staff_access(ctx: Context) -> Iterator[Hit]:
    if not ctx.uses:
        return
    c = ctx.scenario.strategy.controls
    severity = "high" if any(u.sensitive for u in ctx.uses) else None
    if c.service_access == "broad":
        yield Hit(ctx.controls("service_access"), "every staff member can see every customer record",
                  {"strategy.controls.service_access": "need_to_know"}, severity)
    elif c.access_logging is False:
        yield Hit(ctx.controls("access_logging"), "staff access to records is not logged",
                  {"strategy.controls.access_logging": True}, severity)
    elif c.access_logging is None:
        yield unknown(("strategy", "controls"), "controls.access_logging not stated")


@check("LNT-27", "Customer data on unmanaged remote devices, or intrusive employee monitoring", "medium",
       packs=ALL,
       trigger="controls.remote_data: unencrypted, device_policy: byod_unmanaged or employee_monitoring keystroke, "
               "screen or webcam; high when unencrypted data is sensitive",
       rule="GDPR Art. 32; WP29 Opinion 2/2017 (data processing at work); IBM Cost of a Data Breach 2024 "
            "(shadow data)",
       fix="encrypt remote data on managed devices; monitor activity, not people",
       pda="Insecurity", linddun="Data disclosure")
def remote_work(ctx: Context) -> Iterator[Hit]:
    c = ctx.scenario.strategy.controls
    remote = c.remote_data != "none" or any(u.purpose == "remote_workplace" for u in ctx.uses)
    if not remote:
        return
    fired = False
    if c.remote_data == "unencrypted":
        fired = True
        sensitive = any(u.sensitive for u in ctx.uses)
        yield Hit(ctx.controls("remote_data"), "customer data sits unencrypted on remote devices",
                  {"strategy.controls.remote_data": "encrypted"}, "high" if sensitive else None)
    if c.device_policy == "byod_unmanaged":
        fired = True
        yield Hit(ctx.controls("device_policy"), "customer data on unmanaged personal devices",
                  {"strategy.controls.device_policy": "managed"})
    if c.employee_monitoring in INTRUSIVE_MONITORING:
        fired = True
        yield Hit(ctx.controls("employee_monitoring"), f"remote staff are monitored by {c.employee_monitoring}",
                  {"strategy.controls.employee_monitoring": "activity"})
    if not fired and (c.device_policy is None or c.employee_monitoring is None):
        yield unknown(("strategy", "controls"), "controls.device_policy / employee_monitoring not stated")


@check("LNT-28", "Automated decisions with significant effect and no human review", "high", packs=EU_UK_CA,
       trigger="automated_decision: without_human_review (not stated on profiling or sensitive_inference: "
               "cannot evaluate)",
       rule="GDPR Art. 22; CPPA rules on automated decision-making technology",
       fix="add human review and a way to contest", pda="Distortion", linddun="Non-compliance")
def automated_decisions(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        if p is None:
            continue
        if p.automated_decision == "without_human_review":
            yield Hit(u.at("automated_decision"), f"{u.id}: significant decisions with no human review",
                      u.patch(automated_decision="with_human_review"))
        elif p.automated_decision is None and u.purpose in ("profiling", "sensitive_inference"):
            yield unknown(u.path, f"{u.id}: automated_decision not stated")


def wp248_criteria(ctx: Context) -> list[str]:
    """The WP248 rev.01 high-risk criteria the strategy meets (two or more: a DPIA is required)."""
    s, c = ctx.scenario, ctx.scenario.strategy.controls
    uses, practices = ctx.uses, [u.practice for u in ctx.practices if u.practice]
    data = {d for u in uses for d in u.data}
    met = {
        "evaluation or scoring": any(u.purpose in ("profiling", "sensitive_inference", "cross_context_tracking")
                                     for u in uses),
        "automated decisions": any(p.automated_decision not in (None, "none") for p in practices),
        "systematic monitoring": any(u.purpose in ("location_tracking", "cross_context_tracking") for u in uses)
        or c.employee_monitoring in INTRUSIVE_MONITORING,
        "sensitive data": taxonomy.is_sensitive(sorted(data)) if data else False,
        "large scale": s.population.size * s.population.represents >= LARGE_SCALE,
        "matching or combining datasets": any(u.purpose == "data_merger" for u in uses),
        "vulnerable people": "children" in data or any(p.audience_min_age is not None and p.audience_min_age < 18
                                                       for p in practices),
        "innovative technology": bool(data & {"biometric", "genetic"}),
        "blocks a service": any(set(p.ui_patterns) & {"forced", "bundled"} for p in practices),
    }
    return [name for name, hit in met.items() if hit]


@check("LNT-29", "Impact assessment required but missing", "high", packs=EU_UK_CA,
       trigger="two or more WP248 criteria met (profiling, automated decisions, monitoring, sensitive data, "
               "large scale (≥1M people), combining datasets, minors, biometric/genetic, blocking a service) "
               "and strategy.dpia_done is not true",
       rule="GDPR Art. 35; WP248 rev.01; CPRA risk assessments (from 2026)",
       fix="carry out a DPIA before launch (strategy.dpia_done: true)", pda="-", linddun="Non-compliance")
def dpia(ctx: Context) -> Iterator[Hit]:
    met = wp248_criteria(ctx)
    if len(met) < 2:
        return
    done = ctx.scenario.strategy.dpia_done
    if done is False:
        yield Hit(("strategy", "dpia_done"), f"no DPIA although {len(met)} WP248 criteria are met: "
                                             f"{', '.join(met)}", {"strategy.dpia_done": True})
    elif done is None:
        yield unknown(ctx.strategy, f"strategy.dpia_done not stated; WP248 criteria met: {', '.join(met)}")


@check("LNT-30", "Recipients without processor or third-party contracts", "medium", packs=EU_UK_CA,
       trigger="recipients is not empty and contracts_in_place is false (recipients not stated on a sharing or "
               "sale practice: cannot evaluate)",
       rule="GDPR Art. 28; CPPA v Honda (2025: missing CCPA terms with ad-tech vendors)",
       fix="sign processor / third-party contracts with every recipient", pda="Insecurity",
       linddun="Non-compliance")
def contracts(ctx: Context) -> Iterator[Hit]:
    for u in ctx.practices:
        p = u.practice
        if p is None:
            continue
        if p.recipients:
            if p.contracts_in_place is False:
                yield Hit(u.at("contracts_in_place"), f"{u.id}: no contracts with {', '.join(p.recipients)}",
                          u.patch(contracts_in_place=True))
            elif p.contracts_in_place is None:
                yield unknown(u.path, f"{u.id}: contracts_in_place not stated")
        elif p.recipients is None and u.purpose in SHARING:
            yield unknown(u.path, f"{u.id}: recipients not stated")


@check("LNT-33", "No response once exposed", "medium", packs=ALL,
       trigger="the strategy has something customers would punish once they learn of it (a covert use, a dark "
               "pattern, a retroactive policy change) and strategy.response either never responds (actions: []) "
               "or stonewalls",
       rule="docs/reaction_sources.md §4: 16 of 21 exposed companies changed course within weeks, mostly in "
            "2–4 days (Path, Avast, Zoom, Google Location History); the rest kept the practice for months or "
            "years (Verizon, Venmo, Amazon, Target, 23andMe) [anecdote]; the price of the fix is simulated",
       fix="decide the response before launch: a responsive posture that apologises and stops, or adds an "
           "opt-out", pda="-", linddun="Non-compliance")
def no_response(ctx: Context) -> Iterator[Hit]:
    s = ctx.scenario
    exposed = [u.id for u in ctx.uses if not u.disclosed or (u.practice is not None and u.practice.ui_patterns)]
    exposed += [e.id or f"policy_change_{i}" for i, e in enumerate(s.events)
                if e.type == "policy_change" and e.retroactive and e.new_consent != "opt_in"]
    if not exposed:
        return
    r = s.strategy.response
    fix = {"strategy.response.posture": "responsive", "strategy.response.actions": ["apologise", "stop"]}
    if not r.actions:
        yield Hit(("strategy", "response", "actions"), f"no response planned if {', '.join(exposed)} comes out",
                  fix)
    elif r.posture == "stonewall":
        yield Hit(("strategy", "response", "posture"), f"a stonewall posture if {', '.join(exposed)} comes out",
                  fix)
