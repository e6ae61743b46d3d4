"""Files a comparison can be downloaded as: KPI tables (CSV), daily series (Parquet), the HTML report."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from privsim.experiments.compare import Comparison
from privsim.experiments.results import with_units
from privsim.output.folders import write_comparison
from privsim.output.report import build_report


def kpis_csv(cmp: Comparison) -> bytes:
    """KPI table of every scenario and segment: mean, 95% CI of the mean, P5–P95, n."""
    return with_units(cmp.summary()).to_csv(index=False).encode()


def differences_csv(cmp: Comparison) -> bytes:
    """Paired differences from the reference with paired and unpaired 95% CIs."""
    return with_units(cmp.differences()).to_csv(index=False).encode()


def replications_csv(cmp: Comparison) -> bytes:
    """Every KPI of every replication (long)."""
    return cmp.to_frame().to_csv(index=False).encode()


def timeseries_parquet(cmp: Comparison) -> bytes:
    """Daily series of every scenario, replication and segment."""
    buffer = io.BytesIO()
    cmp.timeseries().to_parquet(buffer, index=False)
    return buffer.getvalue()


def company_parquet(cmp: Comparison) -> bytes:
    """Daily company-level series (NPV, cash, salience, …) of every scenario and replication."""
    buffer = io.BytesIO()
    cmp.company_frame().to_parquet(buffer, index=False)
    return buffer.getvalue()


def report_html(cmp: Comparison) -> bytes:
    """The self-contained offline HTML report ``privsim report`` writes for a compare folder."""
    with tempfile.TemporaryDirectory(prefix="privsim-report-") as tmp:
        folder = write_comparison(cmp, Path(tmp) / "compare")
        return build_report(folder).encode()
