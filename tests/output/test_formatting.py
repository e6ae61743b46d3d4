"""Formatting by unit: money with a symbol and scale, shares in %, differences of shares in pp."""

import pytest

from privsim.output.formatting import fmt, money, signed


def test_display_formats_by_unit():
    assert money(1_234_567, "EUR") == "€1.23M"
    assert money(-45_600, "GBP") == "-£45.6k"
    assert fmt("npv", 2.5e9, "USD") == "$2.5bn"
    assert fmt("churn", 0.1234) == "12.34%"
    assert fmt("opt_outs", 12345.0) == "12,345"
    assert fmt("npv", float("nan")) == "–"


def test_differences_carry_a_sign_and_shares_read_in_points():
    assert signed("churn", 0.0123) == "+1.23 pp" and signed("backlash_peak", -0.5) == "-50.00 pp"
    assert signed("npv", 1_500_000.0, "EUR") == "+€1.5M" and signed("npv", -2_000.0) == "-$2k"
    assert signed("opt_outs", 0.0) == "0"
    assert signed("npv", float("nan")) == "–"


@pytest.mark.parametrize("kpi, value, shown", [
    ("npv", 999_600, "$1M"), ("npv", 999_400, "$999k"), ("npv", 2.5e13, "$25,000bn"), ("npv", 999.996, "$1k"),
    ("churn", 1e-7, "0.00001%"), ("incidents", 0.000123, "0.000123"), ("incidents", 12.345, "12.3"),
])
def test_no_number_is_shown_in_scientific_notation(kpi, value, shown):
    assert fmt(kpi, value) == shown and "e+" not in shown and "e-" not in shown
