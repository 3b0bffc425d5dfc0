"""Compare this code with a baseline checkout (e.g. /work/wt/base) in the same run.

Two ``graphtwin`` packages cannot share one process, so each measurement runs a small
Python snippet in its own process, with the baseline's interpreter (``REPO/.venv``) or
this one, alternating round by round so that both see the same machine load. The
snippet prints one JSON object with a ``seconds`` key as its last line.

The figure to quote is the median of the per-round ratios this/baseline (each round's
two runs ran back to back): on a shared machine it is steadier than the ratio of the
medians.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path


def alternate(
    snippet: str,
    args: list[str],
    baseline: Path,
    rounds: int,
    label: str,
    before_each: Callable[[str, int], list[str]] | None = None,
) -> dict[str, float]:
    """Run ``snippet`` ``rounds`` times with each interpreter; print and return figures.

    ``before_each(code, round)`` may prepare a run and return extra arguments.
    Returns ``{"baseline_s", "this_s", "ratio"}`` (medians and median paired ratio).
    """
    pythons = {"baseline": baseline / ".venv" / "bin" / "python", "this": Path(sys.executable)}
    runs: dict[str, list[float]] = {code: [] for code in pythons}
    for i in range(rounds):
        for code, python in pythons.items():
            extra = before_each(code, i) if before_each else []
            out = subprocess.run(
                [str(python), "-c", snippet, *args, *extra],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, "OMP_NUM_THREADS": "1"},
            )
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            runs[code].append(figures["seconds"])
            print(f"{label} ({code:8}) {figures['seconds']:8.2f} s")
    medians = {code: statistics.median(r) for code, r in runs.items()}
    paired = statistics.median(t / b for t, b in zip(runs["this"], runs["baseline"], strict=True))
    print(
        f"{label} median: baseline {medians['baseline']:.2f} s, this {medians['this']:.2f} s;"
        f" median per-round ratio this/baseline {paired:.2f} ({rounds} rounds)"
    )
    return {"baseline_s": medians["baseline"], "this_s": medians["this"], "ratio": paired}
