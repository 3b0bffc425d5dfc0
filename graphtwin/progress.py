"""Progress reporting on stderr for long work (loads, generation, sampled metrics).

Library code takes an optional ``progress`` callable ``(done, total, label) -> None`` and
never prints; the CLI passes a :class:`StderrProgress` unless ``--quiet`` is given.

Example:
    >>> p = StderrProgress(enabled=False)
    >>> p(5, 10, "ties")
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

ProgressFn = Callable[[int, int, str], None]


def no_progress(done: int, total: int, label: str) -> None:
    """A progress callable that does nothing."""


class StderrProgress:
    """A one-line progress bar on a terminal, and sparse plain lines otherwise."""

    def __init__(self, enabled: bool = True, min_interval: float = 0.2) -> None:
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.min_interval = min_interval if self.tty else 5.0
        self._last = 0.0
        self._start: float | None = None
        self._label = ""

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if self._start is None:
            self._start = self._last = now
        finished = total > 0 and done >= total
        if not self.tty:
            # Logs and CI: the final line, and a line every few seconds of long work.
            if not finished and now - self._last < self.min_interval:
                return
        elif not finished and label == self._label and now - self._last < self.min_interval:
            return
        self._last, self._label = now, label
        pct = 100.0 * done / total if total else 100.0
        if self.tty:
            width = 30
            filled = int(width * pct / 100)
            bar = "#" * filled + "-" * (width - filled)
            end = "\n" if finished else ""
            sys.stderr.write(f"\r{label:<24} [{bar}] {done:>9,}/{total:,} {pct:5.1f}%{end}")
        else:
            sys.stderr.write(f"{label}: {done:,}/{total:,} ({pct:.0f}%)\n")
        sys.stderr.flush()
