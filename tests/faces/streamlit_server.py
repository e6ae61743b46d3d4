"""``streamlit run app.py`` on a free 127.0.0.1 port, for the browser test and the dashboard benchmark.

The server is started from a source tree (the repository, or a worktree of an earlier commit) and stopped
by its PID however the block ends.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(tree: Path, log: Path, env: dict[str, str] | None = None,
          deadline_s: float = 90) -> Iterator[tuple[str, subprocess.Popen]]:
    """The app of ``tree`` running; yields its URL and process (RuntimeError with the log's end if it never answers)."""
    command = [sys.executable, "-m", "streamlit", "run", str(tree / "app.py"), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port := free_port()),
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    with open(log, "w") as out:
        proc = subprocess.Popen(command, cwd=tree, env={**os.environ, **(env or {})}, stdout=out,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + deadline_s
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start:\n{log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield url, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
