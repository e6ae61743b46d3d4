"""Dashboard runs are never lost: a comparison simulated on Run & compare is kept as a compare folder.

The folder goes under the dashboard's runs folder (``$PRIVSIM_RUNS``, else runs/), named as the command
line names its own, with the report inside, and is recorded in the run catalog, so the History page lists
it. Keeping it never fails the page: a read-only or full disk costs a caption.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from privsim.dashboard import settings, workspace
from privsim.experiments.compare import Comparison
from privsim.experiments.executors import make_executor
from privsim.output import runfolders
from privsim.output.folders import write_comparison
from privsim.output.report import write_report


def comparison(cmp: Comparison, labels: Sequence[str], cfg: settings.Settings) -> str:
    """Write ``cmp``, just simulated from the workspace ``labels`` with ``cfg``, as a compare folder.

    Returns the caption that says where it was kept, or why it could not be.
    """
    home = target = runfolders.runs_home()
    try:
        changed = overrides(cmp, labels, cfg)
        target = runfolders.new_folder(name(labels), [run.scenario for run in cmp.runs], cfg.reps, cfg.seed,
                                       runs_dir=home)
        job = (cmp, target, home, {"title": runfolders.titled(" vs ".join(cmp.names), changed),
                                   "overrides": changed, "made_by": "dashboard"})
        make_executor(cfg.runner()).map(write, [job])   # on the pool, this process goes on serving the page
    except Exception as exc:      # whatever the disk does, the page shows its result
        return f"Not kept in the run history: {target} could not be written ({_reason(exc)})."
    return f"Kept as {target}: reopen it on the History page."


def write(job: tuple[Comparison, Path, Path, dict[str, Any]]) -> None:
    """Write a comparison's folder, recorded in the catalog of its runs folder, and its report (a worker's task)."""
    cmp, target, home, extra = job
    write_comparison(cmp, target, runs_dir=home, extra=extra)
    write_report(target)


def name(labels: Sequence[str]) -> str:
    """The folder name's stem, as the command line's: compare-<file name of each scenario>."""
    stems = (re.sub(r"[^\w.-]+", "_", Path(label).stem).strip("_.")[:40] or "scenario" for label in labels)
    return "compare-" + "-".join(stems)


def overrides(cmp: Comparison, labels: Sequence[str], cfg: settings.Settings) -> list[str]:
    """The sidebar's changes to the scenario files: simulated size, replications and seed where they differ."""
    entries = workspace.entries()
    files = [workspace.scenario(entries[label]) for label in labels if label in entries]
    ran = cmp.runs[0].scenario
    resized = any(f.population.size != run.scenario.population.size for f, run in zip(files, cmp.runs, strict=False))
    return [*([f"size={ran.population.size}"] if resized else []),
            *([f"replications={cfg.reps}"] if cfg.reps != ran.replications else []),
            *([f"seed={cmp.seed}"] if cmp.seed != ran.seed else [])]


def _reason(exc: Exception) -> str:
    """The first line of what went wrong, without a traceback."""
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__
