"""Executors: results keyed by task index; serial, processes and Dask give identical results bit for bit."""

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from privsim.errors import InputError
from privsim.experiments.compare import compare
from privsim.experiments.executors import Dask, Kept, Processes, Serial, make_executor
from privsim.experiments.sweep import sweep
from privsim.scenario.overrides import override
from tests.conftest import SCENARIOS, small

DASK_BIN = Path(sys.executable).with_name("dask")


def square(x):
    return x * x


@pytest.fixture(scope="module")
def pair():
    base = override(small("covert_sharing.yaml", 500), {"horizon_days": 160})
    return [base, override(base, {"strategy.practices.partner_feed.data_revenue_per_record": 8.0})]


@pytest.fixture(scope="module")
def serial_compare(pair):
    return compare(pair, 3)


def same(a, b):
    for x, y in zip(a.runs, b.runs, strict=True):
        pd.testing.assert_frame_equal(x.kpis(), y.kpis())
        pd.testing.assert_frame_equal(x.to_frame(), y.to_frame())
    pd.testing.assert_frame_equal(a.differences(), b.differences())


@pytest.mark.parametrize("runner", [Serial(), Processes(2)], ids=["serial", "processes"])
def test_each_yields_every_index_once_and_map_keeps_order(runner):
    seen = []
    with runner:
        pairs = dict(runner.each(square, list(range(7)), lambda d, t, s: seen.append((d, t, s)), "squares"))
        assert pairs == {i: i * i for i in range(7)}
        assert runner.map(square, [3, 1, 2]) == [9, 1, 4]
    assert [d for d, _, _ in seen] == list(range(1, 8)) and {t for _, t, _ in seen} == {7}


def test_processes_equal_serial_for_any_worker_count(pair, serial_compare):
    for workers in (1, 2):
        same(serial_compare, compare(pair, 3, executor="processes", workers=workers))


def pid(_):
    return os.getpid()


def marked(path):
    time.sleep(0.2)
    Path(path).touch()
    return path


def crash(_):
    os._exit(3)


@pytest.fixture
def kept():
    pool = Kept(2)
    yield pool
    pool.shutdown()


def test_a_kept_pool_outlives_its_runs_on_the_same_warm_workers(pair, serial_compare, kept):
    kept.start()
    with kept:
        first = set(kept.map(pid, range(8)))
    same(serial_compare, compare(pair, 3, executor=kept))      # a run ending does not stop its workers
    again = set(kept.map(pid, range(8)))
    assert len(first | again) <= 2 and os.getpid() not in first       # no worker was started anew


def test_an_interrupted_run_leaves_nothing_of_its_batch_queued_on_a_kept_pool(kept, tmp_path):
    marks = [tmp_path / f"{i}.done" for i in range(16)]
    batch = kept.each(marked, marks)
    next(batch)
    batch.close()                               # as a rerun or Cancel on the dashboard interrupts it
    assert kept.map(square, [4]) == [16]        # the pool still runs; queued behind the batch, it would come last
    assert len(list(tmp_path.glob("*.done"))) < len(marks)      # so what was queued was dropped


def test_a_kept_pool_whose_worker_died_starts_afresh(kept):
    assert kept.map(square, [2]) == [4]
    with pytest.raises(Exception, match="terminated abruptly"):
        kept.map(crash, [0])
    assert kept.map(square, [3, 5]) == [9, 25]


def test_make_executor():
    assert isinstance(make_executor("serial"), Serial)
    assert isinstance(make_executor("processes", 2), Processes)
    mine = Serial()
    assert make_executor(mine) is mine
    with pytest.raises(InputError, match="--executor dask"):
        make_executor("processes", scheduler="tcp://127.0.0.1:1")
    with pytest.raises(InputError, match="allowed: serial, processes, dask"):
        make_executor("gpu")
    for address in ("nope", "tcp://", "http://host:8786", "tcp://host"):
        with pytest.raises(InputError, match="tcp://HOST:PORT"):
            make_executor("dask", scheduler=address)
    assert isinstance(make_executor("dask", scheduler="tcp://127.0.0.1:8786"), Dask)


@pytest.mark.dask
def test_dask_local_cluster_equals_serial(pair, serial_compare):
    same(serial_compare, compare(pair, 3, executor=Dask(2, processes=False)))


@pytest.mark.dask
def test_dask_sweep_streams_the_same_points_as_serial(pair, tmp_path):
    spec = ["strategy.practices.partner_feed.data_revenue_per_record=0:8:3"]
    serial = sweep(pair[0], spec, reps=2)
    with Dask(2, processes=False) as runner:
        streamed = sweep(pair[0], spec, reps=2, executor=runner, out=tmp_path / "sw")
    pd.testing.assert_frame_equal(serial.kpis, streamed.kpis)
    assert len(list((tmp_path / "sw" / "points").glob("*.parquet"))) == 3


@pytest.mark.dask
def test_unreachable_scheduler_is_bad_input(pair):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match="cannot reach"):
        compare(pair, 1, executor=Dask(scheduler=f"tcp://127.0.0.1:{port}", timeout=2))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.dask
@pytest.mark.skipif(not DASK_BIN.exists(), reason="the dask command is not installed")
def test_dask_scheduler_and_worker_processes_equal_serial(pair, serial_compare, tmp_path):
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    logs = [open(tmp_path / name, "w") for name in ("scheduler.log", "worker.log")]  # noqa: SIM115
    scheduler = subprocess.Popen([str(DASK_BIN), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], stdout=logs[0], stderr=subprocess.STDOUT, env=env)
    worker = None
    try:
        deadline = time.monotonic() + 60
        while "Scheduler at" not in (tmp_path / "scheduler.log").read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        worker = subprocess.Popen([str(DASK_BIN), "worker", address, "--host", "127.0.0.1", "--nworkers", "2",
                                   "--nthreads", "1", "--no-dashboard"], stdout=logs[1], stderr=subprocess.STDOUT,
                                  env=env)
        from dask.distributed import Client

        with Client(address, timeout=30, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=60)
        same(serial_compare, compare(pair, 3, executor="dask", scheduler=address))
    finally:
        for proc in (worker, scheduler):
            if proc is not None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
        for log in logs:
            log.close()


def _descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (from /proc)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] != "Z":
                parents[int(entry)] = int(fields[1])
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        kids = {c for c, parent in parents.items() if parent == p} - found
        found |= kids
        todo.extend(kids)
    return found


def _alive(pids: set[int]) -> set[int]:
    out = set()
    for pid in pids:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                out.add(pid)
        except OSError:
            pass
    return out


@pytest.mark.slow
@pytest.mark.parametrize("executor, sig", [("processes", signal.SIGKILL), ("processes", signal.SIGINT),
                                           ("processes", signal.SIGTERM),
                                           pytest.param("dask", signal.SIGKILL, marks=pytest.mark.dask)])
def test_killing_a_run_leaves_no_worker_alive(executor, sig, tmp_path):
    env = {**os.environ, "PRIVSIM_SIZE": "200000", "PRIVSIM_REPS": "6"}
    run = subprocess.Popen([sys.executable, "-m", "privsim.cli", "run", str(SCENARIOS / "covert_sharing.yaml"),
                            "--executor", executor, "--workers", "2", "--set", "population.size=200000",
                            "--set", "horizon_days=1500", "--out", str(tmp_path / "run")],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while len(_descendants(run.pid)) < 3 and time.monotonic() < deadline:   # workers started (+ their helpers)
        time.sleep(0.2)
    time.sleep(1.0)
    workers = _descendants(run.pid)
    assert len(workers) >= 3 and run.poll() is None
    run.send_signal(sig)
    run.wait(timeout=60)
    deadline = time.monotonic() + 10
    while _alive(workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(workers), f"{len(_alive(workers))} of {len(workers)} processes outlived the run"
    assert not (tmp_path / "run").exists()        # nothing half-written either


def test_without_dask_the_dask_executor_is_bad_input_naming_the_extra(monkeypatch):
    from privsim.experiments.executors import make_executor

    for name in ("dask", "dask.distributed", "distributed", "distributed.utils"):
        monkeypatch.setitem(sys.modules, name, None)          # as if the extra were not installed
    with pytest.raises(InputError, match=r"dask is not installed.*\[dask\]"):
        make_executor("dask").open()


def kernels_loaded(_):
    from privsim.model import kernels

    return kernels.KERNELS and all(getattr(getattr(kernels, name), "signatures", None) for name in
                                   ("trust_day", "churn_draws", "send_hazards", "opt_out_draws"))


@pytest.mark.skipif(not importlib.util.find_spec("numba") or os.environ.get("PRIVSIM_ENGINE") == "numpy",
                    reason="the kernels are not the engine path here")
def test_workers_fork_with_the_kernels_already_loaded(kept):
    assert kept.map(kernels_loaded, [0, 1]) == [True, True]      # before any replication ran on them
