"""The per-customer population file (Parquet) that ``population.from_file`` loads: its columns and checks.

``privsim population build`` writes it; a scenario reads it through :func:`load_table`, which projects only
the columns the engine uses (never ``key``, ``age_band`` or ``platform``), checks every value and keeps
the result in a small cache, so re-validating a scenario (``--set``, ``--size``) does not read it again.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from privsim.errors import InputError, show

SEGMENT, VALUE, CONCERN, KEY, AGE_BAND, PLATFORM = "segment", "annual_value", "concern", "key", "age_band", "platform"
CONSENT = "consent."            # + a practice id: the starting consent state of that practice
UNASKED, GRANTED, DENIED = 0, 1, 2   # the engine's consent codes (privsim.model.practices)
MAX_ROWS = 10_000_000           # customers in one file
MAX_BYTES = 2 * 1024**3         # bytes of one file
MAX_VALUE = 1e7                 # annual value of one customer, as the scenario format allows
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
KNOWN = (SEGMENT, VALUE, CONCERN, KEY, AGE_BAND, PLATFORM)


@dataclass(frozen=True, eq=False)
class CustomerTable:
    """The customers of a population file, one numpy array per attribute, rows grouped by segment."""

    names: tuple[str, ...]            # segment names, sorted
    segment: np.ndarray               # int16 index into names
    value: np.ndarray | None          # f32 annual value (None: the file has none)
    concern: np.ndarray | None        # f32 concern 0–1, NaN where not measured
    consent: dict[str, np.ndarray]    # practice id -> int8 UNASKED | GRANTED | DENIED
    sha256: str                       # of the file's bytes: part of the scenario's digest
    order: np.ndarray = field(init=False)    # row indices sorted by segment
    bounds: np.ndarray = field(init=False)   # segment s holds order[bounds[s]:bounds[s + 1]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", np.argsort(self.segment, kind="stable"))
        counts = np.bincount(self.segment, minlength=len(self.names))
        object.__setattr__(self, "bounds", np.concatenate([[0], np.cumsum(counts)]))

    @property
    def rows(self) -> int:
        """Customers in the file."""
        return int(self.segment.size)

    def shares(self) -> dict[str, float]:
        """Share of the file's customers in each segment."""
        return {n: float(self.bounds[s + 1] - self.bounds[s]) / self.rows for s, n in enumerate(self.names)}

    def rows_of(self, name: str) -> np.ndarray:
        """Row indices of the customers of one segment."""
        s = self.names.index(name)
        return self.order[self.bounds[s]:self.bounds[s + 1]]


def load_table(path: str) -> CustomerTable:
    """The checked customers of a population file; any problem is bad input naming file, row and column."""
    try:
        info = os.stat(path)
    except OSError:
        raise InputError.single(path, "no such file; allowed: a population file from `privsim population "
                                "build` (a relative path is read from the scenario file's folder; with --set, from the "
                                "working folder)") from None
    return _cached(path, info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=4)
def _cached(path: str, mtime_ns: int, size: int) -> CustomerTable:
    if size > MAX_BYTES:
        raise InputError.single(path, f"the file has {size:,} bytes; allowed: at most {MAX_BYTES:,}")
    import pyarrow.parquet as pq

    try:
        with open(path, "rb") as handle:
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        meta = pq.ParquetFile(path)
    except Exception as exc:   # pyarrow raises several kinds for a file that is not Parquet
        raise InputError.single(path, f"cannot be read as Parquet ({type(exc).__name__}); allowed: a population "
                                "file from `privsim population build`") from None
    names = meta.schema_arrow.names
    unknown = [n for n in names if n not in KNOWN and not n.startswith(CONSENT)]
    if unknown:
        raise InputError.single(path, f"unknown column {unknown[0]!r}; allowed: {', '.join(KNOWN)} and "
                                f"{CONSENT}<practice id>")
    if SEGMENT not in names:
        raise InputError.single(path, "missing column 'segment'; allowed: a population file from `privsim "
                                "population build`")
    rows = meta.metadata.num_rows
    if not 1 <= rows <= MAX_ROWS:
        raise InputError.single(path, f"the file has {rows:,} customers; allowed: 1 to {MAX_ROWS:,}")
    used = [n for n in names if n in (SEGMENT, VALUE, CONCERN) or n.startswith(CONSENT)]
    table = meta.read(columns=used)
    segments, codes = _segments(path, table.column(SEGMENT))
    value = _numbers(path, table, VALUE, 0.0, MAX_VALUE, missing=False)
    concern = _numbers(path, table, CONCERN, 0.0, 1.0, missing=True)
    consent = {n.removeprefix(CONSENT): _consent(path, table, n) for n in used if n.startswith(CONSENT)}
    return CustomerTable(segments, codes, value, concern, consent, digest)


def _segments(path: str, column: object) -> tuple[tuple[str, ...], np.ndarray]:
    import pyarrow as pa
    import pyarrow.compute as pc

    col = pc.cast(column, pa.string()) if not pa.types.is_string(column.type) else column  # type: ignore[attr-defined]
    encoded = pc.dictionary_encode(col).combine_chunks()
    if encoded.null_count:
        _fail(path, np.flatnonzero(encoded.is_null().to_numpy(zero_copy_only=False)), SEGMENT, None,
              "missing segment; allowed: a segment name")
    names = [str(v) for v in encoded.dictionary.to_pylist()]
    bad = [n for n in names if not NAME.match(n) or n == "all"]
    if bad:
        idx = np.flatnonzero(encoded.indices.to_numpy() == names.index(bad[0]))
        _fail(path, idx, SEGMENT, bad[0], "allowed: lower_snake_case segment names other than 'all'")
    ranked = sorted(names)
    remap = np.asarray([ranked.index(n) for n in names], dtype=np.int16)
    return tuple(ranked), remap[encoded.indices.to_numpy()]


def _numbers(path: str, table: object, name: str, lo: float, hi: float, *, missing: bool) -> np.ndarray | None:
    if name not in table.column_names:  # type: ignore[attr-defined]
        return None
    col = table.column(name).combine_chunks()  # type: ignore[attr-defined]
    try:
        x = col.to_numpy(zero_copy_only=False).astype(np.float64)
    except (TypeError, ValueError):
        raise InputError.single(path, f"column {name}: type {col.type}; allowed: numbers") from None
    nan = np.isnan(x)
    if nan.any() and not missing:
        _fail(path, np.flatnonzero(nan), name, None, f"missing value; allowed: a number {lo:g} to {hi:g}")
    bad = ~nan & ~((x >= lo) & (x <= hi))
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        _fail(path, np.flatnonzero(bad), name, x[first], f"allowed: a finite number {lo:g} to {hi:g}")
    return x.astype(np.float32)


def _consent(path: str, table: object, name: str) -> np.ndarray:
    pid = name.removeprefix(CONSENT)
    if not NAME.match(pid):
        raise InputError.single(path, f"column {name}: {pid!r} is not a practice id; allowed: lower_snake_case")
    x = table.column(name).combine_chunks().to_numpy(zero_copy_only=False)  # type: ignore[attr-defined]
    bad = ~np.isin(x, (UNASKED, GRANTED, DENIED))
    if bad.any():
        _fail(path, np.flatnonzero(bad), name, x[np.flatnonzero(bad)[0]],
              f"allowed: {UNASKED} never asked, {GRANTED} granted, {DENIED} denied or opted out")
    return x.astype(np.int8)


def _fail(path: str, rows: np.ndarray, column: str, value: object, allowed: str) -> None:
    more = f" (and {rows.size - 1:,} more rows)" if rows.size > 1 else ""
    got = f"got {show(value)}; " if value is not None else ""
    raise InputError.single(path, f"{got}{allowed}{more}", field=f"row {int(rows[0]) + 1}, column {column}")
