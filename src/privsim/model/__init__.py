"""One replication: a SimPy calendar and one vectorised daily step over numpy customer arrays.

``engine`` holds the replication's state and ``STEP_ORDER``, the daily order of the stages; each
stage lives in the module of its concept. No pandas, no file I/O, no wall clock: a replication is a
pure function of (scenario, seed, replicate). Imports only ``privsim.scenario`` and the root.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path


@functools.cache
def fingerprint() -> str:
    """SHA-256 of the model's and the scenario format's source: saved results of another model never resume."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted([*(root / "model").glob("*.py"), *(root / "scenario").glob("*.py")]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()
