"""Your own history as a tidy time series: the format ``privsim calibrate --history`` fits the model to.

One row per (date, metric[, segment, purpose, variant]) with its ``value`` (and ``n`` for a rate); the columns
are documented in docs/own-data.md ("Calibrate to your history"). Each row covers the days from its date to the
next date of its series (the last one: as many days as the series' most common gap), so weekly campaign reports,
daily consent logs and monthly churn sit side by side. Every problem is located by file, line (CSV; the header is
line 1) or row (Parquet), column and value, and nothing is read that the format does not name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from privsim.errors import InputError, Problem, did_you_mean
from privsim.scenario import exports
from privsim.scenario.exports import Export, as_text
from privsim.scenario.schema import NAME, Scenario

if TYPE_CHECKING:
    import pandas as pd

COUNTS = ("sends", "unsubscribes", "complaints", "churn")     # whole numbers of messages, requests, customers
RATES = ("consent_rate",)                                     # shares with their denominator ``n``
METRICS = (*COUNTS, *RATES)
REQUIRED = ("date", "metric", "value")
OPTIONAL = ("n", "segment", "purpose", "variant")
FORMATS = ("csv", "parquet")
MAX_ROWS = 1_000_000        # [A] ten years of daily rows for 270 series: far more than a history holds
MAX_COUNT = 1e12            # [A] a count or a denominator of one period
MAX_DAYS = 3650             # the longest scenario horizon (schema horizon_days)
VARIANT = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$"
KEYS = ("metric", "segment", "purpose", "variant")            # one series


@dataclass(frozen=True)
class History:
    """A checked history: one row per observation with its period in days from the first date.

    ``frame`` columns: date, metric, value, n (NaN for counts), segment, purpose, variant ('' when blank),
    day (the period's first day, 0 = the history's first date), end (one past its last day) and line (where
    the row sits in the file, for located problems).
    """

    source: str
    frame: pd.DataFrame
    start: date

    @property
    def days(self) -> int:
        """Days the history covers: the scenario horizon that simulates it."""
        return int(self.frame["end"].max())

    @property
    def variants(self) -> list[str]:
        """Banner variants named in the history, in order of appearance."""
        return [v for v in dict.fromkeys(self.frame["variant"]) if v]

    def where(self, row: int) -> tuple[int | None, str]:
        """The line (CSV) or the row label of a frame row."""
        line = int(self.frame["line"].iloc[row])
        return (line, "") if self.source.lower().endswith(".csv") else (None, f"row {line}, ")


def load_history(path: str | Path) -> History:
    """Read and check a history file (CSV or Parquet); any problem is bad input naming its line and column."""
    source = str(path)
    kind = exports.kind_of(path, FORMATS)
    header = exports.HEADERS[kind](path)
    unknown = [c for c in header if c not in (*REQUIRED, *OPTIONAL)]
    if unknown:
        raise InputError([Problem(source, 1 if kind == "csv" else None, f"column {c}",
                                  f"not a history column{did_you_mean(c, (*REQUIRED, *OPTIONAL))}; allowed: "
                                  f"{', '.join((*REQUIRED, *OPTIONAL))}") for c in unknown])
    columns = [*REQUIRED, *(c for c in OPTIONAL if c in header)]
    export = exports.read_export(path, columns, FORMATS, lambda col, hint: InputError.single(
        source, f"the history has no column {col!r}{hint}; allowed: date, metric, value[, n, segment, purpose, "
                "variant] (docs/own-data.md)", line=1 if kind == "csv" else None))
    if export.rows > MAX_ROWS:
        raise InputError.single(source, f"the history has {export.rows:,} rows; allowed: at most {MAX_ROWS:,}")
    return History(source, *_checked(export))


def _checked(export: Export) -> tuple[pd.DataFrame, date]:
    """The rows as a frame with periods, after every value has been checked."""
    import pandas as pd

    f = export.frame
    problems: list[Problem] = []
    text = {c: (as_text(f[c]).fillna("") if c in f else pd.Series([""] * len(f))) for c in (
        "date", "metric", "segment", "purpose", "variant")}
    when = pd.to_datetime(text["date"], format="%Y-%m-%d", errors="coerce")
    bad = when.isna() | (when < pd.Timestamp(1970, 1, 1)) | (when > pd.Timestamp(2100, 1, 1))
    problems += export.problems(bad.to_numpy(), "date", "a date YYYY-MM-DD from 1970-01-01 to 2100-01-01",
                                f["date"], what="a blank date")
    metric = text["metric"]
    for m in sorted(set(metric) - set(METRICS)):
        rows = (metric == m).to_numpy()
        problems += export.problems(rows, "metric", f"one of {', '.join(METRICS)}{did_you_mean(m, METRICS)}",
                                    f["metric"], what="a blank metric")
    for col, pattern, allowed in (("segment", NAME, "a segment name of the scenario (lower_snake_case) or blank"),
                                  ("purpose", NAME, "a practice id of the scenario (lower_snake_case) or blank"),
                                  ("variant", VARIANT, "a variant label: letters, digits, _ . - (at most 40) or "
                                                       "blank")):
        s = text[col]
        problems += export.problems(((s != "") & ~s.str.match(pattern)).to_numpy(), col, allowed, f.get(col))
    if problems:
        raise InputError(problems)
    value = checked_numbers(export, "value", 0.0, "a finite number ≥ 0", problems)
    n = checked_numbers(export, "n", 1.0, "a finite number ≥ 1", problems, missing=True) if "n" in f else \
        np.full(len(f), np.nan)
    if problems:
        raise InputError(problems)
    rate = metric.isin(RATES).to_numpy()
    problems += export.problems(~rate & (value != np.round(value)), "value", "a whole number for a count (sends, "
                                "unsubscribes, complaints, churn)", f["value"])
    problems += export.problems(rate & (value > 1.0), "value", "a share 0 to 1 for consent_rate", f["value"])
    problems += export.problems(rate & np.isnan(n), "n", "the customers asked, a whole number ≥ 1, for "
                                "consent_rate (its denominator)")
    if "n" in f:
        problems += export.problems(~rate & ~np.isnan(n), "n", "blank for a count (n is a rate's denominator)", f["n"])
        problems += export.problems(rate & (n != np.round(n)), "n", "a whole number ≥ 1", f["n"])
    problems += export.problems(rate & (text["purpose"] == "").to_numpy(), "purpose", "the practice id that asked "
                                "(consent_rate is by purpose)")
    problems += export.problems(~rate & (text["variant"] != "").to_numpy(), "variant", "blank: a variant is a "
                                "consent banner's, on consent_rate rows", f.get("variant"))
    if problems:
        raise InputError(problems)
    frame = pd.DataFrame({"date": when.dt.date, "metric": metric, "value": value, "n": n,
                          "segment": text["segment"], "purpose": text["purpose"], "variant": text["variant"],
                          "line": [export.where(i)[0] or i + 1 for i in range(len(f))]})
    _unique(export, frame)
    start = min(frame["date"])
    frame["day"] = [(d - start).days for d in frame["date"]]
    frame["end"] = _ends(frame)
    if frame["end"].max() > MAX_DAYS:
        last = frame["date"].max()
        raise InputError.single(export.source, f"the history runs from {start} to {last} "
                                f"({int(frame['end'].max()):,} days); allowed: at most {MAX_DAYS:,} days, the "
                                "longest scenario horizon")
    return frame.sort_values(["day", *KEYS], kind="stable").reset_index(drop=True), start


def checked_numbers(export: Export, column: str, lo: float, allowed: str, problems: list[Problem], *,
             missing: bool = False) -> np.ndarray:
    """A column as finite numbers in [lo, MAX_COUNT] (NaN where blank, if ``missing``); problems are appended."""
    import pandas as pd

    raw = export.frame[column]
    x = pd.to_numeric(as_text(raw), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    blank = as_text(raw).isna().to_numpy()
    allowed += f" (at most {MAX_COUNT:,.0f})"
    problems += export.problems(~blank & ~((x >= lo) & (x <= MAX_COUNT)), column, allowed, raw)
    if not missing:
        problems += export.problems(blank, column, allowed)
    return x


def _unique(export: Export, frame: pd.DataFrame) -> None:
    """One row per date and series: a repeated one is bad input naming both lines."""
    keys = ["date", *KEYS]
    dup = frame.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return
    first = frame[dup].groupby(keys, sort=False)["line"].apply(list)
    problems = []
    for (d, m, seg, pur, var), lines in list(first.items())[: exports.SHOWN]:
        what = ", ".join(f"{k} {v}" for k, v in (("segment", seg), ("purpose", pur), ("variant", var)) if v)
        at = "lines" if export.kind == "csv" else "rows"
        problems.append(Problem(export.source, lines[1] if export.kind == "csv" else None, "",
                                f"{m} on {d}{' for ' + what if what else ''} appears more than once ({at} "
                                f"{', '.join(map(str, lines))}); allowed: one row per date and series (sum them)"))
    raise InputError(problems)


def _ends(frame: pd.DataFrame) -> np.ndarray:
    """One past each row's last day: the next date of its series, or the series' most common gap after the last."""
    end = np.zeros(len(frame), dtype=np.int64)
    for _, idx in frame.groupby(list(KEYS), sort=False).indices.items():
        days = frame["day"].to_numpy()[idx]
        order = np.argsort(days)
        d = days[order]
        gaps = np.diff(d)
        step = int(np.bincount(gaps).argmax()) if gaps.size else 1
        end[idx[order]] = np.append(d[1:], d[-1] + step)
    return end


def check_against(history: History, scenario: Scenario) -> None:
    """Every segment and purpose the history names is the scenario's.

    Sends and complaints by purpose need one contact practice: the simulator counts them for all together.
    """
    f = history.frame
    segments = list(scenario.population.segments)
    practices = [p.id for p in scenario.strategy.practices]
    contact = [p.id for p in scenario.strategy.practices if p.contacts_per_month > 0]
    problems: list[Problem] = []

    def flag(bad: np.ndarray, column: str, allowed: str) -> None:
        for row in np.flatnonzero(bad)[: exports.SHOWN]:
            line, where = history.where(int(row))
            problems.append(Problem(history.source, line, f"{where}column {column}",
                                    f"got {f[column].iloc[row]!r}; allowed: {allowed}"))

    seg = f["segment"].to_numpy()
    flag((seg != "") & ~np.isin(seg, segments), "segment", f"blank or one of {', '.join(segments)}")
    pur = f["purpose"].to_numpy()
    flag((pur != "") & ~np.isin(pur, practices), "purpose", f"blank or a practice id: {', '.join(practices) or 'none'}")
    pooled = f["metric"].isin(("sends", "complaints")).to_numpy() & (pur != "")
    if len(contact) != 1:
        flag(pooled, "purpose", "blank: sends and complaints are simulated for all contact practices together, so "
             "a purpose on them needs a scenario with exactly one practice with contacts")
    else:
        flag(pooled & (pur != contact[0]), "purpose", f"blank or {contact[0]}, the one practice with contacts")
    if problems:
        raise InputError(problems)


def variant_name(text: str) -> bool:
    """A well-formed variant label."""
    return bool(re.match(VARIANT, text))
