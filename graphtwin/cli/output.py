"""Render result tables (a list of row dicts) as an aligned table, CSV or JSON.

Machine-readable output goes to stdout; notes and progress go to stderr.

Example:
    >>> render([{"id": "qub", "score": 0.51234}], "csv").splitlines()
    ['id,score', 'qub,0.51234']
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any


def _plain(value: Any) -> Any:
    """Convert numpy scalars, tuples and NaN into JSON-friendly Python values."""
    if value is None:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, tuple, dict, str)):
        with contextlib.suppress(ValueError, AttributeError):
            value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _cell(value: Any, digits: int = 4) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if value == int(value) and abs(value) < 1e15:
            return str(int(value)) if digits == 0 else f"{value:.{digits}g}"
        return f"{value:.{digits}g}"
    if isinstance(value, list):
        return "; ".join(_cell(v, digits) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Column names in first-seen order across all rows."""
    cols: dict[str, None] = {}
    for row in rows:
        for key in row:
            cols.setdefault(key, None)
    return list(cols)


def render(
    rows: Sequence[dict[str, Any]],
    fmt: str = "table",
    columns: Iterable[str] | None = None,
    max_width: int = 60,
) -> str:
    """Render rows as ``table``, ``csv`` or ``json`` text (JSON: an array of objects)."""
    cols = list(columns) if columns is not None else columns_of(rows)
    if fmt == "json":
        return json.dumps(
            [{c: _plain(r.get(c)) for c in cols} for r in rows], ensure_ascii=False, indent=2
        )
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(cols)
        for r in rows:
            writer.writerow([_cell(r.get(c), digits=10) for c in cols])
        return buf.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    if not rows:
        return "(no rows)"
    cells = [[_cell(r.get(c)) for c in cols] for r in rows]
    cells = [[v if len(v) <= max_width else v[: max_width - 1] + "…" for v in row] for row in cells]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    numeric = [
        all(isinstance(_plain(r.get(c)), (int, float)) or r.get(c) is None for r in rows)
        for c in cols
    ]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(cols), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)
