"""privsim dashboard: ``streamlit run app.py`` (``make run``). The pages live in ``privsim.dashboard``."""

from privsim.dashboard.main import main

main()
