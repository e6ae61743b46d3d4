"""Building a population from a privacy-attitude survey: the Westin–Harris mix with intervals, and concern.

Shares are weighted (Σ weights in a segment ÷ Σ weights); their uncertainty uses Kish's effective sample
size n_eff = (Σw)² ÷ Σw² (Kish 1965, *Survey Sampling*) in a Wilson score interval (Wilson 1927, JASA 22:
209–212), which stays inside [0, 1] for small shares. docs/own-data.md has the formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from privsim.errors import InputError
from privsim.scenario.exports import numbers
from privsim.scenario.maps import WESTIN_SEGMENTS, SurveyMap, load_map
from privsim.scenario.popblock import levels, rounded_shares
from privsim.scenario.scoring import UNCLASSIFIED, likert, westin

FORMATS = ("csv", "parquet", "xlsx", "sav")
Z95 = 1.959963984540054        # the standard normal's 97.5% quantile
MAX_WEIGHT = 1e9


@dataclass(frozen=True)
class SegmentShare:
    """One segment of the survey: respondents, weighted share with its 95% interval, mean concern."""

    name: str
    respondents: int
    share: float
    low: float
    high: float
    concern: float | None


@dataclass(frozen=True)
class Mix:
    """The survey's segment mix and the levels of its ``population:`` block."""

    segments: list[SegmentShare]
    respondents: int          # rows of the file
    unclassified: int         # left out: a missing or 'not sure' answer to a Westin statement, or weight 0
    n_eff: float              # Kish effective sample size of the classified respondents
    weighted: bool
    levels: dict[str, dict[str, float]]
    dropped: list[str]        # identifiers, never read
    ignored: list[str]        # other columns, never read


def kish(w: np.ndarray) -> float:
    """Kish's effective sample size (Σw)² ÷ Σw²: n for equal weights, less the more unequal they are."""
    total = float(w.sum())
    return total * total / float(np.square(w).sum()) if total > 0 else 0.0


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion ``p`` observed on ``n`` (here the effective n)."""
    if n <= 0:
        return 0.0, 1.0
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z2n / (4 * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def population_from_survey(path: str | Path, map_path: str | Path) -> Mix:
    """Score a survey through its map: the weighted Westin–Harris mix, intervals and per-segment levels."""
    mapfile = load_map(map_path, SurveyMap)
    m: SurveyMap = mapfile.model
    export = mapfile.read(path, FORMATS)
    index = westin(export, m.westin)
    w = numbers(export, m.weight, 0.0, MAX_WEIGHT) if m.weight else np.ones(export.rows)
    kept = (index != UNCLASSIFIED) & (w > 0)
    if not kept.any():
        raise InputError.single(str(path), "no respondent answered all three Westin statements with a positive "
                                "weight; allowed: at least one")
    seg, wk = index[kept], w[kept]
    n_eff = kish(wk)
    k = len(WESTIN_SEGMENTS)
    weight = np.bincount(seg, weights=wk, minlength=k)
    counts = np.bincount(seg, minlength=k)
    scores = {attr: _weighted_means(likert(export, spec)[kept], seg, wk, k)
              for attr, spec in (("concern", m.concern), ("trust", m.trust)) if spec is not None}
    shares = rounded_shares({n: float(weight[s]) for s, n in enumerate(WESTIN_SEGMENTS)})
    rows, block = [], {}
    for s, name in enumerate(WESTIN_SEGMENTS):
        p = float(weight[s] / weight.sum())
        low, high = wilson(p, n_eff)
        measured = {a: v[s] for a, v in scores.items() if not np.isnan(v[s])}
        rows.append(SegmentShare(name, int(counts[s]), p, low, high, measured.get("concern")))
        if name in shares:
            block[name] = {"share": shares[name], **levels(mapfile, name, measured)}
    roles = set(m.roles().values())
    return Mix(rows, export.rows, int((~kept).sum()), n_eff, m.weight is not None, block,
               dropped=list(m.identifiers),
               ignored=[c for c in export.header if c not in roles and c not in m.identifiers])


def _weighted_means(x: np.ndarray, seg: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Per segment, the weighted mean of ``x`` over respondents with a score (NaN where none has one)."""
    seen = ~np.isnan(x)
    total = np.bincount(seg[seen], weights=w[seen] * x[seen], minlength=k)
    mass = np.bincount(seg[seen], weights=w[seen], minlength=k)
    out = np.full(k, np.nan)
    np.divide(total, mass, out=out, where=mass > 0)
    return out

