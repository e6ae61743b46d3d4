"""The numba kernels and the numpy reference give bit-identical results on every bundled scenario and case."""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pytest

from privsim.experiments.results import ReplicationResult
from privsim.experiments.runs import simulate
from privsim.model import kernels
from privsim.scenario.load import load_scenario
from privsim.scenario.overrides import resize
from tests.conftest import ROOT

FILES = sorted([*ROOT.glob("scenarios/*.yaml"), *ROOT.glob("scenarios/cases/*.yaml")])
SIZE = 600

if not kernels.available() and os.environ.get("CI") == "true":
    raise RuntimeError("CI=true but numba is missing: `make test` installs the dev extra, which includes privsim[fast]")
needs_numba = pytest.mark.skipif(not kernels.available(),
                                 reason="numba is not installed (pip install 'privsim[fast]'): numpy path only")


def digest(r: ReplicationResult) -> str:
    """One hash of every series, company series, marker and KPI of a replication, bit for bit."""
    assert r.error is None, r.error
    h = hashlib.sha256()
    for table in (r.series, r.company):
        for name in sorted(table):
            h.update(name.encode())
            h.update(np.ascontiguousarray(table[name]).tobytes())
    h.update(repr(r.marks).encode())
    h.update(repr(sorted((k, float(v).hex()) for k, v in r.kpis.items())).encode())
    return h.hexdigest()


@needs_numba
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_both_engine_paths_give_identical_results(path, monkeypatch):
    s = resize(load_scenario(path), SIZE)
    hashes = {}
    for engine in kernels.ENGINES:
        monkeypatch.setenv("PRIVSIM_ENGINE", engine)
        hashes[engine] = digest(simulate(s, 1))
    assert hashes["numpy"] == hashes["numba"]


def test_the_switch_names_a_path_and_refuses_others(monkeypatch):
    monkeypatch.setenv("PRIVSIM_ENGINE", "numpy")
    assert kernels.choose() == "numpy"
    assert kernels.choose("numpy") == "numpy"
    monkeypatch.setenv("PRIVSIM_ENGINE", "fortran")
    with pytest.raises(ValueError, match="choose one of numpy, numba"):
        kernels.choose()
    monkeypatch.delenv("PRIVSIM_ENGINE")
    assert kernels.choose() == ("numba" if kernels.available() else "numpy")   # the kernels where installed


@needs_numba
def test_raw_words_make_the_same_float32_draws_as_the_generator():
    for n in (1, 2, 7, 1000):
        seq = np.random.SeedSequence(5, spawn_key=(0, 4, 0, n))
        expected = np.random.Generator(np.random.PCG64(seq)).random(n, dtype=np.float32)
        words = np.random.PCG64(seq).random_raw((n + 1) // 2).view(np.uint32)
        kernels.compile_kernels()
        got = np.asarray([kernels.draw(words, i) for i in range(n)], dtype=np.float32)
        assert np.array_equal(got, expected)
