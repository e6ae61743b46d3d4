"""Building a population from a customer export: levels, consent codes, identifiers, map and value errors."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from privsim.errors import InputError
from privsim.scenario import exports, popfile
from privsim.scenario.customers import population_from_export
from tests.scenario.owndata import MAP, customers, write

TINY = pd.DataFrame({
    "customer_id": ["a1", "a2", "a3", "a4"], "email": ["x@e.example"] * 4, "seg": ["F", "F", "P", "U"],
    "spend": [100, 300, 200, 400], "tenure": [2, 2, 4, 1], "optin": ["yes", "no", "", "maybe"]})


def problems(excinfo: pytest.ExceptionInfo[InputError]) -> list[str]:
    return [str(p) for p in excinfo.value.problems]


def test_levels_shares_and_churn_from_tenure(tmp_path):
    built = population_from_export(*write(tmp_path, TINY))
    f = built.segments["fundamentalist"]
    assert f["share"] == 0.5 and f["annual_value"] == 200.0
    assert math.isclose(f["churn_per_year"], 1 - math.exp(-1 / 2))      # mean tenure 2 years: λ = 1/2
    assert built.segments["unconcerned"]["churn_per_year"] == pytest.approx(1 - math.exp(-1))
    assert f["concern"] == 0.85 and f["trust"] == 0.45                  # not measured: privsim's Westin levels
    assert list(built.frame[popfile.VALUE]) == [100, 300, 200, 400]


def test_consent_codes_granted_denied_and_never_asked(tmp_path):
    built = population_from_export(*write(tmp_path, TINY))
    assert built.frame["consent.newsletter"].tolist() == [popfile.GRANTED, popfile.DENIED, popfile.UNASKED,
                                                          popfile.UNASKED]
    assert built.consents["fundamentalist"]["newsletter"] == (0.5, 0.5)


def test_identifiers_are_dropped_and_the_key_hashed_with_a_fresh_salt(tmp_path):
    args = write(tmp_path, TINY)
    one, two = population_from_export(*args), population_from_export(*args)
    assert set(one.frame.columns) == {"segment", "annual_value", "consent.newsletter", "key"}
    assert one.frame["key"].dtype == np.uint64 and one.frame["key"].nunique() == 4
    assert not set(one.frame["key"]) & set(two.frame["key"])          # the salt is drawn per build
    assert one.dropped == ["email"] and one.hashed == ["customer_id"]


def test_a_repeated_key_is_reported_without_its_value(tmp_path):
    frame = TINY.assign(customer_id=["a1", "a2", "a1", "a4"])
    with pytest.raises(InputError) as e:
        population_from_export(*write(tmp_path, frame))
    assert problems(e) == [f"{tmp_path / 'export.csv'}:4: column customer_id: the identifier of an earlier row; "
                           "allowed: one row per customer"]


def test_unmapped_columns_are_never_read(tmp_path, monkeypatch):
    frame = customers(50)
    csv_path, map_path = write(tmp_path, frame)
    raw = csv_path.read_bytes().replace(b"not mapped", b"\xff\xfe broken")   # not even valid UTF-8
    csv_path.write_bytes(raw)
    built = population_from_export(csv_path, map_path)
    assert built.ignored == ["note"] and "note" not in built.frame
    asked = []
    read = pq.ParquetFile.read
    monkeypatch.setattr(pq.ParquetFile, "read", lambda self, columns=None, **kw: asked.append(columns)
                        or read(self, columns=columns, **kw))
    population_from_export(*write(tmp_path, frame, "export.parquet"))
    assert asked == [["customer_id", "seg", "spend", "tenure", "optin"]]     # email and note: never decoded


def test_excel_gives_the_csv_result(tmp_path):
    a = population_from_export(*write(tmp_path, TINY))
    b = population_from_export(*write(tmp_path, TINY, "export.xlsx"))
    assert a.segments == b.segments
    assert b.frame["consent.newsletter"].tolist() == a.frame["consent.newsletter"].tolist()


@pytest.mark.parametrize("edit, expected", [
    ("segment:\n  column: seg\n  valuez: {}\n", "map.yaml:5: segment.valuez: unknown key 'valuez' (did you mean "
                                                "'values'?); allowed: column, values"),
    ("annual_value: spnd\n", "map.yaml:6: annual_value: column 'spnd' is not in"),
    ("annual_value: email\n", "map.yaml:6: annual_value: column 'email' is listed as an identifier"),
    ("consents:\n  newsletter: {column: optin, granted: [yes], denied: [no]}\n",
     "map.yaml:9: consents.newsletter.granted[0]: got true; allowed: the code as the file holds it, quoted"),
    ("key: seg\n", "map.yaml:2: key: got 'seg'; allowed: one of identifiers (customer_id, email)"),
])
def test_map_problems_name_the_map_line_and_field(tmp_path, edit, expected):
    head = edit.split(":", 1)[0]
    kept = [block for block in MAP.split("\n") if block]
    lines, skip = [], False
    for line in kept:          # replace the top-level section the edit names
        if not line.startswith(" "):
            skip = line.startswith(head + ":")
            if skip:
                lines.extend(edit.rstrip("\n").split("\n"))
        if not skip:
            lines.append(line)
    with pytest.raises(InputError) as e:
        population_from_export(*write(tmp_path, TINY, map_text="\n".join(lines) + "\n"))
    assert any(expected in str(p) for p in problems(e)), problems(e)


@pytest.mark.parametrize("column, value, allowed", [
    ("spend", "abc", "got 'abc'; allowed: a finite number 0 to 1e+07"),
    ("spend", "inf", "got 'inf'; allowed: a finite number 0 to 1e+07"),
    ("spend", "-5", "got '-5'; allowed: a finite number 0 to 1e+07"),
    ("seg", "X", "got 'X'; allowed: one of the codes F, P, U"),
    ("tenure", "", "missing value; allowed: a finite number 0 to 150"),
])
def test_bad_values_name_file_line_column_value_and_what_is_allowed(tmp_path, column, value, allowed):
    frame = TINY.astype(str).copy()
    frame.loc[2, column] = value
    with pytest.raises(InputError) as e:
        population_from_export(*write(tmp_path, frame))
    assert problems(e) == [f"{tmp_path / 'export.csv'}:4: column {column}: {allowed}"]


def test_parquet_problems_name_the_row(tmp_path):
    frame = TINY.assign(spend=[100.0, float("nan"), 200.0, 1e12])
    with pytest.raises(InputError) as e:
        population_from_export(*write(tmp_path, frame, "export.parquet"))
    assert problems(e) == [f"{tmp_path / 'export.parquet'}: row 2, column spend: missing value; allowed: a finite "
                           "number 0 to 1e+07",
                           f"{tmp_path / 'export.parquet'}: row 4, column spend: got 1000000000000.0; allowed: a "
                           "finite number 0 to 1e+07"]


def test_size_limits(tmp_path, monkeypatch):
    monkeypatch.setitem(exports.MAX_ROWS, "csv", 3)
    with pytest.raises(InputError, match="more than 3 rows"):
        population_from_export(*write(tmp_path, TINY))
    monkeypatch.setitem(exports.MAX_BYTES, "csv", 10)
    with pytest.raises(InputError, match="allowed: at most 10"):
        population_from_export(*write(tmp_path, TINY))


def test_attitude_answers_give_the_westin_segments(tmp_path):
    frame = TINY.drop(columns="seg").assign(q1=[1, 1, 1, 4], q2=[4, 3, 1, 1], q3=[3, 4, 2, 2])
    map_text = MAP.replace("segment:\n  column: seg\n  values: {F: fundamentalist, P: pragmatist, U: unconcerned}\n",
                           "attitude: {lost_control: q1, businesses_proper: q2, laws_adequate: q3, agree: [1, 2], "
                           "disagree: [3, 4]}\n")
    built = population_from_export(*write(tmp_path, frame, map_text=map_text))
    assert built.frame["segment"].tolist() == ["fundamentalist", "fundamentalist", "pragmatist", "unconcerned"]
