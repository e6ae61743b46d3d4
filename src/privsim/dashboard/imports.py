"""Customer exports, surveys and Fides data maps sent to the dashboard: size-checked, read once, never kept.

An upload's size is checked before anything reads it; then the very functions of the command line read it
(``privsim population build`` and ``survey``, ``privsim import fides``), so it is validated the same way,
only the columns its map names are read and nothing in it is executed. An export's bytes are written to the
session's private temporary folder for the build alone and deleted right after it: what is kept is the
population the build makes (segment levels, or the per-customer Parquet whose identifiers are dropped or
hashed). Problems name the uploaded files, worded as the command line words them.
"""

from __future__ import annotations

import copy
import secrets
import shutil
import tempfile
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from privsim.dashboard.workspace import check_size
from privsim.errors import InputError, Problem
from privsim.files import write_frame
from privsim.model.vocabulary import SCORE, SHARE
from privsim.output.formatting import money, quantity
from privsim.scenario import customers, exports, fides, popfile, survey
from privsim.scenario.load import decode
from privsim.scenario.popblock import DEFAULT_SIZE, default_size, population_data

EXPORT_MAX = 50 * 2**20        # bytes: an uploaded export or survey (about 800,000 customers as CSV); more: the CLI
EXPORT_MB = EXPORT_MAX // 2**20    # the same in whole MB: the upload box's limit and the server's
CUSTOMERS, SURVEY = "customers", "survey"
FORMATS = {CUSTOMERS: customers.FORMATS, SURVEY: survey.FORMATS}
LARGER = "a larger export: privsim population build on the command line"


@dataclass(frozen=True)
class Upload:
    """An uploaded file: its name and bytes, held only while it is read."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Outcome:
    """What a build keeps: the population for the editor and what the page says about it, never a row of the file."""

    population: dict[str, Any]      # size, represents, segments and, for a per-customer file, from_file
    source: str                     # the uploaded export and map, by name
    facts: list[str]                # what was read, dropped, hashed and never read
    mix: list[dict[str, str]]       # the segments as shown: share (a survey's with its 95% interval) and levels
    consent: list[dict[str, str]]   # an export's consent on record, by segment and practice: shares granted, refused


class Folder:
    """A private temporary folder (mode 700) of one session, removed when the session is gone or the server stops."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="privsim-session-"))
        weakref.finalize(self, shutil.rmtree, self.path, True)


def suffixes(kind: str) -> list[str]:
    """The suffixes (without the dot) an upload of ``kind`` may have."""
    return [s.lstrip(".") for s, k in exports.KINDS.items() if k in FORMATS[kind]]


def build(kind: str, export: Upload, mapping: Upload, folder: Path, *, per_customer: bool,
          currency: str = "USD") -> Outcome:
    """A population from an uploaded export (``CUSTOMERS``) or survey (``SURVEY``) and its map; bad input names them.

    With ``per_customer`` (exports only) the per-customer Parquet is written to ``folder`` and the population
    reads it (``from_file``); otherwise the population is segment levels only. The uploads' bytes are on disk
    only while they are read.
    """
    check_size(export.name, len(export.data), EXPORT_MAX, LARGER)
    check_size(mapping.name, len(mapping.data), why="a mapping file is a few KB")
    token = secrets.token_hex(8)
    export_path = folder / f"upload-{token}{Path(export.name).suffix.lower()}"
    map_path = folder / f"map-{token}.yaml"
    try:
        export_path.write_bytes(export.data)
        map_path.write_bytes(mapping.data)
        if kind == SURVEY:
            return _survey(export_path, map_path, export.name, mapping.name)
        out = folder / f"population-{token}.parquet" if per_customer else None
        return _customers(export_path, map_path, export.name, mapping.name, out, currency)
    except InputError as exc:
        raise renamed(exc, {str(export_path): export.name, str(map_path): mapping.name}) from None
    finally:
        export_path.unlink(missing_ok=True)
        map_path.unlink(missing_ok=True)


def _customers(path: Path, map_path: Path, name: str, map_name: str, out: Path | None, currency: str) -> Outcome:
    built = customers.population_from_export(path, map_path)
    n = default_size(built.rows)
    population = population_data(built.segments, n, built.rows / n)
    if out is not None:
        write_frame(out, built.frame)
        population["from_file"] = str(out)
    counts = built.frame[popfile.SEGMENT].value_counts()
    mix = [{"segment": s, "customers": f"{int(counts[s]):,}", "share": quantity(SHARE, seg["share"]),
            "concern": quantity(SCORE, seg["concern"]), "trust": quantity(SCORE, seg["trust"]),
            "annual value": money(seg["annual_value"], currency),
            "churn per year": quantity(SHARE, seg["churn_per_year"])} for s, seg in population["segments"].items()]
    consent = [{"segment": s, "practice": pid, "granted": quantity(SHARE, g), "refused": quantity(SHARE, d)}
               for s, per in built.consents.items() for pid, (g, d) in per.items()]
    facts = [f"Read {built.rows:,} rows of {name}: {words(built.read)}.",
             f"Identifiers dropped, never read: {words(built.dropped)}.",
             f"Identifiers kept only as a salted hash (the salt is not kept): {words(built.hashed)}.",
             f"Other columns, never read: {words(built.ignored)}.",
             *(f"{role.replace('_', ' ')}: " + ", ".join(f"{k} {quantity(SHARE, v)}" for k, v in shares.items())
               for role, shares in built.margins.items()),
             "Customers are drawn from the per-customer population file (population.from_file), kept in this "
             "session's private temporary folder; starting consent seeds the practices of the same id."
             if out is not None else "Segments only: the starting consent shown cannot seed the practices (a "
             "per-customer population file does).",
             f"{name} itself was deleted once read; upload it again to rebuild."]
    return Outcome(population, f"{name} through {map_name}", facts, mix, consent)


def _survey(path: Path, map_path: Path, name: str, map_name: str) -> Outcome:
    mix = survey.population_from_survey(path, map_path)
    population = population_data(mix.levels, DEFAULT_SIZE, 1.0)
    rows = [{"segment": s.name, "respondents": f"{s.respondents:,}", "share": quantity(SHARE, s.share),
             "95% interval": f"{quantity(SHARE, s.low)} – {quantity(SHARE, s.high)}",
             "concern": "–" if s.concern is None else quantity(SCORE, s.concern)} for s in mix.segments]
    facts = [f"{mix.respondents - mix.unclassified:,} of {mix.respondents:,} respondents of {name} classified, "
             f"{'weighted' if mix.weighted else 'unweighted'}, effective n {mix.n_eff:,.0f}.",
             f"Identifiers dropped, never read: {words(mix.dropped)}.",
             f"Other columns, never read: {words(mix.ignored)}.",
             f"{name} itself was deleted once read; upload it again to rebuild."]
    return Outcome(population, f"{name} through {map_name}", facts, rows, [])


def words(names: list[str]) -> str:
    """Column names as a list in words."""
    return ", ".join(names) or "none"


def renamed(exc: InputError, names: dict[str, str]) -> InputError:
    """The problems of ``exc`` with each temporary path replaced by the name of the file uploaded."""

    def named(text: str) -> str:
        for path, name in names.items():
            text = text.replace(path, name)
        return text

    return InputError(Problem(named(p.source), p.line, p.field, named(p.message)) for p in exc.problems)


def with_population(base: dict[str, Any], population: dict[str, Any]) -> dict[str, Any]:
    """Scenario data with its population's size, scaling and segments (and file) replaced by a built one."""
    data = copy.deepcopy(base)
    data["population"] = {**data["population"], "from_file": None, **population}
    return data


def data_map(uploads: list[Upload], jurisdictions: list[str] | None = None) -> fides.DataMap:
    """The scenario skeleton of uploaded Fides manifests (one, or every file of a folder); bad input names them."""
    if len(uploads) > fides.MAX_FILES:
        raise InputError.single("the upload", f"{len(uploads):,} manifests; allowed: at most {fides.MAX_FILES}")
    texts, problems = [], []
    for upload in uploads:
        try:
            check_size(upload.name, len(upload.data), why="a Fides manifest is a few KB")
            texts.append((upload.name, decode(upload.data, upload.name)))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return fides.convert(fides.documents(texts), ", ".join(u.name for u in uploads), jurisdictions)
