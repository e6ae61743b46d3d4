"""``python -m privsim.cli``."""

from privsim.cli import main

main()
