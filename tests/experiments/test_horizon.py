"""The verdict does not depend on where the horizon falls: total value (NPV + lifetime value past the
horizon) against the baseline is the same at one and three years, while NPV alone is not."""

import numpy as np
import pytest

from privsim.experiments.runs import replicate
from privsim.scenario.overrides import override
from tests.conftest import small

pytestmark = pytest.mark.slow


REPS = 10


def value_vs_baseline(name: str, horizon: int) -> tuple[np.ndarray, np.ndarray]:
    """Per replication: NPV and total value against the baseline."""
    s = override(small(name, 2000), {"horizon_days": horizon})
    k = replicate(s, REPS).kpis()
    k = k[k["segment"] == "all"].pivot(index="replicate", columns="kpi", values="value")
    return k["npv_vs_baseline"].to_numpy(), k["total_vs_baseline"].to_numpy()


def test_covert_sharing_total_is_the_same_at_one_and_three_years():
    npv1, total1 = value_vs_baseline("covert_sharing.yaml", 365)
    npv3, total3 = value_vs_baseline("covert_sharing.yaml", 1095)
    assert npv3.mean() < npv1.mean()                          # NPV alone keeps falling with the horizon
    assert total1.mean() < 0 and total3.mean() < 0
    diff = total3 - total1                                    # paired: the same seeds, the same first year
    assert abs(npv3.mean() - npv1.mean()) > 3 * abs(diff.mean())
    assert abs(diff.mean()) < 3 * diff.std(ddof=1) / np.sqrt(REPS)
    assert abs(diff.mean()) < 0.25 * abs(total1.mean())


def test_doubleclick_verdict_on_total_value_holds_at_every_horizon():
    from privsim.scenario.overrides import resize
    from privsim.tester.cases import load_case

    case = load_case("doubleclick_abacus_1999")
    verdicts = []
    for horizon in (365, 730, 1095):
        means = []
        for s in (case.scenario, case.counterfactual()):
            k = replicate(override(resize(s, 2000), {"horizon_days": horizon}), 6).kpis()
            means.append(k[(k["segment"] == "all") & (k["kpi"] == "total_value")]["value"].mean())
        verdicts.append(means[0] - means[1])
    assert all(v < 0 for v in verdicts), verdicts              # the covert merger loses, whatever the horizon
