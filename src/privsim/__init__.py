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
    report = privsim.lint("scenarios/covert_sharing.yaml")   # located findings; price, to_sarif in privsim.lint
"""

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

# name -> module: imported on first use, so a worker running replications never loads pandas or
# scipy.stats (≈120 MB) it does not need.
_API = {
    "CaseRun": "cases", "case_ids": "cases", "load_case": "cases", "run_case": "cases",
    "Calibration": "fit", "calibrate": "fit",
    "Comparison": "compare", "compare": "compare",
    "Frontier": "frontier", "frontier": "frontier",
    "GateResult": "gate", "stress": "gate",
    "lint": "lint",
    "ReplicationResult": "results",
    "RunResult": "experiments", "replicate": "experiments", "simulate": "experiments",
    "Scenario": "scenario", "dump_scenario": "scenario", "load_scenario": "scenario", "override": "scenario",
    "resize": "scenario",
    "Sensitivity": "sensitivity", "sensitivity": "sensitivity",
    "SweepResult": "sweep", "sweep": "sweep",
    "Uncertainty": "uncertainty", "uncertainty": "uncertainty",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in _API:
        raise AttributeError(f"module 'privsim' has no attribute {name!r}")
    value = getattr(import_module(f"privsim.{_API[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API])


class _Package(ModuleType):
    """The package: ``privsim.sweep`` & co. stay the public functions after their same-named modules load.

    Importing a submodule binds it as an attribute of its package; for the five experiment names whose
    module shares the function's name that binding is skipped (the module stays in ``sys.modules``).
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, ModuleType) and _API.get(name) == name:
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


__all__ = [
    "Calibration",
    "CaseRun",
    "Comparison",
    "Frontier",
    "GateResult",
    "ReplicationResult",
    "RunResult",
    "Scenario",
    "Sensitivity",
    "SweepResult",
    "Uncertainty",
    "calibrate",
    "case_ids",
    "compare",
    "dump_scenario",
    "frontier",
    "lint",
    "load_case",
    "load_scenario",
    "override",
    "replicate",
    "resize",
    "run_case",
    "sensitivity",
    "simulate",
    "stress",
    "sweep",
    "uncertainty",
]
__version__ = "0.1.0"
