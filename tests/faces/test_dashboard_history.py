"""History page: comparisons of Run & compare land in it; past runs reopen, compare and delete; no catalog, no error."""

from __future__ import annotations

import json
import re
import shutil

import duckdb
import pandas as pd
import pytest

from privsim.dashboard import settings
from privsim.dashboard.pages import history
from privsim.errors import InputError
from privsim.output import catalog, runfolders
from privsim.output.formatting import fmt
from tests.faces.test_dashboard import page_app, texts

SIZE, REPS = 400, 2
SEEDS = (11, 12)
SCIENTIFIC = re.compile(r"\d[eE][+-]\d")   # as Python writes it: 1e+03, 1.23e-05


def compared(seed: int):
    """Run & compare with the default scenarios, pressed once (a seed no other test uses, so it is simulated)."""
    at = page_app("pages.compare", SIZE, REPS, **{settings.SEED: seed}).run()
    at.button(key="run-Run comparison").click().run()
    assert not at.exception
    return at


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A runs folder holding the two comparisons Run & compare kept, and the pages that made them."""
    home = tmp_path_factory.mktemp("history") / "runs"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(runfolders.ENV, str(home))
        pages = [compared(seed) for seed in SEEDS]
    return home, pages


@pytest.fixture
def home(made, tmp_path, monkeypatch):
    """A copy of the kept runs that a test may change, as the dashboard's runs folder."""
    copy = shutil.copytree(made[0], tmp_path / "runs")
    monkeypatch.setenv(runfolders.ENV, str(copy))
    return copy


def folders(home):
    return sorted(p for p in home.iterdir() if p.is_dir())


def opened(*picked: str):
    at = page_app("pages.history").run()
    assert not at.exception
    if picked:
        at.multiselect(key=history.PICK).set_value(list(picked)).run()
        assert not at.exception
    return at


def frames(at) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe]


def shown_text(at) -> str:
    return " ".join([*texts(at.markdown), *texts(at.caption), *texts(at.info), *texts(at.subheader),
                     *(frame.to_string() for frame in frames(at))])


def test_a_comparison_run_on_run_and_compare_is_kept_in_a_folder_of_its_own_and_catalogued(made):
    home, pages = made
    kept = folders(home)
    assert len(kept) == 2
    assert all(re.fullmatch(r"compare-newsletter_opt_in-dark_pattern_consent-\d{8}-\d{6}-[0-9a-f]{8}", f.name)
               for f in kept)
    summaries = [json.loads((f / "summary.json").read_text()) for f in kept]
    assert sorted(s["seed"] for s in summaries) == list(SEEDS)
    for s in summaries:
        assert s["kind"] == "compare" and s["made_by"] == "dashboard"
        assert s["overrides"] == [f"size={SIZE}", f"replications={REPS}", f"seed={s['seed']}"]
        assert s["title"] == f"{' vs '.join(s['names'])} · size={SIZE}, replications={REPS}, seed={s['seed']}"
    assert all((f / "report.html").is_file() for f in kept)
    with duckdb.connect(str(runfolders.catalog_path(home)), read_only=True) as con:
        assert sorted(r[0] for r in con.execute("SELECT path FROM runs").fetchall()) == [f.name for f in kept]
    assert any(c.startswith("Kept as ") for c in texts(pages[0].caption))


def test_history_lists_runs_newest_first_in_words_and_units(home):
    at = opened()
    listing = frames(at)[0]
    assert list(listing.columns) == ["name", "kind", "when", "size × replications", "seed", "headline", "folder"]
    assert list(listing["seed"]) == [str(s) for s in reversed(SEEDS)]        # newest first
    assert set(listing["size × replications"]) == {f"{SIZE} × {REPS}"}
    assert all(h.startswith("Total value vs doing nothing $") for h in listing["headline"])
    assert not SCIENTIFIC.search(listing.to_string())


def test_history_filters_by_kind_and_name(home):
    at = opened()
    at.text_input(key=history.TEXT).input("NEWSLETTER").run()
    assert len(frames(at)[0]) == 2
    at.text_input(key=history.TEXT).input("nothing like it").run()
    assert frames(at)[0].empty
    at.text_input(key=history.TEXT).input("").run()
    at.selectbox(key=history.KIND).set_value("compare").run()
    assert len(frames(at)[0]) == 2


def test_reopening_a_run_shows_its_kpis_what_it_ran_and_its_report(home):
    newest = folders(home)[-1]
    at = opened(newest.name)
    kpis, about, files = frames(at)[1:4]
    table = pd.read_csv(newest / "kpis.csv").query("segment == 'all'")
    value = table.set_index(["scenario", "kpi"])["mean"]
    row = kpis[(kpis["KPI"] == "Total value vs doing nothing")].iloc[0]
    assert row["mean"] == fmt("total_vs_baseline", value[(row["scenario"], "total_vs_baseline")], "USD")
    assert row["unit"] == "USD" and " – " in row["95% CI of mean"] and " – " in row["P5–P95 over replications"]
    fields = dict(zip(about["field"], about["value"], strict=True))
    assert fields["seed"] == str(SEEDS[1]) and fields["replications"] == str(REPS) and fields["size"] == str(SIZE)
    assert "size=400" in fields["overrides"] and "represents" in fields and " vs " in fields["name"]
    assert {"kpis.csv", "summary.json", "report.html"} <= set(files["file"])
    assert [b.label for b in at.get("download_button")] == ["HTML report"]
    assert not SCIENTIFIC.search(shown_text(at)) and "None" not in shown_text(at)


def test_two_runs_compare_kpi_by_kpi_and_name_what_differs(home):
    older, newer = (f.name for f in folders(home))
    at = opened(older, newer)
    assert "Two runs compared" in texts(at.subheader)
    assert any(i.replace("\\", "").startswith("differ: seed 11 vs 12") for i in texts(at.info))   # unescaped
    diff = frames(at)[-1]
    assert {"KPI", "A", "B", "B − A"} <= set(diff.columns) and "Total value vs doing nothing" in set(diff["KPI"])
    assert not SCIENTIFIC.search(diff.to_string())


def test_delete_asks_first_then_removes_the_folder_and_its_listing_row(home):
    gone = folders(home)[0]
    at = opened(gone.name)
    assert at.button(key="history-delete").disabled
    at.checkbox(key=history.CONFIRM).check().run()
    at.button(key="history-delete").click().run()
    assert not at.exception and not gone.exists()
    assert any(s.startswith("Deleted ") for s in texts(at.success))
    assert at.multiselect(key=history.PICK).value == [] and len(frames(at)[0]) == 1
    with duckdb.connect(str(runfolders.catalog_path(home)), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM runs WHERE path = ?", [gone.name]).fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM kpis WHERE path = ?", [gone.name]).fetchone()[0] == 0


def test_delete_refuses_what_is_not_a_run_folder_inside_the_runs_folder(home, tmp_path):
    outside = shutil.copytree(folders(home)[0], tmp_path / "elsewhere")
    mine = home / "my notes"
    mine.mkdir()
    (mine / "summary.json").write_text('{"kind": "compare"}')      # no privsim manifest: not a run folder
    for folder, reason in ((outside, "not a folder inside"), (home, "not a folder inside"),
                           (home / ".." / "elsewhere", "not a folder inside"), (mine, "not a privsim run folder")):
        with pytest.raises(InputError, match=reason):
            catalog.delete(folder, home)
    assert outside.is_dir() and (mine / "summary.json").is_file() and len(folders(home)) == 3


def test_a_missing_catalog_is_rebuilt_and_an_unusable_one_read_around(home):
    runfolders.catalog_path(home).unlink()
    at = opened()
    assert len(frames(at)[0]) == 2 and any("was missing" in i for i in texts(at.info))
    runfolders.catalog_path(home).unlink()
    runfolders.catalog_path(home).mkdir()          # cannot be opened nor replaced
    at = opened()
    assert not at.exception and len(frames(at)[0]) == 2
    assert any("not used" in i and "read instead" in i for i in texts(at.info))


def test_no_runs_yet_says_how_to_make_one(tmp_path, monkeypatch):
    monkeypatch.setenv(runfolders.ENV, str(tmp_path / "none"))
    at = opened()
    assert "No runs in" in texts(at.info)[0] and not at.dataframe


def test_a_runs_folder_that_cannot_be_written_costs_a_caption_not_the_page(tmp_path, monkeypatch):
    blocked = tmp_path / "a file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(runfolders.ENV, str(blocked / "runs"))
    at = compared(seed=13)
    assert at.metric, "the comparison is shown"
    assert any(c.startswith("Not kept in the run history:") for c in texts(at.caption))
