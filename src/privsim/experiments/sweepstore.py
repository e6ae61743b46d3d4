"""A sweep's folder: written point by point so an interrupted sweep resumes where it stopped.

Layout: ``manifest.json`` (what the sweep is: scenario hash, seed, replications, design and
points), ``scenario.yaml`` (the base scenario), ``points/point-NNNNN.parquet`` (KPIs of each
finished point, per replication) or ``points/point-NNNNN.error.json`` (a failed point), and,
once the sweep ends, ``points.csv``, ``kpis.csv``, ``replications.parquet`` and ``summary.json``.
Every file is written to a temporary name and renamed into place, so a killed sweep never
leaves a half-written point.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from privsim.errors import InputError
from privsim.files import TMP, write_atomic, write_frame


class SweepStore:
    """The folder of one sweep; refuses to mix two different sweeps in one folder."""

    def __init__(self, folder: Path, manifest: dict[str, Any], scenario_yaml: str):
        self.folder = Path(folder)
        self.points = self.folder / "points"
        self.points.mkdir(parents=True, exist_ok=True)
        for stale in self.folder.rglob(f"*{TMP}*"):
            stale.unlink(missing_ok=True)
        path = self.folder / "manifest.json"
        manifest = json.loads(json.dumps(manifest))
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old != manifest:
                what = [k for k in manifest if old.get(k) != manifest[k]] or ["layout"]
                raise InputError.single(str(self.folder), f"holds a different sweep (its {', '.join(what)} differ); "
                                        "allowed: the same sweep (to resume it) or a new output folder")
        else:
            write_atomic(self.folder / "scenario.yaml", scenario_yaml)
            write_atomic(path, json.dumps(manifest, indent=2) + "\n")

    def _point(self, i: int, suffix: str) -> Path:
        return self.points / f"point-{i:05d}{suffix}"

    def finished(self) -> dict[int, pd.DataFrame]:
        """KPIs of every point already finished, by point index."""
        out = {}
        for path in sorted(self.points.glob("point-*.parquet")):
            out[int(path.stem.removeprefix("point-"))] = pd.read_parquet(path)
        return out

    def write_point(self, i: int, kpis: pd.DataFrame) -> None:
        """Record a finished point (and forget an earlier failure of it)."""
        write_frame(self._point(i, ".parquet"), kpis)
        self._point(i, ".error.json").unlink(missing_ok=True)

    def write_error(self, i: int, values: dict[str, Any], error: str) -> None:
        """Record a failed point with its error."""
        write_atomic(self._point(i, ".error.json"),
                     json.dumps({"point": i, "values": values, "error": error}, indent=2) + "\n")

    def write_outputs(self, points: pd.DataFrame, summary: pd.DataFrame, kpis: pd.DataFrame,
                      info: dict[str, Any]) -> None:
        """The sweep's tables, once every point has been tried."""
        write_frame(self.folder / "points.csv", points)
        write_frame(self.folder / "kpis.csv", summary)
        write_frame(self.folder / "replications.parquet", kpis)
        write_atomic(self.folder / "summary.json", json.dumps(info, indent=2, default=str) + "\n")
