"""Notebook timings: every executed notebook's run time, printed at the end of the run."""

from __future__ import annotations

from typing import Any

#: Attribute of the pytest config holding {notebook name: seconds} (set by the tests).
TIMES_ATTRIBUTE = "graphtwin_notebook_seconds"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    times: dict[str, float] = getattr(terminalreporter.config, TIMES_ATTRIBUTE, {})
    if not times:
        return
    terminalreporter.section("notebook execution times")
    for name, seconds in sorted(times.items()):
        terminalreporter.write_line(f"{name}: {seconds:.1f} s")
