"""Run the installed ``graphtwin`` command as a user would (a subprocess)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))


def run(
    db: str, *args: str, env: dict[str, str] | None = None, **kw
) -> subprocess.CompletedProcess:
    """``graphtwin --db DB ARGS...`` with captured text output (never raises)."""
    return subprocess.run(
        [GRAPHTWIN, "--db", db, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
        check=False,
        **kw,
    )
