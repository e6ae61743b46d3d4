"""Checks on access, security, workplace and governance (LNT-26 … LNT-30, LNT-33, LNT-34)."""

from __future__ import annotations

from collections.abc import Iterator

from privsim.scenario import taxonomy
from privsim.tester.lint.base import Hit, check, unknown
from privsim.tester.lint.context import SHARING, Context
from privsim.tester.lint.packs import ALL, EU_UK_CA

INTRUSIVE_MONITORING = ("keystroke", "screen", "webcam")
LARGE_SCALE = 1_000_000   # real people; WP248 gives no number [A]


@check("LNT-26", "Over-broad staff or customer-service access", "medium", packs=ALL,
       trigger="operations.service.broad_share above 0, or controls.access_logging: false; high when any use has "
               "sensitive data and access is not logged",
       rule="CNIL PIA feared event 'illegitimate access'; GDPR Art. 5(1)(f), 32; NY AG v Uber 'God View' (2016); "
            "NIST SP 800-53 AC-6 least privilege",
       fix="need-to-know access with logged, reviewed access", pda="Insecurity", linddun="Data disclosure")
def staff_access(ctx: Context) -> Iterator[Hit]:
    ops, c = ctx.scenario.operations, ctx.scenario.strategy.controls
    if not ctx.uses and ops is None:
        return
    sensitive = any(u.sensitive for u in ctx.uses)
    if ops is not None and ops.service.broad_share > 0 and (ops.service.staff is None or ops.service.staff > 0):
        yield Hit(("operations", "service", "broad_share"),
                  f"{ops.service.broad_share:.0%} of service agents can open every customer record",
                  {"operations.service.broad_share": 0.0}, "high" if sensitive and not c.access_logging else None)
    elif c.access_logging is False:
        yield Hit(ctx.controls("access_logging"), "staff access to records is not logged",
                  {"strategy.controls.access_logging": True}, "high" if sensitive else None)
    elif c.access_logging is None:
        yield unknown(("strategy", "controls"), "controls.access_logging not stated")


@check("LNT-27", "Customer data on unprotected remote devices, or intrusive employee monitoring", "medium",
       packs=ALL,
       trigger="operations.remote.staff above 0 without controls.disk_encryption or controls.mfa, device_policy: "
               "byod_unmanaged or employee_monitoring keystroke, screen or webcam; high when the data are sensitive",
       rule="GDPR Arts. 32, 34(3)(a); WP29 Opinion 2/2017 (data processing at work); NY AG v Uber (2016: "
            "encryption and MFA); IBM Cost of a Data Breach 2024 (shadow data)",
       fix="encrypt devices, require MFA on remote access, managed devices; monitor activity, not people",
       pda="Insecurity", linddun="Data disclosure")
def remote_work(ctx: Context) -> Iterator[Hit]:
    ops, c = ctx.scenario.operations, ctx.scenario.strategy.controls
    staff = ops.remote.staff if ops is not None else 0
    if not staff and not any(u.purpose == "remote_workplace" for u in ctx.uses):
        return
    sensitive = "high" if any(u.sensitive for u in ctx.uses) else None
    fired = False
    if staff and ops is not None and ops.remote.local_records_share > 0 and not c.disk_encryption:
        fired = True
        yield Hit(("operations", "remote"), f"customer data sit unencrypted on {staff:,} remote workers' "
                  "devices", {"strategy.controls.disk_encryption": True}, sensitive)
    if staff and not c.mfa:
        fired = True
        yield Hit(("operations", "remote"), "remote access to customer data without multi-factor authentication",
                  {"strategy.controls.mfa": True}, sensitive)
    if c.device_policy == "byod_unmanaged":
        fired = True
        yield Hit(ctx.controls("device_policy"), "customer data on unmanaged personal devices",
                  {"strategy.controls.device_policy": "managed"})
    if c.employee_monitoring in INTRUSIVE_MONITORING:
        fired = True
        yield Hit(ctx.controls("employee_monitoring"), f"remote staff are monitored by {c.employee_monitoring}",
                  {"strategy.controls.employee_monitoring": "activity"})
    if not fired and not staff:
        yield unknown(("operations",), "a remote-workplace use, but operations.remote.staff not stated")
    elif not fired and (c.device_policy is None or c.employee_monitoring is None):
        yield unknown(("strategy", "controls"), "controls.device_policy / employee_monitoring not stated")


@check("LNT-34", "Production customer data in test environments", "medium", packs=ALL,
       trigger="operations.test_data: production; high when any use has sensitive data",
       rule="GDPR Arts. 5(1)(c), 25 (data minimisation, protection by design), 32(1)(a) pseudonymisation; "
            "ICO guidance on anonymisation and pseudonymisation",
       fix="test on masked or synthetic data", pda="Insecurity", linddun="Data disclosure")
def test_data(ctx: Context) -> Iterator[Hit]:
    ops = ctx.scenario.operations
    if ops is not None and ops.test_data == "production":
        yield Hit(("operations", "test_data"), "test and development environments hold production customer data",
                  {"operations.test_data": "masked"}, "high" if any(u.sensitive for u in ctx.uses) else None)


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
