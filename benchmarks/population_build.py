"""Building a population from a 1M-row customer export, as CSV and as Parquet: seconds and peak memory.

Writes a synthetic export (the columns of examples/customers.csv, plus unmapped ones that must never be
read) to a temporary folder, then builds the per-customer population file from each format in a fresh
process, so each peak resident set size is that build's own.

Usage: ``python benchmarks/population_build.py [--rows 1000000]``
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAP = ROOT / "examples" / "customers.map.yaml"


def write_exports(folder: Path, rows: int) -> dict[str, Path]:
    """The synthetic export as CSV and Parquet, with two unmapped free-text columns."""
    sys.path.insert(0, str(ROOT / "examples"))
    from make_examples import customers

    frame = customers(rows, seed=7)
    frame["notes"] = "free text nobody maps"
    frame["phone"] = "+44 20 7946 0000"
    paths = {"csv": folder / "export.csv", "parquet": folder / "export.parquet"}
    frame.to_csv(paths["csv"], index=False)
    frame.to_parquet(paths["parquet"], index=False)
    return paths


def build_one(export: Path, out: Path) -> None:
    """In a fresh process: build and write the population file, print seconds and peak RSS as JSON."""
    started = time.perf_counter()
    from privsim import population_from_export
    from privsim.files import write_frame

    built = population_from_export(export, MAP)
    write_frame(out, built.frame)
    print(json.dumps({"seconds": time.perf_counter() - started, "peak_mb": peak_kb() / 1024, "rows": built.rows}))


def peak_kb() -> float:
    """This process's peak resident set: VmHWM on Linux (ru_maxrss survives exec, so it would count the parent)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1])
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def main() -> None:
    """Generate the exports, build from each in its own process, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--one", nargs=2, metavar=("EXPORT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        build_one(Path(args.one[0]), Path(args.one[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        paths = write_exports(folder, args.rows)
        for kind, path in paths.items():
            result = subprocess.run([sys.executable, __file__, "--one", str(path), str(folder / f"{kind}.parquet")],
                                    capture_output=True, text=True, check=True)
            figures = json.loads(result.stdout)
            size_mb = path.stat().st_size / 1024**2
            print(f"{kind:8} {figures['rows']:>10,} rows  {size_mb:7.1f} MB export  {figures['seconds']:6.2f} s  "
                  f"peak {figures['peak_mb']:7.1f} MB")


if __name__ == "__main__":
    main()
