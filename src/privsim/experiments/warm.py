"""Imported by the worker pools' forkserver: the engine's kernels loaded once, so every forked worker has them.

Without it each worker imports numba and loads the kernels from numba's cache on its first replication
(≈1 s and ≈120 MB each); forked from a server that has done it once, workers share those pages and start
warm. Nothing here may fail the pool: a problem leaves the workers to load the kernels themselves.
"""

from __future__ import annotations

from privsim.model import kernels

# Every kernel runs in a short replication of this: a newsletter (sends), an opt-out data use (reviews),
# churn, trust and the terminal value
PRIMER = """
schema: 4
name: kernel primer
horizon_days: 40
seed: 1
jurisdictions: [eu]
population:
  size: 300
  segments:
    pragmatist: {share: 0.6, concern: 0.5, trust: 0.6, annual_value: 350, churn_per_year: 0.1}
    fundamentalist: {share: 0.4, concern: 0.85, trust: 0.45, annual_value: 300, churn_per_year: 0.12}
strategy:
  practices:
    - {id: newsletter, purpose: marketing_email, data: [contact], consent: opt_in, channel: email,
       contacts_per_month: 8, revenue_lift: 0.02}
    - {id: sharing, purpose: third_party_sharing, data: [contact], consent: opt_out, data_revenue_per_record: 2.0,
       start_day: 5}
"""


def prime() -> None:
    """Load the kernels by running them once (nothing when the numpy path is chosen or numba is missing)."""
    try:
        if kernels.choose() != "numba":
            return
        from privsim.model.engine import Replication
        from privsim.scenario.load import scenario_from_text

        Replication(scenario_from_text(PRIMER, "kernel primer"), 0).run()
    except Exception:  # a pool must start whatever happens here
        return


prime()
