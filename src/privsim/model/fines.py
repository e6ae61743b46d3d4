"""What the law lets a regulator ask, and what it asks: statutory maxima, the fitted amount, currencies.

The amount of a public action with money comes from the enforcement fit (``behavior.enforcement``) and is
capped by the statute of the rule broken, in force on the day: GDPR tiers (Art. 83(4): €10M or 2% of
worldwide turnover; Art. 83(5): €20M or 4%), their UK equivalents, older national caps, and in the US only
per-violation civil penalties the law provides (COPPA, CAN-SPAM, a violated FTC order, CCPA, BIPA). Money
is converted into ``economics.currency`` at fixed, documented rates, so results never depend on the day
they are run (docs/model.md §10).
"""

from __future__ import annotations

import math
from datetime import date

from privsim.scenario.coefficients import Enforcement

# 2024 annual averages of the reference rates (ECB euro reference rate, Bank of England spot rate), per unit
# of the currency in USD: EUR 1.082, GBP 1.278.
USD_PER = {"USD": 1.0, "EUR": 1.082, "GBP": 1.278}
GDPR = date(2018, 5, 25)
UK_PENALTIES = date(2010, 4, 6)        # the ICO's power to issue monetary penalties (CJIA 2008 s.144)
LOWER_TIER = frozenset({"children", "breach"})     # GDPR Art. 83(4): Arts. 8 and 32
US_PER_VIOLATION = 53_088.0            # FTC Act §5(l), COPPA and CAN-SPAM civil penalty per violation, 2024 [V]
CCPA_PER_VIOLATION = (2_500.0, 7_500.0)   # CCPA §1798.155: per violation; intentional or minors [V]
BIPA_PER_VIOLATION = 1_000.0           # 740 ILCS 14/20: negligent (reckless: $5,000) [V]
PECR_MAX_GBP = 500_000.0               # PECR monetary penalty maximum (before the DUAA 2025) [V]
DPD_MAX_EUR = 600_000.0                # older national caps, e.g. Spain's LOPD 1999 maximum [A]


def convert(amount: float, from_currency: str, to_currency: str) -> float:
    """``amount`` in ``from_currency`` expressed in ``to_currency``."""
    return amount * USD_PER[from_currency] / USD_PER[to_currency]


def penalty(regime: str, kinds: set[str], repeat: bool, day: date) -> bool:
    """A statute gives this regulator a monetary penalty for these violations on ``day``.

    In the US a first FTC Act §5 case has none (money then comes only as refunds or disgorgement a
    settlement agrees to); COPPA, CAN-SPAM and a violated order carry civil penalties, as do the CCPA and BIPA.
    """
    if regime == "us":
        return repeat or bool(kinds & {"children", "opt_out_ignored", "repermission_to_opted_out"})
    if regime == "uk":
        return day >= UK_PENALTIES
    return True


def cap(regime: str, kinds: set[str], rules: set[str], persons: float, messages: float, turnover_usd: float,
        repeat: bool, day: date) -> float:
    """The statutory maximum in USD for these violations (``math.inf`` where no statute sets one: US refunds)."""
    if regime in ("eu", "uk"):
        if regime == "uk" and rules and all("email" in r or "repermission" in r or "device" in r for r in rules):
            return convert(PECR_MAX_GBP, "GBP", "USD")
        if day < GDPR:
            return convert(DPD_MAX_EUR, "EUR", "USD") if regime == "eu" else convert(PECR_MAX_GBP, "GBP", "USD")
        lower = kinds <= LOWER_TIER
        floor = (10e6 if lower else 20e6) if regime == "eu" else (8.7e6 if lower else 17.5e6)
        share = 0.02 if lower else 0.04
        return max(convert(floor, "EUR" if regime == "eu" else "GBP", "USD"), share * turnover_usd)
    if regime == "us":
        if not penalty(regime, kinds, repeat, day):
            return math.inf
        counted = (persons if repeat or "children" in kinds else 0.0) + messages
        return US_PER_VIOLATION * max(counted, 1.0)
    if regime == "us_ca":
        per = CCPA_PER_VIOLATION[1] if "children" in kinds else CCPA_PER_VIOLATION[0]
        return per * max(persons, 1.0)
    if regime == "us_il":
        return BIPA_PER_VIOLATION * max(persons, 1.0)
    return math.inf


def order_share(e: Enforcement, regime: str, penalty_applies: bool) -> float:
    """The share of public actions that are orders without money (1 where the regulator cannot ask money)."""
    if regime == "eu":
        return e.order_eu
    if regime == "uk":
        return e.order_uk if penalty_applies else 1.0
    return e.order_us_penalty if penalty_applies else e.order_us


def fitted_amount(e: Enforcement, regime: str, persons: float, sensitive: bool, repeat: bool, z: float) -> float:
    """The fitted amount in USD at residual quantile ``z`` (0: the median)."""
    offset = e.amount_uk if regime == "uk" else e.amount_us if regime.startswith("us") else 0.0
    log10 = (e.amount_intercept + offset + e.amount_people * math.log10(max(persons, 1.0))
             + e.amount_sensitive * sensitive + e.amount_repeat * repeat + e.amount_sd * z)
    return 10.0 ** min(log10, 15.0)
