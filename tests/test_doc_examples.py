"""Docs that run: every ```bash and ```python block in README.md and docs/*.md is executed, small.

Conventions: bash lines that call ``privsim`` run in a scratch folder holding ``scenarios/`` and ``examples/`` with
PRIVSIM_SIZE=2000 and PRIVSIM_REPS=3; a trailing ``# exit N`` states the expected exit code (default 0);
``make`` lines and ``console`` blocks are shown only, never run.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"```(bash|python)\n(.*?)```", re.S)
BIN = Path(sys.executable).parent


def blocks():
    for doc in DOCS:
        for n, match in enumerate(FENCE.finditer(doc.read_text())):
            yield pytest.param(match.group(1), match.group(2), id=f"{doc.name}-{n}")


@pytest.fixture
def scratch(tmp_path):
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    (tmp_path / "benchmarks").symlink_to(ROOT / "benchmarks")
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    return tmp_path


def environment():
    return {**os.environ, "PRIVSIM_SIZE": "2000", "PRIVSIM_REPS": "3", "PATH": f"{BIN}:{os.environ['PATH']}"}


@pytest.mark.slow
@pytest.mark.parametrize("kind, code", list(blocks()))
def test_doc_example_runs(kind, code, scratch):
    if kind == "python":
        result = subprocess.run([sys.executable, "-c", code], cwd=scratch, env=environment(), capture_output=True,
                                text=True, timeout=600)
        assert result.returncode == 0, result.stderr[-3000:]
        return
    ran = 0
    for line in code.splitlines():
        command, _, comment = line.partition("#")
        words = shlex.split(command.replace(".venv/bin/", ""))
        if not words or words[0] != "privsim":
            continue
        expected = int(m.group(1)) if (m := re.search(r"exit (\d)", comment)) else 0
        shell = command.replace(".venv/bin/privsim", "privsim")
        result = subprocess.run(shell, shell=True, cwd=scratch, env=environment(), capture_output=True, text=True,
                                timeout=600)
        assert result.returncode == expected, f"{line}\n{result.stderr[-3000:]}"
        ran += 1
    assert ran or "make " in code, "a bash block with nothing to run"
