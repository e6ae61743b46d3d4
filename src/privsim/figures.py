"""Numbers written for people: a few significant digits, never scientific notation (every layer uses it)."""

from __future__ import annotations

import math

SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}     # the sign written before an amount of each scenario currency


def plain(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, never in scientific notation: 0.000123, 45.6, 1,230."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{round(value, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text
