"""History: past runs from the run catalog, to reopen one, compare two or delete one.

It lists what ``privsim runs list`` lists (the dashboard's runs folder, ``$PRIVSIM_RUNS`` or runs/), in the
same words and units (``privsim.output.runtables``); the catalog is only an index, so a missing or locked
one costs a note and the run folders are read instead.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from privsim.dashboard import view
from privsim.errors import InputError
from privsim.output import catalog, runfolders, runtables
from privsim.output.runfolders import Entry

EVERY_KIND = "every kind"
PICK, KIND, TEXT, CONFIRM, NOTE = "history-pick", "history-kind", "history-name", "history-confirm", "history-note"
FILE_SIZES = ((2**20, "MB"), (2**10, "KB"))


def page() -> None:
    """The History page."""
    st.title("History")
    home = runfolders.runs_home()
    st.caption(f"Every run folder in {view.plain(str(home))}: the command line's runs and the comparisons of Run & "
               "compare, newest first. Pick one to reopen it, or two to compare them.")
    missing = not runfolders.catalog_path(home).exists()
    try:
        frame, problems = catalog.listing(home)
    except InputError as exc:
        view.problems(exc)
        return
    if missing and len(frame):
        problems.insert(0, f"The run catalog {runfolders.catalog_path(home)} was missing: it was rebuilt from the "
                        "run folders.")
    for line in problems:
        st.info(view.plain(line), icon=":material/info:")
    if note := st.session_state.pop(NOTE, None):
        (st.success if note[0] == "ok" else st.error)(view.plain(note[1]))
    if frame.empty:
        st.info(f"No runs in {view.plain(str(home))} yet: press **Run comparison** on Run & compare, or run "
                "`privsim compare` here.")
        return
    shown = filtered(frame)
    st.dataframe(listed(shown, home), hide_index=True, key="history-list")
    names = {r.path: f"{r.name if isinstance(r.name, str) else '–'} ({r.kind}, {r.created:%Y-%m-%d %H:%M}) · {r.path}"
             for r in frame.itertuples(index=False)}       # the folder makes each one unique
    kept = [p for p in st.session_state.get(PICK, []) if p in names]      # a pick survives a narrower filter
    picked = st.multiselect("Runs to reopen (one) or compare (two)", list(dict.fromkeys([*kept, *shown["path"]])),
                            max_selections=2, format_func=names.__getitem__, key=PICK,
                            help="Pick one run to see its KPIs, what it ran and its files; pick two for their "
                                 "differences.")
    try:
        entries = [runfolders.read_folder(home / path, home) for path in picked]
        if len(entries) == 1:
            reopen(entries[0], home)
        elif len(entries) == 2:
            versus(*entries)
    except InputError as exc:
        view.problems(exc)


def filtered(frame: pd.DataFrame) -> pd.DataFrame:
    """The listing narrowed to one kind and to names containing a text, as the user chose."""
    left, right = st.columns([1, 2])
    kind = left.selectbox("Kind", [EVERY_KIND, *sorted(set(frame["kind"]))], key=KIND)
    text = right.text_input("Name contains", key=TEXT, placeholder="part of a scenario name")
    keep = (frame["kind"] == kind) | (kind == EVERY_KIND)
    if text.strip():
        keep &= frame["name"].fillna("").str.contains(text.strip(), case=False, regex=False)
    return frame[keep]


def listed(frame: pd.DataFrame, home: Path) -> pd.DataFrame:
    """The listing as a strategist reads it: name, kind, when, size × replications, seed, headline, folder."""
    rows = runtables.listed_rows(frame, home)
    rows["seed"] = [runtables.whole(s) for s in frame["seed"]]
    return rows.rename(columns={"time": "when", "size × reps": "size × replications", "path": "folder"})[
        ["name", "kind", "when", "size × replications", "seed", "headline", "folder"]]


def kpi_table(entry: Entry) -> pd.DataFrame:
    """A run's KPIs of the whole population in words and units, with their intervals."""
    rows = runfolders.segment_rows(entry)
    currency = runtables.currency_of(entry.run["currency"])
    table = runtables.kpi_rows(rows, currency)
    table.insert(table.columns.get_loc("KPI") + 1, "unit",
                 [currency if u == "currency" else u or "" for u in rows["unit"].fillna("")])
    return table


def reopen(entry: Entry, home: Path) -> None:
    """One past run: its KPIs, what it ran, its report and files, and a way to delete it."""
    run = entry.run
    st.subheader(view.plain(run["title"] or run["name"] or entry.folder.name))
    st.caption(f"{run['kind']} · {run['created']:%Y-%m-%d %H:%M} · folder {view.plain(str(entry.folder))}")
    if len(entry.kpis):
        st.markdown("**KPIs of the whole population** — mean over replications, 95% CI of the mean and "
                    "P5–P95 over replications")
        st.dataframe(kpi_table(entry), hide_index=True, key="history-kpis")
    else:
        st.caption("This run has no KPI table (kpis.csv).")
    left, right = st.columns(2)
    with left:
        st.markdown("**What it ran**")
        st.dataframe(runtables.about_rows(entry), hide_index=True, key="history-about")
    with right:
        st.markdown("**Its files**")
        st.dataframe(files(entry.folder), hide_index=True, key="history-files")
        report = entry.folder / "report.html"
        if report.is_file():
            st.download_button("HTML report", report.read_bytes,
                               file_name=f"{entry.folder.name}-report.html", mime="text/html", on_click="ignore",
                               key="history-report")
    with st.expander("Delete this run"):
        sure = st.checkbox(f"Yes, delete {view.plain(str(entry.folder))} and every file in it", key=CONFIRM)
        st.button("Delete run", type="primary", disabled=not sure, key="history-delete", on_click=delete,
                  args=(str(entry.folder), run["path"], str(home)))


def files(folder: Path) -> pd.DataFrame:
    """The files privsim wrote in a run folder, with their sizes."""
    paths = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    return pd.DataFrame({"file": [p.relative_to(folder).as_posix() for p in paths],
                         "size": [_size(p.stat().st_size) for p in paths]})


def _size(n: int) -> str:
    for scale, unit in FILE_SIZES:
        if n >= scale:
            return f"{n / scale:,.1f} {unit}"
    return f"{n:,} bytes"


def delete(folder: str, path: str, home: str) -> None:
    """Button callback: delete a run folder and its catalog entry, then forget it was picked."""
    try:
        catalog.delete(Path(folder), Path(home))
    except InputError as exc:
        st.session_state[NOTE] = ("error", str(exc))
        return
    st.session_state[NOTE] = ("ok", f"Deleted {folder}.")
    st.session_state[PICK] = [p for p in st.session_state.get(PICK, []) if p != path]
    st.session_state[CONFIRM] = False


def versus(a: Entry, b: Entry) -> None:
    """Two past runs: what they were made with differently, and their KPIs side by side with B − A."""
    st.subheader("Two runs compared")
    for side, entry in (("A", a), ("B", b)):
        st.caption(f"{side}: {view.plain(entry.run['name'] or entry.folder.name)} ({entry.run['kind']}, "
                   f"{entry.run['created']:%Y-%m-%d %H:%M}) · folder {view.plain(str(entry.folder))}")
    st.info(view.plain(runtables.differences_line(runfolders.differing(a, b))), icon=":material/difference:")
    rows = runfolders.difference(a, b)
    if rows.empty:
        st.caption("No KPI of the whole population is in both.")
        return
    table = runtables.diff_rows(rows, runtables.currency_of(a.run["currency"]))
    st.dataframe(table, hide_index=True, key="history-diff")
