"""The ``privsim`` command line: a thin face over the Python API.

Commands live in modules by area (``core``, ``experiments``, ``tester``) and register on the app of
``privsim.cli.common``. Exit codes: 0 ok, 1 a risk gate or calibration failed (or replications
failed), 2 bad input.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point: usage errors become one ``error:`` line and exit code 2."""
    import typer

    from privsim.cli import core, experiments, exports, history, imports, population, runs, tester  # noqa: F401  (registers the commands)
    from privsim.cli.common import app, err, out

    usage_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")
    try:
        code = app(standalone_mode=False)
    except usage_error as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":
            out.print(exc.ctx.get_help(), markup=False)
            sys.exit(0)
        where = f"{exc.ctx.command_path}: " if exc.ctx else ""
        err.print(f"error: {where}{exc.format_message()} (see --help)", markup=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written")
        sys.exit(130)
    sys.exit(code if isinstance(code, int) else 0)
