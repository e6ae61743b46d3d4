"""The fuzzer, run small: a few hundred hostile inputs and command lines, none may crash, hang or slip through.

``make fuzz`` runs the same harness large (2,000 inputs, 120 command lines).
"""

import subprocess
import sys

import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_no_input_crashes_hangs_blows_up_or_is_wrongly_accepted():
    result = subprocess.run([sys.executable, "-m", "tests.fuzz", "--inputs", "300", "--flags", "60", "--seed", "11"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert "300 inputs" in result.stdout and "60 command lines" in result.stdout


def test_the_generator_is_seeded_and_covers_every_class():
    from tests.fuzz.flags import command_lines
    from tests.fuzz.inputs import Generator

    first = [(i.cls, i.content) for i in Generator(5).inputs(60)]
    assert first == [(i.cls, i.content) for i in Generator(5).inputs(60)]
    makers = {name.removeprefix("make_") for name in dir(Generator) if name.startswith("make_")}
    assert {cls for cls, _ in first} >= {m for m in makers if m not in ("too_many", "malformed", "alias_bomb")}
    lines = command_lines(5, 40)
    assert any(line.bad for line in lines) and any(not line.bad for line in lines)
