"""Scoring privacy attitudes: the Westin–Harris Privacy Segmentation Index and Likert concern scores.

Westin–Harris index (Kumaraguru & Cranor 2005, "Privacy Indexes: A Survey of Westin's Studies",
CMU-ISRI-05-138): *fundamentalists* agree (strongly or somewhat) that consumers have lost all control and
disagree that businesses handle data properly and that laws protect privacy; the *unconcerned* answer the
opposite on all three; everyone else who answered all three is a *pragmatist*. A Likert score is the mean of
a respondent's answered items, each rescaled to 0–1 (reverse-coded items flipped). Both are vectorised.
"""

from __future__ import annotations

import numpy as np

from privsim.errors import InputError
from privsim.scenario.exports import Export, as_text, code_text, numbers
from privsim.scenario.maps import WESTIN_SEGMENTS, Likert, Westin

UNCLASSIFIED = -1     # a missing or 'not sure' answer to one of the three statements


def westin(export: Export, spec: Westin) -> np.ndarray:
    """Each row's index: 0 fundamentalist, 1 pragmatist, 2 unconcerned (:data:`WESTIN_SEGMENTS`), or −1."""
    agree, disagree = _codes(spec.agree), _codes(spec.disagree)
    allowed = ", ".join(code_text(c) for c in (*spec.agree, *spec.disagree, *spec.unsure))
    known = agree + disagree + _codes(spec.unsure)
    answers, problems = [], []
    for column in spec.columns:
        text = as_text(export.frame[column])
        bad = text.notna().to_numpy() & ~text.isin(known).to_numpy()
        problems += export.problems(bad, column, f"one of the codes {allowed} (or a blank)", text)
        answers.append((text.isin(agree).to_numpy(), text.isin(disagree).to_numpy()))
    if problems:
        raise InputError(problems)
    (a1, d1), (a2, d2), (a3, d3) = answers
    answered = (a1 | d1) & (a2 | d2) & (a3 | d3)
    out = np.where(answered, 1, UNCLASSIFIED).astype(np.int8)
    out[a1 & d2 & d3] = WESTIN_SEGMENTS.index("fundamentalist")
    out[d1 & a2 & a3] = WESTIN_SEGMENTS.index("unconcerned")
    return out


def likert(export: Export, spec: Likert) -> np.ndarray:
    """Each row's score in [0, 1]: the mean of its answered items rescaled (NaN when it answered none)."""
    lo, hi = spec.scale
    total = np.zeros(export.rows)
    count = np.zeros(export.rows)
    for item in spec.resolved():
        x = numbers(export, item.column, lo, hi, missing=True)
        scaled = (x - lo) / (hi - lo)
        if item.reverse:
            scaled = 1.0 - scaled
        seen = ~np.isnan(scaled)
        total += np.where(seen, scaled, 0.0)
        count += seen
    out = np.full(export.rows, np.nan)
    np.divide(total, count, out=out, where=count > 0)
    return out


def _codes(codes: list) -> list[str]:
    return [code_text(c) for c in codes]
