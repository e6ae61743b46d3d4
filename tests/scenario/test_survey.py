"""Scoring a privacy-attitude survey: the Westin–Harris index, Likert concern, weights, Kish n and Wilson intervals."""

from __future__ import annotations

import math

import pandas as pd
import pyreadstat
import pytest

from privsim.errors import InputError
from privsim.scenario.survey import kish, population_from_survey, wilson

MAP = """\
identifiers: [rid]
weight: w
westin: {lost_control: q1, businesses_proper: q2, laws_adequate: q3, agree: [1, 2], disagree: [3, 4], unsure: [9]}
concern: {items: [c1, {column: c2, reverse: true}], scale: [1, 5]}
"""
# by hand: r1 agrees lost control, disagrees with both others: fundamentalist; r2 the opposite: unconcerned;
# r3 and r5 mixed: pragmatists; r4 is 'not sure' on one statement: unclassified.
# concern = mean of (c1 − 1)/4 and 1 − (c2 − 1)/4 over the items answered
SURVEY = pd.DataFrame({"rid": ["r1", "r2", "r3", "r4", "r5"], "q1": [1, 4, 1, 2, 3], "q2": [3, 1, 1, 3, 3],
                       "q3": [4, 2, 1, 9, 3], "c1": [5, 1, 3, 2, 4], "c2": [1.0, 5.0, None, 2.0, 2.0],
                       "w": [1.0, 2.0, 1.0, 1.0, 4.0]})


def scored(tmp_path, frame=SURVEY, map_text=MAP, name="survey.csv"):
    path = tmp_path / name
    if name.endswith(".sav"):
        pyreadstat.write_sav(frame, str(path))
    else:
        frame.to_csv(path, index=False)
    (tmp_path / "map.yaml").write_text(map_text)
    return population_from_survey(path, tmp_path / "map.yaml")


def test_westin_index_and_likert_concern_on_a_hand_computed_example(tmp_path):
    mix = scored(tmp_path, map_text=MAP.replace("weight: w\n", ""))
    by = {s.name: s for s in mix.segments}
    assert (mix.respondents, mix.unclassified) == (5, 1)
    assert [by[n].respondents for n in ("fundamentalist", "pragmatist", "unconcerned")] == [1, 2, 1]
    assert by["pragmatist"].share == pytest.approx(0.5) and mix.n_eff == pytest.approx(4.0)
    assert by["fundamentalist"].concern == pytest.approx(1.0)       # (5−1)/4 = 1 and 1 − (1−1)/4 = 1
    assert by["unconcerned"].concern == pytest.approx(0.0)
    assert by["pragmatist"].concern == pytest.approx((0.5 + 0.75) / 2)   # r3: c1 only, 0.5; r5: 0.75 and 0.75


def test_weights_set_the_shares_concern_and_effective_n(tmp_path):
    mix = scored(tmp_path)
    by = {s.name: s for s in mix.segments}
    assert [by[n].share for n in ("fundamentalist", "pragmatist", "unconcerned")] == pytest.approx([1 / 8, 5 / 8,
                                                                                                     2 / 8])
    assert mix.n_eff == pytest.approx(64 / 22)                     # (1+2+1+4)² / (1+4+1+16)
    assert by["pragmatist"].concern == pytest.approx((1 * 0.5 + 4 * 0.75) / 5)
    assert (by["pragmatist"].low, by["pragmatist"].high) == pytest.approx(wilson(5 / 8, 64 / 22))
    assert mix.levels["pragmatist"]["share"] == 0.625 and mix.levels["pragmatist"]["concern"] == 0.7


def test_kish_and_wilson():
    assert kish(pd.Series([1.0] * 10).to_numpy()) == 10
    assert kish(pd.Series([1.0, 3.0]).to_numpy()) == pytest.approx(16 / 10)
    low, high = wilson(0.5, 100)
    assert (round(low, 4), round(high, 4)) == (0.4038, 0.5962)
    assert wilson(0.0, 50)[0] == 0.0 and 0 < wilson(0.0, 50)[1] < 0.08      # stays inside [0, 1]


def test_spss_gives_the_csv_result(tmp_path):
    a = scored(tmp_path)
    b = scored(tmp_path, name="survey.sav")
    assert a.levels == b.levels and a.n_eff == pytest.approx(b.n_eff)


@pytest.mark.parametrize("column, value, expected", [
    ("q2", 7, ":4: column q2: got '7'; allowed: one of the codes 1, 2, 3, 4, 9 (or a blank)"),
    ("w", -1.0, ":4: column w: got '-1.0'; allowed: a finite number 0 to 1e+09"),
    ("c1", 6, ":4: column c1: got '6'; allowed: a finite number 1 to 5"),
])
def test_bad_answers_are_located(tmp_path, column, value, expected):
    frame = SURVEY.copy()
    frame.loc[2, column] = value
    with pytest.raises(InputError) as e:
        scored(tmp_path, frame)
    assert [str(p) for p in e.value.problems] == [f"{tmp_path / 'survey.csv'}{expected}"]


def test_a_map_reading_an_identifier_is_refused(tmp_path):
    with pytest.raises(InputError) as e:
        scored(tmp_path, map_text=MAP.replace("weight: w", "weight: rid"))
    assert str(e.value.problems[0]) == (f"{tmp_path / 'map.yaml'}:2: weight: column 'rid' is listed as an "
                                        "identifier; allowed: a column that is not a direct identifier")
    assert math.isfinite(scored(tmp_path).n_eff)
