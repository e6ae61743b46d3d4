"""Resolution independence of the whole engine: the same real population at 2,000 and 20,000 simulated
customers gives the same probabilities and shares within noise.

This is the one test allowed up to 60 s (docs/architecture.md): it runs 40 replications at each size of a
covert practice that a regulator may investigate and of a library case. Every probability KPI is compared
by Newcombe's interval for a difference of proportions and every share by Welch's, p-values Holm-corrected
over all comparisons at family-wise 1%. A control shows the same comparison finds a real difference.
"""

from __future__ import annotations

import pytest

from privsim.experiments import resolution
from privsim.model.vocabulary import term
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import override
from privsim.tester.cases import load_case
from tests.conftest import SCENARIOS

SIZES = (2_000, 20_000)
REPS = 40
COMPARED_UNITS = ("probability", "share")


def compared(values):
    kpis = sorted(set.intersection(*(set(t.columns) for t in values.values())))
    return [k for k in kpis if term(k).unit in COMPARED_UNITS]


@pytest.fixture(scope="module")
def runs():
    subjects = {"covert_sharing": load_scenario(SCENARIOS / "covert_sharing.yaml"),
                "toysmart_2000": load_case("toysmart_2000").scenario}
    return {name: resolution.by_size(s, SIZES, REPS) for name, s in subjects.items()}


@pytest.mark.slow
def test_probabilities_and_shares_do_not_depend_on_the_simulated_size(runs):
    differences = [d for values in runs.values() for d in resolution.compare(values, *SIZES, compared(values))]
    units = {term(d.kpi).unit for d in differences}
    assert units == set(COMPARED_UNITS) and len(differences) >= 16
    assert {"regulator_action", "regulator_order", "fine_paid", "churn", "privacy_churn"} <= {
        d.kpi for d in differences}
    real = resolution.disagreements(differences, alpha=0.01)
    assert not real, [(d.kpi, d.difference, d.low, d.high, d.p_value) for d in real]


@pytest.mark.slow
def test_the_comparison_finds_a_real_difference(runs):
    """Control: a regulator that hears ten times more at the larger size is a disagreement."""
    loud = override(load_scenario(SCENARIOS / "covert_sharing.yaml"),
                    {"behavior.regulator.audit_per_year": 2.0, "behavior.regulator.media_per_year": 200.0})
    values = {SIZES[0]: runs["covert_sharing"][SIZES[0]], SIZES[1]: resolution.by_size(loud, SIZES[1:], REPS)[SIZES[1]]}
    real = resolution.disagreements(resolution.compare(values, *SIZES, compared(values)), alpha=0.01)
    assert "regulator_action" in {d.kpi for d in real}


def test_newcombe_p_value_is_where_the_interval_reaches_zero():
    from privsim.experiments.intervals import newcombe

    p = resolution.newcombe_p(5, 20, 15, 20)
    high = newcombe(5, 20, 15, 20, 1 - p)[1]
    assert high == pytest.approx(0.0, abs=1e-6) and 0 < p < 0.01
    assert resolution.newcombe_p(7, 20, 7, 20) == 1.0


def test_a_count_of_a_few_simulated_customers_is_too_discrete_to_test():
    import pandas as pd

    rare = {2_000: pd.DataFrame({"complaints": [0.0] * 20}),           # each one would be 500 real complaints
            20_000: pd.DataFrame({"complaints": [0.0, 50.0, 100.0, 150.0] * 5})}
    [d] = resolution.compare(rare, *SIZES, real=1e6)
    assert not d.testable and not resolution.disagreements([d], alpha=0.01)
    [d] = resolution.compare(rare, *SIZES)                               # without the real size: tested
    assert d.testable
