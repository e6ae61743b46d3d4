"""The recorder: counts and money in real customers, shares and means unscaled, the whole-population column."""

import numpy as np
import pytest

from tests.model.sim import QUIET, THREE_PRACTICES, replication


@pytest.fixture(scope="module")
def eng():
    return replication(THREE_PRACTICES + QUIET, until=121, size=900, represents=7.0)


def test_counts_and_money_are_real_customers_shares_are_not(eng):
    r = eng.recorder
    assert r.series["active"][0, -1] == pytest.approx(900 * 7.0 - r.series["churned"][0, -1])
    assert r.series["active"][-1, :-1].sum() == pytest.approx(eng.active_count.sum() * 7.0)
    assert (r.series["trust"] <= 1.0).all() and (r.series["consent.newsletter"] <= 1.0).all()


def test_the_last_column_is_the_population(eng):
    s = eng.recorder.series
    for metric in ("churned", "opt_outs", "sends", "revenue"):
        assert np.allclose(s[metric][:, -1], s[metric][:, :-1].sum(axis=1)), metric
    active = s["active"][:, :-1]
    weighted = (s["trust"][:, :-1] * active).sum(axis=1) / active.sum(axis=1)
    assert np.allclose(s["trust"][:, -1], weighted, rtol=1e-6)


def test_consent_share_is_reached_over_targeted_active_customers(eng):
    share = eng.recorder.series["consent.newsletter"][-1, :-1]
    reached = eng.practices.reach_count[0]
    assert np.allclose(share, reached / eng.active_count)


def test_tallies_are_the_horizon_totals_of_the_daily_counts(eng):
    r = eng.recorder
    assert np.allclose(r.tallies["opt_outs"], r.series["opt_outs"][:, :-1].sum(axis=0))
    asked = r.tallies["asked.newsletter"].sum()
    assert asked == pytest.approx(900 * 7.0, rel=0.01)   # everyone is asked on day 0 (a few churned first)


def test_company_series_and_markers(eng):
    c = eng.recorder.company
    assert np.allclose(np.cumsum(np.diff(c["npv"], prepend=0.0)), c["npv"])
    assert c["npv"][-1] == pytest.approx(eng.npv) and c["investigation"].max() == 0.0
    assert [(d, w) for d, k, w in eng.recorder.marks if k == "start"] == [(0, "newsletter"), (20, "offers"),
                                                                          (45, "sharing")]


def test_a_run_in_pieces_records_what_one_run_records():
    whole = replication(THREE_PRACTICES + QUIET, until=121, size=900, represents=7.0).recorder
    parts = replication(THREE_PRACTICES + QUIET, until=1, size=900, represents=7.0)
    for end in (2, 30, 31, 90, 121):           # shares and "all" columns are made for the days each call ran
        parts.run(until=end)
        assert np.array_equal(parts.recorder.series["consent.newsletter"][:end],
                              whole.series["consent.newsletter"][:end])
    assert np.array_equal(parts.recorder.block, whole.block)
