"""Scenario changes in words: a patch, an override or the difference of two scenarios, as a strategist reads it.

Labels and units come from the schema (field descriptions, types and bounds, model names) and names from the
scenario (practice ids, segment names, events by type and day), so no dotted path or Python repr reaches a screen:
``events.0.share_of_records → 0.001`` reads "Event 1 (breach on day 120): share of records exposed — 5% → 0.1%".
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date
from typing import Any

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from privsim.figures import SYMBOL, plain
from privsim.scenario.schema import EVENTS, Scenario

ABSENT = object()     # a value the scenario does not have (a practice only the other scenario has)
LOOKUP = object()     # ``describe``'s default: take the old value from the scenario
DIGITS = 6            # a setting is shown as typed, up to this many significant digits
# labels where the field's name and description do not make one (a description saying what false or null means)
LABELS = {"disclosed": "disclosed to customers", "share_of_records": "share of records exposed",
          "share_affected": "share of customers affected", "rate_per_year": "yearly rate", "horizon_days": "horizon",
          "opt_out_latency_days": "time to honour an opt-out", "data": "data categories", "target": "who is asked",
          "ui_patterns": "dark patterns in the consent flow", "price_per_record": "price per record",
          "retention_days": "how long former customers' records are kept", "schema_version": "format version",
          "id": "id", "start_date": "start date", "centrality": "revenue at stake",
          "annual_turnover": "annual turnover",
          "outside_attacks": "outside intrusions", "extra_concern_drift_per_year": "extra yearly concern drift",
          "discovery_after_days": "covert practices exposed after"}
TITLES = {"Behavior": "behaviour", "Gate": "stress-test gate", "Case": "case notes"}
ITEMS = {"practices": "Practice", "events": "Event", "segments": "Segment", "shocks": "New-customer wave",
         "observed": "Observation"}
MONEY = frozenset({"cost_per_contact", "cost_per_complaint", "price_per_record", "data_revenue_per_record",
                   "incentive", "annual_value", "annual_turnover", "max_value_loss"})
VALUES = {"eu": "EU", "uk": "UK", "us": "US", "us_ca": "California", "us_il": "Illinois", "ai_training": "AI training",
          "controls": "the rate operations and controls imply", "byod_managed": "own devices, managed",
          "byod_unmanaged": "own devices, unmanaged"}
HYPHENS = (("opt in", "opt-in"), ("opt out", "opt-out"), ("in app", "in-app"), ("pre ticked", "pre-ticked"))
NULLS = {"day": "none (at a yearly rate)", "rate_per_year": "none (on a fixed day)"}   # null where no description says
SOURCE_TAG = re.compile(r"^\[[VRNAF]\]")
NULL_MEANS = re.compile(r"null(?::| =) ([^;()]+)")


# ---------------------------------------------------------------- public
def describe(scenario: Scenario, path: str, new: Any, old: Any = LOOKUP) -> str:
    """One change of ``scenario`` (``path`` set to ``new``; ``old`` defaults to its value there) as a sentence."""
    subject, slot, here = _resolve(scenario, path)
    old = here if old is LOOKUP else old
    if isinstance(new, dict) and _model(slot.annotation, new) is not None and slot.name is not None:
        subject = f"{subject}, {_title(_model(slot.annotation, new))}"     # a section set whole: field by field
    return f"{subject}: {'; '.join(_clauses(scenario, slot, old, new))}"


def patch_in_words(scenario: Scenario, patch: dict[str, Any]) -> list[str]:
    """A patch (``{dotted.path: value}``, e.g. a case's ``counterfactual:``) as one sentence per entry."""
    return [describe(scenario, path, value) for path, value in patch.items()]


def changes(a: Scenario, b: Scenario, ignore: typing.Collection[str] = ()) -> list[str]:
    """Every field where ``b`` differs from ``a``, in words; empty when they are the same.

    ``ignore``: top-level fields left out (such as ``name`` and ``description`` where the names head the list).
    """
    return [describe(a, path, _resolve(b, path)[2], _resolve(a, path)[2])
            for path in _differences(a.model_dump(), b.model_dump(), "") if path.split(".")[0] not in ignore]


# ---------------------------------------------------------------- where a path leads
class Slot(typing.NamedTuple):
    """What a path names: a field (``name`` of ``model``) or an item of a list or mapping (``name`` None)."""

    annotation: Any
    info: FieldInfo | None
    name: str | None
    coefficient: bool = False


def _resolve(scenario: Scenario, path: str) -> tuple[str, Slot, Any]:
    """The subject a path is about, its slot and the scenario's value there (ABSENT if it has none); never raises."""
    titles: list[str] = []
    node: Any = scenario
    slot = Slot(Scenario, None, None)
    parts = path.split(".")
    for depth, part in enumerate(parts):
        model = _model(slot.annotation, node)
        if model is not None:
            name = next((n for n, f in model.model_fields.items() if part in (n, f.alias)), part)
            info = model.model_fields.get(name)
            coefficient = bool(info and info.description and SOURCE_TAG.match(info.description))
            slot = Slot(info.annotation if info else Any, info, name, coefficient)
            node = getattr(node, name, ABSENT) if isinstance(node, BaseModel) else ABSENT
            inner = _model(slot.annotation, node)
            if inner is not None and depth < len(parts) - 1 and not _keyed(slot.annotation):
                titles.append(_title(inner))
        elif _keyed(slot.annotation):
            item = _items(slot.annotation)
            index, node = _item(node, part)
            if not _holds_models(item):            # a value of a list (a jurisdiction): still that field
                slot = Slot(item, slot.info, slot.name, slot.coefficient)
                continue
            titles = [_item_title(ITEMS.get(slot.name or "", "Item"), part, index, node)]
            slot = Slot(item, None, None)
        else:
            slot, node = Slot(Any, None, part), ABSENT
    subject = ", ".join(titles) if titles else "Scenario"
    return subject[0].upper() + subject[1:], slot, node


def _item(node: Any, part: str) -> tuple[int | None, Any]:
    """An item of a list (by index or id) or of a mapping (by key), with its index in a list."""
    if isinstance(node, dict):
        return None, node.get(part, ABSENT)
    if isinstance(node, list | tuple):
        ids = [getattr(x, "id", None) for x in node]
        if part.isdigit() and int(part) < len(node):
            return int(part), node[int(part)]
        if part in ids:
            return ids.index(part), node[ids.index(part)]
    return (int(part) if part.isdigit() else None), ABSENT


def _item_title(kind: str, part: str, index: int | None, item: Any) -> str:
    """Practice “newsletter”, Segment “loyal”, Event 1 (breach on day 120): events by number, as a timeline."""
    ident = _get(item, "id")
    if index is None or (ident and kind != "Event"):
        return f"{kind} “{ident or part}”"
    title = f"{kind} {index + 1}"
    timed = isinstance(item, BaseModel) and "day" in type(item).model_fields
    return f"{title} ({_event(item)})" if timed else title


def _event(item: Any) -> str:
    """An event or wave in a few words: its type and when it happens (breach on day 120)."""
    kind = _enum(_get(item, "type") or "")
    day, rate = _get(item, "day"), _get(item, "rate_per_year")
    when = f"on day {day}" if day is not None else f"at {_enum(rate)}" if isinstance(rate, str) else \
        f"{plain(rate, DIGITS)} a year" if rate is not None else ""
    return " ".join(w for w in (kind, when) if w) or "as stated"


# ---------------------------------------------------------------- clauses and values
def _clauses(scenario: Scenario, slot: Slot, old: Any, new: Any) -> list[str]:
    """``label — old → new`` for a field; for a section or item set from a mapping, one clause per key."""
    model = _model(slot.annotation, new)
    if new is ABSENT:
        return ["removed"]
    if isinstance(new, dict) and model is not None:
        if old is ABSENT and slot.name is None:
            return [f"added ({_summary(scenario, model, new)})"]
        out = []
        for key, value in new.items():
            name = next((n for n, f in model.model_fields.items() if key in (n, f.alias)), key)
            info = model.model_fields.get(name)
            sub = Slot(info.annotation if info else Any, info, name, slot.coefficient)
            before = ABSENT if old is ABSENT or old is None else _get(old, name, ABSENT)
            out += _clauses(scenario, sub, before, value)
        return out
    if old is ABSENT and slot.name is None and isinstance(new, BaseModel):
        return [f"added ({_summary(scenario, type(new), new)})"]
    label = label_of(slot.name, slot.info) if slot.name else "set"
    after = value_words(scenario, slot, new)
    if old is ABSENT:
        return [f"{label} set to {after}"]
    before = value_words(scenario, slot, old)
    return [f"{label} stays {after}" if before == after else f"{label} — {before} → {after}"]


def label_of(name: str, info: FieldInfo | None) -> str:
    """A field's short label: its description up to the first clause, else its name in words."""
    if name in LABELS:
        return LABELS[name]
    text = (info.description or "") if info else ""
    if not text or SOURCE_TAG.match(text) or re.match(r"(true|false|null)\b", text):
        return _words(name)
    text = re.sub(r"\s*\([^)]*\)|\s*\[[A-Z]\]", "", text)
    text = re.split(r"[;:]| e\.g\.", text)[0]
    text = re.sub(r"[,\s]*(\S+\.\S+|0–1)?[,\s]*$", "", text)       # a trailing reference or range
    usable = " " in text and len(text) <= 70 and not re.search(r"\w\.\w|_", text)
    return text if usable else _words(name)


def value_words(scenario: Scenario, slot: Slot, value: Any) -> str:
    """A value as a strategist reads it: yes/no, 5%, $1.2 million, day 120, a list in words, an option's words."""
    if value is ABSENT:
        return "not stated"
    if value is None:
        found = NULL_MEANS.search((slot.info.description or "") if slot.info else "")
        return found.group(1).strip() if found else NULLS.get(slot.name or "", "not stated")
    if isinstance(value, bool):
        return "yes" if value else "no"
    model = _model(slot.annotation, value)
    if model is not None:
        return _item_words(scenario, model, value)
    if isinstance(value, dict) and slot.name == "counterfactual":
        return "; ".join(patch_in_words(scenario, value)) or "none"
    if isinstance(value, dict):
        return _joined([f"“{k}”" for k in value]) or "none"
    if isinstance(value, list | tuple):
        item = Slot(_items(slot.annotation), slot.info, slot.name, slot.coefficient)
        return _joined([value_words(scenario, item, v) for v in value]) or "none"
    if isinstance(value, str) and _bare(slot.annotation) is date:
        value = date.fromisoformat(value)
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, str):
        choice = _literal(slot.annotation)
        return _enum(value) if choice and value in choice else f"“{' '.join(value.split())}”"
    if isinstance(value, int | float):
        return _number(scenario, slot, value)
    return _enum(str(value))


def _number(scenario: Scenario, slot: Slot, value: float) -> str:
    """A number in the field's unit: shares in %, money in the scenario's currency, days, counts with separators."""
    name = slot.name or ""
    if name.endswith("_days"):
        return f"{plain(value, DIGITS)} days"
    if name == "day" or name.endswith("_day"):
        return f"day {value:g}"
    if _bounded(slot):
        return f"{plain(value * 100, DIGITS)}%"
    description = (slot.info.description or "") if slot.info else ""
    if not slot.coefficient and (name in MONEY or "economics.currency" in description):
        return money_words(value, scenario.economics.currency)
    if name == "seed":
        return str(value)
    return f"{value:,}" if isinstance(value, int) else plain(value, DIGITS)


def money_words(value: float, currency: str) -> str:
    """Money as a sentence says it: $0.005, €12,000, £2.5 million, $1.2 billion."""
    sign, v = ("-" if value < 0 else ""), abs(value)
    symbol = SYMBOL.get(currency, f"{currency} ")
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if v >= scale:
            return f"{sign}{symbol}{plain(v / scale, DIGITS)}{word}"
    return f"{sign}{symbol}{plain(v, DIGITS)}"


def _item_words(scenario: Scenario, model: type[BaseModel], item: Any) -> str:
    """A model as a value: an event by type and day, else what it states beyond its defaults."""
    if "day" in model.model_fields:
        return _event(item)
    return _summary(scenario, model, item) or "as by default"


def _summary(scenario: Scenario, model: type[BaseModel], item: Any) -> str:
    """What a practice, segment or section states: its required fields and those not at their defaults."""
    parts = []
    for name, info in model.model_fields.items():
        value = _get(item, name, ABSENT)
        if name in ("id", "type") or value is ABSENT or (
                not info.is_required() and value == info.get_default(call_default_factory=True)):
            continue
        parts.append(f"{label_of(name, info)}: {value_words(scenario, Slot(info.annotation, info, name), value)}")
    return "; ".join(parts)


def _differences(a: Any, b: Any, prefix: str) -> typing.Iterator[str]:
    """Dotted paths where two model dumps differ: practices matched by id, other lists item by item."""
    if a == b:
        return
    if isinstance(a, dict) and isinstance(b, dict):
        for key in [*a, *(k for k in b if k not in a)]:
            if a.get(key, ABSENT) != b.get(key, ABSENT):
                yield from _differences(a.get(key, ABSENT), b.get(key, ABSENT), f"{prefix}{key}.")
        return
    if isinstance(a, list) and isinstance(b, list) and a and b and all(isinstance(x, dict) for x in a + b):
        ids_a, ids_b = [x.get("id") for x in a], [x.get("id") for x in b]
        if None not in ids_a + ids_b:
            for ident in [*ids_a, *(i for i in ids_b if i not in ids_a)]:
                old = a[ids_a.index(ident)] if ident in ids_a else ABSENT
                new = b[ids_b.index(ident)] if ident in ids_b else ABSENT
                yield from _differences(old, new, f"{prefix}{ident}.")
            return
        if len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b, strict=True)):
                yield from _differences(x, y, f"{prefix}{i}.")
            return
    yield prefix.rstrip(".")


# ---------------------------------------------------------------- the schema's types
def _bare(annotation: Any) -> Any:
    """An annotation without ``Annotated`` and ``None``: ``Share | None`` → float."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _model(annotation: Any, value: Any) -> type[BaseModel] | None:
    """The model a value of this annotation is: its class, or the event type a mapping names."""
    if isinstance(value, BaseModel):
        return type(value)
    bare = _bare(annotation)
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return bare
    if isinstance(value, dict) and typing.get_origin(bare) in (typing.Union, types.UnionType):
        return next((e for e in EVENTS if value.get("type") == _literal(e.model_fields["type"].annotation)[0]),
                    None)
    return None


def _holds_models(annotation: Any) -> bool:
    """A model type, or a union of them (an event)."""
    bare = _bare(annotation)
    options = typing.get_args(bare) if typing.get_origin(bare) in (typing.Union, types.UnionType) else (bare,)
    return all(isinstance(o, type) and issubclass(o, BaseModel) for o in options)


def _keyed(annotation: Any) -> bool:
    """A list or mapping of items, each named by id, key or index in a path."""
    return typing.get_origin(_bare(annotation)) in (list, tuple, dict)


def _items(annotation: Any) -> Any:
    """The item annotation of a list, tuple or mapping annotation (a mapping's values)."""
    args = [a for a in typing.get_args(_bare(annotation)) if a is not Ellipsis]
    return args[-1] if args else Any


def _literal(annotation: Any) -> tuple[Any, ...]:
    """The options of a ``Literal`` annotation (inside ``Optional``/``Annotated``/unions), else ()."""
    found: list[Any] = []
    stack = [annotation]
    while stack:
        a = stack.pop()
        if typing.get_origin(a) is typing.Literal:
            found += typing.get_args(a)
        else:
            stack += [x for x in typing.get_args(a) if not isinstance(x, FieldInfo)]
    return tuple(found)


def _bounded(slot: Slot) -> bool:
    """A share: a float bounded to 0–1, like ``Share``."""
    if _bare(slot.annotation) is not float:
        return False
    metadata = [*(slot.info.metadata if slot.info else []), *_metadata(slot.annotation)]
    low = [m.ge if isinstance(m, Ge) else m.gt for m in metadata if isinstance(m, Ge | Gt)]
    high = [m.le if isinstance(m, Le) else m.lt for m in metadata if isinstance(m, Le | Lt)]
    return bool(low and high) and min(low) >= 0 and max(high) == 1


def _metadata(annotation: Any) -> list[Any]:
    """Constraints carried inside an annotation (``Share | None``, ``tuple[Weight, …]``)."""
    out: list[Any] = []
    stack = [annotation]
    while stack:
        a = stack.pop()
        if typing.get_origin(a) is typing.Annotated:
            for m in typing.get_args(a)[1:]:
                out += m.metadata if isinstance(m, FieldInfo) else [m]
        stack += [x for x in typing.get_args(a) if not isinstance(x, FieldInfo)]
    return out


# ---------------------------------------------------------------- small words
def _title(model: type[BaseModel]) -> str:
    """A section's title from its model's name: ServiceDesk → service desk."""
    return TITLES.get(model.__name__) or re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


def _enum(value: Any) -> str:
    """An option in words: opt_in → opt-in, us_ca → California, purchase_history → purchase history."""
    return VALUES.get(value) or _words(str(value))


def _words(name: str) -> str:
    """A name in words: opt_out_latency → opt-out latency."""
    text = name.replace("_", " ")
    for plain_words, hyphenated in HYPHENS:
        text = re.sub(rf"\b{plain_words}\b", hyphenated, text)
    return text


def _joined(words: list[str]) -> str:
    """a, b and c."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}" if words else ""


def _get(item: Any, name: str, default: Any = None) -> Any:
    """A field of a model or of its dump."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default) if isinstance(item, BaseModel) else default
