"""Operational incidents (docs/operations.md): hazards from exposure, the controls that lower them, their size.

The yearly hazard of cause c is λ_c = ρ_c · E_c · Π m_k over the controls k that address c, with E_c the
real exposure: agents × the share of the base each can open (insider misuse), leavers × that share
(records taken on leaving), devices holding records off-site, remote staff, copies kept for testing, and
one company for outside intrusions. Misuse and records taken scale with ``scope`` (what the agents'
access leaves of the hazard); their size is capped by ``reach`` (the share of the base one agent opens).
Nothing here counts simulated customers, so the incident rate of a real company does not depend on how
many customers simulate it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from privsim.scenario.coefficients import Behavior
from privsim.scenario.schema import Controls, Operations

CAUSES = ("insider", "departure", "lost_laptop", "remote_access", "test_copy", "intrusion")
# the controls the engine simulates and the hazards each lowers; test data masking is operations.test_data,
# field masking lowers creepy service moments (privsim.model.service)
ADDRESSES: dict[str, tuple[str, ...]] = {
    "access_logging": ("insider",),
    "just_in_time_access": ("insider",),
    "dlp": ("departure",),
    "disk_encryption": ("lost_laptop",),
    "mfa": ("remote_access",),
    "security_training": ("remote_access",),
}
TEST_DATA = {"none": 0.0, "synthetic": 0.0, "masked": None, "production": 1.0}   # None: the masking coefficient
FOUND_BY_LOGS = frozenset({"insider", "departure"})    # the company sees the rest when they happen


def agents(ops: Operations, real_customers: float) -> float:
    """Service agents: as stated, or as many as the contacts need."""
    s = ops.service
    if s.staff is not None:
        return float(s.staff)
    return real_customers * s.contacts_per_customer_year / s.contacts_per_agent_year


def access(ops: Operations, scoped: float) -> float:
    """What the agents' access leaves of a quantity: broad-access agents count 1, need-to-know ones ``scoped``."""
    beta = ops.service.broad_share
    return beta + (1.0 - beta) * scoped


def reach(ops: Operations, b: Behavior) -> float:
    """Mean share of the base one agent can open."""
    return access(ops, b.incidents.need_to_know_reach)


def scope(ops: Operations, b: Behavior) -> float:
    """What the agents' access leaves of the misuse hazard."""
    return access(ops, b.incidents.need_to_know_hazard)


def left(controls: Controls, b: Behavior, control: str) -> float:
    """What control ``control`` leaves of the hazards it addresses (1 when it is not in place)."""
    return float(getattr(b.incidents, control)) if getattr(controls, control) else 1.0


def hazards(ops: Operations, controls: Controls, b: Behavior, real_customers: float) -> dict[str, float]:
    """λ_c per year for every cause: rate per exposure unit × exposure × what the controls leave."""
    i, r, n = b.incidents, scope(ops, b), agents(ops, real_customers)
    devices = ops.remote.staff * ops.remote.devices_per_person if ops.remote.local_records_share > 0 else 0.0
    test = TEST_DATA[ops.test_data]
    lam = {
        "insider": i.insider_per_agent_year * n * r,
        "departure": i.departure_per_leaver * n * ops.service.turnover_per_year * r,
        "lost_laptop": i.lost_device_per_year * devices,
        "remote_access": i.remote_compromise_per_person_year * ops.remote.staff,
        "test_copy": i.test_copy_leak_per_year * (i.masked_test_data if test is None else test),
        "intrusion": i.intrusion_per_year if ops.outside_attacks else 0.0,
    }
    for control, causes in ADDRESSES.items():
        for cause in causes:
            lam[cause] *= left(controls, b, control)
    return lam


@dataclass(frozen=True)
class Size:
    """Records one incident of a cause touches: log-normal around ``median``, capped at ``cap`` (real records)."""

    median: float
    cap: float

    def draw(self, z: float, spread: float) -> float:
        """The records of one incident from a standard normal draw ``z``."""
        return min(self.cap, self.median * math.exp(spread * z))


def size(cause: str, ops: Operations, b: Behavior, real_customers: float) -> Size:
    """The size distribution of an incident of ``cause`` at a company of ``real_customers``."""
    i, n = b.incidents, real_customers
    reachable = reach(ops, b) * n
    return {
        "insider": Size(i.insider_records, reachable),
        "departure": Size(i.departure_records, reachable),
        "lost_laptop": Size(i.device_records, ops.remote.local_records_share * n),
        "remote_access": Size(i.remote_share * reachable, reachable),
        "test_copy": Size(i.test_copy_share * n, n),
        "intrusion": Size(i.intrusion_share * n, n),
    }[cause]


def cause_of(event_type: str, cause: str | None) -> str:
    """The hazard a scripted event at ``rate_per_year: controls`` stands for."""
    return "insider" if event_type == "service_incident" else str(cause)
