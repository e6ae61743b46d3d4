"""Run folders: every experiment's results on disk, written atomically.

Everything goes to a hidden partial folder that replaces what privsim wrote at the target only when
complete (``privsim.files.output_folder``): a killed run leaves no half-written results, and a folder of
the user's is never written into. Each folder has a ``summary.json`` whose ``kind`` tells
``privsim report`` what it holds; sweeps and frontiers write theirs point by point
(``privsim.experiments.sweepstore``). A folder written under ``runs/`` is recorded in the run catalog
(``privsim.output.catalog``), which never fails the write.

- run: ``scenario.yaml`` (resolved), ``timeseries.parquet`` (per segment), ``company.parquet`` (company-level
  series: NPV, cash, salience), ``kpis.csv`` (the KPI table with ``meaning`` and ``unit``),
  ``replications.csv`` (KPIs per replication), ``summary.json`` (versions, seed, scenario hash)
- compare: ``scenario-N.yaml``, ``differences.csv``, ``kpis.csv`` (KPI table per scenario),
  ``replications.csv``, ``timeseries.parquet`` and ``company.parquet`` (with a ``scenario`` column)
- sensitivity: ``scenario.yaml``, ``sensitivity.csv`` (ranked), ``points.csv`` (design and KPI means)
- uncertainty: ``scenario.yaml``, ``uncertainty.csv``, ``draws.csv``, ``replications.csv`` and
  ``timeseries.parquet`` and ``company.parquet`` (with an ``arm`` column: coefficients drawn or fixed)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from privsim.experiments.compare import Comparison
from privsim.experiments.results import with_units
from privsim.experiments.runs import RunResult
from privsim.experiments.sensitivity import Sensitivity
from privsim.experiments.uncertainty import Uncertainty
from privsim.files import output_folder, versions
from privsim.output import catalog
from privsim.output.runfolders import DEFAULT_DIR
from privsim.scenario.load import dump_scenario
from privsim.scenario.schema import Scenario

DRAWN, FIXED = "coefficients drawn", "coefficients fixed"   # the two arms of an uncertainty folder


def write_run(run: RunResult, target: Path, extra: dict[str, Any] | None = None, *, force: bool = False) -> Path:
    """Write a :class:`~privsim.experiments.runs.RunResult` as a run folder at ``target``."""
    summary = with_units(run.summary())
    with output_folder(target, "run", force=force) as tmp:
        (tmp / "scenario.yaml").write_text(dump_scenario(run.scenario), encoding="utf-8")
        run.to_frame().to_parquet(tmp / "timeseries.parquet", index=False)
        run.company_frame().to_parquet(tmp / "company.parquet", index=False)
        summary.to_csv(tmp / "kpis.csv", index=False)
        run.kpis().to_csv(tmp / "replications.csv", index=False)
        _summary(tmp, {
            "kind": "run", "name": run.scenario.name, "scenario_sha256": run.scenario.digest(), "seed": run.seed,
            "replications": len(run.replications),
            "failed": [{"replicate": r.replicate, "error": r.error} for r in run.failed],
            "population": {"size": run.scenario.population.size, "represents": run.scenario.population.represents},
            "currency": run.scenario.economics.currency, "events": _marks(run.marks), **(extra or {})})
    catalog.record(target)
    return target


def _summary(folder: Path, info: dict[str, Any]) -> None:
    (folder / "summary.json").write_text(json.dumps({**info, "versions": versions()}, indent=2, default=str) + "\n",
                                         encoding="utf-8")


def _marks(marks: list[tuple[int, str, str]]) -> list[dict[str, Any]]:
    return [{"day": d, "kind": k, "what": w} for d, k, w in marks]


def write_comparison(cmp: Comparison, target: Path, reference: int = 0, extra: dict[str, Any] | None = None, *,
                     force: bool = False, runs_dir: Path = DEFAULT_DIR) -> Path:
    """A compare folder (``extra``: more summary fields, such as its title and overrides).

    It is recorded in the catalog of ``runs_dir`` (the dashboard's may not be runs/) when it lies inside it.
    """
    with output_folder(target, "compare", force=force) as tmp:
        for i, run in enumerate(cmp.runs, start=1):
            (tmp / f"scenario-{i}.yaml").write_text(dump_scenario(run.scenario), encoding="utf-8")
        with_units(cmp.differences(reference)).to_csv(tmp / "differences.csv", index=False)
        with_units(cmp.summary()).to_csv(tmp / "kpis.csv", index=False)
        cmp.to_frame().to_csv(tmp / "replications.csv", index=False)
        cmp.timeseries().to_parquet(tmp / "timeseries.parquet", index=False)
        cmp.company_frame().to_parquet(tmp / "company.parquet", index=False)
        first = cmp.runs[0].scenario
        _summary(tmp, {
            "kind": "compare", "names": cmp.names, "reference": cmp.names[reference], "seed": cmp.seed,
            "changes": cmp.changes(reference),
            "replications": len(cmp.runs[0].replications), "currency": first.economics.currency,
            "population": {"size": first.population.size, "represents": first.population.represents},
            "scenario_sha256": [run.scenario.digest() for run in cmp.runs],
            "failed": [{"scenario": n, "replicate": r, "error": e} for n, r, e in cmp.failed],
            "events": {name: _marks(run.marks) for name, run in zip(cmp.names, cmp.runs, strict=True)},
            **(extra or {})})
    catalog.record(target, runs_dir)
    return target


def write_sensitivity(sens: Sensitivity, scenario: Scenario, target: Path, *, seed: int, reps: int,
                      force: bool = False) -> Path:
    """A sensitivity folder."""
    with output_folder(target, "sensitivity", force=force) as tmp:
        (tmp / "scenario.yaml").write_text(dump_scenario(scenario), encoding="utf-8")
        sens.to_frame().to_csv(tmp / "sensitivity.csv", index=False)
        sens.points.to_csv(tmp / "points.csv", index=False)
        _summary(tmp, {"kind": "sensitivity", "name": scenario.name, "method": sens.method, "kpis": sens.kpis,
                       "factors": len(sens.factors), "points": len(sens.points), "seed": seed, "replications": reps,
                       "failed_replications": sens.failed, "currency": scenario.economics.currency,
                       "scenario_sha256": scenario.digest()})
    catalog.record(target)
    return target


def write_uncertainty(u: Uncertainty, target: Path, *, force: bool = False) -> Path:
    """An uncertainty folder."""
    scenario = u.fixed.scenario
    with output_folder(target, "uncertainty", force=force) as tmp:
        (tmp / "scenario.yaml").write_text(dump_scenario(scenario), encoding="utf-8")
        u.to_frame().to_csv(tmp / "uncertainty.csv", index=False)
        u.draws.to_csv(tmp / "draws.csv", index=False)
        kpis = pd.concat([u.drawn.kpis().assign(arm=DRAWN), u.fixed.kpis().assign(arm=FIXED)], ignore_index=True)
        kpis.to_csv(tmp / "replications.csv", index=False)
        series = pd.concat([u.drawn.to_frame().assign(arm=DRAWN), u.fixed.to_frame().assign(arm=FIXED)],
                           ignore_index=True)
        series.to_parquet(tmp / "timeseries.parquet", index=False)
        pd.concat([u.drawn.company_frame().assign(arm=DRAWN), u.fixed.company_frame().assign(arm=FIXED)],
                  ignore_index=True).to_parquet(tmp / "company.parquet", index=False)
        _summary(tmp, {"kind": "uncertainty", "name": scenario.name, "seed": u.fixed.seed,
                       "replications": len(u.fixed.replications), "coefficients": len(u.draws.columns) - 1,
                       "currency": scenario.economics.currency, "scenario_sha256": scenario.digest(),
                       "failed": [{"arm": arm, "replicate": r.replicate, "error": r.error}
                                  for arm, run in ((DRAWN, u.drawn), (FIXED, u.fixed)) for r in run.failed],
                       "events": _marks(u.fixed.marks)})
    catalog.record(target)
    return target
