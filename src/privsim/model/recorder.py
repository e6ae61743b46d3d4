"""Daily metrics of one replication, per segment and in total, plus a log of event markers.

Counts and money are scaled by ``population.represents``; shares and means are not.
Arrays are (days, segments + 1), the last column the whole population.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from privsim.model.vocabulary import COMPANY_SERIES, SEGMENT_SERIES

if TYPE_CHECKING:
    from privsim.model.engine import Replication

# the series are named in privsim.model.vocabulary; per-flow consent series are added as "consent.<flow id>"
COUNTS = {"active", "churned", "opt_outs", "complaints", "formal_complaints", "aware", "protesters",
          "sends", "breached", "service_contacts", "creepy"}


class Recorder:
    """Preallocated daily arrays filled by the engine's record stage."""

    def __init__(self, eng: Replication):
        self.eng = eng
        days, s = eng.horizon, len(eng.pop.names)
        self.segments = [*eng.pop.names, "all"]
        self.flow_ids = [f.id for f in eng.flows]
        names = [*SEGMENT_SERIES, *(f"consent.{i}" for i in self.flow_ids)]
        self.series = {m: np.zeros((days, s + 1)) for m in names}
        self.company = {m: np.zeros(days) for m in COMPANY_SERIES}
        self.marks: list[tuple[int, str, str]] = []
        self.tallies: dict[str, np.ndarray] = {}   # horizon totals of every daily count, per segment
        self._slices = eng.pop.slices()
        self._targeted = [np.asarray([t[sl].any() for sl in self._slices]) for t in eng.practices.targets]

    def mark(self, day: int, kind: str, what: str) -> None:
        """An event marker for charts and reports."""
        self.marks.append((day, kind, what))

    def record(self, day: int) -> None:
        """Copy today's state into the arrays."""
        eng, r = self.eng, self.eng.represents
        active = eng.active_count.astype(np.float64)
        safe = np.maximum(active, 1.0)

        def put(metric: str, per_segment: np.ndarray, *, mean: bool = False, weights: np.ndarray | None = None) -> None:
            row = self.series[metric][day]
            row[:-1] = per_segment
            if mean:
                w = active if weights is None else weights
                row[-1] = float((per_segment * w).sum() / max(w.sum(), 1.0))
            else:
                row[-1] = per_segment.sum()

        put("active", active * r)
        trust = np.asarray([float(eng.pop.trust[sl].sum()) for sl in self._slices])
        put("trust", trust / safe, mean=True)
        put("intent", np.asarray(eng.intent_sum) / safe, mean=True)
        if eng.backlash.any_outrage:
            offended = np.asarray([np.count_nonzero(eng.backlash.offended_any[sl]) for sl in self._slices])
            put("backlash", offended / safe, mean=True)
        for metric in ("churned", "opt_outs", "complaints", "formal_complaints", "aware", "protesters",
                       "sends", "breached", "service_contacts", "creepy"):
            if metric in eng.day_counts:
                put(metric, eng.day_counts[metric] * r)
        put("revenue", eng.revenue)
        for k, fid in enumerate(self.flow_ids):
            targeted = np.where(self._targeted[k], active, 0.0)
            reached = eng.practices.reach_count[k].astype(np.float64)
            share = np.divide(reached, targeted, out=np.zeros_like(reached), where=targeted > 0)
            put(f"consent.{fid}", share, mean=True, weights=targeted)
        for key, counts in eng.day_counts.items():
            self.tallies[key] = self.tallies.get(key, 0) + counts * r
        c = self.company
        c["salience"][day] = eng.backlash.salience(day)
        c["costs"][day] = eng.cost_total
        c["fines"][day] = eng.costs.get("fines", 0.0)
        c["expected_fines"][day] = eng.costs.get("expected_fines", 0.0)
        c["breach_costs"][day] = eng.costs.get("breach", 0.0)
        c["cash"][day] = eng.cash
        c["npv"][day] = eng.npv
        c["terminal_value"][day] = eng.terminal
        c["investigation"][day] = 1.0 if eng.regulator.opened is not None else 0.0


def stage_record(eng: Replication, day: int) -> None:
    """Write today's per-segment metrics."""
    eng.recorder.record(day)
