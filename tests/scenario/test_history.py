"""The history format: located problems (file, line, column, value), periods, and checks against a scenario."""

from __future__ import annotations

import pytest

from privsim.errors import InputError
from privsim.scenario.history import check_against, load_history
from privsim.scenario.load import load_scenario
from tests.conftest import ROOT

HEADER = "date,metric,value,n,segment,purpose,variant\n"


def write(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "history.csv"
    path.write_text(header + body)
    return path


def problems(path) -> list[str]:
    with pytest.raises(InputError) as exc:
        load_history(path)
    return [str(p) for p in exc.value.problems]


def test_periods_run_to_the_next_date_of_their_series(tmp_path):
    h = load_history(write(tmp_path, "2024-01-01,sends,100,,,,\n2024-01-08,sends,90,,,,\n2024-01-15,sends,95,,,,\n"
                                     "2024-01-01,churn,5,,,,\n2024-02-01,churn,7,,,,\n"
                                     "2024-01-03,consent_rate,0.5,10,,newsletter,\n"))
    f = h.frame.set_index(["metric", "day"])
    assert h.start.isoformat() == "2024-01-01"
    assert f.loc[("sends", 0), "end"] == 7 and f.loc[("sends", 14), "end"] == 21   # last: the common gap
    assert f.loc[("churn", 0), "end"] == 31 and f.loc[("churn", 31), "end"] == 62
    assert f.loc[("consent_rate", 2), "end"] == 3                                 # a single row: one day
    assert h.days == 62


def test_bad_values_name_line_column_value_and_what_is_allowed(tmp_path):
    found = problems(write(tmp_path, "2024-13-01,sends,100,,,,\n2024-01-02,unsubs,3,,,,\n"
                                     "2024-01-03,sends,1.5,,,,\n2024-01-04,consent_rate,1.2,10,,newsletter,\n"
                                     "2024-01-05,consent_rate,0.5,,,newsletter,\n2024-01-06,sends,inf,,,,\n"))
    text = "\n".join(found)
    assert f"{tmp_path / 'history.csv'}:2: column date: got '2024-13-01'; allowed: a date YYYY-MM-DD" in text
    assert ":3: column metric: got 'unsubs'; allowed: one of" in text and "did you mean 'unsubscribes'" in text
    assert len(found) == 2                         # values are checked once dates and names are sound
    assert problems(write(tmp_path, "2024-01-06,sends,inf,,,,\n"))[0].endswith(
        ":2: column value: got 'inf'; allowed: a finite number ≥ 0 (at most 1,000,000,000,000)")
    found = problems(write(tmp_path, "2024-01-03,sends,1.5,,,,\n2024-01-04,consent_rate,1.2,10,,newsletter,\n"
                                     "2024-01-05,consent_rate,0.5,,,newsletter,\n2024-01-07,churn,4,,,,A\n"))
    text = "\n".join(found)
    assert ":2: column value: got '1.5'; allowed: a whole number for a count" in text
    assert ":3: column value: got '1.2'; allowed: a share 0 to 1" in text
    assert ":4: column n: missing value; allowed: the customers asked" in text
    assert ":5: column variant: got 'A'; allowed: blank: a variant is a consent banner's" in text


def test_unknown_and_missing_columns_and_repeated_rows(tmp_path):
    assert "column purpse: not a history column (did you mean 'purpose'?)" in problems(
        write(tmp_path, "2024-01-01,sends,1,\n", "date,metric,value,purpse\n"))[0]
    assert "the history has no column 'value'" in problems(write(tmp_path, "2024-01-01,sends\n", "date,metric\n"))[0]
    found = problems(write(tmp_path, "2024-01-01,sends,1,,,,\n2024-01-01,sends,2,,,,\n"))
    assert found[0].endswith("sends on 2024-01-01 appears more than once (lines 2, 3); allowed: one row per date "
                             "and series (sum them)")


def test_a_history_is_checked_against_the_scenario(tmp_path):
    s = load_scenario(ROOT / "examples" / "history-base.yaml")
    check_against(load_history(write(tmp_path, "2024-01-01,sends,1,,,newsletter,\n")), s)
    h = load_history(write(tmp_path, "2024-01-01,sends,1,,loyal,,\n2024-01-01,churn,1,,,newsleter,\n"
                                     "2024-01-01,complaints,1,,,personalisation,\n"))
    with pytest.raises(InputError) as exc:
        check_against(h, s)
    text = str(exc.value)
    assert ":2: column segment: got 'loyal'; allowed: blank or one of fundamentalist" in text
    assert ":3: column purpose: got 'newsleter'" in text
    assert ":4: column purpose: got 'personalisation'; allowed: blank or newsletter, the one practice" in text


def test_the_bundled_history_loads():
    h = load_history(ROOT / "examples" / "history.csv")
    assert h.start.isoformat() == "2023-01-02" and h.days >= 730
    assert h.variants == ["control", "preticked"]
    assert set(h.frame["metric"]) == {"sends", "unsubscribes", "complaints", "consent_rate", "churn"}
