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
from privsim.experiments.results import with_units
from privsim.files import claim, clean_temporaries, write_atomic, write_frame, write_manifest
from privsim.files import manifest as files_manifest

KIND = "sweep"     # the kind of folder a sweep (or a frontier, which is a sweep) owns


class SweepStore:
    """The folder of one sweep; resumes the same sweep, refuses to mix two sweeps or to write into a user's folder."""

    def __init__(self, folder: Path, manifest: dict[str, Any], scenario_yaml: str, *, force: bool = False):
        self.folder = Path(folder)
        self.points = self.folder / "points"
        claim(self.folder, KIND, force=force, resume=True)
        path = self.folder / "manifest.json"
        manifest = json.loads(json.dumps(manifest))
        if path.exists():
            old = json.loads(path.read_text(encoding="utf-8"))
            if old != manifest and not force:
                what = [k for k in manifest if old.get(k) != manifest[k]] or ["layout"]
                raise InputError.single(str(self.folder), f"holds a different sweep (its {', '.join(what)} differ); "
                                        "allowed: the same sweep (to resume it), --force to replace it, or a new "
                                        "output folder (nothing was touched)")
            if old != manifest:
                self._forget()
        self.points.mkdir(parents=True, exist_ok=True)
        owned = files_manifest(self.folder)
        self.own: list[str] = list(owned["files"]) if owned else []
        clean_temporaries(self.folder, self.own)
        if not path.exists():
            self._write("scenario.yaml", scenario_yaml)
            self._write("manifest.json", json.dumps(manifest, indent=2) + "\n")

    def _forget(self) -> None:
        """Remove what privsim wrote for an earlier, different sweep (--force), and nothing else."""
        owned = files_manifest(self.folder)
        for name in owned["files"] if owned else []:
            (self.folder / name).unlink(missing_ok=True)
        write_manifest(self.folder, KIND, [])

    def _write(self, name: str, data: str | pd.DataFrame) -> None:
        path = self.folder / name
        if isinstance(data, str):
            write_atomic(path, data)
        else:
            write_frame(path, data)
        if name not in self.own:
            self.own.append(name)
            write_manifest(self.folder, KIND, self.own)

    def _point(self, i: int, suffix: str) -> str:
        return f"points/point-{i:05d}{suffix}"

    def finished(self) -> dict[int, pd.DataFrame]:
        """KPIs of every point already finished, by point index."""
        out = {}
        for name in sorted(n for n in self.own if n.startswith("points/") and n.endswith(".parquet")):
            path = self.folder / name
            if path.exists():
                out[int(path.stem.removeprefix("point-"))] = pd.read_parquet(path)
        return out

    def write_point(self, i: int, kpis: pd.DataFrame) -> None:
        """Record a finished point (and forget an earlier failure of it)."""
        self._write(self._point(i, ".parquet"), kpis)
        (self.folder / self._point(i, ".error.json")).unlink(missing_ok=True)

    def write_error(self, i: int, values: dict[str, Any], error: str) -> None:
        """Record a failed point with its error."""
        self._write(self._point(i, ".error.json"), json.dumps({"point": i, "values": values, "error": error},
                                                              indent=2) + "\n")

    def write_outputs(self, points: pd.DataFrame, summary: pd.DataFrame, kpis: pd.DataFrame,
                      info: dict[str, Any]) -> None:
        """The sweep's tables, once every point has been tried."""
        self._write("points.csv", points)
        self._write("kpis.csv", with_units(summary))
        self._write("replications.parquet", kpis)
        self._write("summary.json", json.dumps(info, indent=2, default=str) + "\n")
