"""A Fides data map in: fideslang systems and their privacy declarations as a privsim scenario skeleton.

One practice per privacy declaration, mapped through ``fidesmap`` (docs/fides.md). Files are read by the
one bounded reader (``load.read_text``, ``yamlmap.parse``), so every limit and line number holds. A
category, use or subject that maps to nothing is a warning naming its file and line, never dropped
silently; a malformed map is an :class:`~privsim.errors.InputError` and nothing is made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, get_args

import yaml

from privsim.errors import InputError, Problem, did_you_mean, show
from privsim.scenario import fidesmap
from privsim.scenario.load import read_text, scenario_from_text
from privsim.scenario.schema import MAX_PRACTICES, Jurisdiction, Scenario
from privsim.scenario.yamlmap import FieldPath, LineMap, dotted, line_of, parse

MAX_FILES = 100                 # a folder of manifests; each file is bounded by read_text
SUFFIXES = (".yml", ".yaml")
RESOURCES = ("system", "dataset", "data_category", "data_use", "data_subject", "organization", "policy",
             "registry")        # fideslang's manifest keys; only systems hold privacy declarations
LEGAL_BASES = ("Consent", "Contract", "Legal obligations", "Vital interests", "Public interest",
               "Legitimate interests")   # fideslang LegalBasisForProcessingEnum (GDPR Art. 6)
DECLARATION_KEYS = ("name", "data_categories", "data_use", "data_subjects", "data_qualifier", "dataset_references",
                    "egress", "ingress", "features", "flexible_legal_basis_for_processing",
                    "legal_basis_for_processing", "impact_assessment_location", "retention_period",
                    "processes_special_category_data", "special_category_legal_basis",
                    "data_shared_with_third_parties", "third_parties", "shared_categories", "cookies", "id")


@dataclass(frozen=True)
class Document:
    """One parsed manifest file and the line of each of its fields."""

    source: str
    data: dict[str, Any]
    lines: LineMap

    def line(self, path: FieldPath) -> int | None:
        """The line of a field (or of its deepest stated parent)."""
        return line_of(self.lines, path)

    def problem(self, path: FieldPath, message: str) -> Problem:
        """A problem located at a field of this file."""
        return Problem(self.source, self.line(path), dotted(path), message)


@dataclass(frozen=True)
class Origin:
    """Where a practice came from: the declaration's file and line, and the line of each field it set."""

    source: str
    line: int
    fields: LineMap               # practice field path (``('data', 1)``) -> line in the data map


@dataclass(frozen=True)
class DataMap:
    """A converted data map: the scenario, its YAML text, the warnings, and where each practice came from."""

    source: str
    scenario: Scenario
    text: str
    warnings: list[Problem]
    origins: list[Origin]
    anchor: tuple[str, int | None]    # the first system: where findings on the strategy as a whole point
    systems: int
    declarations: int

    def locate(self, path: FieldPath) -> tuple[str, int | None]:
        """The data-map file and line behind a field of the generated scenario."""
        if path[:2] == ("strategy", "practices") and len(path) > 2 and isinstance(path[2], int) \
                and path[2] < len(self.origins):
            origin = self.origins[path[2]]
            return origin.source, line_of(origin.fields, path[3:])
        return self.anchor


def is_fides(data: Any) -> bool:
    """Parsed YAML is a Fides manifest: a mapping with a top-level ``system:`` or ``dataset:`` key."""
    return isinstance(data, dict) and ("system" in data or "dataset" in data)


def read_data_map(path: str | Path, jurisdictions: list[str] | None = None) -> DataMap:
    """Read a Fides data map (a manifest file, or a folder of .yml/.yaml manifests) and convert it."""
    return convert(read_documents(path), str(path), jurisdictions)


def read_documents(path: str | Path) -> list[Document]:
    """The manifests of a file or folder, each parsed within the reader's limits; bad input names the file."""
    folder = Path(path)
    paths = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES) if folder.is_dir() else [folder]
    if not paths:
        raise InputError.single(str(path), "holds no .yml or .yaml file; allowed: a Fides manifest or a folder "
                                "of them")
    if len(paths) > MAX_FILES:
        raise InputError.single(str(path), f"holds {len(paths):,} manifests; allowed: at most {MAX_FILES}")
    texts, problems = [], []
    for p in paths:
        try:
            texts.append((str(p), read_text(p)))
        except InputError as exc:
            problems += exc.problems
    try:
        docs = documents(texts)
    except InputError as exc:
        problems += exc.problems
    if problems:
        raise InputError(problems)
    return docs


def documents(texts: list[tuple[str, str]]) -> list[Document]:
    """Manifests from ``(source, YAML text)`` pairs (files read, or uploads); bad input names the source."""
    docs, problems = [], []
    for source, text in texts:
        try:
            data, lines = parse(text, source)
        except InputError as exc:
            problems += exc.problems
            continue
        if is_fides(data):
            docs.append(Document(source, data, lines))
        else:
            problems.append(Problem(source, 1, "", "not a Fides data map; allowed: a manifest with a top-level "
                                    "'system:' (or 'dataset:') list"))
    if problems:
        raise InputError(problems)
    return docs


def convert(docs: list[Document], source: str, jurisdictions: list[str] | None = None) -> DataMap:
    """The scenario skeleton of parsed manifests: one practice per privacy declaration that maps."""
    allowed = get_args(Jurisdiction)
    for code in jurisdictions or []:
        if code not in allowed:
            raise InputError.single("--jurisdiction", f"got {code!r}{did_you_mean(code, allowed)}; allowed: "
                                    f"{', '.join(allowed)}")
    problems: list[Problem] = []
    warnings: list[Problem] = []
    made: list[tuple[dict[str, Any], Origin, str]] = []
    systems = declarations = 0
    anchor: tuple[str, int | None] | None = None
    for doc in docs:
        for path, system in _systems(doc, problems):
            systems += 1
            anchor = anchor or (doc.source, doc.line(path))
            for dpath, decl in _declarations(doc, path, system, problems):
                declarations += 1
                found = _practice(doc, dpath, decl, system["fides_key"], warnings)
                if found is not None:
                    made.append(found)
    if not problems and not made:
        problems.append(Problem(source, None, "", f"no privacy declaration maps to a practice ({declarations} "
                                "read); allowed: a map with a system whose declarations use customer data"))
    if len(made) > MAX_PRACTICES:
        problems.append(Problem(source, None, "", f"{len(made)} declarations make {len(made)} practices; allowed: "
                                f"at most {MAX_PRACTICES} (lint the map one file or system at a time)"))
    if problems:
        raise InputError(problems)
    _unique_ids([p for p, _, _ in made])
    text = _render(source, jurisdictions or ["eu"], made, warnings, systems, declarations)
    scenario = scenario_from_text(text, f"<privsim import of {source}>")
    return DataMap(source, scenario, text, warnings, [o for _, o, _ in made], anchor or (source, None),
                   systems, declarations)


# ------------------------------------------------------------------ the manifest's shape
def _systems(doc: Document, problems: list[Problem]) -> list[tuple[FieldPath, dict[str, Any]]]:
    """The well-formed systems of a manifest; each problem is recorded."""
    for key in doc.data:
        if key not in RESOURCES:
            problems.append(doc.problem((key,), f"unknown key '{key}'{did_you_mean(key, RESOURCES)}; allowed: "
                                        f"{', '.join(RESOURCES)}"))
    listed = doc.data.get("system") or []
    if not isinstance(listed, list):
        problems.append(doc.problem(("system",), f"got {show(listed)}; allowed: a list of systems"))
        return []
    out = []
    for i, system in enumerate(listed):
        path: FieldPath = ("system", i)
        if not isinstance(system, dict):
            problems.append(doc.problem(path, f"got {show(system)}; allowed: a system (a mapping with fides_key "
                                        "and privacy_declarations)"))
        elif not isinstance(system.get("fides_key"), str) or not system["fides_key"]:
            got = f"got {show(system['fides_key'])}" if "fides_key" in system else "missing required field"
            problems.append(doc.problem((*path, "fides_key"), f"{got}; allowed: the system's key, a non-empty "
                                        "string"))
        elif not isinstance(system.get("privacy_declarations", []), list):
            problems.append(doc.problem((*path, "privacy_declarations"), f"got {show(system['privacy_declarations'])}"
                                        "; allowed: a list of privacy declarations"))
        else:
            out.append((path, system))
    return out


def _declarations(doc: Document, path: FieldPath, system: dict[str, Any],
                  problems: list[Problem]) -> list[tuple[FieldPath, dict[str, Any]]]:
    """The well-formed privacy declarations of a system; each problem is recorded."""
    out = []
    for j, decl in enumerate(system.get("privacy_declarations") or []):
        dpath = (*path, "privacy_declarations", j)
        found = _shape_problems(doc, dpath, decl)
        problems += found
        if not found:
            out.append((dpath, decl))
    return out


def _shape_problems(doc: Document, path: FieldPath, decl: Any) -> list[Problem]:
    """What is wrong with the fields of one declaration that the import reads."""
    if not isinstance(decl, dict):
        return [doc.problem(path, f"got {show(decl)}; allowed: a privacy declaration (a mapping with "
                            "data_categories, data_use, data_subjects)")]
    out = []

    def wrong(field: str, allowed: str) -> None:
        got = f"got {show(decl[field])}" if field in decl else "missing required field"
        out.append(doc.problem((*path, field), f"{got}; allowed: {allowed}"))

    if not isinstance(decl.get("data_use"), str) or not decl["data_use"]:
        wrong("data_use", "one Fides data use key, e.g. marketing.communications.email")
    categories = decl.get("data_categories")
    if not (isinstance(categories, list) and categories and all(isinstance(c, str) for c in categories)):
        wrong("data_categories", "a non-empty list of Fides data category keys, e.g. [user.contact.email]")
    subjects = decl.get("data_subjects", [])
    if not (isinstance(subjects, list) and all(isinstance(s, str) for s in subjects)):
        wrong("data_subjects", "a list of Fides data subject keys, e.g. [customer]")
    if decl.get("name") is not None and not isinstance(decl["name"], str):
        wrong("name", "a string")
    basis = decl.get("legal_basis_for_processing")
    if basis is not None and basis not in LEGAL_BASES:
        out.append(doc.problem((*path, "legal_basis_for_processing"), f"got {show(basis)}"
                               f"{did_you_mean(basis, LEGAL_BASES)}; allowed: {', '.join(LEGAL_BASES)}"))
    if not isinstance(decl.get("data_shared_with_third_parties", False), bool):
        wrong("data_shared_with_third_parties", "true or false")
    return out


# ------------------------------------------------------------------ one declaration → one practice
def _practice(doc: Document, path: FieldPath, decl: dict[str, Any], system: str,
              warnings: list[Problem]) -> tuple[dict[str, Any], Origin, str] | None:
    """The practice of a declaration, where it came from and a comment saying how; None when it maps to nothing."""
    def warn(at: FieldPath, message: str) -> None:
        warnings.append(doc.problem((*path, *at), message))

    for key in decl:
        if key not in DECLARATION_KEYS:
            warn((key,), f"'{key}' is not a fideslang privacy-declaration field{did_you_mean(key, DECLARATION_KEYS)}"
                 "; it is not read")
    use = decl["data_use"]
    row = fidesmap.purpose(use)
    if row is None or row.target is None:
        warn(("data_use",), f"{_unmapped(use, row, 'use')}; no practice made for this declaration")
        return None
    data: list[str] = []
    fields: LineMap = {(): doc.line(path) or 1, ("purpose",): doc.line((*path, "data_use")) or 1,
                       ("data",): doc.line((*path, "data_categories")) or 1}
    how = [f"{use} → {row.target}"]
    for k, key in enumerate(decl["data_categories"]):
        cat = fidesmap.category(key)
        if cat is None or cat.target is None:
            warn(("data_categories", k), f"{_unmapped(key, cat, 'category')}; left out of the practice")
            continue
        how.append(f"{key} → {cat.target}")
        if cat.target not in data:
            fields[("data", len(data))] = doc.line((*path, "data_categories", k)) or 1
            data.append(cat.target)
    if not data:
        warn(("data_categories",), "no data category maps to a privsim category; no practice made")
        return None
    if not _covers_customers(decl.get("data_subjects", []), warn):
        return None
    practice: dict[str, Any] = {"id": _slug(f"{system}_{decl.get('name') or use}"), "purpose": row.target,
                                "data": data}
    for name, value in fidesmap.use_fields(use).items():
        practice[name], fields[(name,)] = value, fields[("purpose",)]
    basis = decl.get("legal_basis_for_processing")
    basis_line = doc.line((*path, "legal_basis_for_processing")) if basis else fields[()]
    for name, value in fidesmap.legal_basis_fields(basis).items():
        practice[name], fields[(name,)] = value, basis_line or 1
    if decl.get("data_shared_with_third_parties") and "recipients" not in practice:
        how.append(f"shared with third parties ({decl.get('third_parties') or 'unnamed'}): state recipients")
    label = " ".join(str(decl.get("name") or use).split())[:80]
    note = f"{doc.source}:{fields[()]}: system {system}, declaration {label!r}: " + "; ".join(how)
    return practice, Origin(doc.source, fields[()], fields), note


def _unmapped(key: str, row: fidesmap.Row | None, kind: str) -> str:
    """Why a data category or use maps to nothing, with a did-you-mean among fideslang's keys."""
    known = fidesmap.table(fidesmap.TAXONOMY_MAP, kind)
    noun = "data category" if kind == "category" else "data use"
    if row is None:
        return f"'{key}' is not mapped: no fideslang 3 {noun} is it or a prefix of it{did_you_mean(key, known)}"
    if row.key == key:
        return f"'{key}' is not mapped: {row.note}"
    return (f"'{key}' is not mapped: it is no fideslang 3 {noun}{did_you_mean(key, known)} and its longest known "
            f"prefix '{row.key}' maps to nothing ({row.note})")


def _covers_customers(subjects: list[str], warn: Callable[[FieldPath, str], None]) -> bool:
    """Whether a declaration's data subjects include customers (privsim models customers only); warns on the rest."""
    outside = []
    for k, key in enumerate(subjects):
        row = fidesmap.subject(key)
        if row is None:
            warn(("data_subjects", k), f"'{key}' is not a default Fides data subject; read as customers")
        elif row.privsim == fidesmap.NONE:
            outside.append(key)
    if outside and len(outside) == len(subjects):
        warn(("data_subjects",), f"{', '.join(outside)}: privsim models customers only; no practice made")
        return False
    if outside:
        warn(("data_subjects",), f"{', '.join(outside)}: not modelled (privsim models customers); the practice "
             "covers the customers")
    return True


def _slug(text: str) -> str:
    """A lower_snake_case practice id from a system key and a declaration name."""
    slug = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60].rstrip("_")
    return slug if re.match(r"[a-z]", slug) else f"p_{slug}"


def _unique_ids(practices: list[dict[str, Any]]) -> None:
    """Make practice ids unique in place (``_2``, ``_3`` … after the first)."""
    seen: set[str] = set()
    for p in practices:
        base, n = p["id"], 1
        while p["id"] in seen:
            n += 1
            p["id"] = f"{base}_{n}"
        seen.add(p["id"])


# ------------------------------------------------------------------ the skeleton's text
def _render(source: str, jurisdictions: list[str], made: list[tuple[dict[str, Any], Origin, str]],
            warnings: list[Problem], systems: int, declarations: int) -> str:
    """The scenario file: a header, the import's facts, privsim's default population and one practice each."""
    name = Path(source).name or source
    shown = " ".join(source.split())          # a comment stays one line, whatever the path holds
    head = [f"# written by privsim import fides from {shown}: a scenario skeleton, one practice per privacy",
            "# declaration (docs/fides.md). Consent flows, channels, money and the population are assumptions:",
            "# review them. Not mapped, so not in any practice:" if warnings else "# Every key was mapped.",
            *(f"#   {' '.join(str(w).split())}" for w in warnings)]
    top = {"schema": 4, "name": f"Data map {name}",
           "description": f"Imported from the Fides data map {source}: {len(made)} practices from {declarations} "
                          f"privacy declarations in {systems} systems.",
           "jurisdictions": jurisdictions}
    skeleton = (files("privsim") / "data" / "fides_skeleton.yaml").read_text(encoding="utf-8")
    strategy = yaml.safe_dump({"strategy": {"name": f"Fides data map {name}"}}, allow_unicode=True, width=1000)
    body = [f"{strategy}  practices:"]
    for practice, _, note in made:
        item = yaml.safe_dump([practice], sort_keys=False, allow_unicode=True, default_flow_style=None, width=100)
        body.append(f"    # {' '.join(note.split())}")
        body += [f"    {line}" for line in item.splitlines()]
    return "\n".join([*head, yaml.safe_dump(top, sort_keys=False, allow_unicode=True, width=100).rstrip(),
                      skeleton.rstrip(), *body]) + "\n"
