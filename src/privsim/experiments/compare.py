"""Paired comparison of strategies under common random numbers.

Every scenario runs the same replicates on the same seed, so replicate r of A pairs with
replicate r of B: the paired difference cancels the noise both share and its CI is far
narrower than the unpaired (Welch) one, which is reported beside it. A scenario compared
with itself differs by exactly zero.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from privsim.errors import InputError
from privsim.experiments.arms import run_cells
from privsim.experiments.executors import Executor, Progress, make_executor, no_progress
from privsim.experiments.intervals import mean_ci, welch_ci
from privsim.experiments.results import ReplicationResult
from privsim.experiments.runs import RunResult
from privsim.model.vocabulary import BOUNDED, term
from privsim.scenario import words
from privsim.scenario.schema import Scenario

CONTEXT = ("name", "description", "case")      # what a scenario says about itself, not what it does
DIFFERENCE_COLUMNS = ["scenario", "reference", "segment", "kpi", "mean_reference", "mean", "diff", "ci_low",
                      "ci_high", "unpaired_ci_low", "unpaired_ci_high", "better_share", "n"]


def direction(kpi: str) -> int:
    """+1 when a higher value of ``kpi`` is better for the company, −1 when lower is, 0 when neither."""
    return term(kpi).better


@dataclass
class Comparison:
    """Runs of several scenarios on the same seed and replicates."""

    names: list[str]
    runs: list[RunResult]
    seed: int

    @property
    def failed(self) -> list[tuple[str, int, str]]:
        """(scenario, replicate, error) of every failed replication."""
        return [(n, r.replicate, r.error or "") for n, run in zip(self.names, self.runs, strict=True)
                for r in run.failed]

    def to_frame(self) -> pd.DataFrame:
        """Per-replication KPIs of every scenario (long): scenario, replicate, segment, kpi, value."""
        return _stack([run.kpis() for run in self.runs], self.names)

    def summary(self) -> pd.DataFrame:
        """KPI table of every scenario: scenario, segment, kpi, mean, ci_low, ci_high, p5, p95, n."""
        return _stack([run.summary() for run in self.runs], self.names)

    def timeseries(self) -> pd.DataFrame:
        """Daily series per segment of every scenario with a ``scenario`` column."""
        return _stack([run.to_frame() for run in self.runs], self.names)

    def company_frame(self) -> pd.DataFrame:
        """Daily company-level series of every scenario with a ``scenario`` column."""
        return _stack([run.company_frame() for run in self.runs], self.names)

    def changes(self, reference: int = 0) -> dict[str, list[str]]:
        """What each other scenario changes against ``reference``, field by field in words.

        Names and free-text descriptions are left out: the names head each list, and prose is no setting.
        """
        ref = self.runs[reference].scenario
        return {name: words.changes(ref, run.scenario, ignore=CONTEXT)
                for i, (name, run) in enumerate(zip(self.names, self.runs, strict=True)) if i != reference}

    def ranking(self, kpi: str = "total_value") -> list[tuple[str, float]]:
        """Scenarios by mean ``kpi`` for the whole population, best first (a KPI with no direction: highest)."""
        means = []
        for name, run in zip(self.names, self.runs, strict=True):
            k = run.kpis()
            values = k[(k["segment"] == "all") & (k["kpi"] == kpi)]["value"]
            means.append((name, float(values.mean()) if len(values) else float("nan")))
        sign = direction(kpi) or 1
        return sorted(means, key=lambda item: -sign * item[1] if item[1] == item[1] else float("inf"))

    def basis(self) -> str:
        """What the ranking on total value rests on: each scenario's horizon and terminal-value setting."""
        settings = {(run.scenario.horizon_days, run.scenario.economics.terminal_value) for run in self.runs}
        said = "; ".join(f"{h} days, terminal value {'lifetime' if t == 'lifetime' else 'none'}"
                         for h, t in sorted(settings))
        return f"total value = NPV within the horizon + terminal value ({said})"

    def differences(self, reference: int = 0) -> pd.DataFrame:
        """Paired differences of every other scenario from ``reference``, per segment and KPI.

        Columns: both means, the paired difference with its 95% CI, the unpaired (Welch) CI of the
        same difference, and the share of replications where the scenario beats the reference.
        """
        ref = self.runs[reference].kpis()
        rows = []
        for i, run in enumerate(self.runs):
            if i == reference:
                continue
            both = ref.merge(run.kpis(), on=["replicate", "segment", "kpi"], suffixes=("_ref", ""))
            both = both.dropna(subset=["value_ref", "value"])
            for (segment, kpi), g in both.groupby(["segment", "kpi"], sort=False, observed=True):
                a, b = g["value"].to_numpy(float), g["value_ref"].to_numpy(float)
                d = a - b
                low, high = mean_ci(d)
                ulow, uhigh = welch_ci(a, b)
                if term(str(kpi)).unit in BOUNDED:   # a difference of shares lies in [−1, 1]
                    low, high, ulow, uhigh = (min(max(x, -1.0), 1.0) for x in (low, high, ulow, uhigh))
                sign = direction(str(kpi))
                rows.append({
                    "scenario": self.names[i], "reference": self.names[reference], "segment": segment, "kpi": kpi,
                    "mean_reference": float(b.mean()), "mean": float(a.mean()), "diff": float(d.mean()),
                    "ci_low": low, "ci_high": high, "unpaired_ci_low": ulow, "unpaired_ci_high": uhigh,
                    "better_share": float(np.mean(sign * d > 0)) if sign else float("nan"), "n": int(d.size)})
        return pd.DataFrame(rows, columns=DIFFERENCE_COLUMNS)


def _stack(frames: list[pd.DataFrame], names: list[str]) -> pd.DataFrame:
    """Concatenate per-scenario frames with a leading ``scenario`` column."""
    parts = [f.assign(scenario=name)[["scenario", *f.columns]] for f, name in zip(frames, names, strict=True)]
    if not parts:
        return pd.DataFrame(columns=["scenario"])
    out = pd.concat(parts, ignore_index=True)
    if "segment" in out:
        out["segment"] = out["segment"].astype(str)
    return out


def unique_names(names: Sequence[str]) -> list[str]:
    """Names made unique by a suffix: ``A``, ``A (2)``."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return out


def compare(scenarios: Sequence[Scenario], reps: int | None = None, *, seed: int | None = None,
            executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
            progress: Progress = no_progress, baseline: bool = True,
            names: Sequence[str] | None = None) -> Comparison:
    """Run ``scenarios`` on the same seed and replicates (CRN); defaults come from the first scenario.

    Args:
        scenarios: two or more scenarios; the first is the reference of ``differences()``
        reps: replications per scenario (default: the scenario's ``replications``)
        seed: base seed; replicate *r* of every arm uses the same streams (default: the scenario's)
        executor: ``serial``, ``processes``, ``dask`` or an :class:`Executor`; results are identical on each
        workers: worker processes (default: one per core)
        scheduler: address of a running Dask scheduler, ``tcp://HOST:PORT`` (with ``executor='dask'``)
        progress: callback ``(done, total, stage)`` called as replications finish
        baseline: also run the no-practice baseline arm, for privacy churn and NPV against doing nothing
        names: labels of the scenarios (default: their names, made unique)
    """
    *_, last = compare_steps(scenarios, reps, seed=seed, executor=executor, workers=workers, scheduler=scheduler,
                             progress=progress, baseline=baseline, names=names, first=None)
    return last


def compare_steps(scenarios: Sequence[Scenario], reps: int | None = None, *, seed: int | None = None,
                  executor: str | Executor = "serial", workers: int | None = None, scheduler: str | None = None,
                  progress: Progress = no_progress, baseline: bool = True, names: Sequence[str] | None = None,
                  first: int | None = 1) -> Iterator[Comparison]:
    """:func:`compare` in two steps: the comparison on the first ``first`` replicates, then on all of them.

    For a face that shows early figures while the rest run. Replicate *r* uses the same streams in
    whichever step it runs, so the last comparison yielded is identical to ``compare`` with the same
    arguments. ``first=None`` (or ``first >= reps``) yields only the whole comparison. Arguments as
    :func:`compare`; ``progress`` counts each step's runs on its own.
    """
    if len(scenarios) < 2:
        raise InputError.single("compare", f"got {len(scenarios)} scenario(s); allowed: two or more")
    reps = scenarios[0].replications if reps is None else reps
    seed = scenarios[0].seed if seed is None else seed
    labels = unique_names(list(names) if names else [s.name for s in scenarios])
    steps = [range(first), range(first, reps)] if first is not None and 0 < first < reps else [range(reps)]
    done: list[list[ReplicationResult]] = [[] for _ in scenarios]
    with make_executor(executor, workers, scheduler) as runner:     # one pool for every step
        for step in steps:
            cells = [(s, r) for s in scenarios for r in step]
            results = run_cells(cells, seed, runner, baseline=baseline, progress=progress, stage="scenarios")
            for i, part in enumerate(done):
                part.extend(results[i * len(step):(i + 1) * len(step)])
            yield Comparison(names=labels, seed=seed,
                             runs=[RunResult(scenario=s, seed=seed, replications=list(part))
                                   for s, part in zip(scenarios, done, strict=True)])
