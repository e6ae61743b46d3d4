"""The mapping files of ``privsim population build`` and ``survey``: which columns mean what, nothing else is read.

A map names every column privsim may read and the role it plays; identifiers are named so they can be
dropped (or kept only as a salted hash). Maps are read through the scenario door (``read_text``, the
bounded YAML parser) and checked with the same located messages.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from privsim.errors import InputError
from privsim.scenario.base import LocatedError, Strict
from privsim.scenario.exports import Export, read_export
from privsim.scenario.load import read_text
from privsim.scenario.messages import problems_from
from privsim.scenario.schema import MAX_VALUE, NAME, Share
from privsim.scenario.yamlmap import FieldPath, LineMap, line_of, parse

Column = Annotated[str, Field(min_length=1, max_length=200, description="a column name of the file")]
Code = str | int | float      # an answer or flag as the file holds it
Codes = Annotated[list[Code], Field(min_length=1, max_length=50)]
WESTIN_SEGMENTS = ("fundamentalist", "pragmatist", "unconcerned")


class _Coded(Strict):
    """A model holding codes as the file holds them (answers, flags, segment codes)."""

    CODES: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="before")
    @classmethod
    def _no_booleans(cls, data: Any) -> Any:
        """YAML reads an unquoted yes/no/true/false as a boolean: refused, so 'yes' in a file is never missed."""
        for name in cls.CODES if isinstance(data, dict) else ():
            value = data.get(name)
            for i, item in enumerate(value if isinstance(value, list | dict) else []):
                if isinstance(item, bool):
                    raise LocatedError((name, i) if isinstance(value, list) else (name,), f"got {str(item).lower()}; "
                                       "allowed: the code as the file holds it, quoted when it is a word ('yes', "
                                       "'no', 'true')")
        return data


class Item(Strict):
    """One Likert item; ``reverse`` when agreeing means less of what the scale measures."""

    column: Column
    reverse: bool = False


class Likert(Strict):
    """A score from Likert items: the mean of the answered items, each rescaled to 0–1 over ``scale``."""

    items: list[Column | Item] = Field(min_length=1, max_length=50)
    scale: tuple[float, float] = Field(description="lowest and highest answer code, e.g. [1, 5]")

    @field_validator("scale")
    @classmethod
    def _ordered(cls, v: tuple[float, float]) -> tuple[float, float]:
        if not v[0] < v[1]:
            raise ValueError(f"got [{v[0]:g}, {v[1]:g}]; allowed: [lowest, highest] with lowest < highest")
        return v

    def resolved(self) -> list[Item]:
        """Every item as an :class:`Item`."""
        return [Item(column=i) if isinstance(i, str) else i for i in self.items]


class Westin(_Coded):
    """The three Westin–Harris Privacy Segmentation Index statements and the answer codes (docs/own-data.md)."""

    lost_control: Column = Field(description="'Consumers have lost all control over how personal information is "
                                             "collected and used by companies.'")
    businesses_proper: Column = Field(description="'Most businesses handle the personal information they collect "
                                                  "about consumers in a proper and confidential way.'")
    laws_adequate: Column = Field(description="'Existing laws and organizational practices provide a reasonable "
                                              "level of protection for consumer privacy today.'")
    agree: Codes = Field(description="codes of 'strongly agree' and 'somewhat agree'")
    disagree: Codes = Field(description="codes of 'somewhat disagree' and 'strongly disagree'")
    unsure: list[Code] = Field(default_factory=list, max_length=50,
                               description="codes of 'not sure' or a refusal: the respondent is left unclassified")
    CODES: ClassVar[tuple[str, ...]] = ("agree", "disagree", "unsure")

    @model_validator(mode="after")
    def _disjoint(self) -> Westin:
        seen: dict[str, str] = {}
        for name in ("agree", "disagree", "unsure"):
            for i, code in enumerate(getattr(self, name)):
                if str(code) in seen:
                    raise LocatedError((name, i), f"code {code!r} is also in {seen[str(code)]}; allowed: each "
                                       "code in one list")
                seen[str(code)] = name
        return self

    @property
    def columns(self) -> tuple[str, str, str]:
        """The three statements' columns, in the index's order."""
        return self.lost_control, self.businesses_proper, self.laws_adequate


class Recode(_Coded):
    """A column holding each customer's segment; ``values`` renames the file's codes to segment names."""

    column: Column
    values: dict[Code, str] | None = Field(None, max_length=100, description="file code -> segment name; null: "
                                                                             "the codes are the names")
    CODES: ClassVar[tuple[str, ...]] = ("values",)

    @field_validator("values")
    @classmethod
    def _names(cls, v: dict[Code, str] | None) -> dict[Code, str] | None:
        for code, name in (v or {}).items():
            if not re.match(NAME, str(name)) or name == "all":
                raise LocatedError((code,), f"got {name!r}; allowed: a lower_snake_case segment name other than "
                                            "'all'")
        return v


class Consent(_Coded):
    """A column recording a customer's consent to one practice: which codes mean granted and which refused."""

    column: Column
    granted: Codes
    denied: Codes = Field(description="refused or opted out; any other value (or a blank) is 'never asked'")
    CODES: ClassVar[tuple[str, ...]] = ("granted", "denied")

    @model_validator(mode="after")
    def _disjoint(self) -> Consent:
        both = {str(c) for c in self.granted} & {str(c) for c in self.denied}
        if both:
            raise LocatedError(("denied",), f"code {sorted(both)[0]!r} is also granted; allowed: distinct codes")
        return self


class Tenure(Strict):
    """How long each customer has been one."""

    column: Column
    unit: Literal["days", "months", "years"] = "years"


class Levels(Strict):
    """A segment's levels of what the file does not measure."""

    concern: Share | None = None
    trust: Share | None = None
    annual_value: float | None = Field(None, ge=0.0, le=MAX_VALUE)
    churn_per_year: float | None = Field(None, ge=0.0, lt=1.0)


class _Map(Strict):
    """What both maps share: identifiers to drop and levels for what the file does not measure."""

    identifiers: list[Column] = Field(default_factory=list, max_length=100,
                                      description="direct identifiers (e-mail, name, customer id): never read")
    levels: dict[str, Levels] = Field(default_factory=dict, max_length=100)


def _one_role(roles: dict[FieldPath, str], identifiers: list[str]) -> None:
    """No column plays two roles, and no identifier is read as anything but the key."""
    seen: dict[str, FieldPath] = {}
    for path, col in roles.items():
        if col in identifiers and path != ("key",):
            raise LocatedError(path, f"column {col!r} is listed as an identifier; allowed: a column that is not a "
                               "direct identifier")
        if col in seen:
            where = ".".join(str(p) for p in seen[col])
            raise LocatedError(path, f"column {col!r} is already read as {where}; allowed: one role per column")
        seen[col] = path


def _likert_roles(name: str, scale: Likert | None) -> dict[FieldPath, str]:
    return {(name, "items", i): item.column for i, item in enumerate(scale.resolved())} if scale else {}


class CustomerMap(_Map):
    """The map of a customer export (one row per customer)."""

    key: Column | None = Field(None, description="an identifier kept as a salted hash (salt random per build, "
                                                 "never written); null: none kept")
    segment: Recode | None = None
    attitude: Westin | None = Field(None, description="the Westin–Harris statements, when the export holds them "
                                                      "instead of a segment")
    annual_value: Column | None = None
    tenure: Tenure | None = None
    concern: Likert | None = None
    consents: dict[str, Consent] = Field(default_factory=dict, max_length=64,
                                         description="practice id -> its consent column")
    age_band: Column | None = None
    platform: Column | None = None

    @field_validator("consents")
    @classmethod
    def _practice_ids(cls, v: dict[str, Consent]) -> dict[str, Consent]:
        for pid in v:
            if not re.match(NAME, pid):
                raise LocatedError((pid,), f"got {pid!r}; allowed: a practice id (lower_snake_case)")
        return v

    @model_validator(mode="after")
    def _segmented(self) -> CustomerMap:
        if (self.segment is None) == (self.attitude is None):
            raise LocatedError(("segment",), "give exactly one of segment (a column) or attitude (the Westin "
                                             "statements)")
        if self.key is not None and self.key not in self.identifiers:
            raise LocatedError(("key",), f"got {self.key!r}; allowed: one of identifiers "
                                         f"({', '.join(self.identifiers) or 'none listed'})")
        _one_role(self.roles(), self.identifiers)
        return self

    def roles(self) -> dict[FieldPath, str]:
        """Every column the map reads, by the field that names it."""
        out: dict[FieldPath, str] = {}
        if self.key:
            out[("key",)] = self.key
        if self.segment:
            out[("segment", "column")] = self.segment.column
        if self.attitude:
            out.update({("attitude", n): c for n, c in zip(("lost_control", "businesses_proper", "laws_adequate"),
                                                            self.attitude.columns, strict=True)})
        for name in ("annual_value", "age_band", "platform"):
            if getattr(self, name):
                out[(name,)] = getattr(self, name)
        if self.tenure:
            out[("tenure", "column")] = self.tenure.column
        out.update(_likert_roles("concern", self.concern))
        out.update({("consents", pid, "column"): c.column for pid, c in self.consents.items()})
        return out


class SurveyMap(_Map):
    """The map of a privacy-attitude survey (one row per respondent)."""

    weight: Column | None = Field(None, description="the survey weight column; null: every respondent counts 1")
    westin: Westin
    concern: Likert | None = None
    trust: Likert | None = None

    @model_validator(mode="after")
    def _columns(self) -> SurveyMap:
        _one_role(self.roles(), self.identifiers)
        return self

    def roles(self) -> dict[FieldPath, str]:
        """Every column the map reads, by the field that names it."""
        out: dict[FieldPath, str] = {("westin", n): c for n, c in zip(
            ("lost_control", "businesses_proper", "laws_adequate"), self.westin.columns, strict=True)}
        if self.weight:
            out[("weight",)] = self.weight
        out.update(_likert_roles("concern", self.concern))
        out.update(_likert_roles("trust", self.trust))
        return out


M = TypeVar("M", bound=BaseModel)


class MapFile:
    """A validated map with its source and line map, so later problems point at the map's lines."""

    def __init__(self, model: Any, source: str, lines: LineMap):
        self.model, self.source, self.lines = model, source, lines

    def problem(self, path: FieldPath, message: str) -> InputError:
        """Bad input located at a field of the map."""
        return InputError.single(self.source, message, field=".".join(str(p) for p in path),
                                 line=line_of(self.lines, path))

    def read(self, path: str | Path, allowed: tuple[str, ...]) -> Export:
        """The columns this map names from the export at ``path``, and no other; a missing one is located here."""
        where = {col: field for field, col in self.model.roles().items()}
        return read_export(path, list(where), allowed, lambda col, hint: self.problem(
            where[col], f"column {col!r} is not in {path}{hint}"))


def load_map(path: str | Path, kind: type[M]) -> MapFile:
    """Read and check a map file of ``kind`` (:class:`CustomerMap` or :class:`SurveyMap`)."""
    source = str(path)
    data, lines = parse(read_text(path), source)
    if not isinstance(data, dict):
        raise InputError.single(source, f"the top level must be a mapping of keys; got {type(data).__name__}")
    try:
        return MapFile(kind.model_validate(data), source, lines)
    except ValidationError as exc:
        raise InputError(problems_from(exc, kind, data, source, lines)) from None
