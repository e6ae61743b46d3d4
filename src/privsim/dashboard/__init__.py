"""The Streamlit dashboard: pages for strategists, trainers and testers over the public API.

``streamlit run app.py`` calls :func:`privsim.dashboard.main.main`. Nothing in the core imports
this package; pages only call the experiment, case, lint and chart functions of the core.
"""
