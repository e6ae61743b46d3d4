"""Import commands: outside records in as privsim input (``privsim import fides``: a data map as a scenario).

Exit codes: 0 written (what did not map is listed as warnings on stderr and in the file's header); 2 bad
input, and then nothing is written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privsim.cli.common import Force, app, err, guarded
from privsim.files import claim_file, write_atomic
from privsim.scenario.fides import read_data_map

import_app = typer.Typer(no_args_is_help=True, help="Bring outside records in: a Fides data map as a scenario.")
app.add_typer(import_app, name="import")


@import_app.command("fides")
@guarded
def import_fides(
    path: Annotated[Path, typer.Argument(help="a Fides manifest (.yml/.yaml with system:) or a folder of them")],
    output: Annotated[Path, typer.Option("--output", "-o", help="the scenario file to write")],
    jurisdiction: Annotated[list[str] | None, typer.Option(
        "--jurisdiction", "-j", help="jurisdictions of the scenario: eu, uk, us, us_ca, us_il (default eu)")] = None,
    force: Force = False,
) -> None:
    """Write a scenario skeleton from a Fides data map: one practice per privacy declaration (docs/fides.md)."""
    claim_file(output, force=force)
    codes = [j.strip() for item in jurisdiction or [] for j in item.split(",") if j.strip()]
    data_map = read_data_map(path, codes or None)
    for warning in data_map.warnings:
        err.print(f"warning: {warning}", markup=False)
    write_atomic(output, data_map.text)
    err.print(f"wrote {output}: {len(data_map.scenario.strategy.practices)} practices from "
              f"{data_map.declarations} privacy declarations in {data_map.systems} systems; "
              f"{len(data_map.warnings)} warnings", markup=False)
