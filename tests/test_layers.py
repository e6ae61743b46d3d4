"""The rules of the house (docs/architecture.md): imports flow one way, no runtime cycles, stages use public state.

Layers, bottom to top: root (``errors``, ``files``) → ``scenario`` → ``model`` → ``experiments`` →
``output`` → ``tester`` → faces (``cli``, ``dashboard``, ``app.py``). A module may import its own
layer and any layer below; imports under ``if TYPE_CHECKING:`` are type-only and exempt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

SRC = ROOT / "src"
LAYERS = ("root", "scenario", "model", "experiments", "output", "tester", "faces")
PACKAGE_LAYER = {"scenario": "scenario", "model": "model", "experiments": "experiments", "output": "output",
                 "tester": "tester", "cli": "faces", "dashboard": "faces"}


def layer(module: str) -> str:
    """The layer of a module name such as ``privsim.model.engine`` (``app`` is a face)."""
    if module == "app":
        return "faces"
    parts = module.split(".")
    return PACKAGE_LAYER.get(parts[1], "root") if len(parts) > 1 else "root"


def modules() -> dict[str, Path]:
    """Every module of the package (and app.py) by dotted name."""
    out = {"app": ROOT / "app.py"}
    for path in sorted((SRC / "privsim").rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def runtime_imports(source: str, known: set[str]) -> set[str]:
    """privsim modules a source imports at run time (at the top or inside functions; not type-only)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "privsim")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                and node.module.split(".")[0] == "privsim":
            for a in node.names:          # ``from privsim.model import behavior`` imports a submodule
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in known else node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(source))
    return found


def violations(module: str, imported: set[str]) -> list[str]:
    """Imports of ``module`` that break the layer rules."""
    mine = layer(module)
    out = []
    for other in sorted(imported):
        theirs = layer(other)
        if (theirs == "faces" and mine == "faces") or other == "privsim":
            continue
        if LAYERS.index(theirs) > LAYERS.index(mine) or (theirs == "faces" and mine != "faces"):
            out.append(f"{module} ({mine}) imports {other} ({theirs})")
    return out


def graph() -> dict[str, set[str]]:
    """Runtime import edges between privsim modules."""
    known = modules()
    return {m: runtime_imports(p.read_text(), set(known)) for m, p in known.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in edges:
        if v not in index:
            strong(v)
    return out


def test_imports_flow_one_way():
    problems = [p for module, imported in graph().items() for p in violations(module, imported)]
    assert not problems, "\n".join(problems)


def test_no_runtime_import_cycles():
    assert not cycles(graph())


def test_nothing_below_the_faces_imports_a_face():
    faces = {m for m in modules() if layer(m) == "faces"}
    for module, imported in graph().items():
        if layer(module) != "faces":
            assert not imported & faces, module


@pytest.mark.parametrize("module, source, broken", [
    ("privsim.model.churn", "from privsim.experiments.runs import replicate", True),
    ("privsim.model.churn", "def f():\n    from privsim.cli.common import app", True),
    ("privsim.model.churn", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from privsim.experiments.runs import RunResult", False),
    ("privsim.scenario.schema", "from privsim.model.rng import Streams", True),
    ("privsim.output.charts", "from privsim.tester.gate import stress", True),
    ("privsim.tester.gate", "from privsim.output.formatting import fmt", False),
    ("privsim.experiments.sweep", "from privsim.files import versions", False),
])
def test_the_rules_catch_an_import_against_the_flow(module, source, broken):
    imported = runtime_imports(source, set(modules()))
    assert bool(violations(module, imported)) == broken


def test_cycles_are_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_stages_use_public_members_of_the_replication():
    """Stage modules read and write ``eng.<public>`` only, never a private buffer such as ``eng._u``."""
    for path in sorted((SRC / "privsim" / "model").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "eng":
                assert not node.attr.startswith("_"), f"{path.name}: eng.{node.attr}"


def test_every_stage_of_the_step_order_is_a_stage_function_in_the_model():
    from privsim.model.engine import STEP_ORDER

    for stage in STEP_ORDER:
        assert stage.run.__name__ == f"stage_{stage.name}"
        assert stage.run.__module__.startswith("privsim.model.")
