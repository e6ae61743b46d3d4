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
    privsim.stress(s, reps=3).passed          # the stress-test gate under adverse draws
    privsim.run_case(privsim.load_case("facebook_beacon_2007"), 3).comparisons
    report = privsim.lint("scenarios/covert_sharing.yaml")   # located findings; price, to_sarif in privsim.tester.lint
    privsim.population_from_export("examples/customers.csv", "examples/customers.map.yaml").segments
    fit = privsim.calibrate_history(s, "examples/history.csv", fit=["behavior.opt_out.per_send"])
    fit.params_frame(); fit.overlay(); privsim.history_figure(fit)   # to your own history (docs/own-data.md)
"""

from importlib import import_module
from typing import Any

# name -> module: imported on first use, so a worker running replications never loads pandas or
# scipy.stats (≈120 MB) it does not need.
_API = {
    "CaseRun": "tester.cases", "case_ids": "tester.cases", "load_case": "tester.cases", "run_case": "tester.cases",
    "Calibration": "experiments.fit", "calibrate": "experiments.fit",
    "HistoryFit": "experiments.history_fit", "calibrate_history": "experiments.history_fit",
    "history_figure": "output.history", "load_history": "scenario.history", "apply_overlay": "scenario.overlay",
    "Replay": "experiments.replay", "replay_variants": "experiments.replay",
    "Comparison": "experiments.compare", "compare": "experiments.compare",
    "Frontier": "experiments.frontier", "frontier": "experiments.frontier",
    "GateResult": "tester.gate", "stress": "tester.gate",
    "lint": "tester.lint",
    "ReplicationResult": "experiments.results",
    "RunResult": "experiments.runs", "replicate": "experiments.runs", "simulate": "experiments.runs",
    "Scenario": "scenario.schema",
    "dump_scenario": "scenario.load", "load_scenario": "scenario.load",
    "override": "scenario.overrides", "resize": "scenario.overrides",
    "population_from_export": "scenario.customers", "population_from_survey": "scenario.survey",
    "Sensitivity": "experiments.sensitivity", "sensitivity": "experiments.sensitivity",
    "SweepResult": "experiments.sweep", "sweep": "experiments.sweep",
    "Uncertainty": "experiments.uncertainty", "uncertainty": "experiments.uncertainty",
}
__all__ = sorted(_API)
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in _API:
        raise AttributeError(f"module 'privsim' has no attribute {name!r}")
    value = getattr(import_module(f"privsim.{_API[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Only the public API (and the version), not what this module imports."""
    return sorted([*_API, "__version__"])
