"""Sweeps: parameter syntax, designs, CRN across points, failed points, streaming and resume after a kill."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from privsim.errors import InputError
from privsim.experiments.runs import replicate
from privsim.experiments.sweep import Param, design_points, parse_param, sweep
from privsim.scenario.overrides import override
from tests.conftest import ROOT, SCENARIOS, small

CONTACTS = "strategy.practices.newsletter.contacts_per_month"


@pytest.fixture(scope="module")
def newsletter():
    return override(small("newsletter_opt_in.yaml", 500), {"horizon_days": 120})


def test_parse_ranges_and_lists():
    assert parse_param(f"{CONTACTS}=0:8:5").values == (0, 2, 4, 6, 8)
    assert parse_param("a.b=0:1:3").values == (0.0, 0.5, 1.0)
    assert parse_param("a.b=0.1:0.3:3").values == (0.1, 0.2, 0.3)
    assert parse_param("a.b=0:10:4").values == pytest.approx((0.0, 10 / 3, 20 / 3, 10.0), abs=1e-9)
    assert parse_param("a.b=[opt_in, opt_out]").values == ("opt_in", "opt_out")
    lhs = parse_param("a.b=1:9")
    assert lhs.values == () and lhs.bounds == (1.0, 9.0) and lhs.integer


@pytest.mark.parametrize("text", ["a.b", "=1:2:3", "a.b=1:2:0", "a.b=x:2:3", "a.b=[]", "a.b=[1, 2", "a.b=1:2:3:4"])
def test_bad_parameters_are_bad_input(text):
    with pytest.raises(InputError) as exc:
        parse_param(text)
    assert "allowed" in str(exc.value)


def test_grid_is_the_product_first_parameter_slowest():
    points = design_points([Param("a", (1, 2)), Param("b", ("x", "y", "z"))])
    assert [(p["a"], p["b"]) for p in points] == [(1, "x"), (1, "y"), (1, "z"), (2, "x"), (2, "y"), (2, "z")]
    with pytest.raises(InputError, match="START:STOP:N"):
        design_points([parse_param("a=0:1")], "grid")
    with pytest.raises(InputError, match="each path once"):
        design_points([Param("a", (1,)), Param("a", (2,))])


def test_latin_hypercube_is_stratified_and_reproducible():
    params = [parse_param("a=0:10"), parse_param("b=[x, y]"), parse_param("c=0.0:1.0")]
    points = design_points(params, "lhs", 8, seed=3)
    assert points == design_points(params, "lhs", 8, seed=3) != design_points(params, "lhs", 8, seed=4)
    c = np.array([p["c"] for p in points])
    assert sorted(np.floor(c * 8).astype(int)) == list(range(8))       # one value per stratum
    assert all(isinstance(p["a"], int) and 0 <= p["a"] <= 10 for p in points)
    assert [p["b"] for p in points].count("x") == 4


def test_points_share_replicate_streams(newsletter):
    """CRN across points: a field the model ignores leaves every KPI identical; each point equals its own run."""
    result = sweep(newsletter, {"strategy.name": ["a", "b"], CONTACTS: [4, 6]}, reps=2)
    k = result.to_frame().pivot_table(index=["replicate", "segment", "kpi", CONTACTS], columns="strategy.name",
                                      values="value")
    assert (k["a"] == k["b"]).all()
    alone = replicate(override(newsletter, {CONTACTS: 6}), 2).kpis()
    point = result.kpis[result.kpis.point == 3].drop(columns="point").reset_index(drop=True)
    pd.testing.assert_frame_equal(point, alone)


def test_failed_point_is_recorded_and_the_rest_go_on(newsletter, tmp_path):
    result = sweep(newsletter, [f"{CONTACTS}=0:8:3"], reps=2, out=tmp_path / "sw")
    assert list(result.errors) == [0] and "channel and contacts_per_month go together" in result.errors[0]
    assert sorted(result.kpis.point.unique()) == [1, 2]
    error = json.loads((tmp_path / "sw" / "points" / "point-00000.error.json").read_text())
    assert error["values"] == {CONTACTS: 0} and "channel" in error["error"]
    points = pd.read_csv(tmp_path / "sw" / "points.csv")
    assert list(points.status) == ["failed", "ok", "ok"]


def test_a_path_that_fails_everywhere_is_bad_input(newsletter, tmp_path):
    with pytest.raises(InputError, match="did you mean 'contacts_per_month'"):
        sweep(newsletter, ["strategy.practices.newsletter.contact_per_month=1:3:2"], reps=1, out=tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_resume_after_an_interruption_keeps_finished_points(newsletter, tmp_path):
    spec = [f"{CONTACTS}=1:6:6"]
    folder = tmp_path / "sw"
    points_dir = folder / "points"

    def interrupt(done, total, stage):
        if stage == "points" and len(list(points_dir.glob("*.parquet"))) >= 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(newsletter, spec, reps=2, out=folder, progress=interrupt)
    kept = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in points_dir.glob("*.parquet")}
    assert len(kept) == 2 and not (folder / "summary.json").exists()
    resumed = sweep(newsletter, spec, reps=2, out=folder)
    assert resumed.skipped == [0, 1]
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in points_dir.glob("*.parquet")
            if p.name in kept} == kept
    pd.testing.assert_frame_equal(resumed.kpis, sweep(newsletter, spec, reps=2).kpis)


def test_another_sweep_in_the_same_folder_is_refused(newsletter, tmp_path):
    sweep(newsletter, [f"{CONTACTS}=2:4:2"], reps=1, out=tmp_path / "sw")
    with pytest.raises(InputError, match="different sweep"):
        sweep(newsletter, [f"{CONTACTS}=2:6:2"], reps=1, out=tmp_path / "sw")


def test_points_saved_by_another_model_never_resume(newsletter, tmp_path, monkeypatch):
    from privsim import model

    spec = [f"{CONTACTS}=2:4:2"]
    sweep(newsletter, spec, reps=1, out=tmp_path / "sw")
    monkeypatch.setattr(model, "fingerprint", lambda: "another model")
    with pytest.raises(InputError, match="model_sha256 differ"):
        sweep(newsletter, spec, reps=1, out=tmp_path / "sw")
    assert sweep(newsletter, spec, reps=1, out=tmp_path / "sw", force=True).skipped == []


def test_processes_stream_the_same_points_as_serial(newsletter, tmp_path):
    spec = [f"{CONTACTS}=[2, 5]", "strategy.practices.newsletter.consent=[opt_in, opt_out]"]
    serial = sweep(newsletter, spec, reps=2)
    parallel = sweep(newsletter, spec, reps=2, executor="processes", workers=2, out=tmp_path / "p")
    pd.testing.assert_frame_equal(serial.kpis, parallel.kpis)
    pd.testing.assert_frame_equal(serial.summary(), parallel.summary())


def test_killed_sweep_resumes_losing_no_finished_point_and_repeating_none(tmp_path):
    folder = tmp_path / "sw"
    args = [sys.executable, "-m", "privsim.cli", "sweep", str(SCENARIOS / "newsletter_opt_in.yaml"),
            "--param", f"{CONTACTS}=1:8:8", "--reps", "2", "--out", str(folder), "--format", "json"]
    env = {**os.environ, "PRIVSIM_SIZE": "1500", "PRIVSIM_REPS": "2"}
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while len(list((folder / "points").glob("*.parquet"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    kept = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (folder / "points").glob("*.parquet")}
    assert 2 <= len(kept) < 8, "the sweep must be killed part-way"
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sorted(f"point-{i:05d}.parquet" for i in report["resumed_points"]) == sorted(kept)
    files = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in (folder / "points").glob("*.parquet")}
    assert len(files) == 8 and {k: files[k] for k in kept} == kept
    assert not list(folder.rglob("*.tmp-*"))
    fresh = tmp_path / "fresh"
    subprocess.run([*args[:-4], "--out", str(fresh), "--format", "json"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    pd.testing.assert_frame_equal(pd.read_parquet(folder / "replications.parquet"),
                                  pd.read_parquet(fresh / "replications.parquet"))


def test_public_names_stay_the_functions_after_their_modules_load():
    code = ("import types, privsim, privsim.experiments.frontier, privsim.experiments.sweep\n"
            "assert privsim.__all__ == sorted(privsim._API)\n"
            "assert not [n for n in privsim.__all__ if isinstance(getattr(privsim, n), types.ModuleType)]\n"
            "assert privsim.sweep is privsim.experiments.sweep.sweep")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, timeout=120)
