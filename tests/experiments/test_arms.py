"""run_cells shares one no-practice baseline per distinct baseline and replicate; results equal unshared runs."""

from __future__ import annotations

import pandas as pd
import pytest

from privsim.experiments.executors import Serial, no_progress
from privsim.experiments.frontier import frontier
from privsim.experiments.results import kpi_frame
from privsim.experiments.runs import simulate
from privsim.experiments.sensitivity import sensitivity
from privsim.scenario.overrides import override
from tests.conftest import ROOT, small

CONTACTS = "strategy.practices.newsletter.contacts_per_month"


@pytest.fixture(scope="module")
def scenario():
    return small(ROOT / "scenarios" / "newsletter_opt_in.yaml", 200)


def reference(points: list, reps: int, seed: int) -> pd.DataFrame:
    """Point by point, each cell with its own baseline arm (``simulate``): no reuse, no batch."""
    return pd.concat([kpi_frame([simulate(s, r, seed=seed) for r in range(reps)]).assign(point=i)
                      for i, s in enumerate(points)], ignore_index=True)


def test_shared_baselines_are_bit_identical_to_unshared_runs(scenario):
    values = [1, 4, 8]
    runs: list[tuple[str, int]] = []

    class Counting(Serial):
        def each(self, fn, tasks, progress=no_progress, stage="replications"):
            runs.append((fn.__name__, len(tasks)))
            yield from super().each(fn, tasks, progress, stage)

    f = frontier(scenario, f"{CONTACTS}={values}", reps=2, executor=Counting())
    assert runs == [("paired_task", 2), ("arm_task", 4)]          # one baseline per replicate for three points
    ours = f.sweep.kpis.sort_values(["point", "replicate", "segment", "kpi"]).reset_index(drop=True)
    ref = reference([override(scenario, {CONTACTS: v}) for v in values], 2, scenario.seed)
    ref = ref[ours.columns].sort_values(["point", "replicate", "segment", "kpi"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(ours, ref, check_exact=True, check_dtype=False)


def test_streamed_sensitivity_equals_the_unstreamed_one(scenario):
    seen = []
    quiet = sensitivity(scenario, "tornado", params=["economics"], kpis=["npv"], reps=2)
    loud = sensitivity(scenario, "tornado", params=["economics"], kpis=["npv"], reps=2,
                       on_point=lambda p, part: seen.append((p, sorted(part.table["parameter"]))))
    pd.testing.assert_frame_equal(quiet.table, loud.table, check_exact=True)
    assert [p for p, _ in seen] == list(range(7))                   # serial: points land in order
    assert seen[0][1] == [] and seen[2][1] == ["economics.discount_rate"] and len(seen[-1][1]) == 3


def test_an_exception_in_on_point_stops_the_run(scenario):
    class StopError(Exception):
        pass

    def cancel(point, partial):
        raise StopError

    with pytest.raises(StopError):
        frontier(scenario, f"{CONTACTS}=[1, 4]", reps=1, on_point=cancel)


def test_sensitivity_points_that_change_nothing_the_baseline_read_share_it_bit_for_bit(scenario):
    """A point's baseline is reused only when the base point's baselines never read what it changes."""
    params = ["behavior.consent.intercept", "behavior.churn.say_do", "economics.cost_per_complaint",
              "economics.discount_rate"]
    runs: list[tuple[str, int]] = []

    class Counting(Serial):
        def each(self, fn, tasks, progress=no_progress, stage="replications"):
            runs.append((fn.__name__, len(tasks)))
            yield from super().each(fn, tasks, progress, stage)

    ours = sensitivity(scenario, "tornado", params=params, kpis=["npv", "privacy_churn", "opt_outs"], reps=2,
                       executor=Counting())
    # the base point pairs; consent and the complaint cost (no complaint without practices) reuse its baselines,
    # the say-do gap and the discount rate (read by every baseline) run their own: 2 points x 2 each
    assert runs == [("paired_task", 2), ("paired_task", 8), ("arm_task", 8)]
    rows = [{}] + [{p: ours.factors[p][i]} for p in ours.factors for i in (1, 2)]
    ref = reference([override(scenario, row, source="sensitivity") for row in rows], 2, scenario.seed)
    ref = ref[ref["segment"] == "all"].groupby(["point", "kpi"])["value"].mean().unstack()
    for kpi in ("npv", "privacy_churn", "opt_outs"):
        assert ours.points[kpi].tolist() == ref[kpi].tolist()
