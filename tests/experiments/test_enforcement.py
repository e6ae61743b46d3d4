"""The enforcement data and its fit: sourced rows, a held-out 30% set aside before fitting, defaults that are
the fit, and a fit that beats the regime-only baseline on the actions it never saw."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from privsim.experiments import enforcement
from privsim.scenario.coefficients import Enforcement


def test_every_action_is_sourced_and_coherent():
    d = pd.read_csv(enforcement.DATA)
    assert len(d) >= 60 and d.id.is_unique
    assert set(d.jurisdiction) >= {"eu", "uk", "us", "us_ca", "us_il"}
    assert d.source_url.str.startswith("http").all()
    assert set(d.outcome) == {"order", "settlement", "fine"}
    assert ((d.outcome == "order") == (d.amount == 0)).all() and (d.amount >= 0).all()
    assert set(d.currency) <= {"USD", "EUR", "GBP"}
    assert all(date(1990, 1, 1) <= date.fromisoformat(t) <= date(2026, 12, 31) for t in d.date)


def test_the_hold_out_is_a_seeded_disjoint_thirty_percent():
    d = enforcement.load()
    fit_on, held_out = enforcement.split(d)
    assert set(fit_on.id).isdisjoint(held_out.id) and len(fit_on) + len(held_out) == len(d)
    assert len(held_out) == round(0.3 * len(d))
    assert list(enforcement.split(d)[1].id) == list(held_out.id)
    assert list(enforcement.split(d, seed=1)[1].id) != list(held_out.id)


def test_the_default_coefficients_are_the_fit():
    fitted = enforcement.fit().coefficients
    defaults = Enforcement()
    assert set(fitted) <= set(type(defaults).model_fields)
    for name, value in fitted.items():
        assert getattr(defaults, name) == pytest.approx(value, abs=0.005), name


def test_the_fit_beats_the_regime_only_baseline_on_held_out_actions():
    f = enforcement.fit()
    assert f.outcome_held_out.n >= 5 and f.amount_held_out.n >= 15
    assert f.beats_baseline
    assert f.amount_held_out.model_within_3x > f.amount_held_out.baseline_within_3x


def test_the_fit_never_sees_the_held_out_actions(tmp_path):
    """Changing a held-out amount changes the held-out score, never the coefficients."""
    d = pd.read_csv(enforcement.DATA)
    _, held_out = enforcement.split(enforcement.load())
    money = held_out[held_out.outcome != "order"].id.iloc[0]
    d.loc[d.id == money, "amount"] *= 1000
    path = tmp_path / "enforcement.csv"
    d.to_csv(path, index=False)
    before, after = enforcement.fit(), enforcement.fit(path)
    assert after.coefficients == before.coefficients
    assert after.amount_held_out.model != before.amount_held_out.model
