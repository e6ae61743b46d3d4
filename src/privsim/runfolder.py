"""Writing a run folder atomically.

Everything goes to a hidden partial folder that is renamed into place only when complete,
so a killed run leaves no half-written results.

Folder: ``scenario.yaml`` (resolved), ``timeseries.parquet``, ``kpis.csv`` (the KPI table),
``replications.csv`` (KPIs per replication), ``summary.json`` (versions, seed, scenario hash).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from privsim.results import describe_kpi
from privsim.scenario import dump_scenario

PARTIAL = ".privsim-partial-"
DEPENDENCIES = ("numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "simpy", "scipy")


def versions() -> dict[str, str]:
    """Privsim and dependency versions, for run summaries."""
    out = {}
    for name in ("privsim", *DEPENDENCIES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


@contextlib.contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """Yield a partial folder beside ``target``; on success it replaces ``target`` in one rename."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent)
    partial = target.parent / f"{PARTIAL}{target.name}-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        yield partial
        old = None
        if target.exists():
            old = target.parent / f"{PARTIAL}{target.name}-{os.getpid()}-old"
            target.rename(old)
        partial.rename(target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def clean_stale(folder: Path) -> None:
    """Remove partial folders left by runs whose process no longer exists (e.g. SIGKILL)."""
    for path in folder.glob(f"{PARTIAL}*"):
        pid = path.name.removeprefix(PARTIAL).split("-")[-1]
        if pid == "old":
            pid = path.name.removeprefix(PARTIAL).split("-")[-2]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def write_run(run: Any, target: Path, extra: dict[str, Any] | None = None) -> Path:
    """Write a :class:`~privsim.experiments.RunResult` as a run folder at ``target``."""
    summary = run.summary()
    summary["meaning"], summary["unit"] = zip(*(describe_kpi(k) for k in summary["kpi"]), strict=True) \
        if len(summary) else ((), ())
    with atomic_folder(target) as tmp:
        (tmp / "scenario.yaml").write_text(dump_scenario(run.scenario), encoding="utf-8")
        run.to_frame().to_parquet(tmp / "timeseries.parquet", index=False)
        summary.to_csv(tmp / "kpis.csv", index=False)
        run.kpis().to_csv(tmp / "replications.csv", index=False)
        info = {
            "name": run.scenario.name,
            "scenario_sha256": run.scenario.digest(),
            "seed": run.seed,
            "replications": len(run.replications),
            "failed": [{"replicate": r.replicate, "error": r.error} for r in run.failed],
            "population": {"size": run.scenario.population.size,
                           "represents": run.scenario.population.represents},
            "currency": run.scenario.economics.currency,
            "versions": versions(),
            "events": [{"day": d, "kind": k, "what": w} for d, k, w in run.marks],
            **(extra or {}),
        }
        (tmp / "summary.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return target
