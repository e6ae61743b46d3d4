"""The benchmark dynamics as a Mesa 3 agent-based model: one ``mesa.Agent`` per customer.

The same dynamics as the naive SimPy model (``benchmarks/naive.py``), written the way Mesa users
write models: a ``mesa.Model`` subclass that owns the company, customers as agents with attributes,
and a step that opens the day, lets every customer act (``AgentSet.do("step")``, in creation
order) and closes the day. A customer who leaves removes itself (``Agent.remove``). Draws come from
the model's own ``random.Random`` (``Model(seed=…)``), so Mesa and the engine agree in
distribution, not draw for draw (``tests/test_mesa.py``).

The equations are the naive model's per-customer stages, inherited rather than copied, so the two
per-agent models differ only in the framework that schedules them; both run plain Python per
customer, which is what the engine's arrays are measured against (``benchmarks/engine.py``).

Run: ``python benchmarks/mesa_model.py [SIZE] [DAYS]`` prints customer-days per second and the KPIs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import mesa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import naive
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario


class CustomerAgent(naive.Customer, mesa.Agent):
    """One customer: segment, concern, trust, value, consent and reach per practice, as attributes."""

    __slots__ = ()

    def __init__(self, model: PrivacyModel, *customer: float | int):
        mesa.Agent.__init__(self, model)
        naive.Customer.__init__(self, *customer)

    def step(self) -> None:
        """Today's stages (consent, exposure, trust, opt-out, churn, money); leave the model on churn."""
        if not self.live_day(self.model.company):
            self.remove()


class PrivacyModel(mesa.Model):
    """The company and its customers; one step is one day."""

    def __init__(self, scenario: Scenario, replicate: int = 0, seed: int | None = None):
        problems = naive.unsupported(scenario)
        if problems:
            raise ValueError("the Mesa model does not cover: " + "; ".join(problems))
        super().__init__(seed=f"{scenario.seed if seed is None else seed}:{replicate}:mesa")
        self.scenario = scenario
        self.company = naive.Company(scenario, self.random, naive.practices_of(scenario))
        naive.population(scenario, self.random, len(self.company.practices),
                         make=lambda *customer: CustomerAgent(self, *customer))

    def step(self) -> None:
        """Morning (practices, sends), every customer's day, evening (deliverability, money)."""
        self.company.open_day(self.steps - 1)           # Mesa counts steps from 1
        self.agents.do("step")
        self.company.close_day()

    def kpis(self) -> dict[str, float]:
        """KPIs named as the engine names them (segment ``all``)."""
        return self.company.kpis()


def run(s: Scenario, replicate: int = 0, seed: int | None = None) -> dict[str, float]:
    """One replication of the Mesa model: its KPIs."""
    model = PrivacyModel(s, replicate, seed)
    for _ in range(s.horizon_days):
        model.step()
    return model.kpis()


def main(size: int = 10_000, days: int = 365) -> None:
    """Time one replication and print customer-days per second and the KPIs."""
    s = override(load_scenario(naive.SCENARIO), {"population.size": size, "horizon_days": days})
    t0 = time.perf_counter()
    kpis = run(s)
    wall = time.perf_counter() - t0
    print(f"Mesa {mesa.__version__} model: {size:,} customers x {days} days in {wall:.1f} s = "
          f"{size * days / wall:,.0f} customer-days/s")
    for name, value in kpis.items():
        print(f"  {name:34s} {value:,.4f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
