"""privsim: a privacy-risk simulator and worst-practice tester for CRM strategies.

Public API::

    import privsim
    s = privsim.load_scenario("scenarios/newsletter_opt_in.yaml")
    one = privsim.simulate(s)                 # one replication (+ its no-practice baseline)
    run = privsim.replicate(s, reps=3)        # Monte Carlo replications
    run.to_frame(); run.summary()             # tidy series; KPI table with uncertainty
"""

from privsim.experiments import RunResult, replicate, simulate
from privsim.results import ReplicationResult
from privsim.scenario import Scenario, dump_scenario, load_scenario, override, resize

__all__ = [
    "ReplicationResult",
    "RunResult",
    "Scenario",
    "dump_scenario",
    "load_scenario",
    "override",
    "replicate",
    "resize",
    "simulate",
]
__version__ = "0.1.0"
