"""Results: the CI of the mean, the KPI table, and intervals that respect each KPI's range."""

import numpy as np
import pandas as pd
import pytest

from privsim.experiments.results import summarize


def test_confidence_intervals_respect_the_kpi_range():
    rows = [{"replicate": r, "segment": "all", "kpi": kpi, "value": v}
            for kpi, values in (("regulator_action", [0.0, 0.0, 1.0]), ("complaints", [0.0, 0.0, 900.0]),
                                ("npv", [-5.0, 0.0, 5.0]), ("incidents.intrusion", [0.0, 0.0, 1.0]))
            for r, v in enumerate(values)]
    table = summarize(pd.DataFrame(rows)).set_index("kpi")
    assert table.loc["regulator_action", ["ci_low", "ci_high"]].tolist() == pytest.approx([0.0615, 0.7923], abs=1e-4)
    assert table.loc["complaints", "ci_low"] == 0.0 and table.loc["complaints", "ci_high"] > 900
    assert table.loc["npv", "ci_low"] < -5.0
    assert table.loc["incidents.intrusion", "ci_low"] == 0.0           # a count of incidents is never negative



def test_a_non_finite_output_fails_its_replication_with_a_reason():
    from privsim.experiments.results import ReplicationResult, finite
    from privsim.experiments.runs import simulate
    from tests.conftest import small

    def corrupt(day, eng):
        if day == 3:
            eng.npv = float("nan")

    r = simulate(small("newsletter_opt_in.yaml", 200), 0, probe=corrupt)
    assert r.failed and "npv" in r.error and "NaN or infinite" in r.error and not r.kpis
    handmade = ReplicationResult(replicate=0, segments=["all"], kpis={("all", "fines"): float("inf")})
    assert finite(handmade).error.startswith("non-finite output: KPI fines")
    clean = ReplicationResult(replicate=0, segments=["all"], kpis={("all", "fines"): 0.0})
    assert finite(clean) is clean


def test_undefined_kpis_are_left_out_not_written_as_nan():
    from privsim.experiments.runs import simulate
    from tests.conftest import small

    r = simulate(small("newsletter_opt_in.yaml", 200), 0, baseline=False)
    assert ("all", "npv_vs_baseline") not in r.kpis and ("all", "privacy_churn") not in r.kpis
    assert all(np.isfinite(v) for v in r.kpis.values())
