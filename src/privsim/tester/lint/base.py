"""What a lint check is and what it finds: severities, checks, hits, findings and their price.

A check's trigger is a function of a :class:`~privsim.tester.lint.context.Context` that yields
:class:`Hit` objects; the runner turns hits into located :class:`Finding` objects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from privsim.tester.lint.context import Context

SEVERITIES = ("low", "medium", "high", "critical")   # ascending
Severity = Literal["low", "medium", "high", "critical"]
LPath = tuple[str | int, ...]


def rank(severity: str) -> int:
    """Position of a severity on the scale (low 0 … critical 3)."""
    return SEVERITIES.index(severity)


@dataclass(frozen=True)
class Hit:
    """What a trigger reports: the offending field, why, and the patch that fixes it.

    ``evaluable=False`` means a field the check needs is not stated: "cannot evaluate".
    """

    path: LPath
    message: str
    fix: dict[str, Any] | None = None
    severity: Severity | None = None
    evaluable: bool = True
    subject: str = ""              # the use or event it concerns (law checks: what the regulator would judge)


def unknown(path: LPath, message: str) -> Hit:
    """A hit saying the check cannot evaluate (an optional field it needs is null)."""
    return Hit(path, message, evaluable=False)


@dataclass(frozen=True)
class Check:
    """One lint check: id, title, default severity, jurisdiction packs, provenance and trigger."""

    id: str
    title: str
    severity: Severity
    packs: frozenset[str]
    trigger: str
    rule: str
    fix_hint: str
    pda: str
    linddun: str
    evaluate: Callable[[Context], Iterable[Hit]]
    kind: str | None = None        # a violation kind of the rule base: the check fires exactly when the law says


CHECKS: dict[str, Check] = {}


def check(id: str, title: str, severity: Severity, *, packs: Iterable[str], trigger: str, rule: str,
          fix: str, pda: str, linddun: str, kind: str | None = None
          ) -> Callable[[Callable[[Context], Iterable[Hit]]], Check]:
    """Register a trigger function as a check (the catalogue is research/privacy_methods.md §3)."""
    def register(fn: Callable[[Context], Iterable[Hit]]) -> Check:
        if id in CHECKS:
            raise ValueError(f"lint check id {id!r} is registered twice ({CHECKS[id].evaluate.__module__} and "
                             f"{fn.__module__}); every check needs its own id")
        c = Check(id, title, severity, frozenset(packs), trigger, rule, fix, pda, linddun, fn, kind)
        CHECKS[id] = c
        return c
    return register


@dataclass(frozen=True)
class Price:
    """Simulated effect of fixing a finding: fixed minus as written, paired by replicate (CRN).

    ``status`` is ``priced``, ``not_modelled`` (the fix changes no simulation input) or
    ``no_fix`` (the check offers no automatic patch).
    """

    status: Literal["priced", "not_modelled", "no_fix"]
    value: float | None = None              # change in total value (NPV + terminal value)
    value_ci: tuple[float, float] | None = None
    backlash_peak: float | None = None
    backlash_ci: tuple[float, float] | None = None
    regulator_action: float | None = None
    reps: int = 0
    size: int = 0


@dataclass
class Finding:
    """A check that fired (``fail``) or could not be evaluated, located in the scenario file."""

    check: Check
    status: Literal["fail", "cannot_evaluate"]
    severity: Severity
    message: str
    source: str
    line: int | None
    field: str
    fix: dict[str, Any] | None = None
    price: Price | None = field(default=None)
    subject: str = ""

    @property
    def failed(self) -> bool:
        """The check fired (as opposed to: could not be evaluated)."""
        return self.status == "fail"
