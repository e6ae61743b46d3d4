"""Reading customer and survey exports: only the named columns, within size limits, problems located by row.

CSV and Parquet are read by pyarrow with column projection, so the values of other columns are never
converted or kept (Parquet never even decodes them); Excel (small files) and SPSS ``.sav`` go through
pandas/openpyxl and pyreadstat with ``usecols``. A problem names the file, the line (CSV) or row, the
column, the value and what is allowed, and never echoes a row (it could hold an identifier).
"""

from __future__ import annotations

import csv
import io
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from privsim.errors import InputError, Problem, did_you_mean, show

if TYPE_CHECKING:    # pandas loads with the export being read
    import pandas as pd

KINDS = {".csv": "csv", ".parquet": "parquet", ".xlsx": "xlsx", ".sav": "sav"}
MAX_BYTES = {"csv": 2 * 1024**3, "parquet": 2 * 1024**3, "xlsx": 20 * 1024**2, "sav": 512 * 1024**2}
MAX_ROWS = {"csv": 10_000_000, "parquet": 10_000_000, "xlsx": 100_000, "sav": 1_000_000}
HEADER_BYTES = 1024**2      # the header line of a CSV file
SHOWN = 3                   # bad rows listed per problem before "and N more"


@dataclass(frozen=True)
class Export:
    """The named columns of an export (everything as read; other columns absent) and every column's name."""

    source: str
    kind: str
    frame: pd.DataFrame
    header: tuple[str, ...]

    @property
    def rows(self) -> int:
        """Rows read."""
        return len(self.frame)

    def problems(self, bad: np.ndarray, column: str, allowed: str, values: pd.Series | None = None,
                 what: str = "missing value") -> list[Problem]:
        """One problem for the first few ``bad`` rows of ``column`` (with their values), then a count of the rest.

        Without ``values`` (an identifier's, or a blank) a problem says ``what`` is wrong and shows no value.
        """
        rows = np.flatnonzero(bad)
        out = []
        for i, row in enumerate(rows[:SHOWN]):
            got = what if values is None or _missing(values.iloc[row]) else f"got {show(values.iloc[row])}"
            more = f" ({rows.size - SHOWN:,} more rows like it)" if i == SHOWN - 1 and rows.size > SHOWN else ""
            line, where = self.where(int(row))
            out.append(Problem(self.source, line, f"{where}column {column}", f"{got}; allowed: {allowed}{more}"))
        return out

    def where(self, row: int) -> tuple[int | None, str]:
        """The line (CSV: the header is line 1) or the row label of a 0-based data row."""
        return (row + 2, "") if self.kind == "csv" else (None, f"row {row + 1}, ")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or str(value) in ("", "<NA>", "nan")


def kind_of(path: str | Path, allowed: tuple[str, ...]) -> str:
    """The format of an export by its suffix, and a regular file within the format's size limit."""
    source, suffix = str(path), Path(path).suffix.lower()
    kind = KINDS.get(suffix)
    if kind not in allowed:
        names = ", ".join(s for s, k in KINDS.items() if k in allowed)
        raise InputError.single(source, f"suffix {suffix or 'none'!r}; allowed: {names}")
    try:
        info = os.stat(path)
    except OSError:
        raise InputError.single(source, "no such file") from None
    if not stat.S_ISREG(info.st_mode):
        raise InputError.single(source, "not a regular file; allowed: a file")
    if info.st_size > MAX_BYTES[kind]:
        raise InputError.single(source, f"the file has {info.st_size:,} bytes; allowed: at most "
                                f"{MAX_BYTES[kind]:,} for {suffix}" + (" (save a large export as CSV or Parquet)"
                                                                       if kind == "xlsx" else ""))
    return kind


def read_export(path: str | Path, columns: list[str], allowed: tuple[str, ...],
                missing: Callable[[str, str], InputError]) -> Export:
    """The ``columns`` of an export; ``missing(column, hint)`` makes the error for a column the file lacks."""
    source = str(path)
    kind = kind_of(path, allowed)
    header = HEADERS[kind](path)
    names = set(header)
    for col in columns:
        if col not in names:
            raise missing(col, f"{did_you_mean(col, header)}; the file has {', '.join(header[:30])}"
                               + (" …" if len(header) > 30 else ""))
    frame = READERS[kind](path, list(dict.fromkeys(columns)), source)
    if len(frame) > MAX_ROWS[kind]:
        raise InputError.single(source, f"the file has more than {MAX_ROWS[kind]:,} rows; allowed: at most "
                                f"{MAX_ROWS[kind]:,}")
    if len(frame) == 0:
        raise InputError.single(source, "the file has no rows; allowed: one row per customer or respondent")
    return Export(source, kind, frame, tuple(header))


# ------------------------------------------------------------------ headers: column names only
def _csv_header(path: str | Path) -> list[str]:
    with open(path, "rb") as handle:
        head = handle.read(HEADER_BYTES)
    first = head.split(b"\n", 1)[0]
    if b"\n" not in head and len(head) == HEADER_BYTES:
        raise InputError.single(str(path), f"the header line is longer than {HEADER_BYTES:,} bytes")
    try:
        text = first.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        raise InputError.single(str(path), "the header line is not UTF-8; allowed: a UTF-8 CSV file", line=1) from None
    return _unique(str(path), next(csv.reader(io.StringIO(text)), []))


def _parquet_header(path: str | Path) -> list[str]:
    return _unique(str(path), list(_parquet(path).schema_arrow.names))


def _xlsx_header(path: str | Path) -> list[str]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises many kinds for a file that is not a workbook
        raise InputError.single(str(path), f"cannot be read as an Excel workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        if (sheet.max_row or 0) > MAX_ROWS["xlsx"] + 1:
            raise InputError.single(str(path), f"the sheet has {sheet.max_row:,} rows; allowed: at most "
                                    f"{MAX_ROWS['xlsx']:,} (save a large export as CSV or Parquet)")
        first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    finally:
        book.close()
    return _unique(str(path), ["" if v is None else str(v) for v in first])


def _sav_header(path: str | Path) -> list[str]:
    import pyreadstat

    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    except Exception as exc:   # pyreadstat raises its own kinds for a file that is not SPSS
        raise InputError.single(str(path), f"cannot be read as an SPSS .sav file ({type(exc).__name__})") from None
    if (meta.number_rows or 0) > MAX_ROWS["sav"]:
        raise InputError.single(str(path), f"the file has {meta.number_rows:,} rows; allowed: at most "
                                f"{MAX_ROWS['sav']:,}")
    return _unique(str(path), list(meta.column_names))


def _unique(source: str, header: list[str]) -> list[str]:
    seen = {h for h in header if header.count(h) > 1}
    if seen:
        raise InputError.single(source, f"column {sorted(seen)[0]!r} appears more than once; allowed: unique names",
                                line=1)
    return header


# ------------------------------------------------------------------ readers: the named columns only
def _read_csv(path: str | Path, columns: list[str], source: str) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    convert = pcsv.ConvertOptions(include_columns=columns, column_types=dict.fromkeys(columns, pa.string()),
                                  strings_can_be_null=True)
    try:
        table = pcsv.read_csv(path, convert_options=convert)
    except pa.ArrowInvalid as exc:
        raise InputError.single(source, f"not well-formed CSV ({_arrow_reason(exc)})") from None
    return table.to_pandas()


def _arrow_reason(exc: Exception) -> str:
    """The reason pyarrow gives, without the offending row (it could hold an identifier)."""
    text = str(exc).split("\n", 1)[0]
    match = re.match(r"(.*?(?:got \d+|invalid UTF8 data|Empty CSV file))", text)
    return match.group(1) if match else "a row could not be parsed"


def _parquet(path: str | Path) -> object:
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(path)
    except Exception as exc:   # pyarrow raises several kinds for a file that is not Parquet
        raise InputError.single(str(path), f"cannot be read as Parquet ({type(exc).__name__})") from None


def _read_parquet(path: str | Path, columns: list[str], source: str) -> pd.DataFrame:
    file = _parquet(path)
    if file.metadata.num_rows > MAX_ROWS["parquet"]:  # type: ignore[attr-defined]
        raise InputError.single(source, f"the file has {file.metadata.num_rows:,} rows; allowed: at most "  # type: ignore[attr-defined]
                                f"{MAX_ROWS['parquet']:,}")
    return file.read(columns=columns).to_pandas()  # type: ignore[attr-defined]


def _read_xlsx(path: str | Path, columns: list[str], source: str) -> pd.DataFrame:
    import pandas as pd

    return pd.read_excel(path, usecols=columns, dtype=object, engine="openpyxl")


def _read_sav(path: str | Path, columns: list[str], source: str) -> pd.DataFrame:
    import pyreadstat

    frame, _ = pyreadstat.read_sav(str(path), usecols=columns)
    return frame


HEADERS: dict[str, Callable[[str | Path], list[str]]] = {
    "csv": _csv_header, "parquet": _parquet_header, "xlsx": _xlsx_header, "sav": _sav_header}
READERS: dict[str, Callable[[str | Path, list[str], str], pd.DataFrame]] = {
    "csv": _read_csv, "parquet": _read_parquet, "xlsx": _read_xlsx, "sav": _read_sav}


# ------------------------------------------------------------------ values: checked column by column
def as_text(values: pd.Series) -> pd.Series:
    """Values as the text a map's codes are compared with: 1.0 and 1 read as '1', blanks as missing."""
    import pandas as pd

    if pd.api.types.is_bool_dtype(values):
        return values.map({True: "true", False: "false"}).astype("string")
    if pd.api.types.is_numeric_dtype(values):
        x = values.to_numpy(dtype=np.float64, na_value=np.nan)
        whole = np.isfinite(x) & (x == np.round(x)) & (np.abs(x) < 2**53)
        ints = pd.Series(np.where(whole, x, 0).astype(np.int64)).astype("string")
        text = pd.Series(x).astype("string").where(~whole, ints)
        return text.where(~np.isnan(x), pd.NA).set_axis(values.index)
    text = values.astype("string").str.strip()
    return text.where(text != "", pd.NA)


def code_text(code: object) -> str:
    """A map's code as text, the way :func:`as_text` writes file values."""
    if isinstance(code, float) and code.is_integer():
        return str(int(code))
    return str(code).strip()


def numbers(export: Export, column: str, lo: float, hi: float, *, missing: bool = False) -> np.ndarray:
    """A column as finite float64 numbers in [lo, hi] (NaN where blank, when ``missing`` is allowed)."""
    import pandas as pd

    raw = export.frame[column]
    x = pd.to_numeric(raw, errors="coerce") if not pd.api.types.is_numeric_dtype(raw) else raw
    x = np.asarray(pd.Series(x).to_numpy(dtype=np.float64, na_value=np.nan))
    blank = as_text(raw).isna().to_numpy() if not pd.api.types.is_numeric_dtype(raw) else np.isnan(x)
    allowed = f"a finite number {lo:g} to {hi:g}"
    bad = ~blank & ~((x >= lo) & (x <= hi))          # not a number, infinite, or out of range
    problems = export.problems(bad, column, allowed, raw)
    if not missing:
        problems += export.problems(blank, column, allowed)
    if problems:
        raise InputError(problems)
    return x
