"""Simulated figures with their intervals and units, and the same in words (shared human formatting)."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from privsim.experiments.intervals import mean_ci, wilson
from privsim.model import vocabulary
from privsim.output.formatting import quantity

WILSON, MEAN_CI, SPREAD, MEDIAN = ("Wilson 95%", "t 95% CI of the mean", "spread over replications",
                                   "median over replications")
PROBABILITY, SHARE = "probability", "share of customers"


@dataclass(frozen=True)
class Figure:
    """One simulated figure: value, interval (None where there is none), unit and how the interval is made."""

    name: str
    label: str
    value: float | None
    low: float | None
    high: float | None
    unit: str
    interval: str


def proportion(name: str, label: str, hits: np.ndarray) -> Figure:
    """The share of replications in which something happened, with its Wilson interval."""
    n, k = int(hits.size), float(np.count_nonzero(hits))
    if n == 0:
        return Figure(name, label, None, None, None, PROBABILITY, WILSON)
    low, high = wilson(k, n)      # exactly 0 at none and 1 at all (the score interval's edges, without rounding)
    return Figure(name, label, k / n, 0.0 if k == 0 else low, 1.0 if k == n else high, PROBABILITY, WILSON)


def average(name: str, label: str, values: np.ndarray, unit: str) -> Figure:
    """The mean of a figure over replications, with the t confidence interval of the mean."""
    if values.size == 0:
        return Figure(name, label, None, None, None, unit, MEAN_CI)
    low, high = mean_ci(values)
    return Figure(name, label, float(values.mean()), low, high, unit, MEAN_CI)


def percent(share: float) -> str:
    """A probability or share in %, never in scientific notation."""
    return quantity(vocabulary.PROBABILITY, share)


def text(f: Figure, currency: str) -> str:
    """A figure in words: value and interval in its unit ('–' when it has no value)."""
    if f.value is None:
        return "–"
    unit = vocabulary.CURRENCY if f.unit == currency else vocabulary.PROBABILITY
    show = functools.partial(quantity, unit, currency=currency)
    shown = show(f.value)
    return shown if f.low is None or f.high is None else f"{shown} ({show(f.low)} – {show(f.high)})"
