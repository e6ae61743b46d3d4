"""Experiment results kept by what determines them, so an unchanged simulation never runs twice.

The run key hashes the experiment kind, each resolved scenario's digest, the seed, the
replications, the experiment's own options and the privsim version. The store is shared by
every session of the server and keeps the most recently used results.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import privsim
from privsim.scenario.schema import Scenario

MAX_ENTRIES = 24


def run_key(kind: str, scenarios: Sequence[Scenario], seed: int, reps: int, **options: Any) -> str:
    """SHA-256 of everything a result depends on (the executor is left out: it never changes results)."""
    payload = {"kind": kind, "scenarios": [s.digest() for s in scenarios], "seed": seed, "reps": reps,
               "options": options, "version": privsim.__version__}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class Stored:
    """A result and the wall time its simulation took."""

    value: Any
    seconds: float


class ResultStore:
    """A thread-safe least-recently-used store of results by run key."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self.computed = 0                      # simulations run, as opposed to served from the store
        self._items: OrderedDict[str, Stored] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> Stored | None:
        """The stored result for ``key``, if any (marks it recently used)."""
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def compute(self, key: str, fn: Callable[[], Any]) -> Stored:
        """Run ``fn``, store its result under ``key`` and return it."""
        start = time.perf_counter()
        stored = Stored(fn(), time.perf_counter() - start)
        with self._lock:
            self.computed += 1
            self._items[key] = stored
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)
        return stored

    def __len__(self) -> int:
        return len(self._items)


STORE = ResultStore()
