"""The read record: it changes no result, and what it leaves out cannot change the run."""

from __future__ import annotations

import pytest

from privsim.experiments.arms import arm
from privsim.experiments.sensitivity import factor_ranges
from privsim.model.reads import recorded, touches
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override, resize
from tests.conftest import ROOT
from tests.model.test_engine_paths import FILES, digest

SIZE = 300


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_recording_what_a_baseline_reads_changes_nothing_in_it(path):
    s = resize(load_scenario(path), SIZE)
    plain, watched = arm(s, 0, s.seed, False), arm(s, 0, s.seed, False, record=True)
    assert watched.reads and digest(plain) == digest(watched)


@pytest.mark.parametrize("name", ["covert_sharing", "remote_breach_unencrypted"])
def test_every_coefficient_a_baseline_never_read_leaves_it_bit_for_bit_the_same(name):
    s = resize(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), SIZE)
    base = arm(s, 0, s.seed, False, record=True)
    unread = {p: hi for p, (_, _, hi) in factor_ranges(s).items() if not touches([p], base.reads)}
    assert len(unread) > 50                                   # consent, opt-out, outrage, regulator … are not read
    for p, hi in unread.items():
        assert digest(arm(override(s, {p: hi}, source="test"), 0, s.seed, False)) == digest(base), p


def test_the_record_is_conservative_and_read_only():
    s = load_scenario(ROOT / "scenarios" / "covert_sharing.yaml")
    reads: set[str] = set()
    view = recorded(s, reads)
    assert view.behavior.churn.say_do == s.behavior.churn.say_do
    view.economics.model_dump()                             # a method reads the whole model
    assert view.population.segments == s.population.segments     # a container is one read
    assert reads == {"behavior.churn.say_do", "economics", "population.segments"}
    assert touches(["economics.margin"], reads) and touches(["population.segments.0.share"], reads)
    assert touches(["behavior.churn"], reads) and not touches(["behavior.consent.intercept"], reads)
    with pytest.raises(AttributeError):
        view.seed = 3
