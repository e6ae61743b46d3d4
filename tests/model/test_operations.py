"""Operational incidents from exposure (docs/operations.md): hazards, controls, sizes, service moments."""

from __future__ import annotations

import numpy as np
import pytest

from privsim.experiments.runs import replicate
from privsim.model import operations
from privsim.model.events import resolve_rate
from privsim.model.service import creepy_share
from privsim.scenario import law
from privsim.scenario.coefficients import Behavior
from privsim.scenario.load import scenario_from_text
from privsim.scenario.schema import Controls, Operations
from tests.model.sim import QUIET, replication, scenario

B = Behavior()
EXPOSED = Operations.model_validate({"service": {"staff": 500, "broad_share": 0.5}, "remote": {"staff": 80},
                                     "test_data": "production"})
SERVICE = """
strategy:
  practices:
    - {id: desk, purpose: customer_service_access, data: [contact, purchase_history, location],
       consent: notice_only, notice: email, revenue_lift: 0.03}
  controls: {opt_out_latency_days: 10, access_logging: false}
operations:
  service: {staff: %d, broad_share: %s, contacts_per_customer_year: 2.0}
  outside_attacks: false
"""


def mean(runs, kpi: str) -> float:
    return float(np.mean([r.kpis[("all", kpi)] for r in runs.replications]))


@pytest.mark.parametrize("control", sorted(operations.ADDRESSES))
def test_each_control_lowers_exactly_the_hazard_it_addresses(control):
    off = operations.hazards(EXPOSED, Controls(), B, 1e6)
    on = operations.hazards(EXPOSED, Controls(**{control: True}), B, 1e6)
    lowered = {cause for cause in operations.CAUSES if on[cause] < off[cause]}
    assert lowered == set(operations.ADDRESSES[control])
    assert all(on[c] == off[c] for c in operations.CAUSES if c not in lowered)


@pytest.mark.parametrize("test_data, left", [("production", 1.0), ("masked", B.incidents.masked_test_data),
                                             ("synthetic", 0.0), ("none", 0.0)])
def test_masking_test_data_lowers_only_the_test_copy_hazard(test_data, left):
    ops = EXPOSED.model_copy(update={"test_data": test_data})
    a, b = operations.hazards(EXPOSED, Controls(), B, 1e6), operations.hazards(ops, Controls(), B, 1e6)
    assert b["test_copy"] == pytest.approx(a["test_copy"] * left)
    assert all(a[c] == b[c] for c in operations.CAUSES if c != "test_copy")


def test_field_masking_and_need_to_know_lower_creepy_moments():
    broad = Operations.model_validate({"service": {"broad_share": 1.0}})
    scoped = Operations.model_validate({"service": {"broad_share": 0.0}})
    q = creepy_share(0.14, broad, Controls(), B)
    assert creepy_share(0.14, scoped, Controls(), B) == pytest.approx(q * B.service.need_to_know)
    assert creepy_share(0.14, broad, Controls(field_masking=True), B) == pytest.approx(q * B.service.field_masking)
    masked = operations.hazards(broad, Controls(field_masking=True), B, 1e6)
    assert masked == operations.hazards(broad, Controls(), B, 1e6)


def test_hazards_scale_with_exposure_not_with_simulated_customers():
    h = operations.hazards(EXPOSED, Controls(), B, 1e6)
    double = EXPOSED.model_copy(update={"service": EXPOSED.service.model_copy(update={"staff": 1000})})
    assert operations.hazards(double, Controls(), B, 1e6)["insider"] == pytest.approx(2 * h["insider"])
    small, large = (replication(SERVICE % (500, 0.5), size=n, represents=1e6 / n) for n in (500, 5000))
    assert small.hazards() == large.hazards()       # the same real company at two resolutions


def test_agents_default_to_what_the_contacts_need():
    ops = Operations()
    assert operations.agents(ops, 1.2e6) == pytest.approx(1.2e6 * 0.3 / 12_000)


def test_a_controls_rated_event_takes_its_cause_hazard_and_replaces_the_engine_draw():
    body = SERVICE % (300, 1.0) + "events: [{type: service_incident, id: look, rate_per_year: controls}]\n"
    eng = replication(body, size=200)
    assert resolve_rate(eng, eng.s.events[0]) == pytest.approx(eng.hazards()["insider"])
    eng.run(until=120)
    assert not any(w.startswith("insider@") for _, k, w in eng.recorder.marks if k == "service_incident")


def test_doubling_staff_with_broad_access_doubles_insider_incidents():
    one, two = (replicate(scenario(SERVICE % (staff, 1.0) + QUIET, size=300, horizon=365), 30, baseline=False)
                for staff in (800, 1600))
    expected = B.incidents.insider_per_agent_year * 800
    assert mean(one, "incidents.insider") == pytest.approx(expected, rel=0.3)
    assert mean(two, "incidents.insider") / mean(one, "incidents.insider") == pytest.approx(2.0, rel=0.3)


def test_broad_and_need_to_know_access_differ_without_any_incident_event():
    broad, scoped = (scenario(SERVICE % (2000, share), size=3000, horizon=365, represents=100)
                     for share in (1.0, 0.0))
    assert not broad.events and not scoped.events
    a, b = replicate(broad, 6), replicate(scoped, 6)
    assert mean(a, "incidents") > 3 * mean(b, "incidents")
    assert mean(a, "complaints") > mean(b, "complaints")
    assert mean(a, "creepy_share") > 5 * mean(b, "creepy_share")
    assert mean(a, "breach_costs") > mean(b, "breach_costs")
    assert mean(a, "total_vs_baseline") != mean(b, "total_vs_baseline")


def test_no_operations_draws_no_incident():
    runs = replicate(scenario(QUIET, size=300, horizon=365), 4, baseline=False)
    assert mean(runs, "incidents") == 0.0


def test_misuse_nobody_finds_costs_nothing_until_it_comes_out():
    body = SERVICE % (3000, 1.0) + QUIET.replace("opt_out:", "incidents: {undetected_comes_out: %s}\n  opt_out:")
    hidden, out = (replicate(scenario(body % share, size=300, horizon=365, represents=1000), 4, baseline=False)
                   for share in (0.0, 1.0))
    assert mean(hidden, "incidents.insider") == mean(out, "incidents.insider") > 10   # same draws, unlogged
    assert mean(hidden, "breach_costs") == 0.0 < mean(out, "breach_costs")


@pytest.mark.parametrize("where, data, records, day, expected", [
    (["eu"], ["contact"], 10, "2019-01-01", (True, False)),           # the authority, not the people
    (["eu"], ["contact", "health"], 10, "2019-01-01", (True, True)),  # high risk: the people too
    (["eu"], ["contact", "health"], 10, "2017-01-01", (False, False)),  # before the GDPR applied
    (["us"], ["contact", "financial"], 100, "2019-01-01", (False, True)),   # residents, no AG below 500
    (["us"], ["contact", "financial"], 600, "2019-01-01", (True, True)),
    (["us"], ["contact", "purchase_history"], 600, "2019-01-01", (False, False)),   # not personal information
])
def test_notification_duties_follow_the_law_in_force(where, data, records, day, expected):
    from datetime import date

    assert law.notice_duty(where, date.fromisoformat(day), data, records) == expected
    assert law.notice_duty(where, date.fromisoformat(day), data, records, encrypted=True) == (False, False)


def test_schema_3_switches_become_operations_that_keep_their_rates():
    old = """schema: 3
name: old
population:
  size: 100
  segments: {everyone: {share: 1.0, concern: 0.5, trust: 0.6, annual_value: 100, churn_per_year: 0.1}}
strategy:
  controls: {service_access: broad, remote_data: encrypted}
events:
  - {type: service_incident, rate_per_year: controls}
  - {type: breach, rate_per_year: controls, cause: lost_laptop}
"""
    s = scenario_from_text(old)
    assert s.operations is not None and s.operations.service.broad_share == 1.0 and s.strategy.controls.disk_encryption
    h = operations.hazards(s.operations, s.strategy.controls, s.behavior, 100)
    assert h["insider"] == pytest.approx(2.0)                 # schema 3's insider_broad_per_year
    assert h["lost_laptop"] / B.incidents.disk_encryption == pytest.approx(0.23)   # ≈ schema 3's 0.2 a year
