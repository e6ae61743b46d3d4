"""The dashboard's worker processes: one pool per server, started as the app first loads and kept warm.

A pool started for each run makes every worker import privsim and load the engine's kernels (≈1.5 s)
before its first replication, longer than a default comparison takes on warm workers. The server's pool
pays that once, in the background, while the first page is drawn; results are the same on any executor.
"""

from __future__ import annotations

import os

import streamlit as st

from privsim.dashboard import workspace
from privsim.experiments.arms import arm_task
from privsim.experiments.executors import Executor, Kept
from privsim.scenario.overrides import resize

PRIMER_SIZE = 200        # customers of the warm-up replication each worker runs once


def usable() -> bool:
    """Whether worker processes can run anything in parallel here (more than one core)."""
    return (os.cpu_count() or 1) > 1


@st.cache_resource(show_spinner=False)
def shared() -> Kept:
    """The server's pool, its workers warming up on a small replication of the default scenario."""
    pool = Kept()
    entry = workspace.bundled()[workspace.DEFAULT]
    pool.prime(arm_task, (resize(workspace.scenario(entry), PRIMER_SIZE), 0, 0, True, None))
    return pool


def runner(executor: str) -> str | Executor:
    """What runs the replications of ``executor`` (a sidebar name): the kept pool for ``processes``."""
    return shared() if executor == "processes" else executor
