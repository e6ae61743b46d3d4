"""replicate(): identical results on any executor and worker count; failures recorded, not raised."""

import numpy as np
import pandas as pd
import pytest

import privsim
from privsim.experiments.runs import replicate, simulate
from tests.conftest import SCENARIOS, small


@pytest.fixture(scope="module")
def covert():
    return small("covert_sharing.yaml", 800)


def test_serial_and_processes_identical_for_any_worker_count(covert):
    serial = replicate(covert, 3)
    for workers in (1, 2):
        parallel = replicate(covert, 3, executor="processes", workers=workers)
        pd.testing.assert_frame_equal(serial.kpis(), parallel.kpis())
        pd.testing.assert_frame_equal(serial.to_frame(), parallel.to_frame())


def test_same_seed_same_result_other_seed_differs(covert):
    a, b = simulate(covert, 1), simulate(covert, 1)
    c = simulate(covert, 1, seed=covert.seed + 1)
    assert a.kpis == b.kpis
    assert a.kpis != c.kpis


def test_replicates_differ_from_each_other(covert):
    run = replicate(covert, 3)
    npv = run.kpis().query("kpi == 'npv' and segment == 'all'")["value"]
    assert npv.nunique() == 3


def test_summary_has_three_uncertainty_figures(covert):
    table = replicate(covert, 3).summary()
    row = table[(table.segment == "all") & (table.kpi == "npv")].iloc[0]
    assert row.ci_low <= row["mean"] <= row.ci_high
    assert row.p5 <= row["mean"] <= row.p95
    assert row.n == 3
    assert set(table.segment) == {"fundamentalist", "pragmatist", "unconcerned", "all"}


def test_failed_replication_is_recorded_and_the_rest_go_on(covert, monkeypatch):
    import privsim.experiments.arms as arms

    real = arms.arm

    def flaky(scenario, replicate, seed, with_strategy=True, base=None, **kw):
        if replicate == 0 and with_strategy:
            raise ValueError("boom")
        return real(scenario, replicate, seed, with_strategy, base, **kw)

    monkeypatch.setattr(arms, "arm", flaky)
    run = replicate(covert, 3)
    assert [r.replicate for r in run.failed] == [0]
    assert "ValueError: boom" in run.failed[0].error
    assert sorted(run.kpis()["replicate"].unique()) == [1, 2]


def test_public_api_round_trip(tmp_path):
    s = privsim.resize(privsim.load_scenario(SCENARIOS / "newsletter_opt_in.yaml"), 500)
    one = privsim.simulate(s)
    assert one.kpis[("all", "consent.newsletter")] > 0
    frame = privsim.replicate(s, reps=2).to_frame()
    assert {"replicate", "day", "segment"} <= set(frame.columns)
    assert np.array_equal(sorted(frame.replicate.unique()), [0, 1])


def test_dir_of_the_package_shows_the_public_api_only():
    assert dir(privsim) == sorted([*privsim.__all__, "__version__"])
    assert not {"import_module", "Any", "sys"} & set(dir(privsim))


def test_an_override_keeps_its_name_and_speaks_of_parameters(covert):
    from privsim.errors import InputError

    variant = privsim.override(covert, {"horizon_days": 300}, name="Short horizon")
    assert variant.name == variant.strategy.name == "Short horizon"
    cmp = privsim.compare([privsim.override(covert, {"horizon_days": 300}), variant], reps=1)
    assert cmp.names[1] == "Short horizon"
    with pytest.raises(InputError) as bad:
        privsim.override(covert, {"horizon_dayz": 30})
    assert str(bad.value).startswith("override") and "--set" not in str(bad.value)
