"""Charts are drawn from pre-aggregated bands: the same means and P5–P95 as the replications give."""

import numpy as np
import pandas as pd
import pytest

from privsim.output import charts


@pytest.fixture(scope="module")
def series():
    rng = np.random.default_rng(3)
    rows = [{"scenario": s, "replicate": r, "segment": seg, "day": d, "trust": rng.random(), "opt_outs": rng.random()}
            for s in ("B first", "A second") for r in range(4) for seg in ("all", "fundamentalist") for d in range(30)]
    return pd.DataFrame(rows)


def test_band_table_gives_each_groups_mean_and_percentiles_per_day(series):
    table = charts.band_table(series, "scenario")
    assert list(dict.fromkeys(table["scenario"])) == ["B first", "A second"]          # order of appearance
    got = table[(table["scenario"] == "A second") & (table["segment"] == "fundamentalist")
                & (table["metric"] == "trust")]
    part = series[(series["scenario"] == "A second") & (series["segment"] == "fundamentalist")].groupby("day")["trust"]
    np.testing.assert_array_equal(got["mean"], part.mean())
    np.testing.assert_array_equal(got["p5"], part.quantile(0.05))
    np.testing.assert_array_equal(got["p95"], part.quantile(0.95))
    assert set(table["metric"]) == {"trust", "opt_outs"}


def test_a_chart_holds_bands_not_replications_and_stores_no_day_array(series):
    fig = charts.band_figure(charts.band_table(series, "scenario"), [("trust", "Mean trust")], by="scenario")
    assert len(fig.data) == 2 * 3                                  # per scenario: P5, P95 (filled) and the mean
    assert all(len(t.y) == 30 and t.x is None and t.x0 == 0 and t.dx == 1 for t in fig.data)
    assert [t.fill for t in fig.data[:3]] == [None, "tonexty", None]


def test_long_series_are_thinned_and_the_band_keeps_its_extremes():
    days = np.arange(2500)
    wave = np.sin(days / 50)
    band = pd.DataFrame({"day": days, "mean": wave, "p5": wave - 1, "p95": wave + 1})
    band.loc[1234, "p95"] = 9.0
    thin = charts.thin(band)
    assert len(thin) <= charts.MAX_POINTS and thin["day"].iloc[0] == 0
    assert thin["p95"].max() == 9.0 and thin["p5"].min() == band["p5"].min()
    assert len(charts.thin(band.head(400))) == 400                # short ones keep every day


def test_each_difference_panel_reads_in_its_unit_with_enough_decimals_for_small_scores():
    from privsim.experiments.compare import compare
    from tests.conftest import small

    cmp = compare([small("newsletter_opt_in.yaml", 400), small("dark_pattern_consent.yaml", 400)], 2)
    fig = charts.differences_figure(cmp.differences())
    titles = [a.text for a in fig.layout.annotations]
    axes = {t: fig.layout[f"xaxis{'' if i == 0 else i + 1}"] for i, t in enumerate(titles)}
    assert axes["Trust at the end"].tickformat == ".3~f"            # a difference of 0.005 is not "0.01"
    assert axes["Opt-outs"].tickformat == "~s" and axes["Privacy-driven churn"].ticksuffix == " pp"
    assert axes["NPV within the horizon"].tickprefix == "$" and axes["Fines"].tickformat == ",.2~f"   # none paid


def test_money_under_a_thousand_is_written_out_not_with_a_milli_prefix():
    assert charts.axis_format("fines", "USD", 0.0)["tickformat"] == ",.2~f"      # $0.5, never "$500m"
    assert charts.axis_format("fines", "USD", 2.5e6)["tickformat"] == "~s"       # $2.5M
    assert charts.axis_format("fines", "USD")["tickformat"] == "~s"
    assert charts.largest(pd.Series([1.0, -3.0]), np.array([np.nan, 2.0])) == 3.0 and charts.largest() == 0.0


def test_events_on_nearby_days_share_one_label_and_keep_a_line_each(series):
    """Five events on one day printed five vertical labels over each other: now one, with all five on hover."""
    marks = [(3, "discovery", "feed"), (3, "apology", "feed"), (3, "discovery", "feed"), (4, "reversal", "feed"),
             (20, "regulator_order", "")]
    fig = charts.band_figure(charts.band_table(series, "scenario"), [("trust", "Trust"), ("opt_outs", "Opt-outs")],
                             by="scenario", marks=marks)
    notes = [a for a in fig.layout.annotations if a.hovertext]
    assert [(a.x, a.text) for a in notes] == [(3, "discovery feed + 2 more"), (20, "regulator_order")]
    assert notes[0].hovertext == "day 3: discovery feed<br>day 3: apology feed<br>day 4: reversal feed"
    assert sorted({s.x0 for s in fig.layout.shapes}) == [3, 4, 20] and len(fig.layout.shapes) == 3 * 2   # per panel
