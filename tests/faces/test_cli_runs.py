"""privsim runs list|show|diff|rebuild as a user meets them: readable tables, plain JSON, exit 2 on a bad run."""

import json
import os
import re
import shutil

import pytest
from typer.testing import CliRunner

from privsim.cli import runs as runs_cli  # noqa: F401  (registers the runs commands)
from privsim.cli.common import app
from privsim.experiments.compare import compare
from privsim.experiments.runs import replicate
from privsim.output import runfolders
from privsim.output.folders import write_comparison, write_run
from privsim.output.formatting import fmt, signed
from tests.conftest import small

SCIENTIFIC = re.compile(r"\d[eE][+-]\d")   # as Python writes it: 1e+03, 1.23e-05


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two runs of the newsletter (seeds 1 and 2) and a compare, 2,000 customers × 2 replications, in EUR."""
    runs = tmp_path_factory.mktemp("cli-runs") / "runs"
    newsletter = small("newsletter_opt_in.yaml", 2000)
    euro = newsletter.model_copy(update={"economics": newsletter.economics.model_copy(update={"currency": "EUR"})})
    write_run(replicate(euro, 2, seed=1), runs / "one")
    write_run(replicate(euro, 2, seed=2), runs / "two")
    write_comparison(compare([newsletter, small("covert_sharing.yaml", 2000)], 2), runs / "pair")
    for minute, name in enumerate(("one", "two", "pair")):      # one oldest, pair newest, whatever the clock did
        os.utime(runs / name / "summary.json", (1_700_000_000 + 60 * minute,) * 2)
    return runs


@pytest.fixture
def runs(built, tmp_path):
    return shutil.copytree(built, tmp_path / "runs")


def invoke(*args):
    result = CliRunner().invoke(app, ["runs", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def test_list_shows_newest_first_with_size_reps_and_headline_in_the_runs_currency(runs, monkeypatch):
    monkeypatch.chdir(runs.parent)
    result = invoke("list")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if re.match(r"│ \d ", line)]
    assert [re.search(r"│ runs/(\w+) ", line).group(1) for line in lines] == ["pair", "two", "one"]
    assert all("2,000 × 2" in line for line in lines)
    assert "Total value vs doing nothing €" in lines[2]
    pair = result.output[result.output.index("runs/pair"):result.output.index("runs/two")]
    assert "(best of 2)" in pair                                  # the cell may wrap onto a second line
    assert not SCIENTIFIC.search(result.output)


def test_list_json_keeps_plain_numbers_and_filters_by_kind(runs):
    result = invoke("list", "--dir", runs, "--kind", "run", "--format", "json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [r["path"] for r in listed] == [str(runs / "two"), str(runs / "one")]
    assert [r["index"] for r in listed] == [2, 3] and listed[0]["seed"] == 2 and listed[0]["currency"] == "EUR"
    assert isinstance(listed[0]["headline"]["mean"], float) and listed[0]["headline"]["kpi"] == "total_vs_baseline"


def test_list_of_a_missing_folder_says_so_and_writes_nothing(tmp_path):
    result = invoke("list", "--dir", tmp_path / "none")
    assert result.exit_code == 0 and "no run folders" in result.output and not (tmp_path / "none").exists()


def test_show_by_number_and_by_path_gives_summary_and_kpis(runs):
    by_number, by_path = invoke("show", "3", "--dir", runs), invoke("show", runs / "one", "--dir", runs)
    assert by_number.exit_code == 0 and by_number.output == by_path.output, by_number.output
    out = by_number.output
    summary = json.loads((runs / "one" / "summary.json").read_text())
    assert summary["scenario_sha256"] in out and "2,000" in out and "EUR" in out
    assert re.search(r"│ Churn +│ +\d+\.\d\d% │", out) and re.search(r"│ Revenue +│ +€[\d.]+M │", out)
    assert not SCIENTIFIC.search(out)


def test_show_json_has_the_summary_and_every_kpi_of_the_segment(runs):
    result = invoke("show", runs / "pair", "--format", "json", "--dir", runs)
    shown = json.loads(result.output)
    assert shown["kind"] == "compare" and shown["summary"]["reference"] == "Opt-in newsletter"
    assert {k["scenario"] for k in shown["kpis"]} == {"Opt-in newsletter", "Covert third-party sharing, discovered"}
    assert all(k["segment"] == "all" and isinstance(k["mean"], float) for k in shown["kpis"])


def test_diff_puts_kpis_side_by_side_and_names_what_differs(runs):
    result = invoke("diff", "one", "two", "--dir", runs)
    assert result.exit_code == 0, result.output
    assert "differ: seed 1 vs 2" in result.output
    assert re.search(r"│ Churn +│ +[\d.]+% │ +[\d.]+% │ +[+-][\d.]+ pp │", result.output)
    assert re.search(r"│ Total value \(NPV \+ after the horizon\) +│ +€\S+ │ +€\S+ │ +[+-]€\S+ │", result.output)
    data = json.loads(invoke("diff", "one", "two", "--dir", runs, "--format", "json").output)
    assert data["differs"] == {"seed": [1, 2]}
    row = next(k for k in data["kpis"] if k["kpi"] == "npv")
    assert row["difference"] == pytest.approx(row["mean_b"] - row["mean_a"])


def test_diff_of_a_run_and_a_compare_labels_each_scenario(runs):
    result = invoke("diff", "one", "pair", "--dir", runs)
    assert result.exit_code == 0 and "B is" in result.output and "Covert third-party" in result.output
    assert "scenario hash" in result.output and "currency EUR vs USD" in result.output


def test_rebuild_after_deleting_the_catalog_lists_the_same(runs):
    before = invoke("list", "--dir", runs, "--format", "json").output
    runfolders.catalog_path(runs).unlink()
    result = invoke("rebuild", "--dir", runs)
    assert result.exit_code == 0 and "3 run folders" in result.output
    assert invoke("list", "--dir", runs, "--format", "json").output == before


@pytest.mark.parametrize("args, expected", [
    (["show", "7"], "no run number 7"),
    (["show", "nowhere"], "nowhere: no such run folder"),
    (["diff", "one", "RUNS"], "is not a privsim run folder"),
    (["list", "--kind", "sweeps"], "did you mean 'sweep'"),
    (["show", "one", "--segment", "everyone"], "allowed in"),
    (["list", "--dir", "RUNS/one"], "is a run folder"),
])
def test_a_bad_run_is_one_message_naming_it_and_exit_2(runs, args, expected):
    given = [a.replace("RUNS", str(runs)) for a in args]
    result = invoke(*given, *(["--dir", runs] if "--dir" not in args else []))
    assert result.exit_code == 2, result.output
    assert expected in result.output and result.output.startswith("error: ")
    assert len(result.output.strip().splitlines()) == 1
    if any("RUNS" in a for a in args):
        assert str(runs) in result.output


@pytest.mark.parametrize("kpi, value, currency, shown", [
    ("revenue", 999_600, "EUR", "€1M"),
    ("revenue", 2.5e13, "USD", "$25,000bn"),
    ("churn", 1e-7, "USD", "0.00001%"),
    ("opt_outs", 1.23e-5, "USD", "0.0000123"),
    ("revenue", 1_234_567, "GBP", "£1.23M"),
    ("churn", 0.1115, "USD", "11.15%"),
])
def test_numbers_are_never_in_scientific_notation(kpi, value, currency, shown):
    assert fmt(kpi, value, currency) == shown


def test_differences_are_signed_and_never_in_scientific_notation():
    assert signed("revenue", -999_600, "EUR") == "-€1M"
    assert signed("opt_outs", 1.23e-5, "USD") == "+0.0000123"
    assert signed("churn", 0.0117, "USD") == "+1.17 pp"
