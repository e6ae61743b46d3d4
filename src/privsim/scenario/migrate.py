"""Schema migrations: older scenario files are rewritten, step by step, to the current schema.

Schema 0 was the draft format of the research notes: ``categories``, ``consent_mode``,
``notified``/``covert``, ``contact_frequency`` (contacts per week), ``optout_steps``/``optin_steps``
and ``controls.honors_gpc``. Schema 1 set the company's response as a threshold and a lag; schema 2
put the gate's thresholds on NPV alone; schema 3 had incident rates as switches (``controls.service_access``,
``controls.remote_data``). docs/scenario.md documents each step. A file without ``schema:``
is read as the current schema.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from privsim.errors import InputError
from privsim.scenario.yamlmap import LineMap, line_of

CURRENT = 4
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


MIGRATED_AGENTS = 200      # × 0.01 misuse per agent-year: schema 3's 2.0 (broad) and 0.2 (need-to-know) a year
MIGRATED_REMOTE_STAFF = 10  # × 0.023 lost devices and 0.01 takeovers per year: schema 3's 0.2 and 0.1 a year
BREACH_RENAMES = {"intrusion_per_year": "intrusion_per_year", "encrypted_exposure": "disk_encryption"}


def _v3_to_v4(data: dict[str, Any]) -> dict[str, Any]:
    """Incident rates come from exposure (``operations:``) instead of two switches.

    ``controls.service_access`` and ``controls.remote_data`` go (encrypted or unencrypted remote data becomes
    ``controls.disk_encryption``). They acted only through events at ``rate_per_year: controls``: a file
    with one gets an ``operations:`` block whose counts reproduce schema 3's yearly rates at the default
    coefficients: 200 agents, all with broad access when access was broad, and 10 remote staff when
    remote data was held. ``behavior.breach.intrusion_per_year`` and
    ``encrypted_exposure`` move to ``behavior.incidents`` (as ``intrusion_per_year`` and ``disk_encryption``);
    the other schema-3 rates have no successor (rates per exposure unit replace them).
    """
    strategy = data.get("strategy")
    controls = strategy.get("controls") if isinstance(strategy, dict) else None
    access = remote = None
    if isinstance(controls, dict):
        access = controls.pop("service_access", None)
        remote = controls.pop("remote_data", None)
    events = data.get("events") if isinstance(data.get("events"), list) else []
    rated = any(isinstance(e, dict) and e.get("rate_per_year") == "controls" for e in events)
    if remote in ("encrypted", "unencrypted") and isinstance(controls, dict):
        controls["disk_encryption"] = remote == "encrypted"
    if rated and "operations" not in data:     # the switches acted only through these events' rates
        ops: dict[str, Any] = {"service": {"staff": MIGRATED_AGENTS, "broad_share": 1.0 if access == "broad" else 0.0}}
        if remote in ("encrypted", "unencrypted"):
            ops["remote"] = {"staff": MIGRATED_REMOTE_STAFF}
        data["operations"] = ops
    patch = data.get("counterfactual")
    if isinstance(patch, dict):
        for key in list(patch):
            if key == "strategy.controls.service_access":
                patch["operations.service.broad_share"] = 1.0 if patch.pop(key) == "broad" else 0.0
            elif key == "strategy.controls.remote_data":
                value = patch.pop(key)
                if value in ("encrypted", "unencrypted"):
                    patch["strategy.controls.disk_encryption"] = value == "encrypted"
    behavior = data.get("behavior")
    breach = behavior.get("breach") if isinstance(behavior, dict) else None
    if isinstance(breach, dict):
        incidents: dict[str, Any] = {}
        for old in list(breach):
            if old in BREACH_RENAMES:
                incidents[BREACH_RENAMES[old]] = breach.pop(old)
            elif old.endswith("_per_year"):
                breach.pop(old)
        if incidents and isinstance(behavior, dict):
            behavior.setdefault("incidents", {}).update(incidents)
    data["schema"] = 4
    return data


STEPS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _v0_to_v1, 1: _v1_to_v2, 2: _v2_to_v3,
                                                                 3: _v3_to_v4}


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
