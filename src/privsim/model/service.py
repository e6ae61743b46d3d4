"""Personalised service (docs/operations.md §6): service contacts, and the ones that surface unexpected data.

A customer a ``customer_service_access`` practice reaches contacts service with daily probability
1 − exp(−c/365). A contact is 'creepy' (the agent brings up data the customer did not expect there) with
probability q = q_x·x·a·m, lowered to ``trust.consented`` of it for customers who consented: x = s·(1 − e)
the practice's privacy cost, a what the access leaves (broad 1, need-to-know ``service.need_to_know``),
m what field masking leaves. A creepy moment is learning of the use first hand: trust, outrage,
complaints and opt-outs follow through the usual mechanisms, and a share ``service.complaint``·c complains
on the spot. On the other side the practice's lift and the handling time it saves are scaled by how much
of the history the agent sees.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from privsim.model import operations
from privsim.model.discovery import learn
from privsim.model.flows import access_benefit
from privsim.model.practices import GRANTED
from privsim.model.rng import Decision
from privsim.scenario.coefficients import Behavior
from privsim.scenario.schema import Controls, Operations

if TYPE_CHECKING:
    from privsim.model.engine import Replication

F32 = np.float32
PURPOSE = "customer_service_access"


def saving_per_contact(ops: Operations, controls: Controls, b: Behavior) -> float:
    """Handling cost one contact saves when the agent sees the history the access allows."""
    return ops.service.cost_per_contact * b.service.handle_time_saving * access_benefit(ops, controls.field_masking, b)


def creepy_share(x: float, ops: Operations, controls: Controls, b: Behavior) -> float:
    """q: probability that one contact surfaces data the customer did not expect (before consent)."""
    s = b.service
    masking = s.field_masking if controls.field_masking else 1.0
    return min(1.0, s.creepy_per_cost * x * operations.access(ops, s.need_to_know) * masking)


def contact_probability(ops: Operations) -> float:
    """Daily probability that one customer contacts service: 1 − exp(−c/365)."""
    return -math.expm1(-ops.service.contacts_per_customer_year / 365.0)


def stage_service(eng: Replication, day: int) -> None:
    """Service contacts of the customers each personalised-service practice reaches; creepy ones are felt."""
    if not eng.service_flows:
        return
    ops = eng.operations or Operations()
    p = contact_probability(ops)
    for k in eng.service_flows:
        f = eng.flows[k]
        if not f.live or not eng.practices.reach_count[k].any():
            continue
        u = eng.uniform(Decision.SERVICE, f.key, day)
        contacted = np.flatnonzero(eng.practices.reach[k] & (u < F32(p)))
        if contacted.size == 0:
            continue
        eng.count("service_contacts", contacted)
        eng.savings += contacted.size * saving_per_contact(ops, eng.controls, eng.b) * eng.represents
        q = creepy_share(f.x, ops, eng.controls, eng.b)
        q_i = np.where(eng.practices.consent[k, contacted] == GRANTED, F32(q * eng.b.trust.consented), F32(q))
        cut = F32(p) * q_i
        felt = u[contacted] < cut                      # given a contact, u/p is uniform: one draw for all three
        creepy = contacted[felt]
        if creepy.size:
            eng.count("creepy", creepy)
            c = eng.pop.concern[creepy] * F32(eng.b.service.complaint)
            eng.count("complaints", creepy[u[creepy] < cut[felt] * c])
            source = eng.backlash.sources[k]
            eng.backlash.track(source)
            learn(eng, source, creepy, eng.backlash.told(source, creepy, day), day, all_at_once=False)
