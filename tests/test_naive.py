"""The naive per-customer SimPy model (benchmarks/naive.py) agrees with the vectorised engine.

Both run ``benchmarks/three_practices.yaml`` at 1,000 customers. Tolerance: the two models run
the same dynamics, so their replication spread is the same; the engine's spread over
ENGINE_REPS cheap replications estimates it. A KPI agrees when the naive mean over its
replications lies within the 99% t-interval of a difference of two means around the engine
mean: |m_naive − m_engine| ≤ t(0.995, n_e − 1) · s_engine · √(1/n_e + 1/n_naive). A real
mismatch (an equation or a coefficient read differently) shifts a KPI by far more than that,
as the changed-coefficient test shows.
"""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from privsim.experiments.runs import simulate
from privsim.scenario.overrides import override
from privsim.scenario.schema import Scenario
from tests.conftest import ROOT, small

spec = importlib.util.spec_from_file_location("bench_naive", ROOT / "benchmarks" / "naive.py")
naive = sys.modules["bench_naive"] = importlib.util.module_from_spec(spec)   # a script, not a package
spec.loader.exec_module(naive)

ENGINE_REPS, NAIVE_REPS = 10, 3
PRACTICES = ("newsletter", "personalisation", "partner_sharing")
KPIS = ("churn", "opt_outs", "complaints", "revenue", "npv", "trust_end",
        *(f"{kpi}.{p}" for kpi in ("consent", "granted_at_ask") for p in PRACTICES))

pytestmark = pytest.mark.slow


def engine_kpis(s: Scenario, reps: int = ENGINE_REPS) -> dict[str, np.ndarray]:
    runs = [simulate(s, r, baseline=False).kpis for r in range(reps)]
    return {k: np.array([run[("all", k)] for run in runs]) for k in KPIS}


def naive_kpis(s: Scenario, reps: int = NAIVE_REPS) -> dict[str, np.ndarray]:
    runs = [naive.run(s, r) for r in range(reps)]
    return {k: np.array([run[k] for run in runs]) for k in KPIS}


def disagreements(engine: dict[str, np.ndarray], other: dict[str, np.ndarray]) -> list[str]:
    """KPIs whose naive mean lies outside the 99% interval around the engine mean (see module doc)."""
    out = []
    for k in KPIS:
        e, m = engine[k], other[k]
        half = stats.t.ppf(0.995, e.size - 1) * e.std(ddof=1) * math.sqrt(1 / e.size + 1 / m.size)
        if abs(m.mean() - e.mean()) > half:
            out.append(f"{k}: naive {m.mean():.6g} vs engine {e.mean():.6g} ± {half:.3g}")
    return out


@pytest.fixture(scope="module")
def bench() -> Scenario:
    return small(ROOT / "benchmarks" / "three_practices.yaml", 1000)


@pytest.fixture(scope="module")
def engine(bench: Scenario) -> dict[str, np.ndarray]:
    return engine_kpis(bench)


def test_naive_model_agrees_with_engine(bench, engine):
    ours = naive_kpis(bench)
    assert disagreements(engine, ours) == []
    assert all(engine[k].std() > 0 for k in KPIS)       # every KPI is live, so the check has teeth
    assert 0.0 < ours["churn"].mean() < 0.5 and ours["opt_outs"].mean() > 0 and ours["complaints"].mean() > 0


def test_a_coefficient_change_moves_both_models_alike(bench, engine):
    lower = override(bench, {"behavior.consent.intercept": bench.behavior.consent.intercept - 1.0})
    moved = naive_kpis(lower, reps=1)
    assert disagreements(engine_kpis(lower), moved) == []
    caught = disagreements(engine, moved)
    # the prompts move; the e-mailed opt-out notice moves only among the share who read it (a·Δσ)
    assert {c.split(":")[0] for c in caught} >= {f"granted_at_ask.{p}" for p in PRACTICES[:2]}
    assert moved["granted_at_ask.newsletter"][0] < engine["granted_at_ask.newsletter"].mean() - 0.1


def test_naive_model_refuses_what_it_does_not_model():
    covert = small(Path(ROOT / "scenarios" / "covert_sharing.yaml"), 100)
    problems = " ".join(naive.unsupported(covert))
    assert "events" in problems and "discovery" in problems and "covert practice partner_feed" in problems
    with pytest.raises(ValueError, match="does not cover"):
        naive.run(covert)
