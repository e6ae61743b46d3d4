"""The run catalog: an index of the run folders under ``runs/`` in the embedded DuckDB file ``runs/catalog.duckdb``.

The folders are the truth and the catalog only an index of them: :func:`rebuild` recreates it at any time
(atomically), :func:`listing` refreshes it first (new or rewritten folders read, deleted ones dropped) and
:func:`record` adds one folder after a run without ever failing the run; :func:`delete` removes a run folder
and its rows. Every call opens its own short-lived
connection, so parallel runs do not hold the file; a catalog that stays locked or cannot be written is passed
over and the folders are read into memory instead.

Tables (``path`` joins them; it is relative to the runs folder): ``runs``, one row per folder, and ``kpis``,
its KPI table. See docs/runs.md.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from privsim.errors import InputError
from privsim.files import clean_temporaries, manifest, temporary
from privsim.output.runfolders import (
    CATALOG,
    DEFAULT_DIR,
    KPIS,
    Entry,
    catalog_path,
    folder_key,
    read_all,
    read_folder,
    read_summary,
    run_folders,
    stamp,
)

if TYPE_CHECKING:   # duckdb loads with the first connection, not with every privsim command
    import duckdb

HEADLINES = ["total_vs_baseline", "total_value"]   # the KPI `privsim runs list` shows: the first a folder has
WAIT = 1.0          # seconds to wait for a catalog another process is writing before passing it over
RUNS = {"path": "VARCHAR", "kind": "VARCHAR", "name": "VARCHAR", "created": "TIMESTAMP",
        "scenario_sha256": "VARCHAR", "seed": "BIGINT", "replications": "INTEGER", "size": "BIGINT",
        "represents": "DOUBLE", "currency": "VARCHAR", "privsim_version": "VARCHAR", "title": "VARCHAR",
        "overrides": "VARCHAR", "failed": "INTEGER", "summary": "VARCHAR", "stamp": "VARCHAR"}


def _connect(database: Path | str) -> duckdb.DuckDBPyConnection:
    """A connection, waiting up to :data:`WAIT` seconds while another process holds the file."""
    import duckdb

    deadline = time.monotonic() + WAIT
    while True:
        try:
            return duckdb.connect(str(database))
        except duckdb.IOException as exc:
            if not _locked(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _locked(exc: Exception) -> bool:
    return "lock" in str(exc).lower()


def _create(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in (("runs", RUNS), ("kpis", KPIS)):
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{c} {t}' for c, t in columns.items())})")


def _current(con: duckdb.DuckDBPyConnection) -> bool:
    """The file holds the tables and columns this privsim writes (a catalog of another version is rebuilt)."""
    query = "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position"
    return all([r[0] for r in con.execute(query, [table]).fetchall()] == list(columns)
               for table, columns in (("runs", RUNS), ("kpis", KPIS)))


def _put(con: duckdb.DuckDBPyConnection, entries: list[Entry], gone: list[str]) -> None:
    """Replace the rows of ``entries`` and drop those of the paths ``gone``, in one transaction."""
    paths = [e.run["path"] for e in entries] + gone
    if not paths:
        return
    kpis = [e.kpis for e in entries if len(e.kpis)]
    con.begin()
    for table in ("runs", "kpis"):
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, path)", [paths])
    if entries:
        # object columns keep a 63-bit seed exact beside a missing one (a float column would round it)
        con.register("new_runs", pd.DataFrame([e.run for e in entries], columns=list(RUNS), dtype=object))
        con.execute("INSERT INTO runs BY NAME SELECT * FROM new_runs")
    if kpis:
        con.register("new_kpis", pd.concat(kpis, ignore_index=True))
        con.execute("INSERT INTO kpis BY NAME SELECT * FROM new_kpis")
    con.commit()


def _memory(runs_dir: Path) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    """An in-memory catalog read from the folders, when the file cannot be used."""
    import duckdb

    con = duckdb.connect(":memory:")
    _create(con)
    entries, problems = read_all(run_folders(runs_dir) if runs_dir.is_dir() else {}, runs_dir)
    _put(con, entries, [])
    return con, problems


def _runs_dir(runs_dir: Path) -> Path:
    """Check the folder the catalog indexes: a folder of run folders, not a file nor a run folder itself."""
    runs_dir = Path(runs_dir)
    if runs_dir.exists() and not runs_dir.is_dir():
        raise InputError.single(str(runs_dir), "is a file; allowed: the folder holding run folders (--dir)")
    if manifest(runs_dir) is not None:
        raise InputError.single(str(runs_dir), "is a run folder; allowed: the folder holding run folders (--dir)")
    return runs_dir


# ------------------------------------------------------------------ keeping it up to date
def rebuild(runs_dir: Path = DEFAULT_DIR) -> tuple[int, list[str]]:
    """Recreate the catalog from the folders, atomically: the folders indexed and those that could not be read."""
    import duckdb

    runs_dir = _runs_dir(runs_dir)
    if not runs_dir.is_dir():
        raise InputError.single(str(runs_dir), "no such folder; allowed: the folder holding run folders (--dir)")
    try:
        return _rebuild(runs_dir)
    except (duckdb.Error, OSError) as exc:
        raise InputError.single(str(catalog_path(runs_dir)), f"cannot be rebuilt ({_reason(exc)}); allowed: a "
                                "writable folder, once no other privsim command is writing the catalog") from None


def _rebuild(runs_dir: Path) -> tuple[int, list[str]]:
    target = catalog_path(runs_dir)
    clean_temporaries(runs_dir, [CATALOG])
    entries, problems = read_all(run_folders(runs_dir), runs_dir)
    tmp = temporary(target)
    try:
        tmp.unlink(missing_ok=True)
        with contextlib.closing(_connect(tmp)) as con:
            _create(con)
            _put(con, entries, [])
        with _held(target):
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
    return len(entries), problems


@contextlib.contextmanager
def _held(target: Path) -> Iterator[None]:
    """Hold the old catalog's lock while it is replaced, so no process writes a log the new file would replay."""
    import duckdb

    try:
        con = _connect(target) if target.exists() else None
    except duckdb.Error as exc:
        if _locked(exc):
            raise
        con = None          # not a database: nobody can have it open
    if con is None:
        Path(f"{target}.wal").unlink(missing_ok=True)
    try:
        yield
    finally:
        if con is not None:
            con.close()


def _refreshed(runs_dir: Path) -> tuple[duckdb.DuckDBPyConnection, list[str]]:
    """A connection to the catalog file brought up to date with the folders (rebuilt if missing or unreadable)."""
    import duckdb

    path = catalog_path(runs_dir)
    try:
        con = _connect(path) if path.exists() else None
    except duckdb.Error as exc:
        if _locked(exc):
            raise
        con = None          # not a database: rebuilt below
    if con is not None and not _current(con):
        con.close()
        con = None
    if con is None:
        _rebuild(runs_dir)
        con = _connect(path)
    try:
        stored = dict(con.execute("SELECT path, stamp FROM runs").fetchall())
        found = run_folders(runs_dir)
        stale = {k: f for k, f in found.items() if stored.get(k) != stamp(f)}
        entries, problems = read_all(stale, runs_dir)
        read = {e.run["path"] for e in entries}
        _put(con, entries, [k for k in stored if k not in found or (k in stale and k not in read)])
    except BaseException:
        con.close()
        raise
    return con, problems


@contextlib.contextmanager
def _fresh(runs_dir: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[str]]]:
    """An up-to-date catalog: the file refreshed, else (locked, unwritable, no folder yet) one in memory."""
    import duckdb

    runs_dir = _runs_dir(runs_dir)
    if not runs_dir.is_dir():
        con, problems = _memory(runs_dir)
    else:
        try:
            con, problems = _refreshed(runs_dir)
        except (duckdb.Error, OSError) as exc:
            con, problems = _memory(runs_dir)
            problems.insert(0, f"run catalog {catalog_path(runs_dir)} not used ({_reason(exc)}); the run folders "
                            "were read instead")
    try:
        yield con, problems
    finally:
        con.close()


def record(folder: Path, runs_dir: Path = DEFAULT_DIR) -> bool:
    """Add or refresh one run folder in the catalog; never raises, since the catalog is only an index.

    A folder outside ``runs_dir`` is not recorded; a catalog that is locked, unreadable or read-only is
    passed over with one line on stderr (``privsim runs list`` catches up from the folders).
    """
    try:
        return _record(Path(folder), Path(runs_dir))
    except Exception as exc:   # whatever goes wrong with an index must not fail the run that wrote the folder
        _warn(catalog_path(runs_dir), _reason(exc))
        return False


def _record(folder: Path, runs_dir: Path) -> bool:
    if not folder.resolve().is_relative_to(runs_dir.resolve()) or manifest(runs_dir) is not None:
        return False
    entry = read_folder(folder, runs_dir)
    with contextlib.closing(_connect(catalog_path(runs_dir))) as con:
        _create(con)
        if not _current(con):
            _warn(catalog_path(runs_dir), "written by another privsim version")
            return False
        _put(con, [entry], [])
    return True


def delete(folder: Path, runs_dir: Path = DEFAULT_DIR) -> None:
    """Remove a run folder and its catalog rows (the catalog is passed over if it cannot be written).

    Only a privsim run folder (a summary.json with a ``kind``) inside ``runs_dir`` is deleted; anything else is
    bad input and nothing is touched.
    """
    import duckdb

    folder, runs_dir = Path(folder), _runs_dir(runs_dir)
    if folder.is_symlink() or not folder.resolve().is_relative_to(runs_dir.resolve()) \
            or folder.resolve() == runs_dir.resolve():
        raise InputError.single(str(folder), f"is not a folder inside {runs_dir}; allowed: a run folder in the runs "
                                "folder (nothing was deleted)")
    read_summary(folder)
    key = folder_key(folder, runs_dir)
    try:
        shutil.rmtree(folder)
    except OSError as exc:
        raise InputError.single(str(folder), f"cannot be deleted ({exc.strerror or type(exc).__name__})") from None
    target = catalog_path(runs_dir)
    with contextlib.suppress(duckdb.Error, OSError):     # the next listing drops it from the index anyway
        if target.exists():
            with contextlib.closing(_connect(target)) as con:
                if _current(con):
                    _put(con, [], [key])


def _reason(exc: BaseException) -> str:
    if _locked(exc):
        return "in use by another process"
    text = str(exc).strip().splitlines()
    return (text[0][:120] if text else type(exc).__name__).removeprefix("IO Error: ")


def _warn(path: Path, reason: str) -> None:
    print(f"warning: run catalog {path} not updated ({reason}); `privsim runs list` catches up", file=sys.stderr)


# ------------------------------------------------------------------ questions the commands ask
LISTING = """
WITH headline AS (
    SELECT path, kpi, max(mean) AS value, count(*) AS among FROM kpis
    WHERE segment = 'all' AND list_contains($headlines, kpi) GROUP BY path, kpi
    QUALIFY row_number() OVER (PARTITION BY path ORDER BY list_position($headlines, kpi)) = 1),
listed AS (
    SELECT row_number() OVER (ORDER BY created DESC, path) AS "index", r.* EXCLUDE (summary, stamp),
           h.kpi AS headline_kpi, h.value AS headline, h.among AS headline_among
    FROM runs r LEFT JOIN headline h USING (path))
SELECT * FROM listed WHERE $kind IS NULL OR kind = $kind ORDER BY "index"
"""


def listing(runs_dir: Path = DEFAULT_DIR, kind: str | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Run folders newest first (``index`` numbers the full list) with their headline KPI; unreadable folders."""
    with _fresh(runs_dir) as (con, problems):
        frame = con.execute(LISTING, {"headlines": HEADLINES, "kind": kind}).df()
    return frame, problems


def locate(ref: str, runs_dir: Path = DEFAULT_DIR) -> Path:
    """The folder a ``privsim runs`` argument names: a path, a path in ``runs_dir``, or a number from the list."""
    for candidate in (Path(ref), Path(runs_dir) / ref):
        if candidate.exists():
            return candidate
    if not ref.isdigit():
        return Path(ref)        # read_folder names it: no such run folder
    frame, _ = listing(runs_dir)
    if not 1 <= int(ref) <= len(frame):
        raise InputError.single(ref, f"no run number {ref} in {runs_dir} ({len(frame)} listed); allowed: a number "
                                "from `privsim runs list`, or a run folder path")
    return Path(runs_dir) / frame["path"].iloc[int(ref) - 1]
