"""Run folders: where a new one goes, one folder's summary and KPI table as the catalog reads them, two compared.

Every kind of privsim folder (run, compare, sweep, frontier, sensitivity, uncertainty) is read the same way:
its ``summary.json`` becomes one ``runs`` row and its KPI table (``kpis.csv`` or a sweep's points) the
``kpis`` rows (``privsim.output.catalog`` stores them; docs/runs.md). Every run gets a folder of its own
(:func:`new_folder`), the CLI's and the dashboard's alike.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import yaml

from privsim.errors import InputError, did_you_mean
from privsim.files import OWNED, manifest
from privsim.model import fingerprint
from privsim.model.vocabulary import term

if TYPE_CHECKING:
    from privsim.scenario.schema import Scenario

CATALOG = "catalog.duckdb"
DEFAULT_DIR = Path("runs")
ENV = "PRIVSIM_RUNS"        # the dashboard's runs folder when set (the tests point it at a temporary one)
KINDS = ("run", "compare", "sweep", "frontier", "sensitivity", "uncertainty")
KPIS = {"path": "VARCHAR", "scenario": "VARCHAR", "scenario_sha256": "VARCHAR", "point": "INTEGER",
        "setting": "VARCHAR", "segment": "VARCHAR", "kpi": "VARCHAR", "mean": "DOUBLE", "ci_low": "DOUBLE",
        "ci_high": "DOUBLE", "p5": "DOUBLE", "p95": "DOUBLE", "n": "INTEGER", "unit": "VARCHAR"}
KPI_FILE = {"scenario", "point", "segment", "kpi", "mean", "ci_low", "ci_high", "p5", "p95", "n", "meaning", "unit"}
DIFFERS = ("kind", "scenario_sha256", "seed", "size", "represents", "replications", "currency", "privsim_version")



@dataclass(frozen=True)
class Entry:
    """One run folder as the catalog holds it: its ``runs`` row and its ``kpis`` rows."""

    folder: Path
    run: dict[str, Any]
    kpis: pd.DataFrame


def catalog_path(runs_dir: Path = DEFAULT_DIR) -> Path:
    """Where the catalog of a runs folder lives."""
    return Path(runs_dir) / CATALOG


def runs_home() -> Path:
    """The runs folder of the dashboard: ``$PRIVSIM_RUNS``, else runs/ where it was started."""
    return Path(os.environ.get(ENV) or DEFAULT_DIR)


# ------------------------------------------------------------------ naming new run folders
def new_folder(name: str, scenarios: Sequence[Scenario], *key: Any, dated: bool = True,
               runs_dir: Path = DEFAULT_DIR) -> Path:
    """A folder of its own: <runs_dir>/<name>-<UTC time>-<hash of the scenarios, ``key`` and model>.

    An undated folder (a sweep's) is <name>-<hash>: the same sweep resumes into it, another one gets its own.
    """
    digest = json.dumps([[s.digest() for s in scenarios], *key, fingerprint()], default=str)
    short = hashlib.sha256(digest.encode()).hexdigest()[:8]
    if not dated:
        return Path(runs_dir) / f"{name}-{short}"
    stem = f"{name}-{datetime.now(UTC):%Y%m%d-%H%M%S}-{short}"
    target, n = Path(runs_dir) / stem, 1
    while target.exists():
        n += 1
        target = Path(runs_dir) / f"{stem}-{n}"
    return target


def titled(title: str, overrides: Sequence[str]) -> str:
    """A run's title with its overrides, so two runs of one file never look alike."""
    return f"{title} · {', '.join(overrides)}" if overrides else title


# ------------------------------------------------------------------ reading run folders
def read_folder(folder: Path, runs_dir: Path = DEFAULT_DIR) -> Entry:
    """A run folder's summary.json and kpis.csv as catalog rows; bad input naming the path if it is not one."""
    folder = Path(folder)
    summary = read_summary(folder)
    try:
        key = folder_key(folder, Path(runs_dir))
        return Entry(folder, _run_row(folder, key, summary), _kpi_rows(folder, key, summary))
    except (OSError, ValueError, TypeError, AttributeError, KeyError) as exc:
        raise InputError.single(str(folder), f"summary.json or kpis.csv is not as privsim writes it ({exc}); "
                                "allowed: a run folder a privsim command wrote") from None


def read_summary(folder: Path) -> dict[str, Any]:
    """A privsim run folder's summary.json (it has a ``kind``); bad input naming the path if it is not one."""
    if not folder.is_dir():
        raise InputError.single(str(folder), "no such run folder; allowed: a folder a privsim command wrote, or a "
                                "number from `privsim runs list`")
    if manifest(folder) is None or not (folder / "summary.json").is_file():
        raise InputError.single(str(folder), "is not a privsim run folder (no summary.json and .privsim.json); "
                                "allowed: a folder a privsim command wrote")
    try:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError.single(str(folder / "summary.json"), f"cannot be read ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        raise InputError.single(str(folder / "summary.json"), "has no kind; allowed: the summary.json privsim wrote")
    return data


def folder_key(folder: Path, runs_dir: Path) -> str:
    """A folder's ``path`` in the catalog: relative to the runs folder, so the catalog survives a move."""
    try:
        return folder.resolve().relative_to(runs_dir.resolve()).as_posix()
    except ValueError:
        return str(folder)


def _run_row(folder: Path, key: str, s: dict[str, Any]) -> dict[str, Any]:
    names, hashes, failed = s.get("names"), s.get("scenario_sha256"), s.get("failed", s.get("failed_replications"))
    size, represents = _population(folder, s)
    return {
        "path": key, "kind": s["kind"], "name": " vs ".join(map(str, names)) if isinstance(names, list)
        else _text(s.get("name")), "created": datetime.fromtimestamp((folder / "summary.json").stat().st_mtime),
        "scenario_sha256": ",".join(map(str, hashes)) if isinstance(hashes, list) else _text(hashes),
        "seed": _whole(s.get("seed")), "replications": _whole(s.get("replications")), "size": _whole(size),
        "represents": float(represents) if isinstance(represents, int | float) and not isinstance(represents, bool)
        else None,
        "currency": _text(s.get("currency")), "privsim_version": _text((s.get("versions") or {}).get("privsim")),
        "title": _text(s.get("title")), "overrides": None if s.get("overrides") is None else json.dumps(s["overrides"]),
        "failed": len(failed) if isinstance(failed, list) else _whole(failed), "summary": json.dumps(s),
        "stamp": stamp(folder)}


def _whole(value: Any) -> int | None:
    """An integer that fits the catalog's columns, else None (a hand-edited summary cannot break the index)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63 else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _population(folder: Path, s: dict[str, Any]) -> tuple[Any, Any]:
    """Simulated size and represents: from summary.json, else (sweeps, sensitivity) from the scenario written."""
    pop = s.get("population")
    if not isinstance(pop, dict):
        try:
            pop = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))["population"]
        except (OSError, yaml.YAMLError, KeyError, TypeError):
            pop = {}
    return (pop.get("size"), pop.get("represents")) if isinstance(pop, dict) else (None, None)


def _kpi_rows(folder: Path, key: str, s: dict[str, Any]) -> pd.DataFrame:
    """kpis.csv in the catalog's columns; a sweep's swept fields become one ``setting`` per point."""
    file = folder / "kpis.csv"
    if not file.is_file():
        return pd.DataFrame(columns=list(KPIS))
    frame = pd.read_csv(file)
    swept = [c for c in frame.columns if c not in KPI_FILE]
    scenario = frame["scenario"].astype(str) if "scenario" in frame else s.get("name")
    hashes = s.get("scenario_sha256")
    if "point" in frame:
        hashes = None       # each point is a variant of the scenario the hash names
    elif isinstance(hashes, list):
        hashes = frame["scenario"].map(dict(zip(s.get("names", []), hashes, strict=False)))
    return pd.DataFrame({
        "path": key, "scenario": scenario, "scenario_sha256": hashes,
        "point": frame["point"].astype("Int64") if "point" in frame else None,
        "setting": [", ".join(f"{c}={v}" for c, v in zip(swept, row, strict=True))
                    for row in frame[swept].itertuples(index=False)] if swept else None,
        "segment": frame["segment"].astype(str), "kpi": frame["kpi"].astype(str),
        **{c: pd.to_numeric(frame[c]) if c in frame else None for c in ("mean", "ci_low", "ci_high", "p5", "p95", "n")},
        "unit": frame["unit"] if "unit" in frame else [term(k).unit or None for k in frame["kpi"]]},
        columns=list(KPIS))


def stamp(folder: Path) -> str:
    """What changes when a folder is rewritten: the times and sizes of its summary.json and kpis.csv."""
    parts = []
    for name in ("summary.json", "kpis.csv"):
        with contextlib.suppress(OSError):
            st = (folder / name).stat()
            parts.append(f"{st.st_mtime_ns}:{st.st_size}")
    return " ".join(parts)


def run_folders(runs_dir: Path = DEFAULT_DIR) -> dict[str, Path]:
    """Every privsim output folder with a summary.json under ``runs_dir``, by catalog path (hidden ones skipped)."""
    runs_dir = Path(runs_dir)
    found = {}
    for top, dirs, files in os.walk(runs_dir):
        if "summary.json" in files and OWNED in files and Path(top) != runs_dir:
            found[Path(top).relative_to(runs_dir).as_posix()] = Path(top)
            dirs.clear()        # a run folder's own subfolders (a sweep's points) hold no run folders
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    return found


def read_all(folders: dict[str, Path], runs_dir: Path) -> tuple[list[Entry], list[str]]:
    """The entries of the folders that can be read, and one line for each that cannot."""
    entries, problems = [], []
    for folder in folders.values():
        try:
            entries.append(read_folder(folder, runs_dir))
        except InputError as exc:
            problems.append(f"{exc} (not in the catalog)")
    return entries, problems


# ------------------------------------------------------------------ two folders compared
def segment_rows(entry: Entry, segment: str = "all") -> pd.DataFrame:
    """An entry's KPI rows of one segment; bad input naming the folder when it has no such segment."""
    rows = entry.kpis[entry.kpis["segment"] == segment]
    if rows.empty and len(entry.kpis):
        found = sorted(entry.kpis["segment"].unique())
        raise InputError.single("--segment", f"got {segment!r}{did_you_mean(segment, found)}; allowed in "
                                f"{entry.folder}: {', '.join(found)}")
    return rows.reset_index(drop=True)


def difference(a: Entry, b: Entry, segment: str = "all") -> pd.DataFrame:
    """KPIs in both runs side by side with B − A, matched by KPI (and scenario or point when both have several)."""
    left, right = (segment_rows(e, segment).fillna({"setting": ""}) for e in (a, b))
    keys = ["kpi", *(c for c in ("scenario", "setting") if left[c].nunique() > 1 and right[c].nunique() > 1)]
    both = left.merge(right, on=keys, suffixes=("_a", "_b"))
    for c in ("scenario", "setting"):
        if c in keys:
            both[f"{c}_a"] = both[f"{c}_b"] = both[c]
    both["difference"] = both["mean_b"] - both["mean_a"]
    return both[["scenario_a", "setting_a", "scenario_b", "setting_b", "kpi", "mean_a", "mean_b", "difference"]]


def differing(a: Entry, b: Entry) -> dict[str, tuple[Any, Any]]:
    """What two runs were made with that differs (scenario hash, seed, size …): field → (A's, B's)."""
    return {f: (a.run[f], b.run[f]) for f in DIFFERS if a.run[f] != b.run[f]}
