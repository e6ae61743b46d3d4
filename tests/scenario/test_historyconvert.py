"""Converters from e-mail campaign reports and consent-log summaries to the tidy history, on tiny files."""

from __future__ import annotations

import pytest

from privsim.errors import InputError
from privsim.scenario.history import load_history
from privsim.scenario.historyconvert import convert_consent, convert_email


def test_email_report_by_aliases_sums_campaigns_of_a_day(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("Campaign,Send_Date,Emails Sent,Unsubscribed,Spam Reports,Opens\n"
                    "A,2024-03-01 09:00,1000,4,1,300\nB,2024-03-01T18:30:00Z,500,2,0,90\nC,2024-03-08,900,3,2,200\n")
    tidy = convert_email(path, purpose="newsletter")
    day1 = tidy[tidy["date"] == "2024-03-01"].set_index("metric")["value"]
    assert day1.to_dict() == {"complaints": "1", "sends": "1500", "unsubscribes": "6"}
    assert set(tidy["purpose"]) == {"newsletter"}
    out = tmp_path / "history.csv"
    tidy.to_csv(out, index=False)
    assert len(load_history(out).frame) == 6


def test_email_report_problems_are_located(tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("Send Date,Sent,Unsubscribed\n2024-03-01,10,1\n")
    with pytest.raises(InputError, match=r"has no complaints column.*'spam complaints'"):
        convert_email(path)
    path.write_text("Send Date,Sent,Unsubscribed,Complaints\n03/01/2024,10,1,0\n2024-03-02,ten,1,0\n")
    with pytest.raises(InputError) as exc:
        convert_email(path)
    assert f"{path}:2: column Send Date: got '03/01/2024'; allowed: a date YYYY-MM-DD" in str(exc.value)


def test_consent_log_gives_rates_with_n_and_withdrawals(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("Day,Purpose,Action,Count,Banner\n2024-03-01,Marketing,accepted,30,A\n"
                    "2024-03-01,Marketing,rejected,10,A\n2024-03-01,Marketing,granted,5,B\n"
                    "2024-03-01,Marketing,withdrawn,2,\n2024-03-02,analytics,deny,4,\n")
    tidy = convert_consent(path, {"Marketing": "newsletter"})
    rates = tidy[tidy["metric"] == "consent_rate"].set_index(["purpose", "variant"])
    assert rates.loc[("newsletter", "A"), "value"] == "0.75" and rates.loc[("newsletter", "A"), "n"] == 40
    assert rates.loc[("newsletter", "B"), "value"] == "1" and rates.loc[("analytics", ""), "value"] == "0"
    gone = tidy[tidy["metric"] == "unsubscribes"]
    assert gone[["purpose", "value", "variant"]].values.tolist() == [["newsletter", "2", ""]]
    path.write_text("date,purpose,action,count\n2024-03-01,Marketing,maybe,3\n")
    with pytest.raises(InputError) as exc:
        convert_consent(path)
    text = str(exc.value)
    assert ":2: column purpose: got 'Marketing'; allowed: a practice id" in text and "--rename" in text
