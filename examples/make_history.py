"""Write the bundled two-year history (examples/history.csv) by simulating examples/history-base.yaml.

Deterministic: one replication on seed ``SEED`` (not the scenario's 2026, so a fit on the scenario's seed meets
other dice than the history did, as it would with a real history) with the coefficients of
examples/history-truth.yaml. It writes what platforms export, then converts them with privsim's converters:

- ``examples/history/email-report.csv``: one row per newsletter send day (campaign, send date and time, sent,
  delivered, unsubscribed, spam complaints; unsubscribes and complaints counted until the next send);
- ``examples/history/consent-log.csv``: grants, denials and withdrawals per day and purpose (the newsletter's
  withdrawals are the e-mail report's unsubscribes, so the log leaves them out). During a 13-week
  banner A/B test (days ``TEST``) half the newsletter's sign-ups saw the scenario's banner (``control``) and
  half a pre-ticked box (``preticked``): each half's counts are that share of the sign-ups of a run with its
  banner, on the same seed;
- ``examples/history.csv``: both converted, plus monthly leavers (``churn``) as the CRM reports them.

Run from the repository root: ``python examples/make_history.py``.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

import privsim
from privsim.experiments.history_sim import observe
from privsim.scenario.history import load_history
from privsim.scenario.historyconvert import TIDY, convert_consent, convert_email
from privsim.scenario.overlay import apply_overlay

HERE = Path(__file__).resolve().parent
SEED = 1
START = date(2023, 1, 2)
TEST = range(420, 511)
VARIANT = {"strategy.practices.newsletter.ui_patterns": ["pre_ticked"]}
PRACTICES = ("newsletter", "personalisation")
NAMES = ["churned", "complaints", "sends", *(f"{k}.{p}" for p in PRACTICES for k in ("asked", "granted",
                                                                                      "opt_outs"))]


def daily(scenario: privsim.Scenario) -> dict[str, np.ndarray]:
    """One replication's daily arrays for the whole base (the last column)."""
    out = observe((scenario, 0, SEED, NAMES))
    assert not isinstance(out, str), out
    return {k: v[:, -1] for k, v in out.items()}


def email_report(d: dict[str, np.ndarray]) -> pd.DataFrame:
    """One campaign per send day; its unsubscribes and complaints are those until the next send.

    The last send is left out: its week runs past the two years, so the report would still be counting it.
    """
    days = np.flatnonzero(d["sends"] > 0)
    days, ends = days[:-1], days[1:]
    return pd.DataFrame({
        "Campaign": [f"Newsletter {START + timedelta(days=int(t)):%Y-%m-%d}" for t in days],
        "Send Date": [f"{START + timedelta(days=int(t)):%Y-%m-%d} 09:00" for t in days],
        "Sent": d["sends"][days].astype(int), "Delivered": d["sends"][days].astype(int),
        "Unsubscribed": [int(d["opt_outs.newsletter"][a:b].sum()) for a, b in zip(days, ends, strict=True)],
        "Spam Complaints": [int(d["complaints"][a:b].sum()) for a, b in zip(days, ends, strict=True)]})


def consent_log(d: dict[str, np.ndarray], test: dict[str, np.ndarray]) -> pd.DataFrame:
    """Grants, denials and withdrawals per day and purpose; newsletter sign-ups split in two during the test."""
    rows = []
    for t in range(d["sends"].size):
        day = f"{START + timedelta(days=t):%Y-%m-%d}"
        for p in PRACTICES:
            asked, granted, gone = (int(d[f"{k}.{p}"][t]) for k in ("asked", "granted", "opt_outs"))
            if p == "newsletter" and t in TEST and asked:
                half = asked // 2
                for name, run, n in (("control", d, half), ("preticked", test, asked - half)):
                    a, g = run[f"asked.{p}"][t], run[f"granted.{p}"][t]
                    yes = round(g / a * n) if a else 0
                    rows += [(day, p, "grant", yes, name), (day, p, "deny", n - yes, name)]
            elif asked:
                rows += [(day, p, "grant", granted, ""), (day, p, "deny", asked - granted, "")]
            if gone and p != "newsletter":   # newsletter opt-outs are the e-mail report's unsubscribes
                rows.append((day, p, "withdraw", gone, ""))
    return pd.DataFrame(rows, columns=["date", "purpose", "action", "count", "variant"])


def churn(d: dict[str, np.ndarray]) -> pd.DataFrame:
    """Leavers per calendar month, dated on its first day (the first month on the history's first day)."""
    when = pd.to_datetime([START + timedelta(days=t) for t in range(d["churned"].size)])
    months = pd.Series(d["churned"], index=when).resample("MS").sum()
    first = months.index.where(months.index >= pd.Timestamp(START), pd.Timestamp(START))
    return pd.DataFrame({"date": first.strftime("%Y-%m-%d"), "metric": "churn",
                         "value": [f"{v:.0f}" for v in months.to_numpy()]})


def main() -> None:
    """Simulate, write the exports, convert them and write examples/history.csv."""
    s = apply_overlay(privsim.load_scenario(HERE / "history-base.yaml"), HERE / "history-truth.yaml")
    s = privsim.override(s, {"start_date": START.isoformat()})
    base, test = daily(s), daily(privsim.override(s, VARIANT))
    folder = HERE / "history"
    folder.mkdir(exist_ok=True)
    email_report(base).to_csv(folder / "email-report.csv", index=False)
    consent_log(base, test).to_csv(folder / "consent-log.csv", index=False)
    tidy = pd.concat([convert_email(folder / "email-report.csv", purpose="newsletter"),
                      convert_consent(folder / "consent-log.csv"), churn(base)], ignore_index=True)
    tidy = tidy.reindex(columns=TIDY).sort_values(["date", "metric", "purpose", "variant"], kind="stable")
    tidy.to_csv(HERE / "history.csv", index=False)
    h = load_history(HERE / "history.csv")
    print(f"wrote examples/history.csv: {len(h.frame):,} rows from {h.start} over {h.days} days")


if __name__ == "__main__":
    main()
