"""The golden baseline: KPI means of fixed scenarios and seeds that guard the default model.

Run ``.venv/bin/python -m tests.golden`` to refresh ``tests/golden.json`` after a deliberate model
change; it prints every KPI delta, which goes into the commit message.
"""

from __future__ import annotations

import json
from pathlib import Path

from privsim.experiments.runs import replicate
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import resize

ROOT = Path(__file__).resolve().parents[1]
FILE = Path(__file__).with_name("golden.json")
CASES = {"newsletter_opt_in": 2000, "covert_sharing": 2000, "remote_breach_unencrypted": 1500,
         "dark_pattern_consent": 1500}


def measure() -> dict[str, dict[str, float]]:
    """KPI means (whole population) of every golden scenario: 3 replications at a fixed size."""
    out = {}
    for name, size in CASES.items():
        s = resize(load_scenario(ROOT / "scenarios" / f"{name}.yaml"), size)
        table = replicate(s, 3).summary()
        rows = table[table.segment == "all"]
        out[name] = {row.kpi: round(float(row.mean), 6) for row in rows.itertuples()}
    return out


def main() -> None:
    """Rewrite golden.json and print the deltas."""
    old = json.loads(FILE.read_text()) if FILE.exists() else {}
    new = measure()
    for name, kpis in new.items():
        for kpi, value in kpis.items():
            before = old.get(name, {}).get(kpi)
            if before != value:
                print(f"{name}.{kpi}: {before} -> {value}")
    FILE.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
