"""Paired comparison: zero difference against itself, CRN narrows the CI, shared baselines change nothing."""

import json
import sys

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from privsim.errors import InputError
from privsim.experiments.compare import compare, compare_steps, direction
from privsim.experiments.runs import replicate
from privsim.scenario.overrides import override
from tests.conftest import SCENARIOS, small


@pytest.fixture(scope="module")
def covert():
    return override(small("covert_sharing.yaml", 600), {"horizon_days": 200})


@pytest.fixture(scope="module")
def newsletters():
    base = override(small("newsletter_opt_in.yaml", 800), {"horizon_days": 150})
    return base, override(base, {"strategy.practices.newsletter.contacts_per_month": 8, "name": "Twice as often"})


def test_a_scenario_compared_with_itself_differs_by_exactly_zero(covert):
    d = compare([covert, covert], 3).differences()
    assert len(d) > 20
    assert (d["diff"] == 0).all() and (d["ci_low"] == 0).all() and (d["ci_high"] == 0).all()
    assert (d["n"] == 3).all()


def test_each_arm_equals_its_own_separate_run(covert):
    """Sharing the baseline arm between scenarios must not change any result."""
    richer = override(covert, {"strategy.practices.partner_feed.data_revenue_per_record": 9.0})
    cmp = compare([covert, richer], 2)
    for scenario, run in zip((covert, richer), cmp.runs, strict=True):
        alone = replicate(scenario, 2)
        pd.testing.assert_frame_equal(run.kpis(), alone.kpis())
        pd.testing.assert_frame_equal(run.to_frame(), alone.to_frame())


def test_a_comparison_in_steps_is_identical_to_one_run_of_all_replications(newsletters):
    """Replicate r uses the same streams in whichever step it runs: first figures, then the same final ones."""
    steps = list(compare_steps(newsletters, 3, seed=11, first=1))
    assert [len(c.runs[0].replications) for c in steps] == [1, 3]
    for part, whole in ((steps[0], compare(newsletters, 1, seed=11)), (steps[1], compare(newsletters, 3, seed=11))):
        assert part.names == whole.names and part.seed == whole.seed
        for frame in ("to_frame", "timeseries", "company_frame", "summary", "differences"):
            pd.testing.assert_frame_equal(getattr(part, frame)(), getattr(whole, frame)())
    assert len(list(compare_steps(newsletters, 2, seed=11, first=None))) == 1
    assert len(list(compare_steps(newsletters, 2, seed=11, first=2))) == 1


def test_shared_baseline_is_exact_on_a_small_world_network(covert):
    graph = override(covert, {"population.network.kind": "small_world", "population.network.degree": 6})
    other = override(graph, {"strategy.practices.partner_feed.centrality": 0.8})
    cmp = compare([graph, other], 2)
    pd.testing.assert_frame_equal(cmp.runs[1].kpis(), replicate(other, 2).kpis())


def test_baseline_arm_runs_once_per_replicate_when_only_practices_differ(newsletters, monkeypatch):
    arms = sys.modules["privsim.experiments.arms"]
    calls = []
    real = arms.arm

    def counting(scenario, replicate, seed, with_strategy=True, base=None, **options):
        calls.append(with_strategy)
        return real(scenario, replicate, seed, with_strategy, base, **options)

    monkeypatch.setattr(arms, "arm", counting)
    compare(list(newsletters), 2)
    assert calls.count(False) == 2 and calls.count(True) == 4
    calls.clear()
    different_people = override(newsletters[1], {"behavior.trust_sd": 0.1})
    compare([newsletters[0], different_people], 2)
    assert calls.count(False) == 4   # behaviour differs: the baseline arm differs too


def test_paired_ci_is_far_narrower_than_unpaired(newsletters):
    d = compare(list(newsletters), 3).differences()
    row = d[(d.segment == "all") & (d.kpi == "total_value")].iloc[0]
    paired, unpaired = row.ci_high - row.ci_low, row.unpaired_ci_high - row.unpaired_ci_low
    assert 0 < paired < unpaired / 5
    assert row.ci_low <= row["diff"] <= row.ci_high


def test_better_share_follows_the_kpi_direction(newsletters):
    d = compare(list(newsletters), 3).differences().set_index(["segment", "kpi"])
    assert d.loc[("all", "complaints"), "diff"] > 0 and d.loc[("all", "complaints"), "better_share"] == 0.0
    assert np.isnan(d.loc[("all", "opt_outs"), "better_share"])     # fewer opt-outs is a means, not better
    assert d.loc[("all", "npv"), "better_share"] in (0.0, 1.0)
    assert np.sign(d.loc[("all", "npv"), "diff"]) == (1 if d.loc[("all", "npv"), "better_share"] == 1 else -1)


def test_directions():
    """Outcomes have a direction; consent and opt-outs do not, since a dark pattern can buy either."""
    assert direction("npv") == 1 and direction("trust_end") == 1
    assert direction("complaints") == -1 and direction("reversal_days.feed") == -1 and direction("pushback") == -1
    assert direction("consent.newsletter") == 0 and direction("opt_outs") == 0
    assert direction("no_such_kpi") == 0


def test_compare_needs_two_scenarios(covert):
    with pytest.raises(InputError, match="two or more"):
        compare([covert], 2)


def test_cli_prints_both_cis_and_writes_the_folder(tmp_path, monkeypatch):
    from privsim.cli import experiments  # noqa: F401
    from privsim.cli.common import app

    monkeypatch.setenv("PRIVSIM_SIZE", "400")
    monkeypatch.setenv("PRIVSIM_REPS", "3")
    files = [str(SCENARIOS / "newsletter_opt_in.yaml"), str(SCENARIOS / "segmented_personalisation.yaml")]
    out = tmp_path / "cmp"
    result = CliRunner().invoke(app, ["compare", *files, "--set", "horizon_days=90", "--out", str(out),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["paired_ci_narrower_by"] > 1
    npv = next(r for r in data["differences"] if r["kpi"] == "npv")
    assert {"ci_low", "ci_high", "unpaired_ci_low", "unpaired_ci_high", "better_share"} <= set(npv)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["kind"] == "compare" and len(summary["names"]) == 2
    assert {"differences.csv", "kpis.csv", "replications.csv", "timeseries.parquet", "scenario-1.yaml"} <= {
        p.name for p in out.iterdir()}
    again = CliRunner().invoke(app, ["compare", *files, "--set", "horizon_days=90", "--out", str(out)])
    assert again.exit_code == 2 and "--force" in again.output          # an earlier compare is never replaced silently
    table = CliRunner().invoke(app, ["compare", *files, "--set", "horizon_days=90", "--out", str(out), "--force"])
    assert "paired 95% CI" in table.output and "unpaired 95% CI" in table.output and "narrower" in table.output
