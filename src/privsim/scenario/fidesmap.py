"""The Fides → privsim mapping tables, read from the reviewable CSV files in ``privsim/data``.

``taxonomy_map.csv`` maps every default data category and data use of fideslang 3.1.4 to a privsim
category or purpose (docs/taxonomy_sources.md); ``fides_map.csv`` gives the further practice fields a
legal basis or a data use sets, and which data subjects privsim models. Keys match by their longest
dotted prefix, so a custom key under a default one (``user.contact.email.work``) takes its parent's row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from privsim.scenario.yamlmap import load_value

TAXONOMY_MAP = "taxonomy_map.csv"
FIDES_MAP = "fides_map.csv"
NONE = "none"            # the privsim column of what privsim does not model


@dataclass(frozen=True)
class Row:
    """One mapping row: the Fides key, what privsim makes of it, and why."""

    key: str
    privsim: str
    note: str

    @property
    def target(self) -> str | None:
        """The privsim category or purpose (a row proposing ``NEW:<name>`` names it), None for ``none``."""
        return None if self.privsim == NONE else self.privsim.removeprefix("NEW:")

    def fields(self) -> dict[str, Any]:
        """The practice fields a ``fides_map.csv`` row sets (``consent=opt_in; legal_basis=consent``)."""
        pairs = (item.partition("=") for item in self.privsim.split(";") if item.strip())
        return {k.strip(): load_value(v, FIDES_MAP) for k, _, v in pairs}


@cache
def table(file: str, kind: str) -> dict[str, Row]:
    """The rows of one kind (``category``, ``use``, ``legal_basis``, ``subject``) of a mapping file, by key."""
    with (files("privsim") / "data" / file).open(encoding="utf-8") as handle:
        return {r["fides_key"]: Row(r["fides_key"], r["privsim"], r["note"])
                for r in csv.DictReader(handle) if r["kind"] == kind}


def longest_prefix(key: str, rows: dict[str, Row]) -> Row | None:
    """The row of the longest dotted prefix of ``key`` (the key itself first), or None when no prefix has one."""
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        row = rows.get(".".join(parts[:n]))
        if row is not None:
            return row
    return None


def category(key: str) -> Row | None:
    """The privsim category row of a Fides data category."""
    return longest_prefix(key, table(TAXONOMY_MAP, "category"))


def purpose(key: str) -> Row | None:
    """The privsim purpose row of a Fides data use."""
    return longest_prefix(key, table(TAXONOMY_MAP, "use"))


def use_fields(key: str) -> dict[str, Any]:
    """Practice fields a data use sets besides its purpose (a channel, recipients), by longest prefix."""
    row = longest_prefix(key, table(FIDES_MAP, "use"))
    return row.fields() if row else {}


def legal_basis_fields(basis: str | None) -> dict[str, Any]:
    """Consent mode and legal basis a Fides ``legal_basis_for_processing`` (or its absence) sets."""
    return table(FIDES_MAP, "legal_basis")[basis or "unstated"].fields()


def subject(key: str) -> Row | None:
    """The row of a default Fides data subject (``customers`` or ``none``); None for a key fideslang lacks."""
    return table(FIDES_MAP, "subject").get(key)
