"""Writing files safely: atomic writes, frames as Parquet or CSV, and the versions every output records.

A file is written under a temporary name beside its target and renamed into place, so a killed
process never leaves a half-written file. Experiments, output folders and the faces all write this way.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # pandas loads with the frame being written
    import pandas as pd

TMP = ".tmp-"
DEPENDENCIES = ("numpy", "pandas", "pyarrow", "pydantic", "PyYAML", "simpy", "scipy")


def temporary(path: Path) -> Path:
    """The temporary name ``path`` is written under before it is renamed into place."""
    return path.with_name(f"{path.name}{TMP}{os.getpid()}")


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file under a temporary name, then rename it into place."""
    tmp = temporary(path)
    tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    os.replace(tmp, path)


def write_frame(path: Path, frame: pd.DataFrame) -> None:
    """Write a frame as Parquet or CSV (by suffix), atomically."""
    tmp = temporary(path)
    if path.suffix == ".parquet":
        frame.to_parquet(tmp, index=False)
    else:
        frame.to_csv(tmp, index=False)
    os.replace(tmp, path)


def versions() -> dict[str, str]:
    """Privsim and dependency versions, for the summaries of written results."""
    out = {}
    for name in ("privsim", *DEPENDENCIES):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out
