"""Small customer exports, maps and scenarios for the own-data tests (a few hundred rows at most)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from privsim.files import write_frame
from privsim.scenario.customers import population_from_export

MAP = """\
identifiers: [customer_id, email]
key: customer_id
segment:
  column: seg
  values: {F: fundamentalist, P: pragmatist, U: unconcerned}
annual_value: spend
tenure: {column: tenure, unit: years}
consents:
  newsletter: {column: optin, granted: ["yes"], denied: ["no"]}
"""

SCENARIO = """\
name: own base
horizon_days: 30
replications: 2
seed: 11
population:
  size: {size}
  represents: 1
  from_file: {path}
  segments:
{segments}
strategy:
  practices:
    - {{id: newsletter, purpose: marketing_email, data: [contact], consent: opt_in, channel: email,
       contacts_per_month: 4, revenue_lift: 0.02}}
behavior:
  discovery: {{per_year: 0.0}}
"""


def customers(n: int = 400, seed: int = 5) -> pd.DataFrame:
    """An export: identifiers, segment codes, spend, tenure, a newsletter flag and an unmapped note."""
    rng = np.random.default_rng(seed)
    ids = np.char.add("cust-", np.char.zfill(np.arange(n).astype(str), 6))
    return pd.DataFrame({
        "customer_id": ids,
        "email": np.char.add(ids, "@mail.example"),
        "seg": rng.choice(["F", "P", "U"], size=n, p=[0.25, 0.6, 0.15]),
        "spend": rng.integers(10, 90, size=n) * 10,
        "tenure": rng.integers(1, 12, size=n),
        "optin": rng.choice(["yes", "no", ""], size=n, p=[0.4, 0.3, 0.3]),
        "note": "not mapped",
    })


def write(folder: Path, frame: pd.DataFrame, name: str = "export.csv", map_text: str = MAP) -> tuple[Path, Path]:
    """The export (by suffix) and its map in ``folder``."""
    export = folder / name
    if export.suffix == ".csv":
        frame.to_csv(export, index=False)
    elif export.suffix == ".parquet":
        frame.to_parquet(export, index=False)
    else:
        frame.to_excel(export, index=False)
    (folder / "map.yaml").write_text(map_text)
    return export, folder / "map.yaml"


def population_file(folder: Path, frame: pd.DataFrame | None = None) -> tuple[Path, dict[str, dict[str, float]]]:
    """A built per-customer population file and its segment levels."""
    export, map_path = write(folder, customers() if frame is None else frame)
    built = population_from_export(export, map_path)
    path = folder / "population.parquet"
    write_frame(path, built.frame)
    return path, built.segments


def scenario_text(path: str, segments: dict[str, dict[str, float]], size: int = 300) -> str:
    """A scenario on the population file ``path`` with the newsletter practice."""
    rows = "\n".join(f"    {n}: {{{', '.join(f'{k}: {v!r}' for k, v in s.items())}}}" for n, s in segments.items())
    return SCENARIO.format(size=size, path=path, segments=rows)
