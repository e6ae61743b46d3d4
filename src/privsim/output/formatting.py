"""Human formatting of KPI values, shared by the CLI, the report and the dashboard."""

from __future__ import annotations

import math

from privsim.experiments.results import BOUNDED_UNITS, describe_kpi

SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}


def fmt(kpi: str, value: float, currency: str = "USD") -> str:
    """A KPI value in its unit: money with a symbol, shares as %, counts with separators."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    unit = describe_kpi(kpi)[1]
    if unit == "currency":
        return money(value, currency)
    if unit in BOUNDED_UNITS:
        return f"{plain(value * 100)}%" if abs(value) < 0.001 and value else f"{value * 100:.2f}%"
    if unit == "days":
        return f"{value:.1f}"
    return f"{value:,.0f}" if abs(value) >= 100 else plain(value)


def plain(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, never in scientific notation: 0.000123, 45.6, 1,230."""
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{round(value, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def signed(kpi: str, value: float, currency: str = "USD") -> str:
    """A difference with its sign; differences of shares in percentage points."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if describe_kpi(kpi)[1] in BOUNDED_UNITS:
        return f"{value * 100:+.2f} pp"
    text = fmt(kpi, value, currency)
    return text if text.startswith("-") or value == 0 else f"+{text}"


def money(value: float, currency: str = "USD") -> str:
    """Money with a symbol and a short scale: $1.23M, -€45.6k."""
    sign = "-" if value < 0 else ""
    v = abs(value)
    symbol = SYMBOL.get(currency, currency + " ")
    scales = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))
    for i, (scale, suffix) in enumerate(scales):
        shown = float(plain(v / scale).replace(",", "")) if v >= scale else 0.0
        if shown >= 1000 and i > 0:          # $999.6k rounds to $1M, not to $1,000k
            return f"{sign}{symbol}{plain(v / scales[i - 1][0])}{scales[i - 1][1]}"
        if v >= scale:
            return f"{sign}{symbol}{plain(v / scale)}{suffix}"
    return f"{sign}{symbol}{v:.2f}" if round(v, 2) < 1000 else f"{sign}{symbol}1k"
