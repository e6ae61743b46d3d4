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
COUNTS = {"churned", "opt_outs", "complaints", "formal_complaints", "aware", "protesters", "sends", "breached",
          "service_contacts", "creepy"}    # the daily counts recorded as series (every count is tallied)
MEANS = ("trust", "intent", "backlash")   # per-segment means; the "all" column weights them by active customers


class Recorder:
    """Daily metrics in one preallocated (metric × day × segment) block, filled by the engine's record stage.

    ``series[m]`` is the (days, segments + 1) view of metric ``m``; a day is one strided row of the block,
    so recording costs the same few array operations whatever the number of metrics.
    """

    def __init__(self, eng: Replication):
        self.eng = eng
        days, s = eng.horizon, len(eng.pop.names)
        self.segments = [*eng.pop.names, "all"]
        self.flow_ids = [f.id for f in eng.flows]
        rows = [*MEANS, *(m for m in SEGMENT_SERIES if m not in MEANS), *(f"consent.{i}" for i in self.flow_ids)]
        self.row = {m: i for i, m in enumerate(rows)}   # means, then sums, then consent: each a slice of rows
        self.block = np.zeros((len(rows), days, s + 1))
        self.series = {m: self.block[self.row[m]] for m in [*SEGMENT_SERIES, *rows[len(SEGMENT_SERIES):]]}
        self._means = slice(0, len(MEANS))
        self._sums = slice(len(MEANS), len(SEGMENT_SERIES))
        self._consent = slice(len(SEGMENT_SERIES), len(rows))
        self.company = {m: np.zeros(days) for m in COMPANY_SERIES}
        self.marks: list[tuple[int, str, str]] = []
        self.tallies: dict[str, np.ndarray] = {}   # horizon totals of every daily count, per segment
        self._slices = eng.pop.slices
        self._targeted = np.asarray([[t[sl].any() for sl in self._slices] for t in eng.practices.targets],
                                    dtype=bool).reshape(len(self.flow_ids), s)
        self._active = np.zeros((days, s))                       # active customers per day and segment
        self._reached = np.zeros((days, len(self.flow_ids), s))  # reached customers per day, flow and segment
        self._settled = 0                                        # days whose shares and "all" column are done

    def mark(self, day: int, kind: str, what: str) -> None:
        """An event marker for charts and reports."""
        self.marks.append((day, kind, what))

    def record(self, day: int) -> None:
        """Copy today's state into the block, per segment; :meth:`settle` makes the shares and "all" columns."""
        eng, r, row = self.eng, self.eng.represents, self.row
        seg = self.block[:, day, :-1]
        active = self._active[day]
        active[:] = eng.active_count
        seg[row["active"]] = active * r
        eng.segment_sums(eng.pop.trust, seg[row["trust"]])
        seg[row["intent"]] = eng.intent_sum
        if eng.backlash.any_outrage:
            seg[row["backlash"]] = [np.count_nonzero(eng.backlash.offended_any[sl]) for sl in self._slices]
        for key, counts in eng.day_counts.items():
            if key in COUNTS:
                np.multiply(counts, r, out=seg[row[key]])
            if key in self.tallies:
                self.tallies[key] += counts * r
            else:
                self.tallies[key] = counts * r
        seg[row["revenue"]] = eng.revenue
        if self.flow_ids:
            self._reached[day] = eng.practices.reach_count
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

    def settle(self, end: int) -> None:
        """Means, consent shares and the "all" column of every metric for the recorded days before ``end``.

        One pass over those days instead of a few array operations a day; each value is the same operation
        on the same numbers as on its own day (every sum runs over a day's segments, contiguous).
        """
        if end <= self._settled:
            return
        days = slice(self._settled, end)
        block, active = self.block[:, days], self._active[days]          # (metric, day, segment + 1), (day, s)
        block[self._means, :, :-1] /= np.maximum(active, 1.0)
        block[self._sums, :, -1] = np.ascontiguousarray(block[self._sums, :, :-1]).sum(axis=2)
        block[self._means, :, -1] = ((block[self._means, :, :-1] * active).sum(axis=2)
                                     / np.maximum(active.sum(axis=1), 1.0))
        if self.flow_ids:
            targeted = np.where(self._targeted, active[:, None, :], 0.0)      # (day, flow, s)
            reached = self._reached[days]
            share = np.divide(reached, targeted, out=np.zeros_like(reached), where=targeted > 0)
            block[self._consent, :, :-1] = share.transpose(1, 0, 2)
            block[self._consent, :, -1] = ((share * targeted).sum(axis=2)
                                           / np.maximum(targeted.sum(axis=2), 1.0)).T
        self._settled = end


def stage_record(eng: Replication, day: int) -> None:
    """Write today's per-segment metrics."""
    eng.recorder.record(day)
