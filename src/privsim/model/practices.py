"""Per-flow customer state as (K, N) arrays, kept consistent by index-level updates.

Reach (who a flow currently uses) changes only at known customers (asks, opt-outs
honoured, churn, reversal), so totals per segment and each customer's daily intrusion
load ``W_i = Σ_k x_k·m_ik`` are updated for those customers only, never by a daily pass.
"""

from __future__ import annotations

import numpy as np

from privsim.model import kernels
from privsim.model.flows import Flow
from privsim.model.population import Population
from privsim.scenario.coefficients import Behavior

F32 = np.float32
UNASKED, GRANTED, DENIED = 0, 1, 2


class Practices:
    """Consent, reach and felt intrusion of every flow for every customer."""

    def __init__(self, flows: list[Flow], pop: Population, behavior: Behavior,
                 exclusions: dict[str, np.ndarray] | None = None, draws: dict[str, np.ndarray] | None = None,
                 fast: bool = False):
        k, n, s = len(flows), pop.size, len(pop.names)
        self.flows, self.pop, self.b = flows, pop, behavior
        self.fast = fast                                # refresh with the fused kernel (same results)
        self.consent = np.zeros((k, n), dtype=np.int8)
        self.reach = np.zeros((k, n), dtype=bool)
        self.touched = np.zeros((k, n), dtype=bool)
        self.requested = np.zeros((k, n), dtype=bool)
        self.felt = np.zeros((k, n), dtype=F32)
        self.learned = np.zeros((k, n), dtype=bool)     # heard of it: a story, word of mouth (its source's aware)
        self.informed = np.zeros((k, n), dtype=bool)    # told by the company: a notice read, a question, messages
        self.reach_count = np.zeros((k, s), dtype=np.int64)
        self.touched_count = np.zeros(k, dtype=np.int64)
        self.reach_value = np.zeros((k, s), dtype=np.float64)
        self.load = np.zeros(n, dtype=F32)
        self.good = np.zeros(n, dtype=F32)
        self.any_load = False
        self.any_good = False
        self.targets = [self._targets(f, pop, (exclusions or {}).get(f.id), (draws or {}).get(f.id)) for f in flows]
        for k, f in enumerate(flows):      # a base from a file starts as its records say
            self.seed(k, pop.seeded.get(f.id))
        self._x = np.asarray([f.x for f in flows], dtype=F32)
        t = behavior.trust
        self._g = np.asarray([t.value_delivered * max(f.lift, 0.0) for f in flows], dtype=F32)

    @staticmethod
    def _targets(f: Flow, pop: Population, excluded: np.ndarray | None, draw: np.ndarray | None) -> np.ndarray:
        """Who flow f targets: its segments, the share of them it reaches (``draw`` < share), less exclusions."""
        mask = np.ones(pop.size, dtype=bool) if draw is None else draw < np.float32(f.share)
        if f.segments is not None:
            chosen = np.zeros(pop.size, dtype=bool)
            for name in f.segments:
                s = pop.names.index(name)
                chosen[pop.bounds[s]:pop.bounds[s + 1]] = True
            mask &= chosen
        if excluded is not None:
            mask[np.asarray(excluded, dtype=np.int64)] = False
        return mask

    def seed(self, k: int, codes: np.ndarray | None) -> None:
        """Starting consent of flow k: who granted is used without being asked, who refused is left alone.

        Customers with a recorded state know of the practice; a recorded refusal counts as an opt-out request,
        so the flow never reaches them and only a re-permission campaign to the opted out asks them again.
        """
        if codes is None:
            return
        self.consent[k] = codes
        self.informed[k] = codes != UNASKED
        self.requested[k] = codes == DENIED

    # ------------------------------------------------------------ multipliers
    def kind(self, k: int) -> str:
        """The gravest kind of violation customers see in flow k once they know of it (docs/model.md §8)."""
        f = self.flows[k]
        kinds = [name for name, applies in (
            ("deception", f.deceptive), ("covert", not f.disclosed or f.ever_covert),  # an order does not undo it
            ("exposure", f.purpose == "publication"), ("retroactive", f.retroactive), ("dark_pattern", f.dark))
            if applies]
        if kinds:
            return max(kinds, key=lambda name: getattr(self.b.outrage, name))
        return "consented" if f.mode == "opt_in" else "disclosed"

    def weight(self, kind: str) -> float:
        """w_kind: outrage and felt intrusion of a known use of this kind, relative to a disclosed one (1)."""
        if kind == "disclosed":
            return 1.0
        if kind == "consented":
            return self.b.trust.consented
        return float(getattr(self.b.outrage, kind))

    def multiplier(self, k: int, idx: np.ndarray) -> np.ndarray:
        """m_ik: how much of flow k's privacy cost customer i feels (docs/model.md §5).

        Nothing until the customer knows of it (read, was asked, receives its messages, or heard); then the
        weight of its kind, a disclosed use never chosen felt at ``trust.noticed`` and one consented to at
        ``trust.consented`` (a dark pattern only weighs on those who granted and later learned of it).
        """
        learned = self.learned[k, idx]
        known = learned | self.informed[k, idx]
        consented, level = self.felt_level(k)
        if consented:
            m = np.full(idx.size, level)
            if self.flows[k].dark:
                m[learned & (self.consent[k, idx] == GRANTED)] = F32(self.b.outrage.dark_pattern)
            return np.where(known, m, F32(0.0))
        return np.where(known, level, F32(0.0))

    def felt_level(self, k: int) -> tuple[bool, np.float32]:
        """Flow k's felt level m for a customer who knows of it, and whether it is felt as consented to.

        Consented to, a dark pattern's weight goes to those who granted and later learned of it.
        """
        kind, t = self.kind(k), self.b.trust
        if kind == "dark_pattern" or (kind == "consented" and self.flows[k].mode == "opt_in"):
            return True, F32(t.consented)
        return False, F32(t.noticed if kind == "disclosed" else self.weight(kind))

    def outrage_weight(self, k: int) -> float:
        """Weight of what customers learn about flow k: its kind, × (1 + v) when visible to all at once."""
        f = self.flows[k]
        w = self.weight(self.kind(k))
        return w * (1.0 + self.b.outrage.visibility) if f.all_at_once else w

    def refresh(self, idx: np.ndarray) -> None:
        """Recompute felt intrusion, load W and good load G of customers ``idx`` across all flows."""
        if idx.size == 0 or not self.flows:
            return
        if self.fast:
            levels = [self.felt_level(k) for k in range(len(self.flows))]
            any_load, any_good = kernels.refresh_rows(
                idx, self.reach, self.learned, self.informed, self.consent, GRANTED,
                np.asarray([c for c, _ in levels]), np.asarray([f.dark for f in self.flows]),
                np.asarray([m for _, m in levels], dtype=F32), F32(self.b.outrage.dark_pattern), self._x, self._g,
                self.felt, self.load, self.good)
            self.any_load, self.any_good = self.any_load or any_load, self.any_good or any_good
            return
        for k in range(len(self.flows)):
            on = self.reach[k, idx]
            self.felt[k, idx] = np.where(on, self.multiplier(k, idx), F32(0.0)) if on.any() else F32(0.0)
        load = np.zeros(idx.size, dtype=F32)
        good = np.zeros(idx.size, dtype=F32)
        for k in range(len(self.flows)):  # fixed order, elementwise: bit-identical per customer
            load += self._x[k] * self.felt[k, idx]
            if self._g[k]:
                good += self._g[k] * (self.reach[k, idx] & (self.consent[k, idx] == GRANTED))
        self.load[idx] = load
        self.good[idx] = good
        self.any_load = self.any_load or bool(self.load[idx].any())
        self.any_good = self.any_good or bool(self.good[idx].any())

    # ------------------------------------------------------------ reach
    def set_reach(self, k: int, idx: np.ndarray, on: bool, refresh: bool = True) -> np.ndarray:
        """Switch flow k on/off for customers ``idx``; returns those whose reach changed.

        ``refresh=False`` leaves their felt intrusion and loads to the caller (one refresh for many flows).
        """
        idx = idx[self.reach[k, idx] != on]
        if idx.size:
            self.reach[k, idx] = on
            if on:
                self.touched_count[k] += int(np.count_nonzero(~self.touched[k, idx]))
                self.touched[k, idx] = True
                if self.flows[k].contacts:       # its messages tell every recipient
                    self.informed[k, idx] = True
            counts, values = self.totals(idx)
            if on:
                self.reach_count[k] += counts
                self.reach_value[k] += values
            else:
                self.reach_count[k] -= counts
                self.reach_value[k] -= values
            if refresh:
                self.refresh(idx)
        return idx

    def totals(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Customers ``idx`` per segment and their yearly value per segment (as ``np.bincount``)."""
        s = len(self.pop.names)
        if self.fast:
            counts, values = np.empty(s, dtype=np.int64), np.empty(s)
            kernels.segment_totals(idx, self.pop.segment, self.pop.value, counts, values)
            return counts, values
        seg = self.pop.segment[idx]
        return np.bincount(seg, minlength=s), np.bincount(seg, weights=self.pop.value[idx], minlength=s)

    def leave(self, idx: np.ndarray) -> None:
        """Churned customers leave every flow at once: totals by (flow, segment), felt intrusion and loads zeroed."""
        k, s = self.reach_count.shape
        if self.fast:
            kernels.leave_flows(idx, self.pop.segment, self.pop.value, self.reach, self.reach_count, self.reach_value,
                                self.felt, self.load, self.good, np.empty(s))
            return
        flow, at = np.nonzero(self.reach[:, idx])
        if flow.size:
            cell = flow * s + self.pop.segment[idx[at]]
            self.reach_count -= np.bincount(cell, minlength=k * s).reshape(k, s)
            self.reach_value -= np.bincount(cell, weights=self.pop.value[idx[at]], minlength=k * s).reshape(k, s)
            self.reach[:, idx] = False
            self.felt[:, idx] = 0.0
            self.load[idx] = 0.0
            self.good[idx] = 0.0

    def stop(self, k: int) -> None:
        """A flow ends (end day, reversal): nobody is reached any more."""
        self.set_reach(k, np.flatnonzero(self.reach[k]), False)

    def eligible(self, k: int) -> np.ndarray:
        """Active targeted customers who have not asked to opt out."""
        return np.flatnonzero(self.targets[k] & self.pop.active & ~self.requested[k])
