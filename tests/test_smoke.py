from privsim import replicate


def test_default_scenario_runs_small(newsletter):
    run = replicate(newsletter, reps=2)
    table = run.summary()
    assert not run.failed
    npv = table[(table.segment == "all") & (table.kpi == "npv")]["mean"].item()
    assert npv > 0
