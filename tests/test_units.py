"""Small units: YAML line map, flows' send schedule, network graph, results statistics, run folders, display."""

import json

import numpy as np
import pandas as pd
import pytest

from privsim.errors import InputError
from privsim.experiments.results import mean_ci, summarize
from privsim.model.flows import compile_flows
from privsim.model.network import small_world
from privsim.model.rng import Streams
from privsim.output.folders import atomic_folder
from privsim.output.formatting import fmt, money
from privsim.scenario.yamlmap import dotted, line_of, parse
from tests.conftest import small


def test_yaml_line_map_and_duplicate_keys():
    data, lines = parse("a:\n  b: 1\n  c:\n    - x: 2\n", "f.yaml")
    assert data == {"a": {"b": 1, "c": [{"x": 2}]}}
    assert lines[("a", "b")] == 2 and lines[("a", "c", 0, "x")] == 4
    assert line_of(lines, ("a", "c", 0, "missing")) == 4
    assert dotted(("a", "c", 0, "x")) == "a.c[0].x"
    with pytest.raises(InputError, match="duplicate key 'b'"):
        parse("a:\n  b: 1\n  b: 2\n", "f.yaml")


def test_yaml_tags_are_never_constructed():
    with pytest.raises(InputError, match="malformed YAML"):
        parse("a: !!python/object/apply:os.system ['echo pwned']\n", "f.yaml")


@pytest.mark.parametrize("per_month", [1, 4, 30.4375, 60])
def test_sends_follow_the_monthly_rate(per_month):
    s = small("newsletter_opt_in.yaml", 100)
    from privsim.scenario.overrides import override

    [flow] = compile_flows(override(s, {"strategy.practices.newsletter.contacts_per_month": per_month}))
    sends = [flow.sends_on(d) for d in range(365)]
    assert sum(sends) == pytest.approx(per_month * 12, abs=1.01)
    assert max(sends) == int(np.ceil(per_month / 30.4375))


def test_small_world_graph_is_symmetric_with_the_right_degree():
    g = small_world(2000, 10, 0.1, Streams(1, 0))
    adjacency = (g > 0).astype(np.int8)
    assert (adjacency != adjacency.T).nnz == 0
    degrees = np.diff(g.indptr)
    assert 9 <= degrees.mean() <= 10.01
    assert np.allclose(np.asarray(g.sum(axis=1)).ravel(), 1.0)
    ring = small_world(100, 4, 0.0, Streams(1, 0))
    assert set(ring[0].indices) == {1, 2, 98, 99}


def test_mean_ci_and_summary():
    low, high = mean_ci(np.array([1.0, 2.0, 3.0]))
    assert low < 2.0 < high and high - 2.0 == pytest.approx(4.302653 * 1.0 / np.sqrt(3), rel=1e-5)
    assert mean_ci(np.array([5.0])) == (5.0, 5.0)
    table = summarize(pd.DataFrame({"replicate": [0, 1, 2], "segment": "all", "kpi": "npv", "value": [1.0, 2, 3]}))
    row = table.iloc[0]
    assert row["mean"] == 2.0 and row.p5 == pytest.approx(1.1) and row.p95 == pytest.approx(2.9) and row.n == 3


def test_atomic_folder_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(RuntimeError), atomic_folder(target) as partial:
        (partial / "half.json").write_text("{")
        raise RuntimeError("killed")
    assert not target.exists() and not list(tmp_path.iterdir())
    with atomic_folder(target) as partial:
        (partial / "ok.json").write_text(json.dumps({"ok": 1}))
    assert (target / "ok.json").exists()
    with atomic_folder(target) as partial:   # replacing an existing run is atomic too
        (partial / "new.json").write_text("{}")
    assert sorted(p.name for p in target.iterdir()) == ["new.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_display_formats_by_unit():
    assert money(1_234_567, "EUR") == "€1.23M"
    assert money(-45_600, "GBP") == "-£45.6k"
    assert fmt("npv", 2.5e9, "USD") == "$2.5bn"
    assert fmt("churn", 0.1234) == "12.34%"
    assert fmt("opt_outs", 12345.0) == "12,345"
    assert fmt("npv", float("nan")) == "–"


def test_confidence_intervals_respect_the_kpi_range():
    rows = [{"replicate": r, "segment": "all", "kpi": kpi, "value": v}
            for kpi, values in (("regulator_action", [0.0, 0.0, 1.0]), ("complaints", [0.0, 0.0, 900.0]),
                                ("npv", [-5.0, 0.0, 5.0]))
            for r, v in enumerate(values)]
    table = summarize(pd.DataFrame(rows)).set_index("kpi")
    assert table.loc["regulator_action", "ci_low"] == 0.0 and table.loc["regulator_action", "ci_high"] == 1.0
    assert table.loc["complaints", "ci_low"] == 0.0 and table.loc["complaints", "ci_high"] > 900
    assert table.loc["npv", "ci_low"] < -5.0
