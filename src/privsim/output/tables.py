"""Result tables in display units, shared by the command line, the HTML report and the dashboard.

Each function takes a result frame and returns a frame of display strings with the same columns
in every face, so the three never word or round a figure differently.
"""

from __future__ import annotations

import pandas as pd

from privsim.experiments.results import SPREAD_MIN_REPS
from privsim.output.formatting import coefficient, fmt, label, plain, signed


def kpi_rows(summary: pd.DataFrame, currency: str) -> pd.DataFrame:
    """One row per KPI: mean, 95% CI of the mean, P5–P95 over replications and n."""
    k = summary["kpi"]
    return pd.DataFrame({
        "KPI": [label(x) for x in k], "mean": [fmt(x, v, currency) for x, v in zip(k, summary["mean"], strict=True)],
        "95% CI of mean": [f"{fmt(x, lo, currency)} – {fmt(x, hi, currency)}"
                           for x, lo, hi in zip(k, summary["ci_low"], summary["ci_high"], strict=True)],
        "P5–P95 over replications": [f"{fmt(x, lo, currency)} – {fmt(x, hi, currency)}"
                                     for x, lo, hi in zip(k, summary["p5"], summary["p95"], strict=True)],
        "n": summary["n"].astype(str)}).reset_index(drop=True)


def difference_rows(diff: pd.DataFrame, currency: str) -> pd.DataFrame:
    """One row per (scenario, KPI): both means, the paired difference with its CI, the unpaired CI, better in."""
    k = diff["kpi"]

    def interval(low: str, high: str) -> list[str]:
        return [f"{signed(x, a, currency)} – {signed(x, b, currency)}"
                for x, a, b in zip(k, diff[low], diff[high], strict=True)]

    return pd.DataFrame({
        "scenario": diff["scenario"], "KPI": [label(x) for x in k],
        "reference": [fmt(x, v, currency) for x, v in zip(k, diff["mean_reference"], strict=True)],
        "scenario mean": [fmt(x, v, currency) for x, v in zip(k, diff["mean"], strict=True)],
        "difference": [signed(x, v, currency) for x, v in zip(k, diff["diff"], strict=True)],
        "paired 95% CI": interval("ci_low", "ci_high"),
        "unpaired 95% CI": interval("unpaired_ci_low", "unpaired_ci_high"),
        "better in": [f"{v:.0%}" if pd.notna(v) else "–" for v in diff["better_share"]]}).reset_index(drop=True)


def sensitivity_rows(ranked: pd.DataFrame, method: str, kpi: str, currency: str) -> pd.DataFrame:
    """A ranked sensitivity table: the coefficient, its range and the KPI at both ends (tornado) or μ*, σ (Morris)."""
    out = pd.DataFrame({"rank": ranked["rank"].astype(int).astype(str),
                        "coefficient": [coefficient(p) for p in ranked["parameter"]],
                        "range": [f"{plain(a)} – {plain(b)}" for a, b in zip(ranked["low"], ranked["high"],
                                                                              strict=True)]})
    if method == "tornado":
        name = label(kpi)
        out[f"{name}, coefficient low"] = [fmt(kpi, v, currency) for v in ranked["value_low"]]
        out[f"{name}, coefficient high"] = [fmt(kpi, v, currency) for v in ranked["value_high"]]
        out["swing"] = [fmt(kpi, v, currency) for v in ranked["effect"]]
    else:
        for col, shown in (("mu", "μ"), ("mu_star", "μ* (importance)"), ("sigma", "σ (interactions)")):
            out[shown] = [fmt(kpi, v, currency) for v in ranked[col]]
    return out.reset_index(drop=True)


def spread_note(replications: int) -> str:
    """A warning when a P5–P95 spread rests on too few replications ('' when there are enough)."""
    if replications >= SPREAD_MIN_REPS:
        return ""
    return (f"Note: the P5–P95 spread rests on {replications} replication{'s' if replications != 1 else ''}; "
            f"below {SPREAD_MIN_REPS} it is set by one or two extreme runs. Use --reps {SPREAD_MIN_REPS} or more "
            "for a spread to rely on.")
