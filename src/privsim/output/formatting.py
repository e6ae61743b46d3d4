"""Human formatting of KPI values from the one vocabulary (``privsim.model.vocabulary``).

Shared by the CLI, the report and the dashboard: shares and probabilities in %, their differences
in percentage points, scores as decimals, money with the scenario's currency, counts with
separators; never scientific notation, never a Python repr.
"""

from __future__ import annotations

import math
from typing import Any

from privsim.figures import SYMBOL, plain
from privsim.model.vocabulary import CURRENCY, DAYS, PERCENT, SCORE, term

__all__ = ["SYMBOL", "coefficient", "fmt", "label", "money", "plain", "quantity", "signed", "signed_quantity",
           "symbol", "value"]


def label(name: str) -> str:
    """The short title of a KPI or series (its name in words when the vocabulary does not know it)."""
    return term(name).label or name.replace("_", " ").replace(".", ": ")


def coefficient(path: str) -> str:
    """A behaviour or economics coefficient in words: ``behavior.optout.base`` → "opt-out: base"."""
    parts = [p.replace("_", " ").replace("optout", "opt-out").replace("opt out", "opt-out") for p in path.split(".")]
    if parts[0] == "behavior":
        parts = parts[1:]
    return f"{parts[0]}: {' '.join(parts[1:])}" if len(parts) > 1 else parts[0]


def fmt(kpi: str, value: float | None, currency: str = "USD") -> str:
    """A KPI value in its unit."""
    return quantity(term(kpi).unit, value, currency, term(kpi).digits)


def signed(kpi: str, value: float | None, currency: str = "USD") -> str:
    """A difference of a KPI with its sign; differences of shares in percentage points."""
    return signed_quantity(term(kpi).unit, value, currency, term(kpi).digits)


def quantity(unit: str, value: float | None, currency: str = "USD", digits: int = 3) -> str:
    """A value of ``unit``: money with a symbol, shares as %, scores as decimals, counts with separators."""
    if _missing(value):
        return "–"
    assert value is not None
    if unit == CURRENCY:
        return money(value, currency)
    if unit in PERCENT:
        return f"{_decimals(value * 100, digits)}%"
    if unit == SCORE:
        return f"{value:.3f}" if value else "0"
    if unit == DAYS:
        return f"{value:,.1f}" if value % 1 else f"{value:,.0f}"
    return f"{value:,.0f}" if abs(value) >= 100 else plain(value, digits)


def signed_quantity(unit: str, value: float | None, currency: str = "USD", digits: int = 3) -> str:
    """A difference in ``unit`` with its sign (+/-); shares in percentage points."""
    if _missing(value):
        return "–"
    assert value is not None
    if value == 0:
        return "0 pp" if unit in PERCENT else "0"
    sign = "+" if value > 0 else "-"
    if unit in PERCENT:
        return f"{sign}{_decimals(abs(value) * 100, digits)} pp"
    return sign + quantity(unit, abs(value), currency, digits)


def value(v: Any, currency: str = "USD") -> str:
    """Any setting shown to a person: numbers without scientific notation, yes/no, lists and mappings in words."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int | float):
        return plain(v) if isinstance(v, float) else f"{v:,}"
    if isinstance(v, list | tuple):
        return ", ".join(value(x, currency) for x in v) or "none"
    if isinstance(v, dict):
        return "; ".join(f"{str(k).replace('_', ' ')} {value(x, currency)}" for k, x in v.items()) or "none"
    return "none" if v is None else str(v)


def money(value: float, currency: str = "USD") -> str:
    """Money with a symbol and a short scale: $1.23M, -€45.6k."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    sym = symbol(currency)
    scales = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))
    for i, (scale, suffix) in enumerate(scales):
        shown = float(plain(v / scale).replace(",", "")) if v >= scale else 0.0
        if shown >= 1000 and i > 0:          # $999.6k rounds to $1M, not to $1,000k
            return f"{sign}{sym}{plain(v / scales[i - 1][0])}{scales[i - 1][1]}"
        if v >= scale:
            return f"{sign}{sym}{plain(v / scale)}{suffix}"
    return f"{sign}{sym}{v:.2f}" if round(v, 2) < 1000 else f"{sign}{sym}1k"


def symbol(currency: str) -> str:
    """The sign written before an amount: $, €, £, or the ISO code and a space."""
    return SYMBOL.get(currency, currency + " ")


def _decimals(x: float, digits: int) -> str:
    """A percentage with two decimals, or ``digits`` significant ones when it is smaller than 0.1."""
    return plain(x, digits) if 0 < abs(x) < 0.1 else f"{x:,.2f}"


def _missing(v: float | None) -> bool:
    return v is None or (isinstance(v, float) and not math.isfinite(v))
