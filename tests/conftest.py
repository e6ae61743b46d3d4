"""Shared fixtures: small scenarios so the suite stays fast (size ≤ 2,000, reps ≤ 3)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from privsim.output import runfolders
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import resize
from privsim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

os.environ.setdefault("PRIVSIM_SIZE", "2000")
os.environ.setdefault("PRIVSIM_REPS", "3")
MAIN = sys.modules["__main__"]


@pytest.fixture(scope="session", autouse=True)
def dashboard_runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dashboard keeps its runs in a temporary folder, never in the repository's runs/ (PRIVSIM_RUNS)."""
    folder = tmp_path_factory.mktemp("dashboard-runs")
    os.environ[runfolders.ENV] = str(folder)
    return folder


@pytest.fixture(autouse=True)
def main_module_restored():
    """Streamlit's AppTest leaves its page script as ``__main__``: a worker pool started later would
    re-run that script in every worker (the forkserver imports ``__main__``), so put pytest's back."""
    yield
    sys.modules["__main__"] = MAIN


def small(path: str | Path, size: int = 1000) -> Scenario:
    """A bundled scenario at ``size`` customers (same real population)."""
    return resize(load_scenario(SCENARIOS / path if not Path(path).is_absolute() else path), size)


@pytest.fixture
def newsletter() -> Scenario:
    """The default scenario at 1,000 customers."""
    return small("newsletter_opt_in.yaml")
