"""``population.from_file``: validated, resampled by segment keeping marginals, consent seeded, reproducible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from privsim.errors import InputError
from privsim.model.engine import Replication
from privsim.model.practices import DENIED, GRANTED, UNASKED
from privsim.scenario import popfile
from privsim.scenario.load import load_scenario
from tests.scenario.owndata import customers, population_file, scenario_text


@pytest.fixture
def base(tmp_path):
    """A 400-customer population file and a scenario beside it that loads it by a relative path."""
    _, segments = population_file(tmp_path)
    scenario = tmp_path / "own.yaml"
    scenario.write_text(scenario_text("population.parquet", segments))
    return scenario, segments


def test_a_relative_path_is_read_beside_the_scenario(base, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path.parent)
    s = load_scenario(base[0])
    assert s.population.from_file == str(tmp_path / "population.parquet")
    assert s.population.table.rows == 400


def test_problems_are_located_in_the_scenario(base, tmp_path):
    scenario, segments = base
    text = scenario.read_text()
    scenario.write_text(text.replace("population.parquet", "missing.parquet"))
    with pytest.raises(InputError) as e:
        load_scenario(scenario)
    assert str(e.value).startswith(f"{scenario}:8: population.from_file: {tmp_path / 'missing.parquet'}: no such "
                                   "file")
    share = segments["pragmatist"]["share"]
    scenario.write_text(text.replace(f"share: {share!r}", f"share: {share + 0.01!r}").replace(
        f"share: {segments['unconcerned']['share']!r}", f"share: {segments['unconcerned']['share'] - 0.01!r}"))
    with pytest.raises(InputError, match=r"population.segments.pragmatist.share: got .*; allowed: the file's shares "
                                         r"within 0.005: fundamentalist"):
        load_scenario(scenario)


def test_the_file_is_checked_value_by_value(tmp_path):
    frame = pd.DataFrame({"segment": ["a", "b"], "annual_value": [1.0, np.inf]})
    frame.to_parquet(tmp_path / "p.parquet")
    with pytest.raises(InputError, match=r"row 2, column annual_value: got inf; allowed: a finite number 0 to 1e\+07"):
        popfile.load_table(str(tmp_path / "p.parquet"))
    frame.assign(email=["x", "y"]).to_parquet(tmp_path / "q.parquet")
    with pytest.raises(InputError, match="unknown column 'email'"):
        popfile.load_table(str(tmp_path / "q.parquet"))


def test_resampling_keeps_each_segments_values(base):
    table = load_scenario(base[0]).population.table
    big = Replication(_resized(base[0], 800)).pop      # twice the file: every row exactly twice
    for k, name in enumerate(big.names):
        got = np.sort(big.value[big.segment == k])
        assert np.array_equal(got, np.sort(np.repeat(table.value[table.rows_of(name)], 2)))
    small = Replication(_resized(base[0], 200)).pop    # half: each segment's share and value mix kept
    shares = np.bincount(small.segment) / small.size
    assert shares == pytest.approx([table.shares()[n] for n in small.names], abs=1 / 200)
    assert float(small.value.mean()) == pytest.approx(float(table.value.mean()), rel=0.05)


def test_consent_states_start_as_the_file_says_and_hold_on_day_0(base):
    eng = Replication(load_scenario(base[0]))
    seeded = eng.pop.seeded["newsletter"]
    k = eng.flow_index("newsletter")
    assert np.array_equal(eng.practices.consent[k], seeded)
    assert {GRANTED, DENIED, UNASKED} <= set(np.unique(seeded).tolist())
    eng.run(until=1)       # day 0: the practice starts and asks; only those never asked answer
    consent, reach = eng.practices.consent[k], eng.practices.reach[k]
    assert np.all(consent[seeded == GRANTED] == GRANTED) and np.all(reach[seeded == GRANTED])
    assert np.all(consent[seeded == DENIED] == DENIED) and not np.any(reach[seeded == DENIED])
    assert np.all(eng.practices.requested[k][seeded == DENIED])
    assert np.any(consent[seeded == UNASKED] != UNASKED)


def test_the_same_seed_gives_the_same_customers(base):
    s = load_scenario(base[0])
    a, b = Replication(s), Replication(s)
    for name in ("segment", "value", "concern", "trust"):
        assert np.array_equal(getattr(a.pop, name), getattr(b.pop, name))
    assert np.array_equal(a.pop.seeded["newsletter"], b.pop.seeded["newsletter"])
    other = Replication(s, replicate=1)
    assert not np.array_equal(a.pop.value, other.pop.value)       # another replicate, another draw of rows


def test_the_digest_follows_the_file_content(base, tmp_path):
    before = load_scenario(base[0]).digest()
    population_file(tmp_path, customers(seed=99).assign(seg=customers()["seg"]))
    assert load_scenario(base[0]).digest() != before


def _resized(path, size):
    from privsim.scenario.overrides import resize

    return resize(load_scenario(path), size)
