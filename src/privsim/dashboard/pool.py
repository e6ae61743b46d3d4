"""The dashboard's worker processes: one pool per server, started as the app first loads and kept warm.

A pool started for each run starts its forkserver (privsim imported, the engine's kernels loaded: ≈1.5 s)
and its workers before the first replication, longer than a default comparison takes on warm workers. The
server's pool pays that once, in the background, while the first page is drawn; results are the same on
any executor.
"""

from __future__ import annotations

import os

import streamlit as st

from privsim.experiments.executors import Executor, Kept


def usable() -> bool:
    """Whether worker processes can run anything in parallel here (more than one core)."""
    return (os.cpu_count() or 1) > 1


@st.cache_resource(show_spinner=False)
def shared() -> Kept:
    """The server's pool, its workers starting in the background."""
    pool = Kept()
    pool.start()
    return pool


def runner(executor: str) -> str | Executor:
    """What runs the replications of ``executor`` (a sidebar name): the kept pool for ``processes``."""
    return shared() if executor == "processes" else executor
