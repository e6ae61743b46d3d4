"""privsim dashboard: ``streamlit run app.py`` (``make run``). The pages live in ``privsim.dashboard``."""

from privsim.dashboard.main import main

if __name__ == "__main__":      # worker processes re-import this file as __mp_main__: they draw nothing
    main()
