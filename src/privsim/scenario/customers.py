"""Building a population from a customer export: the per-customer population file and its segment levels.

Only the columns the map names are read. Direct identifiers are never read, except the one the map keeps
as ``key``, which is replaced by a keyed hash (SipHash-2-4 with a 16-character salt drawn per build and never
written), so no identifier value reaches the output. Every step is vectorised over customers.
"""

from __future__ import annotations

import math
import secrets
import string
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from privsim.errors import InputError
from privsim.scenario import popfile
from privsim.scenario.exports import Export, as_text, code_text, numbers
from privsim.scenario.maps import WESTIN_SEGMENTS, CustomerMap, MapFile, load_map
from privsim.scenario.popblock import levels, rounded_shares
from privsim.scenario.schema import MAX_VALUE, NAME
from privsim.scenario.scoring import UNCLASSIFIED, likert, westin

if TYPE_CHECKING:
    import pandas as pd

FORMATS = ("csv", "parquet", "xlsx")
YEARS = {"days": 365.25, "months": 12.0, "years": 1.0}
MAX_TENURE_YEARS = 150.0
MAX_CHURN = 0.99               # the yearly churn a very short mean tenure implies is capped here
SALT = 16                      # characters of the per-build hash key (SipHash takes 16 bytes)
HASH_CHUNK = 1 << 18            # identifiers hashed at a time, so their Python strings never all exist at once


@dataclass(frozen=True)
class Built:
    """A customer export turned into a population: the file's frame, segment levels and what was read."""

    frame: pd.DataFrame                              # the per-customer population file (popfile columns)
    segments: dict[str, dict[str, float]]            # name -> share, concern, trust, annual_value, churn_per_year
    consents: dict[str, dict[str, tuple[float, float]]]   # segment -> practice -> (granted, denied) shares
    margins: dict[str, dict[str, float]]             # age_band / platform -> value -> share
    read: list[str]                                  # columns read
    dropped: list[str]                               # identifiers, never read
    hashed: list[str]                                # the identifier kept as a salted hash
    ignored: list[str]                               # other columns, never read

    @property
    def rows(self) -> int:
        """Customers in the export."""
        return len(self.frame)


def population_from_export(export_path: str | Path, map_path: str | Path) -> Built:
    """Read a customer export through its map and build the population; any problem is bad input."""
    import pandas as pd

    mapfile = load_map(map_path, CustomerMap)
    m: CustomerMap = mapfile.model
    export = mapfile.read(export_path, FORMATS)
    names, codes = _segments(export, m)
    frame = pd.DataFrame({popfile.SEGMENT: pd.Categorical.from_codes(codes, categories=names)})
    measured: dict[str, np.ndarray] = {}
    if m.annual_value:
        measured["annual_value"] = numbers(export, m.annual_value, 0.0, MAX_VALUE)
        frame[popfile.VALUE] = measured["annual_value"].astype(np.float32)
    if m.concern:
        concern = likert(export, m.concern)
        measured["concern"] = concern
        frame[popfile.CONCERN] = concern.astype(np.float32)
    if m.tenure:
        unit = YEARS[m.tenure.unit]
        measured["tenure"] = numbers(export, m.tenure.column, 0.0, MAX_TENURE_YEARS * unit) / unit
    consents = {}
    for pid, c in m.consents.items():
        text = as_text(export.frame[c.column])
        state = np.select([text.isin([code_text(g) for g in c.granted]).to_numpy(),
                           text.isin([code_text(d) for d in c.denied]).to_numpy()],
                          [popfile.GRANTED, popfile.DENIED], popfile.UNASKED).astype(np.int8)
        frame[f"{popfile.CONSENT}{pid}"] = consents[pid] = state
    margins = {}
    for role in (popfile.AGE_BAND, popfile.PLATFORM):
        column = getattr(m, role)
        if column:
            frame[role] = as_text(export.frame[column]).fillna("unknown").astype("category")
            margins[role] = frame[role].value_counts(normalize=True, sort=False).to_dict()
    if m.key:
        frame[popfile.KEY] = _hashed(export, m.key)
    roles = set(m.roles().values())
    return Built(frame=frame, segments=_levels(mapfile, names, codes, measured), consents=_consent_shares(
                     names, codes, consents), margins=margins,
                 read=[c for c in export.header if c in roles and c != m.key],
                 dropped=[c for c in m.identifiers if c != m.key], hashed=[m.key] if m.key else [],
                 ignored=[c for c in export.header if c not in roles and c not in m.identifiers])


def _segments(export: Export, m: CustomerMap) -> tuple[list[str], np.ndarray]:
    """Segment names present and each row's index into them."""
    if m.attitude is not None:
        index = westin(export, m.attitude)
        unclassified = index == UNCLASSIFIED
        if unclassified.any():
            raise InputError(export.problems(unclassified, " / ".join(m.attitude.columns), "an agree or disagree "
                                             "code on all three Westin statements (or map a segment column)"))
        present = sorted(set(np.unique(index).tolist()))
        remap = np.full(len(WESTIN_SEGMENTS), -1, dtype=np.int16)
        remap[present] = np.arange(len(present))
        return [WESTIN_SEGMENTS[i] for i in present], remap[index]
    assert m.segment is not None
    column = m.segment.column
    text = as_text(export.frame[column])
    blank = text.isna().to_numpy()
    if m.segment.values is not None:
        recode = {code_text(k): v for k, v in m.segment.values.items()}
        allowed = f"one of the codes {', '.join(recode)}"
        bad = ~blank & ~text.isin(list(recode)).to_numpy()
        problems = export.problems(bad, column, allowed, text)
        text = text.map(recode)
    else:
        allowed = "a lower_snake_case segment name (or map the codes to names with segment.values)"
        valid = text.str.fullmatch(NAME[1:-1]).fillna(False).to_numpy() & (text != "all").fillna(False).to_numpy()
        problems = export.problems(~blank & ~valid, column, allowed, text)
    problems += export.problems(blank, column, allowed)
    if problems:
        raise InputError(problems)
    cats = text.astype("category")
    return [str(c) for c in cats.cat.categories], cats.cat.codes.to_numpy().astype(np.int16)


def _hashed(export: Export, column: str) -> np.ndarray:
    """The key column as a keyed 64-bit hash; blanks and repeats are bad input, reported without values."""
    import pandas as pd

    text = as_text(export.frame[column])
    problems = export.problems(text.isna().to_numpy(), column, "an identifier in every row")
    if problems:
        raise InputError(problems)
    salt = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(SALT))
    hashed = np.concatenate([pd.util.hash_array(text.iloc[i:i + HASH_CHUNK].to_numpy(dtype=object), hash_key=salt,
                                                categorize=False) for i in range(0, len(text), HASH_CHUNK)])
    repeated = pd.Series(hashed).duplicated().to_numpy()
    if repeated.any():
        raise InputError(export.problems(repeated, column, "one row per customer", what="the identifier of an "
                                                                                        "earlier row"))
    return hashed


def _levels(mapfile: MapFile, names: list[str], codes: np.ndarray,
            measured: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    """Per segment: its share, and its levels as measured (means over the customers who have a value)."""
    k = len(names)
    counts = np.bincount(codes, minlength=k)
    means = {}
    for attr, x in measured.items():
        seen = ~np.isnan(x)
        n = np.bincount(codes[seen], minlength=k)
        total = np.bincount(codes[seen], weights=x[seen], minlength=k)
        means[attr] = {names[s]: total[s] / n[s] for s in range(k) if n[s]}
    if "tenure" in means:      # a stationary base under a constant hazard λ has mean tenure 1/λ
        means["churn_per_year"] = {n: min(MAX_CHURN, -math.expm1(-1.0 / t)) if t > 0 else MAX_CHURN
                                   for n, t in means.pop("tenure").items()}
    shares = rounded_shares({n: float(c) for n, c in zip(names, counts, strict=True)})
    return {n: {"share": shares[n], **levels(mapfile, n, {a: v[n] for a, v in means.items() if n in v})}
            for n in names if n in shares}


def _consent_shares(names: list[str], codes: np.ndarray,
                    consents: dict[str, np.ndarray]) -> dict[str, dict[str, tuple[float, float]]]:
    k = len(names)
    counts = np.maximum(np.bincount(codes, minlength=k), 1)
    out: dict[str, dict[str, tuple[float, float]]] = {n: {} for n in names}
    for pid, state in consents.items():
        granted = np.bincount(codes, weights=state == popfile.GRANTED, minlength=k) / counts
        denied = np.bincount(codes, weights=state == popfile.DENIED, minlength=k) / counts
        for s, n in enumerate(names):
            out[n][pid] = (float(granted[s]), float(denied[s]))
    return out
