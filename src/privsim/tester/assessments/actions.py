"""The data actions of a scenario (PRAM's unit of assessment) and the scenario without one of them.

A data action is a practice of the strategy, a company event that handles customer data (a data merger
or sale, a policy change, a re-permission campaign), a scripted incident (breach, service incident), or
the operations behind operational incidents (staff access, remote devices, test copies). Stories and
lawsuits are what happens to data actions, not data actions themselves.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from privsim.output.formatting import plain
from privsim.scenario.load import scenario_from_data
from privsim.scenario.schema import Gate, Practice, Scenario
from privsim.scenario.yamlmap import LineMap, dotted, line_of
from privsim.tester.assessments.problems import Mapped, mapped
from privsim.tester.lint import Finding

EVENT_ACTIONS = ("data_merger", "data_sale", "policy_change", "repermission_campaign", "breach", "service_incident")
OPERATIONS = "operations"
PLACED = ("strategy.practices[", "events[", OPERATIONS)   # findings at one of these places belong to it


@dataclass(frozen=True)
class DataAction:
    """One data action: id, kind (``practice``, an event type or ``operations``), purpose, place and description."""

    id: str
    kind: str
    purpose: str | None
    description: str
    path: tuple[str | int, ...]
    line: int | None = None

    @property
    def index(self) -> int:
        """Its position among the practices or events of the scenario (0 for operations)."""
        last = self.path[-1]
        return last if isinstance(last, int) else 0

    def mapping(self) -> Mapped:
        """Its own NIST problematic data actions: of its purpose (practices, mergers, sales) or of its kind."""
        if self.purpose is not None:
            return mapped("purpose", self.purpose)
        return mapped(OPERATIONS if self.kind == OPERATIONS else "event", self.kind)

    def owns(self, finding: Finding) -> bool:
        """The finding is about this data action: at its place in the file, else naming it as its subject."""
        place = dotted(self.path)
        if finding.field.startswith(PLACED):
            return finding.field == place or finding.field.startswith((f"{place}.", f"{place}["))
        return bool(finding.subject) and finding.subject == self.id


def _practice(p: Practice, i: int) -> DataAction:
    told = "disclosed" if p.disclosed else "covert"
    text = f"{p.purpose}: {', '.join(p.data)}; consent {p.consent}, {told}"
    if p.ui_patterns:
        text += f"; patterns {', '.join(p.ui_patterns)}"
    if p.channel != "none":
        text += f"; {p.channel} × {p.contacts_per_month:g}/month"
    return DataAction(p.id, "practice", p.purpose, text, ("strategy", "practices", i))


def _event(e: Any, i: int) -> DataAction:
    data = getattr(e, "data", None)
    rate = e.rate_per_year
    when = f"day {e.day}" if e.day is not None else \
        "at the rate the controls imply" if rate == "controls" else f"{plain(rate)} a year"
    flow = e.type in ("data_merger", "data_sale")     # the engine runs these as uses of data
    if flow:
        text = f"{e.type}: {', '.join(data or [])}; consent {e.consent}, {'disclosed' if e.disclosed else 'covert'}"
    else:
        about = getattr(e, "practices", None) or data or []
        text = f"{e.type}: {', '.join(about)}"
    return DataAction(e.id or f"{e.type}_{i}", e.type, e.type if flow else None, f"{text}; {when}", ("events", i))


def data_actions(scenario: Scenario, gate: Gate, lines: LineMap | None = None) -> list[DataAction]:
    """Every data action of a scenario under the stress test's ``gate``, in file order (operations last)."""
    out = [_practice(p, i) for i, p in enumerate(scenario.strategy.practices)]
    out += [_event(e, i) for i, e in enumerate(scenario.events) if e.type in EVENT_ACTIONS]
    if scenario.operations is not None or gate.breaches:
        stated = "as stated" if scenario.operations is not None else "the defaults (none stated)"
        out.append(DataAction(OPERATIONS, OPERATIONS, None, f"staff, devices and test copies, {stated}; "
                              "incidents at the rates exposure and controls imply", (OPERATIONS,)))
    lines = lines or {}
    return [dataclasses.replace(a, line=line_of(lines, a.path) if a.path[:1] in lines else None) for a in out]


def without(scenario: Scenario, action: DataAction) -> Scenario:
    """The scenario without one data action; events only about it go too, the rest keep their random streams.

    Events without an id get the name the engine keys their streams by (``<type>_<index>``), so removing an
    event moves no other event's draws (common random numbers).
    """
    data = scenario.model_dump(mode="json", by_alias=True)
    events: list[dict[str, Any]] = data["events"]
    for i, e in enumerate(events):
        e["id"] = e.get("id") or f"{e['type']}_{i}"
    if action.kind == "practice":
        data["strategy"]["practices"] = [p for p in data["strategy"]["practices"] if p["id"] != action.id]
    elif action.kind == OPERATIONS:
        data["operations"] = None
    else:
        events = [e for i, e in enumerate(events) if i != action.index]
    kept = []
    for e in events:
        named = e.get("practices")
        if named and action.id in named:
            e["practices"] = [p for p in named if p != action.id]
            if not e["practices"]:
                continue        # it was only about the data action taken away
        kept.append(e)
    data["events"] = kept
    return scenario_from_data(data, source=f"{scenario.name} without {action.id}")
