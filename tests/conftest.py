"""Shared fixtures: small scenarios so the suite stays fast (size ≤ 2,000, reps ≤ 3)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from privsim.scenario import Scenario, load_scenario, resize

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"

os.environ.setdefault("PRIVSIM_SIZE", "2000")
os.environ.setdefault("PRIVSIM_REPS", "3")


def small(path: str | Path, size: int = 1000) -> Scenario:
    """A bundled scenario at ``size`` customers (same real population)."""
    return resize(load_scenario(SCENARIOS / path if not Path(path).is_absolute() else path), size)


@pytest.fixture
def newsletter() -> Scenario:
    """The default scenario at 1,000 customers."""
    return small("newsletter_opt_in.yaml")
