"""The run catalog: an index of real run folders that rebuilds to the same rows and never fails a run."""

import hashlib
import json
import shutil
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from privsim.errors import InputError
from privsim.experiments.compare import compare
from privsim.experiments.runs import replicate
from privsim.experiments.sweep import sweep
from privsim.output import catalog, runfolders
from privsim.output.folders import write_comparison, write_run
from tests.conftest import ROOT, small


@pytest.fixture(scope="module")
def runs_dir(tmp_path_factory):
    """Two runs of one scenario on different seeds, a compare and a sweep (2,000 customers, 2 replications)."""
    runs = tmp_path_factory.mktemp("catalog") / "runs"
    newsletter, covert = small("newsletter_opt_in.yaml", 2000), small("covert_sharing.yaml", 2000)
    write_run(replicate(newsletter, 2, seed=1), runs / "first")
    time.sleep(0.01)        # distinct creation times, so newest first is well defined
    write_run(replicate(newsletter, 2, seed=2), runs / "second")
    time.sleep(0.01)
    write_comparison(compare([newsletter, covert], 2), runs / "versus")
    time.sleep(0.01)
    sweep(newsletter, ["strategy.practices.newsletter.contacts_per_month=[2, 8]"], reps=1, out=runs / "nested" / "sw")
    return runs


@pytest.fixture
def runs(runs_dir, tmp_path):
    """A copy of the run folders each test may change."""
    return shutil.copytree(runs_dir, tmp_path / "runs")


def rows(runs_dir, table):
    with duckdb.connect(str(runfolders.catalog_path(runs_dir)), read_only=True) as con:
        return con.execute(f"SELECT * FROM {table} ORDER BY ALL").df()


def fingerprint(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_rebuild_indexes_every_run_folder_and_its_kpi_table(runs):
    count, skipped = catalog.rebuild(runs)
    assert (count, skipped) == (4, [])
    indexed = rows(runs, "runs").set_index("path")
    assert sorted(indexed.index) == ["first", "nested/sw", "second", "versus"]
    first = indexed.loc["first"]
    summary = json.loads((runs / "first" / "summary.json").read_text())
    assert (first.kind, first["name"], first.seed, first.replications, first["size"], first.currency) == \
        ("run", "Opt-in newsletter", 1, 2, 2000, "USD")
    assert first.scenario_sha256 == summary["scenario_sha256"] and first.represents == 500
    assert first.privsim_version == summary["versions"]["privsim"] and first.failed == 0
    assert indexed.loc["versus", "name"] == "Opt-in newsletter vs Covert third-party sharing, discovered"
    assert indexed.loc["nested/sw", "kind"] == "sweep"
    assert indexed.loc["nested/sw", "size"] == 2000        # a sweep's summary has no population: from scenario.yaml
    kpis = rows(runs, "kpis")
    for path in ("first", "versus", "nested/sw"):
        assert (kpis["path"] == path).sum() == len(pd.read_csv(runs / path / "kpis.csv"))


def test_kpis_carry_scenario_hash_unit_and_sweep_setting(runs):
    catalog.rebuild(runs)
    kpis = rows(runs, "kpis")
    versus = kpis[kpis["path"] == "versus"]
    hashes = json.loads((runs / "versus" / "summary.json").read_text())["scenario_sha256"]
    assert set(zip(versus["scenario"], versus["scenario_sha256"], strict=True)) == {
        ("Opt-in newsletter", hashes[0]), ("Covert third-party sharing, discovered", hashes[1])}
    churn = versus[(versus["kpi"] == "churn") & (versus["segment"] == "all")]
    assert list(churn["unit"]) == ["share", "share"] and (churn["ci_low"] <= churn["mean"]).all()
    sw = kpis[kpis["path"] == "nested/sw"]
    assert set(sw["setting"]) == {"strategy.practices.newsletter.contacts_per_month=2",
                                  "strategy.practices.newsletter.contacts_per_month=8"}
    assert set(sw["point"]) == {0, 1} and sw["scenario_sha256"].isna().all()


def test_listing_is_newest_first_with_the_headline_kpi(runs):
    frame, skipped = catalog.listing(runs)
    assert skipped == []
    assert list(frame["path"]) == ["nested/sw", "versus", "second", "first"]
    assert list(frame["index"]) == [1, 2, 3, 4]
    assert set(frame["headline_kpi"]) == {"total_vs_baseline"}
    versus = frame.set_index("path").loc["versus"]
    summary = pd.read_csv(runs / "versus" / "kpis.csv").query("segment == 'all' and kpi == 'total_vs_baseline'")
    assert versus.headline == pytest.approx(summary["mean"].max()) and versus.headline_among == 2
    only = catalog.listing(runs, "run")[0]
    assert list(only["path"]) == ["second", "first"] and list(only["index"]) == [3, 4]   # numbers of the full list


def test_rebuild_after_deleting_the_catalog_gives_the_same_rows(runs):
    catalog.rebuild(runs)
    before = {t: rows(runs, t) for t in ("runs", "kpis")}
    runfolders.catalog_path(runs).unlink()
    catalog.rebuild(runs)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(rows(runs, table), frame)
    assert sorted(p.name for p in runs.iterdir() if p.is_file()) == ["catalog.duckdb"]   # no temporary left


def test_listing_adds_new_folders_drops_deleted_ones_and_rereads_rewritten_ones(runs):
    catalog.listing(runs)
    shutil.copytree(runs / "first", runs / "third")
    shutil.rmtree(runs / "second")
    summary = json.loads((runs / "first" / "summary.json").read_text())
    (runs / "first" / "summary.json").write_text(json.dumps({**summary, "title": "renamed", "overrides": ["seed=1"]}))
    frame, _ = catalog.listing(runs)
    assert sorted(frame["path"]) == ["first", "nested/sw", "third", "versus"]
    indexed = rows(runs, "runs").set_index("path")
    assert indexed.loc["first", "title"] == "renamed" and json.loads(indexed.loc["first", "overrides"]) == ["seed=1"]
    assert set(rows(runs, "kpis")["path"]) == {"first", "nested/sw", "third", "versus"}


def test_an_unreadable_folder_is_skipped_with_its_reason(runs):
    (runs / "second" / "kpis.csv").write_text("not,a\nkpi,table\n")
    frame, skipped = catalog.listing(runs)
    assert "second" not in set(frame["path"]) and len(skipped) == 1 and str(runs / "second") in skipped[0]


def test_a_hand_edited_summary_is_indexed_with_what_fits(runs):
    summary = json.loads((runs / "first" / "summary.json").read_text())
    edited = {**summary, "seed": "abc", "versions": {}, "replications": 2**70}
    (runs / "first" / "summary.json").write_text(json.dumps(edited))
    frame, skipped = catalog.listing(runs)
    first = frame.set_index("path").loc["first"]
    assert skipped == [] and pd.isna(first.seed) and pd.isna(first.replications) and first["size"] == 2000


def test_a_corrupt_or_foreign_catalog_is_rebuilt_by_listing(runs):
    runfolders.catalog_path(runs).write_bytes(b"\x00garbage" * 100)
    assert len(catalog.listing(runs)[0]) == 4
    with duckdb.connect(str(runfolders.catalog_path(runs))) as con:
        con.execute("DROP TABLE kpis")
        con.execute("CREATE TABLE kpis (path VARCHAR)")     # a catalog of another privsim version
    assert len(catalog.listing(runs)[0]) == 4 and "mean" in rows(runs, "kpis")


def test_record_adds_one_folder_and_ignores_folders_elsewhere(runs, tmp_path, capsys):
    assert catalog.record(runs / "first", runs) is True
    assert list(rows(runs, "runs")["path"]) == ["first"]
    assert catalog.record(runs / "second", tmp_path / "elsewhere") is False
    assert not (tmp_path / "elsewhere").exists()
    assert capsys.readouterr() == ("", "")


def test_record_on_a_corrupt_catalog_returns_and_leaves_the_run_folder_intact(runs, capsys):
    runfolders.catalog_path(runs).write_bytes(b"garbage bytes, not a database" * 40)
    before = fingerprint(runs / "first")
    assert catalog.record(runs / "first", runs) is False
    assert fingerprint(runs / "first") == before
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and err.startswith("warning: run catalog")


def test_record_where_the_catalog_cannot_be_written_returns(runs, capsys):
    runfolders.catalog_path(runs).mkdir()        # unwritable even for root, unlike a read-only folder
    assert catalog.record(runs / "first", runs) is False
    assert capsys.readouterr().out == ""
    assert len(catalog.listing(runs)[0]) == 4       # read from the folders instead


HOLD = """
import sys, time, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("CREATE TABLE IF NOT EXISTS held (x INTEGER)")
print("held", flush=True)
time.sleep(30)
"""


def test_a_catalog_locked_by_another_process_is_passed_over(runs, monkeypatch, capsys):
    catalog.rebuild(runs)
    monkeypatch.setattr(catalog, "WAIT", 0.2)
    before = fingerprint(runs / "first")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(runfolders.catalog_path(runs))], stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert catalog.record(runs / "first", runs) is False
        assert fingerprint(runs / "first") == before
        assert "in use by another process" in capsys.readouterr().err
        assert len(catalog.listing(runs)[0]) == 4          # read from the folders meanwhile
        with pytest.raises(InputError, match="in use by another process"):
            catalog.rebuild(runs)
    finally:
        holder.kill()
        holder.communicate()              # reaps it and closes its pipe


RECORD = """
import sys
from privsim.output.catalog import record
print(all(record(sys.argv[1] + "/" + name, sys.argv[1]) for _ in range(3) for name in sys.argv[2:]))
"""


def test_concurrent_record_from_two_processes_waits_its_turn_and_does_not_raise(runs):
    procs = [subprocess.Popen([sys.executable, "-c", RECORD, str(runs), *names], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for names in (["first", "versus"], ["second", "nested/sw"])]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert (p.returncode, out.strip(), err) == (0, "True", "")
    assert sorted(rows(runs, "runs")["path"]) == ["first", "nested/sw", "second", "versus"]


def test_read_folder_refuses_what_is_not_a_run_folder(runs, tmp_path):
    with pytest.raises(InputError, match="not a privsim run folder") as exc:
        runfolders.read_folder(tmp_path)
    assert str(tmp_path) in str(exc.value)
    with pytest.raises(InputError, match="no such run folder"):
        runfolders.read_folder(tmp_path / "nope")
    with pytest.raises(InputError, match="is a run folder"):
        catalog.listing(runs / "first")


def test_difference_of_two_runs_matches_kpis_and_names_what_differs(runs):
    a, b = (runfolders.read_folder(runs / name, runs) for name in ("first", "second"))
    diff = runfolders.difference(a, b)
    both = set(a.kpis.query("segment == 'all'")["kpi"]) & set(b.kpis.query("segment == 'all'")["kpi"])
    assert set(diff["kpi"]) == both and len(diff) == len(both)
    assert (diff["difference"] == diff["mean_b"] - diff["mean_a"]).all()
    assert runfolders.differing(a, b) == {"seed": (1, 2)}
    versus = runfolders.read_folder(runs / "versus", runs)
    assert set(runfolders.difference(a, versus)["scenario_b"]) == {"Opt-in newsletter",
                                                               "Covert third-party sharing, discovered"}
    with pytest.raises(InputError, match="did you mean 'all'"):
        runfolders.difference(a, b, "al")


def test_locate_takes_a_path_a_path_in_the_runs_folder_or_a_listed_number(runs):
    assert catalog.locate(str(runs / "first"), runs) == runs / "first"
    assert catalog.locate("versus", runs) == runs / "versus"
    assert catalog.locate("1", runs) == runs / "nested" / "sw"
    with pytest.raises(InputError, match="no run number 9"):
        catalog.locate("9", runs)
