"""NIST PRAM problematic data actions and problems of privsim's purposes, events and lint checks.

The mapping is the reviewable table ``privsim/data/pram_problems.csv`` (kind, key, problematic data
actions, problems, source, note); the catalogue it maps onto is NIST's Catalog of Problematic Data Actions
and Problems (PRAM, ``catalog-PDAP.md`` in usnistgov/PrivacyEngCollabSpace).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

MAPPING = "pram_problems.csv"
# NIST's problematic data actions and problems (catalog-PDAP.md); the table may name nothing else
PDAS = ("Appropriation", "Distortion", "Induced disclosure", "Insecurity", "Re-identification", "Stigmatization",
        "Surveillance", "Unanticipated revelation", "Unwarranted restriction")
PROBLEMS = ("Dignity loss", "Discrimination", "Economic loss", "Loss of self-determination", "Loss of autonomy",
            "Loss of liberty", "Physical harm", "Loss of trust")


@dataclass(frozen=True)
class Mapped:
    """What one purpose, event type or check maps to: problematic data actions and problems, with its source."""

    pdas: tuple[str, ...]
    problems: tuple[str, ...]
    source: str
    note: str


def _split(cell: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in cell.split(";") if x.strip())


@cache
def table() -> dict[tuple[str, str], Mapped]:
    """The mapping by (kind, key): kinds ``purpose``, ``event``, ``operations`` and ``check``."""
    with (files("privsim") / "data" / MAPPING).open(encoding="utf-8") as handle:
        return {(row["kind"], row["key"]): Mapped(_split(row["problematic_data_actions"]), _split(row["problems"]),
                                                  row["source"], row["note"])
                for row in csv.DictReader(handle)}


def mapped(kind: str, key: str) -> Mapped:
    """The mapping of one purpose, event type or check (nothing, when the table has no row for it)."""
    return table().get((kind, key), Mapped((), (), "", ""))


def union(items: list[Mapped]) -> Mapped:
    """Several mappings as one: every problematic data action and problem once, in catalogue order."""
    pdas = {p for m in items for p in m.pdas}
    problems = {p for m in items for p in m.problems}
    return Mapped(tuple(p for p in PDAS if p in pdas), tuple(p for p in PROBLEMS if p in problems), "", "")
