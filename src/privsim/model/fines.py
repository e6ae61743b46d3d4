"""Fine schedules per jurisdiction and currency conversion (docs/model.md §10).

Amounts are realised per-violation figures derived from enforcement cases, capped by
the statutory maximum. Money is converted into ``economics.currency`` at fixed,
documented rates so results never depend on the day they are run.
"""

from __future__ import annotations

from dataclasses import dataclass

# 2024 annual averages of the reference rates (ECB euro reference rate, Bank of England
# spot rate), per unit of the currency in USD: EUR 1.082, GBP 1.278.
USD_PER = {"USD": 1.0, "EUR": 1.082, "GBP": 1.278}


def convert(amount: float, from_currency: str, to_currency: str) -> float:
    """``amount`` in ``from_currency`` expressed in ``to_currency``."""
    return amount * USD_PER[from_currency] / USD_PER[to_currency]


@dataclass(frozen=True)
class Schedule:
    """Realised amount per violation (per affected person or message) and the statutory cap."""

    currency: str
    per_message: float       # unlawful marketing message (e-mail/SMS)
    per_person: float        # other violations, per affected person
    cap: float               # absolute cap, or the floor of a turnover-based cap
    turnover_share: float    # cap = max(cap, share × annual turnover); 0 = fixed cap
    source: str


SCHEDULES: dict[str, Schedule] = {
    "eu": Schedule("EUR", 0.05, 2.0, 20_000_000, 0.04,
                   "GDPR Art. 83(5): €20M or 4% of turnover; realised ≈€2/person (DPC v Meta 2023 €390M)"),
    "uk": Schedule("GBP", 0.03, 0.5, 17_500_000, 0.04,
                   "PECR after DUAA 2025 (UK GDPR levels); ICO Flybe £70k/3.3M e-mails ≈ £0.02–0.05"),
    "us": Schedule("USD", 0.05, 2.6, 5_000_000_000, 0.0,
                   "FTC §5 / CAN-SPAM; Beacon $9.5M for 3.6M members ≈ $2.6/person; FTC 2019 $5bn"),
    "us_ca": Schedule("USD", 0.05, 2.5, 1_000_000_000, 0.0,
                      "CCPA $2,663/violation statutory; CPPA v Honda 2025: 153 × $2,500 = $382.5k"),
}


def fine(jurisdiction: str, messages: float, persons: float, turnover: float, currency: str,
         enforcement: float = 1.0) -> float:
    """Fine in ``currency`` for unlawful ``messages`` and ``persons`` affected, capped."""
    s = SCHEDULES[jurisdiction]
    amount = enforcement * (s.per_message * messages + s.per_person * persons)
    cap = max(s.cap, s.turnover_share * convert(turnover, currency, s.currency))
    return convert(min(amount, cap), s.currency, currency)


def worst_fine(jurisdictions: list[str], messages: float, persons: float, turnover: float,
               currency: str, enforcement: float = 1.0) -> float:
    """The largest exposure among the scenario's jurisdictions (regulators do not add up)."""
    return max((fine(j, messages, persons, turnover, currency, enforcement) for j in jurisdictions),
               default=0.0)
