"""A seeded generator of bad (and some good) input files derived from the bundled scenarios and cases.

Each generated :class:`Input` says what it should meet: ``refuse`` (bad input, exit 2 with a located
message) or ``either`` (it may be valid; if it is accepted, it must simulate to finite results).
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from privsim.scenario.yamlmap import parse
from tests.conftest import ROOT
from tests.fuzz.schema import slot

SOURCES = sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "scenarios" / "cases").glob("*.yaml"))
SECRET = "SECRET-hunter2-4f9a"
POSITIVE = ("recovery_half_life_days", "leave_delay_days", "outrage_half_life_days", "reference_per_month")


@dataclass
class Input:
    """One generated input: a file's bytes (or a special path), where it came from, and what it should meet."""

    cls: str
    base: Path
    expect: str                      # "refuse" or "either"
    content: bytes | None = None
    special: str | None = None       # fifo, folder, symlink_loop, through_file, missing, device
    note: str = ""                   # what was changed, for the report

    @property
    def is_case(self) -> bool:
        return self.base.parent.name == "cases"


def _dump(data: Any) -> bytes:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100).encode()


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path in the data (mappings and lists walked)."""
    out = [path]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*path, i))
    return out


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _set(data: Any, path: tuple, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


def _numbers(data: Any) -> list[tuple]:
    """Paths of numeric leaves the schema types as numbers only (not patches, not the schema version, which
    older files give as 0 and a migration reads)."""
    out = []
    for p in _paths(data):
        v = _get(data, p) if p else None
        if p and p[0] not in ("counterfactual", "schema") and isinstance(v, int | float) and not isinstance(v, bool):
            s = slot(p, data)
            if s is not None and s.types <= {"number", "integer", "null"} and s.types & {"number", "integer"}:
                out.append(p)
    return out


def _models(data: Any) -> list[tuple]:
    """Paths of mappings that are models of the format (their keys are its fields)."""
    out = []
    for p in _paths(data):
        if p and p[0] in ("counterfactual",):
            continue
        v = _get(data, p) if p else data
        if isinstance(v, dict):
            s = slot(p, data)
            if s is not None and "object" in s.types and not s.free_keys and s.fields:
                out.append(p)
    return out


def _outside(s: Any, rng: random.Random, integer: bool) -> Any | None:
    """A number just outside a slot's bounds (None when it has none)."""
    sides = [x for x in ("low", "high") if getattr(s, x) is not None]
    if not sides:
        return None
    side = rng.choice(sides)
    bound = getattr(s, side)
    if getattr(s, f"{side}_open"):
        return bound
    step = 1 if integer else max(abs(bound) * 0.01, 1e-3)
    return bound - step if side == "low" else bound + step


class Generator:
    """Seeded: the same seed gives the same inputs, in the same order."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.sources = {p: p.read_text(encoding="utf-8") for p in SOURCES}
        self.data = {p: parse(t, str(p))[0] for p, t in self.sources.items()}

    def inputs(self, n: int) -> list[Input]:
        """``n`` inputs, every class represented once before any repeats."""
        makers = [getattr(self, name) for name in sorted(dir(self)) if name.startswith("make_")]
        out: list[Input] = []
        while len(out) < n:
            order = makers[:]
            self.rng.shuffle(order)
            for make in order:
                if len(out) >= n:
                    break
                made = make(self.rng.choice(SOURCES))
                if made is not None:
                    out.append(made)
        return out

    # ------------------------------------------------------------ structured mutations
    def _mutated(self, base: Path) -> Any:
        return copy.deepcopy(self.data[base])

    def make_typo_key(self, base: Path) -> Input | None:
        data = self._mutated(base)
        p = self.rng.choice(_models(data))
        node = _get(data, p) if p else data
        fields = slot(p, data).fields
        key = self.rng.choice(list(node))
        i = self.rng.randrange(len(key))
        typo = key[:i] + key[i + 1:] if len(key) > 2 else key + "x"
        if typo in fields or typo == key or typo in node:
            typo = key + "_"
        node[typo] = node.pop(key)
        return Input("typo_key", base, "refuse", _dump(data))

    def make_unknown_key(self, base: Path) -> Input | None:
        data = self._mutated(base)
        p = self.rng.choice(_models(data))
        (_get(data, p) if p else data)["zz_unknown"] = self.rng.choice([1, "x", [1], {"a": 1}])
        return Input("unknown_key", base, "refuse", _dump(data))

    def make_wrong_type(self, base: Path) -> Input | None:
        data = self._mutated(base)
        p = self.rng.choice(_numbers(data))
        _set(data, p, self.rng.choice(["abc", [1, 2], {"a": 1}, True, False, "12 units"]))
        return Input("wrong_type", base, "refuse", _dump(data))

    def make_non_finite(self, base: Path) -> Input | None:
        data = self._mutated(base)
        p = self.rng.choice(_numbers(data))
        _set(data, p, self.rng.choice([float("inf"), float("-inf"), float("nan")]))
        return Input("non_finite", base, "refuse", _dump(data))

    def make_out_of_range(self, base: Path) -> Input | None:
        data = self._mutated(base)
        choices = [p for p in _numbers(data) if _outside(slot(p, data), self.rng, False) is not None]
        if not choices:
            return None
        p = self.rng.choice(choices)
        s = slot(p, data)
        value = _outside(s, self.rng, "integer" in s.types)
        _set(data, p, value)
        return Input("out_of_range", base, "refuse", _dump(data), note=f"{p} = {value!r} ({s})")

    def make_huge_number(self, base: Path) -> Input | None:
        data = self._mutated(base)
        p = self.rng.choice(_numbers(data))
        s = slot(p, data)
        value = self.rng.choice([1e308, -1e308, 10**30])
        inside = (s.low is None or value > s.low) and (s.high is None or value < s.high)
        _set(data, p, value)
        return Input("huge_number", base, "either" if inside else "refuse", _dump(data), note=f"{p} = {value!r}")

    def make_in_range(self, base: Path) -> Input | None:
        data = self._mutated(base)
        for _ in range(self.rng.randint(1, 3)):
            p = self.rng.choice(_numbers(data))
            s = slot(p, data)
            lo = s.low if s.low is not None else 0.0
            hi = s.high if s.high is not None else lo + 10.0
            hi = min(hi, lo + 10 * (abs(_get(data, p)) + 1))
            value = self.rng.uniform(lo, hi)
            if "integer" in s.types:
                value = int(min(max(round(value), lo), hi))
            elif s.low_open and value <= lo:
                value = lo + 1e-3
            _set(data, p, value)
        return Input("in_range", base, "either", _dump(data))

    def make_bool_for_number(self, base: Path) -> Input | None:
        data = self._mutated(base)
        _set(data, self.rng.choice(_numbers(data)), self.rng.choice([True, False]))
        return Input("bool_for_number", base, "refuse", _dump(data))

    def make_zero_divisor(self, base: Path) -> Input | None:
        data = self._mutated(base)
        if self.rng.random() < 0.5:
            group = {"recovery_half_life_days": "trust", "leave_delay_days": "churn",
                     "outrage_half_life_days": "discovery", "reference_per_month": "opt_out"}
            name = self.rng.choice(POSITIVE)
            data.setdefault("behavior", {}).setdefault(group[name], {})[name] = 0
        else:
            data.setdefault("behavior", {}).setdefault("discovery", {})["salience_days"] = [0, 0, 0]
        return Input("zero_divisor", base, "refuse", _dump(data))

    def make_event_on_the_horizon(self, base: Path) -> Input | None:
        data = self._mutated(base)
        data.setdefault("events", []).append({"type": "media_story", "day": data.get("horizon_days", 365)})
        return Input("event_on_the_horizon", base, "refuse", _dump(data))

    def make_reserved_segment(self, base: Path) -> Input | None:
        data = self._mutated(base)
        segments = data["population"]["segments"]
        first = next(iter(segments))
        segments["all"] = segments.pop(first)
        return Input("reserved_segment", base, "refuse", _dump(data))

    def make_too_many(self, base: Path) -> Input | None:
        data = self._mutated(base)
        what = self.rng.choice(["practices", "segments", "events", "segments_over_size"])
        if what == "practices" and data.get("strategy", {}).get("practices"):
            first = data["strategy"]["practices"][0]
            data["strategy"]["practices"] = [{**first, "id": f"p{i}"} for i in range(self.rng.choice([65, 2000]))]
        elif what == "events":
            data["events"] = [{"type": "media_story", "day": 1, "intensity": 0.1} for _ in range(501)]
        else:
            n = 101 if what == "segments" else 300
            data["population"]["segments"] = {f"s{i}": {"share": 1.0 / n, "concern": 0.5, "trust": 0.5,
                                                        "annual_value": 100, "churn_per_year": 0.1} for i in range(n)}
            data["population"]["size"] = 200 if what == "segments_over_size" else 10_000
            data.get("strategy", {}).get("practices", [{}])[0].pop("segments", None) if data.get(
                "strategy", {}).get("practices") else None
        return Input(f"too_many_{what}", base, "refuse", _dump(data))

    def make_schema0_garbage(self, base: Path) -> Input | None:
        data = {"schema": 0, "name": "x", "strategy": {"practices": self.rng.choice([0, "x", [0], [{"covert": 1}]])},
                "population": self.data[base]["population"]}
        return Input("schema0_garbage", base, "refuse", _dump(data))

    # ------------------------------------------------------------ text mutations
    def _text(self, base: Path) -> str:
        return self.sources[base]

    def make_alias_bomb(self, base: Path) -> Input | None:
        levels = self.rng.randint(8, 10)
        bomb = "zz_a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
            f"zz_a{i + 1}: &a{i + 1} [{', '.join([f'*a{i}'] * 9)}]\n" for i in range(levels - 1))
        where = self.rng.choice(["top", "unknown_key", "counterfactual", "string_field"])
        text = self._text(base)
        if where == "top":
            text = bomb + text
        elif where == "unknown_key":
            text += "zz_unknown:\n" + "".join(f"  {line}\n" for line in bomb.splitlines())
        elif where == "counterfactual":
            text = bomb + "\n".join(ln for ln in text.splitlines() if not ln.startswith("counterfactual")) + \
                f"\ncounterfactual:\n  name: *a{levels - 1}\n"
        else:
            text = bomb + text.replace("\nname:", "\nzz_old_name:", 1) + f"\nname: *a{levels - 1}\n"
        return Input(f"alias_bomb_{where}", base, "refuse", text.encode())

    def make_deep_nesting(self, base: Path) -> Input | None:
        depth = self.rng.choice([600, 5000, 100_000])
        text = self._text(base)
        nest = "[" * depth + "]" * depth if self.rng.random() < 0.5 else "{a: " * depth + "1" + "}" * depth
        where = self.rng.choice(["zz_deep", "counterfactual"])
        if where == "counterfactual":
            text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("counterfactual"))
            text += f"\ncounterfactual: {{name: {nest}}}\n"
        else:
            text += f"\nzz_deep: {nest}\n"
        return Input("deep_nesting", base, "refuse", text.encode())

    def make_tag(self, base: Path) -> Input | None:
        tag = self.rng.choice(["!!python/object/apply:os.system ['touch /tmp/privsim-fuzz-pwned']",
                               "!!python/name:os.system", "!!binary aGVsbG8=", "!custom 1", "!!set {a, b}"])
        text = self._text(base).replace("\nname:", f"\nname: {tag}\nzz_old_name:", 1)
        return Input("tag", base, "refuse", text.encode())

    def make_malformed(self, base: Path) -> Input | None:
        text = self._text(base)
        how = self.rng.choice(["truncate", "tab", "unclosed", "colon"])
        if how == "truncate":
            text = text[: self.rng.randrange(1, len(text))]
        else:
            lines = text.splitlines()
            i = self.rng.randrange(len(lines))
            lines[i] = {"tab": "\t" + lines[i], "unclosed": lines[i] + " [unclosed", "colon": ": : :"}[how]
            text = "\n".join(lines)
        return Input(f"malformed_{how}", base, "either", text.encode())

    def make_duplicate_key(self, base: Path) -> Input | None:
        return Input("duplicate_key", base, "refuse", (self._text(base) + "\nname: again\n").encode())

    def make_two_documents(self, base: Path) -> Input | None:
        return Input("two_documents", base, "refuse", (self._text(base) + "\n---\nname: second\n").encode())

    def make_bad_bytes(self, base: Path) -> Input | None:
        data = self._text(base).encode()
        i = self.rng.randrange(len(data))
        junk = self.rng.choice([b"\xff\xfe", b"\x00", b"\xc3\x28", b"\x1b[31m"])
        return Input("bad_bytes", base, "refuse" if junk != b"\x1b[31m" else "either", data[:i] + junk + data[i:])

    def make_huge_file(self, base: Path) -> Input | None:
        pad = "# " + "x" * 1000 + "\n"
        return Input("huge_file", base, "refuse", (self._text(base) + pad * 1600).encode())

    def make_empty(self, base: Path) -> Input | None:
        return Input("empty", base, "refuse", self.rng.choice([b"", b"\n", b"# only a comment\n", b"~\n", b"[]\n"]))

    def make_secret(self, base: Path) -> Input | None:
        content = self.rng.choice([f"API_TOKEN={SECRET}\n", f"password: {SECRET}\n", f"- {SECRET}\n",
                                   f"{SECRET}: [1, 2\n", f"name: x\ntoken: {SECRET}\n"])
        return Input("secret", base, "refuse", content.encode())

    def make_special_file(self, base: Path) -> Input | None:
        return Input("special_file", base, "refuse", special=self.rng.choice(
            ["fifo", "folder", "symlink_loop", "through_file", "missing", "device"]))
