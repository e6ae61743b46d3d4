"""The dashboard's entry point: page configuration, navigation and the shared run settings."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from privsim.dashboard import pool, settings, view
from privsim.dashboard.pages import calibrate, check, compare, editor, frontier, gallery, history, sensitivity

# A local image: with a ":material/…:" page icon the browser fetches the favicon from fonts.gstatic.com.
FAVICON = Path(__file__).parent / "static" / "favicon.png"


def main() -> None:
    """Draw the dashboard (called by ``app.py`` on every script run)."""
    st.set_page_config(page_title="privsim", page_icon=str(FAVICON), layout="wide")
    nav = st.navigation({
        "Strategist": [
            st.Page(compare.page, title="Run & compare", icon=":material/compare_arrows:", url_path="compare",
                    default=True),
            st.Page(editor.page, title="Scenario editor", icon=":material/edit_note:", url_path="editor"),
            st.Page(frontier.page, title="Tolerance frontier", icon=":material/show_chart:", url_path="frontier"),
            st.Page(sensitivity.page, title="Sensitivity", icon=":material/tune:", url_path="sensitivity"),
            st.Page(calibrate.page, title="Calibrate", icon=":material/query_stats:", url_path="calibrate"),
            st.Page(history.page, title="History", icon=":material/history:", url_path="history"),
        ],
        "Trainer": [
            st.Page(gallery.page, title="Worst-practice gallery", icon=":material/school:", url_path="gallery"),
        ],
        "Tester": [
            st.Page(check.page, title="Strategy check", icon=":material/policy:", url_path="check"),
        ],
    })
    settings.sidebar()
    if settings.current().executor == "processes":
        pool.shared()                 # started with the first page, so a first run finds its workers warm
    nav.run()
    view.preload_charts()
