"""Exports for assessments: export pram (a NIST PRAM annex, .xlsx) and export cnil (a CNIL PIA tool file, .json).

Both run the stress test of ``privsim test`` and each data action's part in it on the same seeds, with the
lint findings. Exit codes: 0 written; 1 written, but replications failed; 2 bad input (nothing written).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from privsim.cli.common import Force, RunOptions, app, err, guarded, progress_bar, run_options
from privsim.errors import InputError
from privsim.files import claim_file, write_atomic
from privsim.output.formatting import plain
from privsim.scenario.load import read_scenario
from privsim.tester.assessments import Assessment, assess, pia, workbook
from privsim.tester.lint import lint

export_app = typer.Typer(no_args_is_help=True, help="Exports for assessments: the stress test and lint findings as "
                                                    "a NIST PRAM annex (xlsx) or a CNIL PIA tool file (json).")
app.add_typer(export_app, name="export")

ScenarioFile = Annotated[Path, typer.Argument(help="scenario YAML file")]
Author = Annotated[str, typer.Option(help="the PIA's author (author_name)")]
Evaluator = Annotated[str, typer.Option(help="who evaluates the PIA (evaluator_name)")]
Validator = Annotated[str, typer.Option(help="who validates the PIA (validator_name)")]


def output_option(suffix: str) -> Any:
    """The required ``--output/-o`` option of an export written as a ``suffix`` file."""
    return typer.Option("--output", "-o", help=f"the {suffix} file to write (atomically)")


def _claim(output: Path, suffix: str, force: bool) -> None:
    if output.suffix.lower() != suffix:
        raise InputError.single(str(output), f"has the suffix {output.suffix or '(none)'!r}; allowed: a {suffix} "
                                "file name (nothing was written)", field="--output")
    claim_file(output, force=force)


def _assessment(path: Path, run: RunOptions) -> Assessment:
    """The stress test of a scenario file (with --set and --size) and the part of each data action."""
    scenario = run.scenario(path)
    _, lines = read_scenario(path)
    report = lint(scenario, source=str(path), lines=lines)
    with progress_bar() as progress:
        return assess(scenario, report, lines, run.replications(scenario), progress=progress, **run.runner)


def _write(output: Path, data: bytes | str, a: Assessment) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(output, data)
    run = a.gate.run
    err.print(f"wrote {output}: {len(a.risks)} data actions, {len(run.replications)} replications × "
              f"{plain(a.scenario.population.size)} customers, seed {run.seed}", markup=False)
    for problem in a.errors:
        err.print(f"replication failed: {problem}", markup=False)
    if a.errors:
        raise typer.Exit(1)


@export_app.command("pram")
@guarded
@run_options()
def pram_command(scenario: ScenarioFile, output: Annotated[Path, output_option(".xlsx")], force: Force = False, *,
                 run: RunOptions) -> None:
    """A DPIA annex in the NIST PRAM structure: one row per data action with its simulated likelihood and impact."""
    _claim(output, ".xlsx", force)
    a = _assessment(scenario, run)
    _write(output, workbook(a), a)


@export_app.command("cnil")
@guarded
@run_options()
def cnil_command(scenario: ScenarioFile, output: Annotated[Path, output_option(".json")], force: Force = False,
                 author: Author = "", evaluator: Evaluator = "", validator: Validator = "", *,
                 run: RunOptions) -> None:
    """The three risks of a CNIL PIA (access, modification, disappearance), gauged from the stress test."""
    _claim(output, ".json", force)
    a = _assessment(scenario, run)
    data = pia(a, datetime.now(UTC), author=author, evaluator=evaluator, validator=validator)
    _write(output, json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n", a)
