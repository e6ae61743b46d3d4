"""Scenario editor: start from a bundled scenario, an upload or a blank one; edit; validate live; save."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

import streamlit as st
import yaml

from privsim.dashboard import forms, fromdata, settings, tables, view, workspace
from privsim.errors import InputError, Problem
from privsim.output.formatting import plain
from privsim.scenario.load import dump_scenario, scenario_from_data
from privsim.scenario.schema import (
    EVENT_TYPES,
    EVENTS,
    SCHEMA_VERSION,
    Controls,
    Economics,
    Network,
    Operations,
    Population,
    Practice,
    RemoteWork,
    ResponsePolicy,
    Scenario,
    Segment,
    ServiceDesk,
    Strategy,
)

BASE, VERSION, SOURCE, UPLOAD = "ed-base", "ed-version", "ed-source", "ed-upload"
BLANK: dict[str, Any] = {
    "schema": SCHEMA_VERSION, "name": "New scenario", "horizon_days": 365, "replications": 20,
    "population": {"size": 20_000, "represents": 1, "segments": {
        "everyone": {"share": 1.0, "concern": 0.5, "trust": 0.6, "annual_value": 300, "churn_per_year": 0.1}}}}
UPLOAD_CSS = "<style>.st-key-ed-upload-file [data-testid='stFileUploaderDropzoneInstructions'] {display: none}</style>"
TABS = ("General", "Segments", "Practices", "Events", "Controls & response", "Economics", "YAML")
RESPONSE_NOTES = {"actions": "The order is the order of the steps: the first one listed is taken first. A step "
                             "picked later goes to the end; to move one, remove it and pick it again."}


def load(scenario: Scenario, source: str) -> None:
    """Make ``scenario`` the editor's starting point (every widget restarts from it)."""
    st.session_state[BASE] = scenario.model_dump(mode="json", by_alias=True)
    st.session_state[SOURCE] = source
    st.session_state[VERSION] = st.session_state.get(VERSION, 0) + 1


def page() -> None:
    """The Scenario editor page."""
    st.title("Scenario editor")
    if BASE not in st.session_state:
        entry = workspace.bundled()[workspace.DEFAULT]
        load(workspace.scenario(entry), entry.source)
    start()
    base, v = st.session_state[BASE], st.session_state[VERSION]
    st.caption(f"Editing: {st.session_state[SOURCE]}")
    status = st.container()
    tabs = st.tabs(TABS)
    data, problems = copy.deepcopy(base), []
    with tabs[0]:
        data = general(data, f"ed-{v}")
    with tabs[1]:
        problems += population(data, f"ed-{v}", base)
    with tabs[2]:
        strategy_practices(data, f"ed-{v}", base)
    with tabs[3]:
        problems += events(data, f"ed-{v}", base)
    with tabs[4]:
        controls(data, f"ed-{v}")
    with tabs[5]:
        data["economics"] = forms.fields(Economics, data["economics"], f"ed-{v}-economics", Economics.model_fields)
    scenario = validate(data, problems, status)
    with tabs[6]:
        yaml_tab(data, v)
    if scenario is not None:
        with status:
            keep(scenario)


def start() -> None:
    """Where to start from: a workspace scenario, an uploaded file, a blank scenario, or your own data."""
    with st.expander("Start from a bundled or saved scenario, an upload, or a blank scenario",
                     expanded=st.session_state.get(VERSION, 0) <= 1):
        left, right = st.columns(2)
        entries = workspace.entries()
        titles = {label: workspace.title(label) for label in entries}     # formatted without the session
        labels = list(entries)
        label = left.selectbox("Scenario", labels, index=labels.index(workspace.DEFAULT), format_func=titles.get,
                               key="ed-open-pick")
        buttons = left.container(horizontal=True)         # side by side, one under the other where narrow
        if buttons.button("Open", key="ed-open"):
            try:
                load(workspace.scenario(entries[label]), entries[label].source)
            except InputError as exc:
                view.problems(exc)
        if buttons.button("Blank scenario", key="ed-blank"):
            load(scenario_from_data(BLANK, "blank"), "blank scenario")
        upload(right)
    fromdata.section(st.session_state[BASE], load)


def upload(col: Any) -> None:
    """Read an uploaded file through the one door; a bad file shows its problems and loads nothing."""
    with col:                                # the label states the limit; Streamlit's "1MB per file" would not
        st.html(UPLOAD_CSS)
    file = col.file_uploader(f"Upload a scenario (.yaml, up to {workspace.MAX_UPLOAD // 1024} KB)",
                             type=["yaml", "yml"], max_upload_size=workspace.UPLOAD_MB, key="ed-upload-file",
                             help="Validated exactly like a file on the command line; nothing in it is executed.")
    if file is None:
        return
    done = st.session_state.get(UPLOAD)
    if done is None or done[0] != file.file_id:
        try:
            scenario, text = workspace.from_upload(file.name, file.getvalue())
        except InputError as exc:
            done = (file.file_id, exc.problems)
        else:
            workspace.save(file.name, text, file.name)
            load(scenario, file.name)
            done = (file.file_id, [])
        st.session_state[UPLOAD] = done
    if done[1]:
        with col:
            view.problems(InputError(done[1]))
    else:
        col.success(f"Loaded {file.name}; it is also in the workspace for Run & compare.")


def general(data: dict[str, Any], key: str) -> dict[str, Any]:
    """Name, horizon, replications, seed, jurisdictions and description."""
    left, right = st.columns(2)
    with left:
        data = forms.fields(Scenario, data, f"{key}-top", ("name", "horizon_days", "replications"))
    with right:
        data = forms.fields(Scenario, data, f"{key}-top", ("seed", "jurisdictions"))
    data["description"] = st.text_area("description", data.get("description", ""), key=f"{key}-description")
    return data


def population(data: dict[str, Any], key: str, base: dict[str, Any]) -> list[Problem]:
    """Population size and scaling, the segments table and the network."""
    pop = data["population"]
    cols = st.columns(4)
    for col, name in zip(cols, ("size", "represents", "concern_drift_per_year", "lock_in"), strict=True):
        with col:
            pop.update(forms.fields(Population, pop, f"{key}-population", (name,)))
    st.markdown("**Segments** (shares must sum to 1; add or delete rows at the table's edge)")
    edited = st.data_editor(tables.segments_frame(base["population"]["segments"]), num_rows="dynamic",
                            key=f"{key}-segments", hide_index=True,
                            column_config={"name": st.column_config.TextColumn("name", required=True),
                                           **{c: forms.column(Segment, c) for c in tables.SEGMENT_COLUMNS}})
    pop["segments"], problems = tables.segments_data(edited)
    with st.expander("Word-of-mouth network"):
        pop["network"] = forms.fields(Network, pop["network"], f"{key}-network", Network.model_fields)
    return problems


def strategy_practices(data: dict[str, Any], key: str, base: dict[str, Any]) -> None:
    """The strategy's name and its practices as a table."""
    strategy = data["strategy"]
    strategy.update(forms.fields(Strategy, strategy, f"{key}-strategy", ("name",)))
    st.markdown("**Practices** (one row per use of customer data; empty target segments = everyone; fields only "
                "the strategy check reads are kept and can be edited in the YAML tab)")
    segments = list(data["population"]["segments"])
    config = {c: forms.column(Practice, c, segments if c == "segments" else None) for c in tables.PRACTICE_COLUMNS}
    edited = st.data_editor(tables.practices_frame(base["strategy"]["practices"]), num_rows="dynamic",
                            key=f"{key}-practices", hide_index=True, column_config=config)
    strategy["practices"] = tables.practices_data(edited, base["strategy"]["practices"])


def events(data: dict[str, Any], key: str, base: dict[str, Any]) -> list[Problem]:
    """Events as a table."""
    st.markdown("**Events** on a day or at a yearly rate (`rate_per_year: controls` takes the rate operations and "
                "controls imply for its cause); "
                "other fields of an event go in *details* as `{key: value, …}`.")
    practices = [p.get("id") for p in data["strategy"]["practices"] if p.get("id")]
    cc = st.column_config
    config = {"type": cc.SelectboxColumn("type", options=list(EVENT_TYPES), required=True),
              "id": cc.TextColumn("id"), "day": cc.NumberColumn("day", step=1),
              "rate_per_year": cc.TextColumn("rate per year", help="a number, or controls"),
              "practices": cc.MultiselectColumn("practices", options=practices),
              "details": cc.TextColumn("details", width="large", help=details_help())}
    edited = st.data_editor(tables.events_frame(base["events"]), num_rows="dynamic", key=f"{key}-events",
                            hide_index=True, column_config=config)
    data["events"], problems = tables.events_data(edited)
    return problems


def details_help() -> str:
    """What the *details* cell takes, type by type, from the event models (choices or defaults)."""
    lines = []
    for kind, model in zip(EVENT_TYPES, EVENTS, strict=True):
        parts = []
        for name, info in model.model_fields.items():
            if name in tables.EVENT_COMMON:
                continue
            k, _, choices = forms.describe(info.annotation)
            if k == "literal":
                shown = " | ".join(map(str, choices))
            elif k == "list_literal":
                shown = "a list of data categories" if len(choices) > 8 else f"a list of {' | '.join(choices)}"
            elif info.is_required():
                shown = "required"
            else:
                shown = f"default {json.dumps(info.get_default(call_default_factory=True))}"
            parts.append(f"{name} ({shown})")
        lines.append(f"- **{kind}**: {'; '.join(parts) or 'nothing else'}")
    return "Other fields of the event as `{key: value, …}`, e.g. `{tier: front_page}`:\n\n" + "\n".join(lines)


def controls(data: dict[str, Any], key: str) -> None:
    """The response policy, then the controls (fields only the strategy check reads in an expander).

    The response comes first and its actions take the whole width: an ordered list is read at a glance only
    where all of its steps fit, and a column this narrow hides the last ones.
    """
    strategy = data["strategy"]
    response, at = strategy["response"], f"{key}-response"
    st.markdown("**Response to backlash**")
    left, right = st.columns(2)
    with left:
        response = forms.fields(ResponsePolicy, response, at, ("posture",))
    with right:
        response = forms.fields(ResponsePolicy, response, at, ("notice",))
    response = forms.fields(ResponsePolicy, response, at, [n for n in ResponsePolicy.model_fields
                                                           if n not in ("posture", "notice")], RESPONSE_NOTES)
    steps = response["actions"]
    st.caption(f"In turn: {' → '.join(steps)}." if steps else "No actions: the company never responds.")
    strategy["response"] = response
    hidden = forms.lint_only(Controls)
    shown = [n for n in Controls.model_fields if n not in hidden]
    st.markdown("**Controls**")
    half = (len(shown) + 1) // 2
    for col, names in zip(st.columns(2), (shown[:half], shown[half:]), strict=True):
        with col:
            strategy["controls"] = forms.fields(Controls, strategy["controls"], f"{key}-controls", names)
    with st.expander("Fields only the strategy check reads"):
        strategy["controls"] = forms.fields(Controls, strategy["controls"], f"{key}-controls", hidden)
        strategy.update(forms.fields(Strategy, strategy, f"{key}-strategy", forms.lint_only(Strategy)))
    operations(data, key)


def operations(data: dict[str, Any], key: str) -> None:
    """Service staff, remote work and test copies: the exposure operational incidents are drawn from."""
    st.markdown("**Operations** (docs/operations.md)")
    stated = st.checkbox("Draw incidents from operations",
                         value=data.get("operations") is not None, key=f"{key}-ops-on",
                         help="Insider misuse, leavers taking records, lost devices, remote-access takeovers, "
                              "test-copy leaks and outside intrusions, at rates per exposure unit. Off: none "
                              "are drawn (scheduled incidents in Events still happen).")
    if not stated:
        data["operations"] = None
        return
    ops = dict(data.get("operations") or {})
    service, remote = dict(ops.get("service") or {}), dict(ops.get("remote") or {})
    left, right = st.columns(2)
    with left:
        st.caption("Service desk")
        ops["service"] = forms.fields(ServiceDesk, ServiceDesk.model_validate(service).model_dump(),
                                      f"{key}-ops-service", ServiceDesk.model_fields)
    with right:
        st.caption("Remote work")
        ops["remote"] = forms.fields(RemoteWork, RemoteWork.model_validate(remote).model_dump(),
                                     f"{key}-ops-remote", RemoteWork.model_fields)
        ops.update(forms.fields(Operations, Operations.model_validate(ops).model_dump(), f"{key}-ops",
                                ("test_data", "outside_attacks")))
    data["operations"] = ops


def validate(data: dict[str, Any], problems: list[Problem], status: Any) -> Scenario | None:
    """Validate the edited scenario; show every problem the way the command line words it."""
    with status:
        try:
            if problems:
                raise InputError(problems)
            scenario = scenario_from_data(data, tables.SOURCE)
        except InputError as exc:
            st.markdown(f"**{len(exc.problems)} problem{'s' if len(exc.problems) > 1 else ''}** — "
                        "nothing can be run or saved until they are fixed:")
            view.problems(exc)
            return None
        p, s = scenario.population, scenario.strategy
        st.success(f"Valid: {len(s.practices)} practice(s), {len(scenario.events)} event(s), {len(p.segments)} "
                   f"segment(s), {p.size:,} simulated customers each standing for {plain(p.represents)}.",
                   icon=":material/check_circle:")
        st.caption(runs_with(scenario))
        return scenario


def runs_with(scenario: Scenario) -> str:
    """What the dashboard will actually run: the sidebar's size and replications, not the file's."""
    cfg = settings.current()
    fitted = cfg.fit(scenario).population
    return (f"On this dashboard it runs with the sidebar's settings: {fitted.size:,} simulated customers, each "
            f"standing for {plain(fitted.represents)} real ones, × {cfg.reps} replication"
            f"{'s' * (cfg.reps != 1)} (the file's {scenario.replications} replications and "
            f"{scenario.population.size:,} customers are what the command line uses).")


def save_label() -> str:
    """The key of "Save as": new with every scenario opened, so it starts from that scenario's name."""
    return f"ed-{st.session_state[VERSION]}-save-label"


def keep(scenario: Scenario) -> None:
    """Save the scenario to the session's workspace, or download it as YAML."""
    text = dump_scenario(scenario)
    row = st.container(horizontal=True, vertical_alignment="bottom")   # the buttons wrap, never cut, where narrow
    label = row.text_input("Save as", f"{scenario.name} (edited)", key=save_label(), width=360,
                           help="The name this strategy goes by on every page, chart and report.")
    if row.button("Save to workspace", key="ed-save", type="primary"):
        named = scenario.model_copy(update={"name": label.strip() or scenario.name})
        workspace.save(label, dump_scenario(named), f"{label} (editor)")
        st.toast(f"Saved “{label}”: pick it on Run & compare, Frontier, Sensitivity or Strategy check.")
    row.download_button("Download YAML", text, file_name=f"{scenario.name}.yaml".replace("/", "-"),
                        mime="application/x-yaml", on_click="ignore", key="ed-download")


def yaml_tab(data: dict[str, Any], version: int) -> None:
    """The whole scenario as YAML: edit it and apply, with problems located by line."""
    st.caption("Every field of the scenario, including behaviour coefficients and lint-only fields. "
               "Applying replaces the form above.")
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:10]
    edited = st.text_area("Scenario YAML", text, height=480, key=f"ed-{version}-yaml-{digest}",
                          max_chars=workspace.MAX_UPLOAD)
    if st.button("Apply YAML", key="ed-apply"):
        try:
            scenario = workspace.from_text("editor YAML", edited)
        except InputError as exc:
            view.problems(exc)
        else:
            load(scenario, "editor YAML")
            st.rerun()
