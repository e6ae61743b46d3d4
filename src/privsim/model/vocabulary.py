"""One vocabulary for every KPI and daily series: label, meaning, unit and which way is better.

Every face (dashboard cards and charts, CLI tables, HTML report) and every machine-readable
output (the ``unit`` column of KPI files) takes its words from here, so trust, shares, money
and signs read the same everywhere. Units: ``currency`` (the scenario's), ``share`` of a group
and ``probability`` (shown in %, differences in percentage points), ``score`` (an index on
0–1, shown as a decimal), ``days`` and counts (``customers``, ``requests``, …).
"""

from __future__ import annotations

from dataclasses import dataclass

CURRENCY, SHARE, PROBABILITY, SCORE, DAYS = "currency", "share", "probability", "score", "days"
BOUNDED = (SHARE, PROBABILITY, SCORE)          # on [0, 1]: intervals are clipped to it
PERCENT = (SHARE, PROBABILITY)                 # shown in %, differences in percentage points
COUNTS = ("customers", "requests", "complaints", "incidents", "contacts", "messages", DAYS)   # never below 0
BACKLASH_LEVEL = 0.01   # backlash duration counts days with backlash(t) ≥ 1% of active customers


@dataclass(frozen=True)
class Term:
    """What a KPI or series is called, what it means, its unit and sign (+1 higher is better, −1 lower, 0 neither).

    A sign of 0 marks a quantity that is a means, not an end: fewer opt-outs or more consent can be
    bought with a dark pattern, so no face calls them better or colours them green.
    """

    label: str
    meaning: str
    unit: str
    better: int = 0
    digits: int = 3          # significant digits a human sees


# ---------------------------------------------------------------- daily series
SEGMENT_SERIES: dict[str, Term] = {
    "active": Term("Active customers", "active customers", "customers", +1),
    "churned": Term("Leavers today", "customers who left today", "customers", -1),
    "trust": Term("Mean trust", "mean trust of active customers (0 none – 1 full)", SCORE, +1),
    "intent": Term("Intent to leave", "mean stated yearly intent to leave", SHARE, -1),
    "opt_outs": Term("Opt-outs per day", "opt-out requests today", "requests"),
    "complaints": Term("Complaints per day", "complaints today (spam reports and formal)", "complaints", -1),
    "formal_complaints": Term("Formal complaints per day", "complaints to a regulator today", "complaints", -1),
    "aware": Term("Learned of a violation", "customers who learned of a violation today", "customers", -1),
    "backlash": Term("Backlash", "share of active customers aware of a violation and offended", SHARE, -1),
    "protesters": Term("Joined a protest", "customers joining a protest today", "customers", -1),
    "sends": Term("Messages sent", "messages sent today", "messages"),
    "breached": Term("Records exposed", "customers whose records were exposed today", "customers", -1),
    "service_contacts": Term("Service contacts", "service contacts today (calls, chats, e-mails)", "contacts"),
    "creepy": Term("Creepy service moments", "service contacts that surfaced data the customer did not expect there",
                 "contacts", -1),
    "revenue": Term("Revenue per day", "revenue today", CURRENCY, +1),
}
COMPANY_SERIES: dict[str, Term] = {
    "salience": Term("Media salience", "media salience (0 none – 1 front page everywhere)", SCORE, -1),
    "costs": Term("Costs per day", "costs today: contacts, complaints, incentives, breaches, fines", CURRENCY, -1),
    "fines": Term("Fines per day", "fines and settlements imposed today", CURRENCY, -1),
    "expected_fines": Term("Fines expected", "expected money of an investigation still open at the horizon (last day)",
                         CURRENCY, -1),
    "breach_costs": Term("Breach costs per day", "breach and notification costs today", CURRENCY, -1),
    "cash": Term("Net cash per day", "net cash today", CURRENCY, +1),
    "npv": Term("Cumulative NPV", "cumulative discounted net cash", CURRENCY, +1),
    "terminal_value": Term("Value after the horizon", "lifetime value of the remaining customers past the horizon "
                         "(last day)", CURRENCY, +1),
    "investigation": Term("Investigation open", "a regulator investigation is open (share of replications)",
                        PROBABILITY, -1),
}

# ---------------------------------------------------------------- KPIs of a replication
KPIS: dict[str, Term] = {
    "total_value": Term("Total value (NPV + after the horizon)", "NPV within the horizon plus terminal value",
                      CURRENCY, +1),
    "total_vs_baseline": Term("Total value vs doing nothing", "total value minus the no-practice baseline's (same "
                            "seed, CRN): a gain when positive, a loss when negative", CURRENCY, +1),
    "npv": Term("NPV within the horizon", "net present value over the horizon", CURRENCY, +1),
    "npv_vs_baseline": Term("NPV vs doing nothing", "NPV minus the no-practice baseline (same seed, CRN): a gain "
                          "when positive, a loss when negative", CURRENCY, +1),
    "terminal_value": Term("Value after the horizon", "lifetime value of the customers left at the horizon, "
                         "discounted to day 0", CURRENCY, +1),
    "revenue": Term("Revenue", "revenue over the horizon", CURRENCY, +1),
    "churn": Term("Churn", "share of customers who left", SHARE, -1),
    "privacy_churn": Term("Privacy-driven churn", "churn above the no-practice baseline (CRN)", SHARE, -1),
    "stated_intent": Term("Said they would leave", "stated intent to leave of customers who learned of a violation "
                        "(say)", SHARE, -1),
    "privacy_exits": Term("Left after learning", "customers who left after learning of a violation (do)",
                        "customers", -1),
    "trust_end": Term("Trust at the end", "mean trust of active customers on the last day (0 none – 1 full)",
                    SCORE, +1),
    "opt_outs": Term("Opt-outs", "opt-out requests (fewer is not better when choice is suppressed)", "requests"),
    "complaints": Term("Complaints", "complaints (spam reports and formal)", "complaints", -1),
    "pushback": Term("Customer pushback", "opt-outs and complaints per customer at the start (over-contacting "
                   "included)", SHARE, -1),
    "formal_complaints": Term("Complaints to a regulator", "complaints that reach a regulator", "complaints", -1),
    "backlash_peak": Term("Backlash peak", "peak share of active customers aware of a violation and offended", SHARE,
                        -1),
    "backlash_days": Term("Days of backlash", f"days with backlash ≥ {BACKLASH_LEVEL:.0%}", DAYS, -1),
    "salience_peak": Term("Media salience peak", "peak media salience (0 none – 1 front page everywhere)", SCORE, -1),
    "protest_share": Term("Joined a protest", "share of customers who joined a protest", SHARE, -1),
    "heard": Term("Heard of it", "share of customers who learned of a violation or incident (story, word of mouth, "
                "notice)", SHARE, -1),
    "regulator_action": Term("Regulator investigation", "a regulator investigation was opened", PROBABILITY, -1),
    "regulator_order": Term("Public regulator action", "an investigation ended in a public action (order, settlement "
                          "or fine)", PROBABILITY, -1),
    "fine_paid": Term("Money imposed", "money was imposed (a fine or a settlement)", PROBABILITY, -1),
    "fines": Term("Fines", "fines and settlements imposed", CURRENCY, -1),
    "expected_fines": Term("Fines expected (open case)", "expected money of an investigation still open at the "
                         "horizon", CURRENCY, -1),
    "breach_costs": Term("Breach costs", "breach and notification costs", CURRENCY, -1),
    "breached": Term("Records exposed", "customers whose records were exposed", "customers", -1),
    "incidents": Term("Incidents", "incidents: breaches and staff misuse, drawn from operations or scheduled",
                    "incidents", -1),
    "creepy_share": Term("Creepy service moments", "share of service contacts that surfaced data the customer did "
                       "not expect there", SHARE, -1),
    "acquired": Term("New customers", "new customers who joined during the horizon (population.acquisition)",
                   "customers", +1),
}
# per-practice, per-campaign and per-cause names: "<prefix>.<id>" -> (label, meaning, unit, better)
FAMILIES: dict[str, tuple[str, str, str, int]] = {
    "consent": ("Consent: {id}", "share of targeted active customers reached by {id} on the last day (more is "
                "not better when it was obtained by a dark pattern)", SHARE, 0),
    "granted_at_ask": ("Said yes when asked: {id}", "share who granted when {id} asked", SHARE, 0),
    "campaign_retained": ("Kept by campaign: {id}", "share of campaign {id}'s targets who said yes", SHARE, 0),
    "reversal_days": ("Days to reverse: {id}", "days from discovery of {id} to its reversal", DAYS, -1),
    "response_days": ("Days to respond: {id}", "days from discovery of {id} to the company's first step about it",
                      DAYS, -1),
    "incidents": ("Incidents: {id}", "incidents of cause {id} drawn from operations (docs/operations.md)",
                  "incidents", -1),
}
UNKNOWN = Term("", "", "")


def term(name: str) -> Term:
    """The term of a KPI or series name, per-practice ones (``consent.newsletter``) included; UNKNOWN otherwise."""
    known = KPIS.get(name) or SEGMENT_SERIES.get(name) or COMPANY_SERIES.get(name)
    if known:
        return known
    prefix, _, ident = name.partition(".")
    if ident and prefix in FAMILIES:
        label, meaning, unit, better = FAMILIES[prefix]
        words = ident.replace("_", " ")
        return Term(label.format(id=words), meaning.format(id=words), unit, better)
    return UNKNOWN


def is_kpi(name: str) -> bool:
    """A KPI of a replication (not a daily series), per-practice ones included."""
    prefix, _, ident = name.partition(".")
    return name in KPIS or bool(ident and prefix in FAMILIES)
