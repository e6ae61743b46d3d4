"""The Mesa 3 model (benchmarks/mesa_model.py) agrees with the vectorised engine, as the naive one does.

Same scenario, size, replications and tolerance as ``tests/test_naive.py``: every KPI's Mesa mean
lies within the 99% t-interval of a difference of means around the engine's mean.
"""

from __future__ import annotations

import importlib.util
import sys

import numpy as np
import pytest

import tests.test_naive as reference
from tests.conftest import ROOT, small

pytest.importorskip("mesa")
sys.path.insert(0, str(ROOT / "benchmarks"))
spec = importlib.util.spec_from_file_location("bench_mesa", ROOT / "benchmarks" / "mesa_model.py")
mesa_model = sys.modules["bench_mesa"] = importlib.util.module_from_spec(spec)   # a script, not a package
spec.loader.exec_module(mesa_model)

pytestmark = pytest.mark.slow


def test_mesa_model_agrees_with_engine():
    bench = small(ROOT / "benchmarks" / "three_practices.yaml", 1000)
    runs = [mesa_model.run(bench, r) for r in range(reference.NAIVE_REPS)]
    ours = {k: np.array([run[k] for run in runs]) for k in reference.KPIS}
    assert reference.disagreements(reference.engine_kpis(bench), ours) == []
    assert 0.0 < ours["churn"].mean() < 0.5 and ours["opt_outs"].mean() > 0 and ours["complaints"].mean() > 0


def test_mesa_model_is_idiomatic_mesa():
    import mesa

    model = mesa_model.PrivacyModel(small(ROOT / "benchmarks" / "three_practices.yaml", 50))
    assert isinstance(model, mesa.Model) and len(model.agents) == 50
    assert all(isinstance(a, mesa.Agent) and 0.0 <= a.trust <= 1.0 for a in model.agents)
    model.step()
    assert model.steps == 1 and model.company.day == 0
