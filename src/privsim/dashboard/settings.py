"""Run settings shared by every page: simulated customers, replications, seed and executor.

They live in the sidebar of the entry point (so they survive page switches) and are bound to
the URL's query parameters, e.g. ``?size=2000&reps=3``. Pages read them through
:func:`current`, which falls back to the defaults when the sidebar is not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from privsim.dashboard import pool
from privsim.experiments.executors import Executor
from privsim.scenario.overrides import resize
from privsim.scenario.schema import Scenario

DEFAULT_SIZE = 20_000      # simulated customers; ``represents`` keeps the real population
DEFAULT_REPS = 5           # a 2-strategy compare at these defaults takes about 1.5 s here, on the kept pool
# The server's kept worker pool where there are cores to share (privsim.dashboard.pool), else this process
EXECUTORS = ("processes", "serial") if pool.usable() else ("serial", "processes")
SIZE, REPS, SEED, EXECUTOR = "size", "reps", "seed", "executor"


@dataclass(frozen=True)
class Settings:
    """What every simulation on the dashboard is run with."""

    size: int = DEFAULT_SIZE
    reps: int = DEFAULT_REPS
    seed: int | None = None          # None: the (first) scenario's own seed
    executor: str = EXECUTORS[0]

    def fit(self, scenario: Scenario) -> Scenario:
        """The scenario at ``size`` simulated customers (never more than it has), same real population."""
        size = min(self.size, scenario.population.size)
        return scenario if size == scenario.population.size else resize(scenario, size)

    def seed_for(self, scenario: Scenario) -> int:
        """The seed to run ``scenario`` on."""
        return scenario.seed if self.seed is None else self.seed

    def runner(self) -> str | Executor:
        """What runs the replications: the server's kept pool for ``processes``, else the executor's name."""
        return pool.runner(self.executor)


def current() -> Settings:
    """The settings chosen in the sidebar (defaults where it has not been drawn)."""
    s = st.session_state
    return Settings(size=int(s.get(SIZE) or DEFAULT_SIZE), reps=int(s.get(REPS) or DEFAULT_REPS),
                    seed=None if s.get(SEED) is None else int(s[SEED]), executor=s.get(EXECUTOR) or EXECUTORS[0])


def sidebar() -> None:
    """The settings widgets, drawn once by the entry point."""
    bar = st.sidebar
    bar.subheader("Run settings")
    bar.number_input("Simulated customers", min_value=100, max_value=5_000_000, value=DEFAULT_SIZE, step=1000,
                     key=SIZE, bind="query-params",
                     help="Each scenario is simulated with at most this many customers; each stands for "
                          "proportionally more real ones (population.represents), so totals stay in real customers.")
    bar.number_input("Replications", min_value=1, max_value=500, value=DEFAULT_REPS, step=1, key=REPS,
                     bind="query-params", help="Monte Carlo replications per scenario, on common random numbers.")
    bar.number_input("Seed", min_value=0, value=None, step=1, key=SEED, bind="query-params",
                     placeholder="the scenario's seed", help="Empty: the seed written in the (first) scenario.")
    bar.selectbox("Executor", EXECUTORS, key=EXECUTOR, bind="query-params",
                  help="Where replications run; results are identical on either.")
    bar.caption("Results are cached by scenario, seed, replications and version: "
                "changing a view never reruns a simulation.")
