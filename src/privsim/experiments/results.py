"""Results: per-replication KPIs, tidy time series and the KPI table with uncertainty.

Three labelled uncertainty figures (DESIGN §4): the spread over replications (P5–P95),
the 95% confidence interval of the mean (t-based), and, for comparisons, the paired
difference with its CI (experiments.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from privsim.experiments.intervals import mean_ci, wilson
from privsim.model import operations
from privsim.model.recorder import Recorder
from privsim.model.vocabulary import BACKLASH_LEVEL, BOUNDED, COMPANY_SERIES, COUNTS, PROBABILITY, term

if TYPE_CHECKING:   # pandas and scipy load on first use: workers running replications never need them
    import pandas as pd

SPREAD_MIN_REPS = 20    # a P5–P95 spread from fewer replications rests on one or two extreme runs
NONNEGATIVE = ("fines", "expected_fines", "breach_costs", "revenue")


@dataclass
class ReplicationResult:
    """What a worker returns for one replication: compact series, markers and KPIs, never a population."""

    replicate: int
    segments: list[str]
    series: dict[str, np.ndarray] = field(default_factory=dict)
    company: dict[str, np.ndarray] = field(default_factory=dict)
    marks: list[tuple[int, str, str]] = field(default_factory=list)
    kpis: dict[tuple[str, str], float] = field(default_factory=dict)   # (segment, kpi) -> value
    error: str | None = None
    reads: frozenset[str] | None = None    # scenario paths the run read, when asked (privsim.model.reads)

    @property
    def failed(self) -> bool:
        """The replication raised; ``error`` says what."""
        return self.error is not None


def kpis_of(rec: Recorder, base: Recorder | ReplicationResult | None,
            size0: np.ndarray) -> dict[tuple[str, str], float]:
    """KPIs of one replication; ``base`` is the no-practice arm on the same seed (or None).

    A KPI that is undefined in a replication (a share of nobody, a difference with no baseline) is left
    out rather than written as NaN; the KPI table averages the replications where it is defined.
    """
    out: dict[tuple[str, str], float] = {}
    s = rec.series
    segments = rec.segments
    start = np.append(size0, size0.sum()) * rec.eng.represents
    churn = s["churned"].sum(axis=0) / np.maximum(start, 1)
    base_churn = base.series["churned"].sum(axis=0) / np.maximum(start, 1) if base else None
    for j, seg in enumerate(segments):
        out[(seg, "churn")] = float(churn[j])
        if base_churn is not None:
            out[(seg, "privacy_churn")] = float(churn[j] - base_churn[j])
        out[(seg, "trust_end")] = float(s["trust"][-1, j])
        out[(seg, "revenue")] = float(s["revenue"][:, j].sum())
        stated, learned = (rec.tallies.get(m, np.zeros(len(segments) - 1)) for m in ("stated", "learned"))
        said, heard = (float(x.sum()) if seg == "all" else float(x[j]) for x in (stated, learned))
        if heard:
            out[(seg, "stated_intent")] = said / heard
        exits = rec.tallies.get("privacy_exits", np.zeros(len(segments) - 1))
        out[(seg, "privacy_exits")] = float(exits.sum()) if seg == "all" else float(exits[j])
        out[(seg, "opt_outs")] = float(s["opt_outs"][:, j].sum())
        out[(seg, "complaints")] = float(s["complaints"][:, j].sum())
        out[(seg, "pushback")] = (out[(seg, "opt_outs")] + out[(seg, "complaints")]) / max(float(start[j]), 1.0)
        out[(seg, "backlash_peak")] = float(s["backlash"][:, j].max())
        for fid in rec.flow_ids:
            out[(seg, f"consent.{fid}")] = float(s[f"consent.{fid}"][-1, j])
            asked = rec.tallies.get(f"asked.{fid}")
            if asked is not None:
                a = float(asked.sum()) if seg == "all" else float(asked[j])
                g = rec.tallies.get(f"granted.{fid}", np.zeros_like(asked))
                g = float(g.sum()) if seg == "all" else float(g[j])
                if a:
                    out[(seg, f"granted_at_ask.{fid}")] = g / a
    c, a = rec.company, "all"
    out[(a, "npv")] = float(c["npv"][-1])
    out[(a, "terminal_value")] = float(c["terminal_value"][-1])
    out[(a, "total_value")] = float(c["npv"][-1] + c["terminal_value"][-1])
    if base:
        out[(a, "npv_vs_baseline")] = float(c["npv"][-1] - base.company["npv"][-1])
        out[(a, "total_vs_baseline")] = out[(a, "total_value")] - float(base.company["npv"][-1]
                                                                       + base.company["terminal_value"][-1])
    out[(a, "formal_complaints")] = float(s["formal_complaints"][:, -1].sum())
    out[(a, "backlash_days")] = float((s["backlash"][:, -1] >= BACKLASH_LEVEL).sum())
    out[(a, "salience_peak")] = float(c["salience"].max())
    out[(a, "protest_share")] = float(s["protesters"][:, -1].sum() / max(start[-1], 1))
    heard = np.zeros(rec.eng.n, dtype=bool)
    for source in rec.eng.backlash.sources:
        heard |= source.aware
    out[(a, "heard")] = float(heard.mean()) if rec.eng.n else 0.0
    kinds = {kind for _, kind, _ in rec.eng.regulator.actions}
    out[(a, "regulator_action")] = float("investigation" in kinds)
    out[(a, "regulator_order")] = float(bool(kinds & {"order", "settlement", "fine"}))
    out[(a, "fine_paid")] = float(bool(kinds & {"settlement", "fine"}))
    out[(a, "fines")] = float(c["fines"].sum())
    out[(a, "expected_fines")] = float(c["expected_fines"].sum())
    out[(a, "breach_costs")] = float(c["breach_costs"].sum()) if "breach_costs" in c else 0.0
    out[(a, "breached")] = float(s["breached"][:, -1].sum())
    incidents = [what.partition("@")[0] for _, kind, what in rec.marks if kind in ("breach", "service_incident")]
    out[(a, "incidents")] = float(len(incidents))
    if rec.eng.operations is not None:
        for cause in operations.CAUSES:
            out[(a, f"incidents.{cause}")] = float(incidents.count(cause))
    contacts = float(s["service_contacts"][:, -1].sum())
    if contacts:
        out[(a, "creepy_share")] = float(s["creepy"][:, -1].sum()) / contacts
    if rec.eng.newcomers.size:
        out[(a, "acquired")] = float(rec.tallies.get("acquired", np.zeros(1)).sum())
    for tally in rec.tallies:
        if tally.startswith("asked.") and tally.removeprefix("asked.") not in rec.flow_ids:
            label = tally.removeprefix("asked.")   # a campaign: share of its targets who said yes
            asked = float(rec.tallies[tally].sum())
            granted = float(rec.tallies.get(f"granted.{label}", np.zeros(1)).sum())
            if asked:
                out[(a, f"campaign_retained.{label}")] = granted / asked
    discovered: dict[str, int] = {}
    for d, kind, what in rec.marks:
        if kind == "discovery":
            discovered.setdefault(what, d)
    for d, kind, what in rec.marks:
        if kind == "reversal" and what in discovered:
            out[(a, f"reversal_days.{what}")] = float(d - discovered[what])
        flow = what.partition(":")[2]
        if kind == "response" and flow in discovered and (a, f"response_days.{flow}") not in out:
            out[(a, f"response_days.{flow}")] = float(d - discovered[flow])
    return out


def finite(result: ReplicationResult) -> ReplicationResult:
    """The result, or a failed one naming the first non-finite KPI or series: a run never writes NaN or inf."""
    if result.failed:
        return result
    bad = next((f"KPI {kpi} of segment {seg}" for (seg, kpi), v in result.kpis.items() if not np.isfinite(v)), None)
    for name, values in (*result.series.items(), *result.company.items()):
        if bad is None and not np.isfinite(values).all():
            bad = f"daily series {name}"
    if bad is None:
        return result
    return ReplicationResult(replicate=result.replicate, segments=result.segments,
                             error=f"non-finite output: {bad} is NaN or infinite (the input should have been "
                                   "refused; please report the scenario)")


# ------------------------------------------------------------------ frames
def timeseries_frame(results: list[ReplicationResult]) -> pd.DataFrame:
    """Tidy daily series per segment: one row per (replicate, day, segment), one column per segment metric.

    Company-level series (NPV, cash, salience) have no segment: they are in :func:`company_frame`.
    """
    import pandas as pd

    frames = []
    for r in results:
        if r.failed:
            continue
        days = next(iter(r.series.values())).shape[0]
        for j, seg in enumerate(r.segments):
            cols: dict[str, Any] = {"replicate": r.replicate, "day": np.arange(days), "segment": seg}
            cols.update({m: v[:, j] for m, v in r.series.items()})
            frames.append(pd.DataFrame(cols))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["replicate", "day", "segment"])


def company_frame(results: list[ReplicationResult]) -> pd.DataFrame:
    """Tidy daily company-level series: one row per (replicate, day), one column per metric."""
    import pandas as pd

    frames = [pd.DataFrame({"replicate": r.replicate, "day": np.arange(len(next(iter(r.company.values())))),
                            **r.company}) for r in results if not r.failed and r.company]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["replicate", "day"])


def kpi_frame(results: list[ReplicationResult]) -> pd.DataFrame:
    """Long KPI table: replicate, segment, kpi, value."""
    import pandas as pd

    rows = [(r.replicate, seg, kpi, value) for r in results if not r.failed
            for (seg, kpi), value in r.kpis.items()]
    return pd.DataFrame(rows, columns=["replicate", "segment", "kpi", "value"])


def with_units(frame: pd.DataFrame) -> pd.DataFrame:
    """A KPI frame with ``meaning`` and ``unit`` columns from the vocabulary (machine-readable files keep fractions)."""
    terms = [term(str(k)) for k in frame["kpi"]]
    return frame.assign(meaning=[t.meaning for t in terms], unit=[t.unit for t in terms])


def summarize(kpis: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per (segment, kpi): mean, its 95% CI (Wilson for probabilities, t otherwise), P5–P95 over replications, n."""
    import pandas as pd

    rows = []
    for (seg, kpi), g in kpis.groupby(["segment", "kpi"], sort=False, observed=True):
        v = g["value"].to_numpy(dtype=float)
        v = v[~np.isnan(v)]
        if v.size == 0:
            continue
        unit = term(kpi).unit
        low, high = wilson(float(v.sum()), v.size, level) if unit == PROBABILITY else mean_ci(v, level)
        if unit in BOUNDED:   # a share's CI cannot leave [0, 1], a count's cannot go below 0
            low, high = max(low, 0.0), min(high, 1.0)
        elif unit in COUNTS or kpi in NONNEGATIVE:
            low = max(low, 0.0)
        rows.append({"segment": seg, "kpi": kpi, "mean": float(v.mean()), "ci_low": low, "ci_high": high,
                     "p5": float(np.percentile(v, 5)), "p95": float(np.percentile(v, 95)), "n": int(v.size)})
    return pd.DataFrame(rows, columns=["segment", "kpi", "mean", "ci_low", "ci_high", "p5", "p95", "n"])


COMPANY = tuple(COMPANY_SERIES)
