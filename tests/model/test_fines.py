"""Statutory maxima by regime, kind and date; the fitted amount; penalties only where the law provides them."""

import math
from datetime import date

import pytest

from privsim.model import fines
from privsim.scenario.coefficients import Enforcement

NOW, BEFORE = date(2026, 1, 1), date(2010, 1, 1)


def test_gdpr_tiers_take_the_larger_of_the_floor_and_the_turnover_share():
    small, big = 1e8, 1e12
    assert fines.cap("eu", {"consent_bypassed"}, set(), 1, 0, small, False, NOW) == pytest.approx(20e6 * 1.082)
    assert fines.cap("eu", {"consent_bypassed"}, set(), 1, 0, big, False, NOW) == pytest.approx(0.04 * big)
    assert fines.cap("eu", {"breach"}, set(), 1, 0, big, False, NOW) == pytest.approx(0.02 * big)
    assert fines.cap("eu", {"breach"}, set(), 1, 0, small, False, BEFORE) == pytest.approx(600_000 * 1.082)


def test_pecr_and_the_uk_before_monetary_penalties():
    assert fines.cap("uk", {"repermission_to_opted_out"}, {"uk_repermission"}, 1e6, 1e6, 1e12, False, NOW) \
        == pytest.approx(500_000 * 1.278)
    assert not fines.penalty("uk", {"consent_bypassed"}, False, date(2009, 1, 1))
    assert fines.penalty("uk", {"consent_bypassed"}, False, NOW)


def test_us_penalties_only_where_the_law_provides_them():
    assert not fines.penalty("us", {"deception", "undisclosed_use"}, False, NOW)   # a first §5 case
    assert fines.cap("us", {"deception"}, set(), 3000, 0, 1e9, False, NOW) == math.inf   # refunds: no statute
    assert fines.penalty("us", {"deception"}, True, NOW)                           # a violated order
    assert fines.penalty("us", {"children"}, False, NOW)                           # COPPA
    assert fines.cap("us", {"children"}, set(), 3000, 0, 1e9, False, NOW) == pytest.approx(3000 * 53_088)
    assert fines.cap("us_ca", {"consent_bypassed"}, set(), 153, 0, 1e9, False, NOW) == pytest.approx(153 * 2500)


def test_the_fitted_amount_grows_with_people_sensitivity_repeat_and_its_residual():
    e = Enforcement()
    base = fines.fitted_amount(e, "eu", 1e4, False, False, 0.0)
    assert fines.fitted_amount(e, "eu", 1e6, False, False, 0.0) > base
    assert fines.fitted_amount(e, "eu", 1e4, True, False, 0.0) > base
    assert fines.fitted_amount(e, "eu", 1e4, False, True, 0.0) > base
    assert fines.fitted_amount(e, "eu", 1e4, False, False, 1.0) == pytest.approx(base * 10 ** e.amount_sd)
    assert math.isfinite(fines.fitted_amount(e, "us", 1e12, True, True, 8.0))


def test_orders_without_money_by_regime_and_statute():
    e = Enforcement()
    assert fines.order_share(e, "uk", False) == 1.0            # before 2010 the ICO could not fine
    assert fines.order_share(e, "us", False) == e.order_us > fines.order_share(e, "us", True) == e.order_us_penalty
    assert fines.order_share(e, "eu", True) == e.order_eu


def test_money_converts_at_the_documented_rates():
    assert fines.convert(100, "EUR", "USD") == pytest.approx(108.2)
    assert fines.convert(fines.convert(100, "GBP", "EUR"), "EUR", "GBP") == pytest.approx(100)
