"""The Scenario editor's "From your data": build the population from a file, or import a Fides data map.

Files are read by :mod:`privsim.dashboard.imports` (size-checked first, read once, never executed). After a
build, both uploads are dropped from Streamlit's file store and their boxes start again empty, so no byte of
an export stays in the session: what stays is the population and what the page says about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, get_args

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from privsim.dashboard import imports, tables, view, workspace
from privsim.errors import InputError, Problem
from privsim.scenario.load import scenario_from_data
from privsim.scenario.schema import Jurisdiction, Scenario

KIND, ROUND, FOLDER = "ed-from-kind", "ed-from-round", "ed-from-folder"   # session keys: the choice, the boxes' round,
BUILT, MAPPED = "ed-from-built", "ed-from-mapped"                        # the folder, and the last results
BUILD, DATA_MAP = "Build population from file", "Import data map"
FILES = {imports.CUSTOMERS: "Customer export (one row per customer)",
         imports.SURVEY: "Privacy-attitude survey (one row per respondent)"}
PER_CUSTOMER, SEGMENTS_ONLY = "Per-customer population file", "Segments only"
CSS = "<style>[class*='st-key-ed-from-'] [data-testid='stFileUploaderDropzoneInstructions'] {display: none}</style>"
Load = Callable[[Scenario, str], None]


@dataclass(frozen=True)
class Mapped:
    """What an import of a data map tells: what it made and what it could not map (file and line)."""

    summary: str
    warnings: list[Problem]


def section(base: dict[str, Any], load: Load) -> None:
    """Both ways in, in one expander; nothing of either is drawn until one is picked."""
    with st.expander("From your data: build the population from a file, or import a Fides data map"):
        kind = st.radio("Bring in", (BUILD, DATA_MAP), index=None, horizontal=True, key=KIND,
                        label_visibility="collapsed")
        st.html(CSS)                         # each box's label states its limit; Streamlit's line would not
        if kind == BUILD:
            population(base, load)
        elif kind == DATA_MAP:
            data_map(load)


def population(base: dict[str, Any], load: Load) -> None:
    """Upload an export or survey and its map; the built population replaces the editor's."""
    kind = st.radio("The file is", list(FILES), format_func=FILES.get, horizontal=True, key="ed-from-file-kind")
    n = st.session_state.get(ROUND, 0)             # new boxes after every build: the old uploads are gone
    types = imports.suffixes(kind)
    left, right = st.columns(2)
    export = left.file_uploader(
        f"{FILES[kind].split(' (')[0]} ({', '.join('.' + t for t in types)}, up to {imports.EXPORT_MB} MB)",
        type=types, max_upload_size=imports.EXPORT_MB, key=f"ed-from-export-{n}",
        help="Only the columns the mapping file names are read; identifiers are dropped or kept as a salted hash. "
             "The file is deleted once read.")
    mapping = right.file_uploader(
        f"Mapping file (.yaml, up to {workspace.MAX_UPLOAD // 1024} KB)", type=["yaml", "yml"],
        max_upload_size=workspace.UPLOAD_MB, key=f"ed-from-map-{n}",
        help="Which columns mean what (docs/own-data.md); validated like a file on the command line, never run.")
    per_customer = kind == imports.CUSTOMERS and st.radio(
        "Population", (PER_CUSTOMER, SEGMENTS_ONLY), horizontal=True, key="ed-from-result",
        help="A per-customer file keeps each customer's value, concern and consent (it seeds the practices); "
             "segments only keeps each segment's share and levels.") == PER_CUSTOMER
    if st.button("Build population", key="ed-from-build", type="primary", disabled=export is None or mapping is None):
        assert export is not None and mapping is not None
        build(kind, export, mapping, per_customer, base, load)
    shown(st.session_state.get(BUILT))


def build(kind: str, export: UploadedFile, mapping: UploadedFile, per_customer: bool, base: dict[str, Any],
          load: Load) -> None:
    """Build, load the result into the editor, and drop both uploads whatever happened."""
    st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
    try:
        outcome = imports.build(kind, imports.Upload(export.name, export.getvalue()),
                                imports.Upload(mapping.name, mapping.getvalue()), folder(),
                                per_customer=per_customer, currency=base["economics"]["currency"])
        scenario = scenario_from_data(imports.with_population(base, outcome.population), tables.SOURCE)
    except InputError as exc:
        st.session_state[BUILT] = exc.problems
    else:
        load(scenario, f"{base['name']}, population built from {export.name}")
        st.session_state[BUILT] = outcome
    finally:
        discard(export, mapping)
    st.rerun()                              # a run without the old boxes: their state goes with them


def shown(result: imports.Outcome | list[Problem] | None) -> None:
    """The last build: the mix and which columns were read, dropped and hashed; or its problems."""
    if result is None:
        return
    if isinstance(result, list):
        st.markdown(f"**{len(result)} problem{'s' * (len(result) > 1)}** — nothing was loaded, and the files "
                    "were discarded: upload them again once fixed.")
        view.problems(InputError(result))
        return
    st.success(f"The editor's population is now the one built from {result.source} (the Segments tab).",
               icon=":material/check_circle:")
    st.dataframe(pd.DataFrame(result.mix), hide_index=True)
    if result.consent:
        st.markdown("**Consent on record** (shares of each segment's customers; the rest were never asked)")
        st.dataframe(pd.DataFrame(result.consent), hide_index=True)
    st.markdown("\n".join(f"- {view.plain(fact)}" for fact in result.facts))


def folder() -> Path:
    """The private temporary folder of this session (made on first use)."""
    if FOLDER not in st.session_state:
        st.session_state[FOLDER] = imports.Folder()
    return st.session_state[FOLDER].path


def discard(*files: UploadedFile) -> None:
    """Remove uploads from Streamlit's file store, which would otherwise keep their bytes for the session."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        for file in files:
            ctx.uploaded_file_mgr.remove_file(ctx.session_id, file.file_id)


def data_map(load: Load) -> None:
    """Upload Fides manifests; the scenario skeleton opens in the editor, and what did not map is listed."""
    files = st.file_uploader(
        f"Fides manifests (.yml or .yaml, up to {workspace.MAX_UPLOAD // 1024} KB each; every file of a folder)",
        type=["yml", "yaml"], accept_multiple_files=True, max_upload_size=workspace.UPLOAD_MB, key="ed-from-fides",
        help="fideslang systems with privacy_declarations (docs/fides.md); read like a file on the command line, "
             "never run.")
    jurisdictions = st.multiselect("Jurisdictions of the scenario", get_args(Jurisdiction), default=["eu"],
                                   key="ed-from-jurisdictions")
    if st.button("Import data map", key="ed-from-import", type="primary", disabled=not files):
        try:
            found = imports.data_map([imports.Upload(f.name, f.getvalue()) for f in files or []], jurisdictions)
        except InputError as exc:
            st.session_state[MAPPED] = exc.problems
        else:
            label = f"{found.source} (data map)"
            workspace.save(label, found.text, label)
            load(found.scenario, label)
            st.session_state[MAPPED] = Mapped(
                f"Opened the scenario skeleton of {found.source}: {len(found.scenario.strategy.practices)} "
                f"practices from {found.declarations} privacy declarations in {found.systems} systems; it is also "
                "in the workspace for Run & compare and Strategy check.", found.warnings)
    imported(st.session_state.get(MAPPED))


def imported(result: Mapped | list[Problem] | None) -> None:
    """The last import: what it made and each item it could not map; or its problems."""
    if result is None:
        return
    if isinstance(result, list):
        st.markdown("**The data map was not imported** — nothing was loaded:")
        view.problems(InputError(result))
        return
    st.success(result.summary, icon=":material/check_circle:")
    if result.warnings:
        st.markdown(f"**{len(result.warnings)} not mapped**, so in no practice (review them):")
    for warning in result.warnings:
        st.warning(str(warning), icon=":material/warning:")
