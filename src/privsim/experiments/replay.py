"""Replaying a consent-banner A/B test from a history: what each variant costs later, on the same seeds.

A consent platform's A/B report stops at the consent rate. Here every banner variant of the history is the
scenario with that variant's changes (``--variant NAME:PATH=VALUE``, e.g. a pre-ticked box), run for the whole
history with the same seed and replicates (common random numbers), so the variants differ only where their
banners do: the table sets each variant's observed consent rate beside the simulated one, and prices what
follows — discovery, backlash, a regulator, fines and total value against doing nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from privsim.errors import InputError, did_you_mean
from privsim.experiments.compare import Comparison, compare
from privsim.experiments.executors import Executor, Progress, no_progress
from privsim.experiments.history_sim import for_history
from privsim.scenario.history import History, load_history, variant_name
from privsim.scenario.overrides import override, parse_assignment, resize
from privsim.scenario.schema import Scenario

if TYPE_CHECKING:
    import pandas as pd

COST_KPIS = ("heard", "backlash_peak", "regulator_action", "fines", "total_vs_baseline")


@dataclass
class Replay:
    """Every variant of the history run on the same seeds, with its observed consent rate."""

    purpose: str
    observed: pd.DataFrame          # variant, rows, asked, observed (pooled grant rate)
    comparison: Comparison

    @property
    def kpis(self) -> list[str]:
        """The KPIs of the table: the simulated grant rate at asking, then the costs."""
        return [f"granted_at_ask.{self.purpose}", *COST_KPIS]

    def to_frame(self) -> pd.DataFrame:
        """variant, rows, asked, observed, then per KPI its mean over replications (whole population)."""
        s = self.comparison.summary()
        s = s[(s["segment"] == "all") & s["kpi"].isin(self.kpis)]
        wide = s.pivot_table(index="scenario", columns="kpi", values="mean", sort=False).reindex(columns=self.kpis)
        return self.observed.merge(wide, left_on="variant", right_index=True, how="left")

    def differences(self) -> pd.DataFrame:
        """Each variant against the first (the history's first-named), paired under CRN (compare's columns)."""
        d = self.comparison.differences()
        return d[(d["segment"] == "all") & d["kpi"].isin(self.kpis)].reset_index(drop=True)


def replay_variants(scenario: Scenario, history: str | Path | History, variants: dict[str, dict[str, Any]], *,
                    reps: int = 3, seed: int | None = None, size: int | None = None,
                    executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
                    progress: Progress = no_progress) -> Replay:
    """Run each banner variant of the history for its whole span on the same seeds.

    Args:
        scenario: the strategy as it ran (with fitted coefficients, e.g. ``privsim run --overlay``'s)
        history: a history with ``variant`` rows (consent_rate by banner variant)
        variants: every variant of the history -> its changes as ``--set`` paths (``{}``: the scenario as is)
        reps: replications per variant, on one seed
        seed: base seed (default: the scenario's)
        size: simulated customers (the same real population)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`
        workers: worker processes
        scheduler: address of a running Dask scheduler
        progress: callback ``(done, total, stage)``
    """
    import pandas as pd

    h = history if isinstance(history, History) else load_history(history)
    rows = h.frame[h.frame["variant"] != ""]
    named = h.variants
    if len(named) < 2:
        raise InputError.single(h.source, f"the history has {len(named)} banner variant(s); allowed: consent_rate "
                                "rows of two or more variants (column variant) to replay")
    purposes = sorted(set(rows["purpose"]))
    if len(purposes) != 1:
        raise InputError.single(h.source, f"the variants are of purposes {', '.join(purposes)}; allowed: one A/B "
                                "test, of one purpose, per replay")
    problems = [f"variant {v!r} of the history is not defined; allowed: --variant {v}:PATH=VALUE (or --variant "
                f"{v} for the scenario as it is)" for v in named if v not in variants]
    problems += [f"variant {v!r} is not in the history{did_you_mean(v, named)}; allowed: {', '.join(named)}"
                 for v in variants if v not in named]
    if problems:
        raise InputError.single("--variant", "; ".join(problems))
    base = for_history(resize(scenario, size) if size else scenario, h)
    arms = [override(base, variants[v], source=f"--variant {v}", name=v) for v in named]
    observed = pd.DataFrame([{"variant": v, "rows": len(g), "asked": float(g["n"].sum()),
                              "observed": float((g["value"] * g["n"]).sum() / g["n"].sum())}
                             for v, g in ((v, rows[rows["variant"] == v]) for v in named)])
    cmp = compare(arms, reps, seed=seed, executor=executor, workers=workers, scheduler=scheduler,
                  progress=progress, names=named)
    return Replay(purpose=purposes[0], observed=observed, comparison=cmp)


def parse_variants(specs: Sequence[str]) -> dict[str, dict[str, Any]]:
    """``NAME`` or ``NAME:PATH=VALUE`` (repeatable per name) -> {name: {path: value}}."""
    out: dict[str, dict[str, Any]] = {}
    for spec in specs:
        name, colon, assignment = spec.partition(":")
        if not variant_name(name):
            raise InputError.single("--variant", f"got {spec!r}; allowed: NAME or NAME:PATH=VALUE, NAME a variant "
                                    "label of the history")
        out.setdefault(name, {})
        if colon:
            path, value = parse_assignment(assignment, source=f"--variant {name}")
            out[name][path] = value
    return out
