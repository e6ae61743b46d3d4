"""Replaying a banner A/B test: each variant on the same seeds, observed beside simulated consent, costs priced."""

from __future__ import annotations

import pytest

from privsim.errors import InputError
from privsim.experiments.replay import parse_variants, replay_variants
from privsim.output.history import replay_rows
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from tests.conftest import ROOT

EXAMPLES = ROOT / "examples"
PRETICKED = "preticked:strategy.practices.newsletter.ui_patterns=[pre_ticked]"


def ab_history(tmp_path):
    """A 30-day history holding only the bundled A/B test's first days."""
    lines = (EXAMPLES / "history.csv").read_text().splitlines()
    test = [line for line in lines if line.endswith((",control", ",preticked"))][:20]
    path = tmp_path / "ab.csv"
    path.write_text("\n".join([lines[0], *test]) + "\n")
    return path


def test_variants_are_priced_on_the_same_seeds(tmp_path):
    s = override(load_scenario(EXAMPLES / "history-base.yaml"), {"population.size": 400})
    replay = replay_variants(s, ab_history(tmp_path), parse_variants(["control", PRETICKED]), reps=1)
    table = replay.to_frame().set_index("variant")
    assert list(table.index) == ["control", "preticked"]
    assert table.loc["preticked", "observed"] > table.loc["control", "observed"]
    rate = "granted_at_ask.newsletter"
    assert table.loc["preticked", rate] > table.loc["control", rate]
    d = replay.differences()
    assert set(d["scenario"]) == {"preticked"} and "total_vs_baseline" in set(d["kpi"])
    shown = replay_rows(replay, "USD")
    assert list(shown.columns[:4]) == ["variant", "asked", "observed consent", "simulated consent"]
    assert not shown.apply(lambda c: c.str.contains(r"e[+-]\d|np\.|nan", regex=True)).any().any()


def test_every_variant_must_be_defined(tmp_path):
    s = load_scenario(EXAMPLES / "history-base.yaml")
    with pytest.raises(InputError, match="variant 'preticked' of the history is not defined"):
        replay_variants(s, ab_history(tmp_path), parse_variants(["control"]))
    with pytest.raises(InputError, match=r"variant 'contrl' is not in the history .did you mean 'control'"):
        replay_variants(s, ab_history(tmp_path), parse_variants(["contrl", "control", PRETICKED]))
    with pytest.raises(InputError, match="allowed: NAME or NAME:PATH=VALUE"):
        parse_variants(["bad name:x=1"])
