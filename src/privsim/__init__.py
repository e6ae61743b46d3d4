"""privsim: a privacy-risk simulator and worst-practice tester for CRM strategies.

Public API::

    import privsim
    s = privsim.load_scenario("scenarios/newsletter_opt_in.yaml")
    one = privsim.simulate(s)                 # one replication (+ its no-practice baseline)
    run = privsim.replicate(s, reps=3)        # Monte Carlo replications
    run.to_frame(); run.summary()             # tidy series; KPI table with uncertainty
    cmp = privsim.compare([s, other], reps=3) # paired differences under common random numbers
    cmp.differences()
    privsim.sweep(s, ["strategy.practices.newsletter.contacts_per_month=2:8:4"], reps=3).summary()
    privsim.frontier(s, "strategy.practices.newsletter.contacts_per_month=2:8:4", reps=3).to_frame()
    privsim.sensitivity(s, "tornado", params=["behavior.consent"]).to_frame()
    privsim.uncertainty(s, reps=3).to_frame()
    privsim.calibrate(s, ["behavior.consent.intercept"], only=["opt_in_cross_context"]).to_frame()
"""

from privsim.compare import Comparison, compare
from privsim.experiments import RunResult, replicate, simulate
from privsim.fit import Calibration, calibrate
from privsim.frontier import Frontier, frontier
from privsim.results import ReplicationResult
from privsim.scenario import Scenario, dump_scenario, load_scenario, override, resize
from privsim.sensitivity import Sensitivity, sensitivity
from privsim.sweep import SweepResult, sweep
from privsim.uncertainty import Uncertainty, uncertainty

__all__ = [
    "Calibration",
    "Comparison",
    "Frontier",
    "ReplicationResult",
    "RunResult",
    "Scenario",
    "Sensitivity",
    "SweepResult",
    "Uncertainty",
    "calibrate",
    "compare",
    "dump_scenario",
    "frontier",
    "load_scenario",
    "override",
    "replicate",
    "resize",
    "sensitivity",
    "simulate",
    "sweep",
    "uncertainty",
]
__version__ = "0.1.0"
