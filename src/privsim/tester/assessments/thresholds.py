"""The thresholds that turn simulated figures into assessment scales: our assumptions [A], in docs/assessments.md.

A value at or above a band's lower edge takes that band. PRAM scores data actions 0–10 for likelihood and
impact (risk = likelihood × impact); the CNIL PIA tool gauges each feared event on four levels.
"""

from __future__ import annotations

import math

CNIL_LEVELS = {0: "not estimated", 1: "negligible", 2: "limited", 3: "significant", 4: "maximum"}

# lower edges of levels 2, 3 and 4 (below the first: 1, negligible) [A]
CNIL_LIKELIHOOD = (0.05, 0.20, 0.50)   # probability in the stress test (of regulator action or an incident, …)
CNIL_MONEY = (0.001, 0.01, 0.05)       # P95 loss of total value / the no-practice baseline's total value
CNIL_PEOPLE = (0.001, 0.01, 0.10)      # P95 share of customers who learned of a violation or incident

# lower edges of PRAM impact scores 2 … 10 (above 0 and below the first: 1) [A]: loss of total value in the
# replications where the data action became problematic, as a share of the baseline's total value
PRAM_IMPACT = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)

TABLES = {   # name -> (edges, what is measured, the scale it feeds): the rows of the documented table
    "cnil_likelihood": (CNIL_LIKELIHOOD, "probability", "CNIL likelihood 1–4"),
    "cnil_money": (CNIL_MONEY, "P95 loss of total value / baseline total value", "CNIL severity 1–4"),
    "cnil_people": (CNIL_PEOPLE, "P95 share of customers who learned of a violation or incident",
                    "CNIL severity 1–4"),
    "pram_impact": (PRAM_IMPACT, "loss when problematic / baseline total value", "PRAM impact score 1–10"),
}


def band(value: float, edges: tuple[float, ...]) -> int:
    """How many lower edges ``value`` reaches (0 … len(edges))."""
    return sum(value >= edge for edge in edges)


def cnil_level(value: float | None, edges: tuple[float, ...]) -> int:
    """A CNIL gauge 1 (negligible) … 4 (maximum); 0 (not estimated) when there is no finite value."""
    if value is None or not math.isfinite(value):
        return 0
    return 1 + band(value, edges)


def likelihood_score(p: float) -> int:
    """PRAM likelihood 0–10 of a probability: 0 when it never happened, else ⌈10 p⌉."""
    return 0 if p <= 0 else min(10, math.ceil(round(10 * p, 9)))


def impact_score(share: float | None) -> int:
    """PRAM impact 0–10 of a loss as a share of the baseline's total value (0: no loss, or none known)."""
    if share is None or not math.isfinite(share) or share <= 0:
        return 0
    return 1 + band(share, PRAM_IMPACT)
