"""The default model's KPIs on fixed scenarios and seeds; changed only in a commit listing the deltas."""

import json
import math

from tests.golden import FILE, measure


def test_golden_baseline_unchanged():
    expected = json.loads(FILE.read_text())
    actual = measure()
    assert set(actual) == set(expected)
    moved = {}
    for name, kpis in expected.items():
        assert set(actual[name]) == set(kpis), name
        for kpi, value in kpis.items():
            got = actual[name][kpi]
            if not math.isclose(got, value, rel_tol=1e-6, abs_tol=1e-9):
                moved[f"{name}.{kpi}"] = (value, got)
    assert not moved, f"KPIs moved (run `python -m tests.golden` and list the deltas in the commit): {moved}"
