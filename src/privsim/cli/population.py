"""The population commands: build a population from a customer export, or score a privacy-attitude survey.

Both read only the columns their map names, say which columns were dropped, hashed or never read, and write
nothing until every value has been checked (exit 2 with located problems otherwise).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from privsim import population_from_export, population_from_survey
from privsim.cli.common import MAX_SIZE, Force, app, guarded, out, rich_table
from privsim.errors import InputError
from privsim.files import claim_file, write_atomic, write_frame
from privsim.scenario.popblock import DEFAULT_SIZE, block, default_size

population_app = typer.Typer(no_args_is_help=True, help="Build a population from your own data: a customer export "
                                                        "or a privacy-attitude survey (docs/own-data.md).")
app.add_typer(population_app, name="population")

Map = Annotated[Path, typer.Option("--map", "-m", help="the mapping YAML: which columns mean what")]
Size = Annotated[int | None, typer.Option("--size", min=1, max=MAX_SIZE, help="simulated customers in the block "
                                                                            "(default: the rows, at most 100,000)")]


@population_app.command("build")
@guarded
def build(
    export: Annotated[Path, typer.Argument(help="customer export: .csv, .parquet or .xlsx (small files), one row "
                                                "per customer")],
    map: Map,
    out_file: Annotated[Path, typer.Option("--out", "-o", help="the population file (.parquet), or with "
                                                               "--segments-only the population: block (.yaml)")],
    segments_only: Annotated[bool, typer.Option("--segments-only", help="write only segment levels (a YAML "
                                                                        "population: block), no per-customer file")]
    = False,
    size: Size = None,
    force: Force = False,
) -> None:
    """Build a population from a customer export: a per-customer Parquet file, or a population: block."""
    suffix = (".yaml", ".yml") if segments_only else (".parquet",)
    if out_file.suffix.lower() not in suffix:
        raise InputError.single("--out", f"got {str(out_file)!r}; allowed: a {' or '.join(suffix)} file"
                                + ("" if segments_only else " (or --segments-only for a .yaml block)"))
    claim_file(out_file, force=force)
    built = population_from_export(export, map)
    n = size or default_size(built.rows)
    notes = {seg: "starts: " + "; ".join(f"{pid} granted {g:.1%}, refused {d:.1%}" for pid, (g, d) in per.items())
             for seg, per in built.consents.items() if per}
    title = [f"written by privsim population build from {export.name} ({built.rows:,} customers)",
             "identifiers dropped: " + (", ".join(built.dropped) or "none")
             + "; hashed: " + (", ".join(built.hashed) or "none")]
    if segments_only:
        title.append("starting consent shares are notes only: a per-customer file seeds them")
    text = block(built.segments, n, built.rows / n, title=title,
                 from_file=None if segments_only else out_file.name, notes=notes)
    _folder(out_file)
    if segments_only:
        write_atomic(out_file, text)
    else:
        write_frame(out_file, built.frame)
    out.print(f"read {built.rows:,} rows of {export}: {', '.join(built.read)}", markup=False)
    out.print(f"identifiers dropped, never read: {', '.join(built.dropped) or 'none'}", markup=False)
    out.print(f"identifiers hashed (salted, salt not kept): {', '.join(built.hashed) or 'none'}", markup=False)
    out.print(f"other columns, never read: {', '.join(built.ignored) or 'none'}", markup=False)
    for role, shares in built.margins.items():
        out.print(f"{role}: " + ", ".join(f"{k} {v:.1%}" for k, v in shares.items()), markup=False)
    out.print(f"wrote {out_file}" + ("" if segments_only else "; its population: block:"), markup=False)
    if not segments_only:
        out.print(text, markup=False, end="")


@population_app.command("survey")
@guarded
def survey(
    file: Annotated[Path, typer.Argument(help="survey responses: .csv, .sav (SPSS), .parquet or .xlsx, one row per "
                                              "respondent")],
    map: Map,
    out_file: Annotated[Path | None, typer.Option("--out", "-o", help="write the population: block here (.yaml); "
                                                                      "default: print it")] = None,
    size: Annotated[int, typer.Option("--size", min=1, max=MAX_SIZE, help="simulated customers in the block")]
    = DEFAULT_SIZE,
    force: Force = False,
) -> None:
    """Score a survey (Westin–Harris index, Likert concern): the weighted mix with 95% intervals, and its block."""
    if out_file is not None:
        if out_file.suffix.lower() not in (".yaml", ".yml"):
            raise InputError.single("--out", f"got {str(out_file)!r}; allowed: a .yaml file")
        claim_file(out_file, force=force)
    mix = population_from_survey(file, map)
    rows = [{"segment": s.name, "respondents": f"{s.respondents:,}", "share": f"{s.share:.1%}",
             "95% interval": f"{s.low:.1%} – {s.high:.1%}",
             "concern": "—" if s.concern is None else f"{s.concern:.2f}"} for s in mix.segments]
    import pandas as pd

    weights = "weighted" if mix.weighted else "unweighted"
    out.print(rich_table(pd.DataFrame(rows), f"{file.name}: {mix.respondents - mix.unclassified:,} of "
                         f"{mix.respondents:,} respondents classified, {weights}, effective n {mix.n_eff:,.0f}",
                         left=("segment",)))
    out.print(f"identifiers dropped, never read: {', '.join(mix.dropped) or 'none'}; other columns, never read: "
              f"{', '.join(mix.ignored) or 'none'}", markup=False)
    text = block(mix.levels, size, 1.0, title=[f"written by privsim population survey from {file.name} "
                                               f"({mix.respondents:,} respondents, {weights})"])
    if out_file is None:
        out.print(text, markup=False, end="")
    else:
        _folder(out_file)
        write_atomic(out_file, text)
        out.print(f"wrote {out_file}", markup=False)


def _folder(path: Path) -> None:
    """Create the folder an output goes into (claim_file checked it may be written)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError.single(str(path), f"cannot be created ({exc.strerror or type(exc).__name__})") from None
