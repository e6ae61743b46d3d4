"""Output folders privsim owns: written atomically, replaced only where privsim wrote, never a user's file."""

import json
import os

import pytest

from privsim.errors import InputError
from privsim.files import OWNED, claim, claim_file, clean_stale, output_folder, record_file, write_atomic


def write(folder, files, kind="run", force=False):
    with output_folder(folder, kind, force=force) as partial:
        for name, text in files.items():
            (partial / name).parent.mkdir(parents=True, exist_ok=True)
            (partial / name).write_text(text)


def test_a_failure_leaves_nothing_and_a_success_is_complete(tmp_path):
    target = tmp_path / "run"
    with pytest.raises(RuntimeError), output_folder(target, "run") as partial:
        (partial / "half.json").write_text("{")
        raise RuntimeError("killed")
    assert not target.exists() and not list(tmp_path.iterdir())
    write(target, {"ok.json": "{}", "sub/series.csv": "a"})
    assert sorted(json.loads((target / OWNED).read_text())["files"]) == ["ok.json", "sub/series.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["run"]


def test_an_earlier_run_is_replaced_only_with_force_and_only_its_own_files(tmp_path):
    target = tmp_path / "run"
    write(target, {"kpis.csv": "old", "gone.csv": "old"})
    (target / "notes.txt").write_text("mine")                # the user keeps notes in the run folder
    with pytest.raises(InputError, match="--force"):
        write(target, {"kpis.csv": "new"})
    assert (target / "kpis.csv").read_text() == "old"
    write(target, {"kpis.csv": "new"}, force=True)
    assert (target / "kpis.csv").read_text() == "new" and not (target / "gone.csv").exists()
    assert (target / "notes.txt").read_text() == "mine"
    with pytest.raises(InputError, match=r"notes\.txt that privsim did not write"):
        write(target, {"notes.txt": "theirs"}, force=True)
    assert (target / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("force", [False, True])
def test_a_folder_of_user_files_is_never_touched(tmp_path, force):
    target = tmp_path / "scenarios"
    target.mkdir()
    (target / "mine.yaml").write_text("precious")
    (target / "data.tmp-1").write_text("also mine")
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    with pytest.raises(InputError, match="did not write"):
        write(target, {"kpis.csv": "x"}, force=force)
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["scenarios"]


def test_other_kinds_files_and_paths_through_files_are_refused(tmp_path):
    write(tmp_path / "cmp", {"differences.csv": "x"}, kind="compare")
    with pytest.raises(InputError, match="privsim compare folder"):
        claim(tmp_path / "cmp", "run", force=True)
    (tmp_path / "file.txt").write_text("mine")
    with pytest.raises(InputError, match="is a file, not a folder"):
        claim(tmp_path / "file.txt", "run", force=True)
    with pytest.raises(InputError, match="is a file, not a folder"):
        claim(tmp_path / "file.txt" / "run", "run")
    assert (tmp_path / "file.txt").read_text() == "mine"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_parent_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(InputError, match="not writable"):
        claim(locked / "run", "run")


def test_single_files_are_replaced_only_when_privsim_wrote_them(tmp_path):
    mine = tmp_path / "lint.sarif"
    mine.write_text('{"my": "own file"}')
    with pytest.raises(InputError, match="--force"):
        claim_file(mine)
    claim_file(mine, force=True)
    ours = tmp_path / "report.html"
    ours.write_text('<!DOCTYPE html><html><head><meta name="generator" content="privsim report">')
    claim_file(ours)
    with pytest.raises(InputError, match="is a folder"):
        claim_file(tmp_path)


def test_write_atomic_failures_are_bad_input(tmp_path):
    with pytest.raises(InputError, match="cannot be written"):
        write_atomic(tmp_path / "missing" / "x.txt", "x")
    assert not list(tmp_path.iterdir())


def test_record_file_adds_to_the_manifest(tmp_path):
    write(tmp_path / "run", {"kpis.csv": "x"})
    (tmp_path / "run" / "report.html").write_text("r")
    record_file(tmp_path / "run", "report.html")
    assert json.loads((tmp_path / "run" / OWNED).read_text())["files"] == ["kpis.csv", "report.html"]


def test_stale_partials_of_dead_runs_go_and_others_stay(tmp_path):
    dead = tmp_path / ".privsim-partial-run-999999999"
    dead.mkdir()
    (dead / OWNED).write_text(json.dumps({"kind": "run", "files": [], "pid": 999999999}))
    alive = tmp_path / f".privsim-partial-run-{os.getpid()}"
    alive.mkdir()
    (alive / OWNED).write_text(json.dumps({"kind": "run", "files": [], "pid": os.getpid()}))
    unmarked = tmp_path / ".privsim-partial-x-999999998"
    unmarked.mkdir()
    clean_stale(tmp_path)
    assert not dead.exists() and alive.exists() and unmarked.exists()
