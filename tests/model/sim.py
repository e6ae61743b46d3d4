"""Small replications for unit tests of the model: a scenario from a YAML body, stepped day by day."""

from __future__ import annotations

from privsim.model.engine import Replication
from privsim.scenario.load import scenario_from_text
from privsim.scenario.schema import Scenario

POPULATION = """
population:
  size: {size}
  represents: {represents}
  segments:
    fundamentalist: {{share: 0.25, concern: 0.85, trust: 0.45, annual_value: 300, churn_per_year: 0.12}}
    pragmatist:     {{share: 0.60, concern: 0.50, trust: 0.60, annual_value: 350, churn_per_year: 0.10}}
    unconcerned:    {{share: 0.15, concern: 0.15, trust: 0.70, annual_value: 380, churn_per_year: 0.09}}
"""
QUIET = """
behavior:
  discovery: {per_year: 0.0}
  regulator: {per_formal_complaint: 0.0, media_per_year: 0.0, audit_per_year: 0.0, breach_notice: 0.0}
  opt_out: {deliverability_penalty: 0.0}
"""
THREE_PRACTICES = """
strategy:
  practices:
    - {id: newsletter, purpose: marketing_email, data: [contact], consent: opt_in, channel: email,
       contacts_per_month: 6, revenue_lift: 0.02}
    - {id: offers, purpose: personalisation, data: [purchase_history, browsing], consent: opt_in,
       revenue_lift: 0.04, start_day: 20}
    - {id: sharing, purpose: third_party_sharing, data: [contact, purchase_history], consent: opt_out,
       data_revenue_per_record: 2.0, start_day: 45}
  controls: {opt_out_latency_days: 5}
"""


def scenario(body: str = "", size: int = 600, horizon: int = 120, represents: float = 1.0, seed: int = 7,
             jurisdictions: str = "[eu]") -> Scenario:
    """A scenario of the three-segment test population with ``body`` (strategy, events, behaviour) added."""
    head = (f"schema: 4\nname: test\nhorizon_days: {horizon}\nreplications: 2\nseed: {seed}\n"
            f"jurisdictions: {jurisdictions}\n")
    return scenario_from_text(head + POPULATION.format(size=size, represents=represents) + body)


def replication(body: str = "", until: int = 0, replicate: int = 0, **kw: object) -> Replication:
    """A replication of ``scenario(body, **kw)`` that has run the days before ``until``."""
    eng = Replication(scenario(body, **kw), replicate)
    eng.run(until=until)
    return eng


def persons(eng: Replication, kind: str) -> float | None:
    """Real people on record for a kind of violation (None: no such violation)."""
    found = [v.persons for v in eng.regulator.violations.values() if v.rule.kind == kind]
    return max(found) if found else None
