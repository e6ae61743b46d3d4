"""Schema migrations: older scenario files are rewritten, step by step, to the current schema.

Schema 0 was the draft format of the research notes: ``categories``, ``consent_mode``,
``notified``/``covert``, ``contact_frequency`` (contacts per week), ``optout_steps``/``optin_steps``
and ``controls.honors_gpc``. Schema 1 set the company's response as a threshold and a lag; schema 2
put the gate's thresholds on NPV alone. docs/scenario.md documents each step. A file without ``schema:``
is read as the current schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from privsim.errors import InputError
from privsim.scenario.yamlmap import LineMap, line_of

CURRENT = 3
WEEKS_PER_MONTH = 365.25 / 12 / 7


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Rename draft practice fields to the schema-1 names; weekly frequency becomes monthly."""
    strategy = data.get("strategy") or {}
    controls = strategy.get("controls") if isinstance(strategy, dict) else None
    if isinstance(controls, dict) and "honors_gpc" in controls:
        controls["honours_gpc"] = controls.pop("honors_gpc")
    practices = strategy.get("practices") or [] if isinstance(strategy, dict) else []
    for practice in practices:
        if not isinstance(practice, dict):
            continue
        for old, new in (("optout_steps", "opt_out_steps"), ("optin_steps", "opt_in_steps")):
            if old in practice:
                practice[new] = practice.pop(old)
        if "categories" in practice:
            practice["data"] = practice.pop("categories")
        if "consent_mode" in practice:
            practice["consent"] = practice.pop("consent_mode")
        covert = practice.pop("covert", None)
        notified = practice.pop("notified", None)
        if covert is not None or notified is not None:
            practice["disclosed"] = bool(notified if notified is not None else not covert)
        if "contact_frequency" in practice:
            per_week = practice.pop("contact_frequency")
            practice["contacts_per_month"] = (round(per_week * WEEKS_PER_MONTH, 6)
                                              if isinstance(per_week, (int, float)) else per_week)
    data["schema"] = 1
    return data


OUTRAGE_RENAMES = {"betrayal": "covert", "dark_pattern": "dark_pattern", "retroactive": "retroactive"}


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """The response becomes a decision under pressure; outrage weights move to their own block.

    ``reverse_when_backlash_above: null`` (never reverses) becomes ``actions: []``; a threshold becomes a
    responsive posture that stops the practice (apologising unless ``apologise: false``); ``reaction_days``
    has no successor (the lag now emerges). ``behavior.trust.betrayal / dark_pattern / retroactive`` become
    ``behavior.outrage.covert / dark_pattern / retroactive``; ``behavior.response.centrality_factor`` goes.
    """
    strategy = data.get("strategy")
    response = strategy.get("response") if isinstance(strategy, dict) else None
    if isinstance(response, dict) and ({"reverse_when_backlash_above", "reaction_days", "apologise"} & set(response)):
        threshold = response.pop("reverse_when_backlash_above", None)
        response.pop("reaction_days", None)
        apologise = response.pop("apologise", True)
        if threshold is None:
            response["actions"] = []
        else:
            response.setdefault("posture", "responsive")
            response["actions"] = ["apologise", "stop"] if apologise is not False else ["stop"]
    behavior = data.get("behavior")
    if isinstance(behavior, dict):
        trust = behavior.get("trust")
        if isinstance(trust, dict) and set(OUTRAGE_RENAMES) & set(trust):
            outrage = behavior.setdefault("outrage", {})
            if isinstance(outrage, dict):
                for old, new in OUTRAGE_RENAMES.items():
                    if old in trust:
                        outrage[new] = trust.pop(old)
        reaction = behavior.get("response")
        if isinstance(reaction, dict):
            reaction.pop("centrality_factor", None)
    data["schema"] = 2
    return data


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """The gate judges total value (NPV + terminal value): ``max_npv_loss[_share]`` → ``max_value_loss[_share]``."""
    gate = data.get("gate")
    if isinstance(gate, dict):
        for old in ("max_npv_loss", "max_npv_loss_share"):
            if old in gate:
                gate[old.replace("npv", "value")] = gate.pop(old)
    data["schema"] = 3
    return data


STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3}


def to_current(data: dict[str, Any], source: str, lines: LineMap) -> dict[str, Any]:
    """Apply every migration step from the file's schema to :data:`CURRENT`."""
    version = data.get("schema", CURRENT)
    if not isinstance(version, int) or isinstance(version, bool) or not 0 <= version <= CURRENT:
        raise InputError.single(source, f"got {version!r}; allowed: a schema version from 0 to {CURRENT}",
                                field="schema", line=line_of(lines, ("schema",)))
    while version < CURRENT:
        data = STEPS[version](data)
        version += 1
    return data
