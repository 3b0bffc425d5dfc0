"""Render result tables (a list of row dicts) as an aligned table, CSV, Excel CSV or JSON.

Machine-readable output goes to stdout; notes and progress go to stderr.

Safety, for where the output is opened:

* **CSV** (``csv``, ``excel``): a text cell starting with ``=``, ``+``, ``-``, ``@``, tab
  or carriage return gets a leading apostrophe (the OWASP rule against formula
  injection: ``=cmd|' /C calc'!A0`` would otherwise run in a spreadsheet); numbers
  (negative z-scores too) are not text and stay numbers. ``csv_safe=False`` (the CLI's
  ``--raw-csv``) turns this off for machine pipelines. ``excel`` is the same CSV with a
  UTF-8 byte order mark, so that Excel reads Hangul and accents correctly.
* **Tables**: control characters (ESC, BEL, CR, backspace...) and bidirectional
  overrides are shown escaped (``\\x1b``), never sent raw to the terminal
  (graphtwin.escaping.terminal_safe); columns are aligned by display width (wcwidth: a Hangul
  syllable takes two cells).
* **JSON** is unchanged: values as they are (JSON escapes what it must).

Numbers in a table use one style per column: integers as integers; other numbers with
the same number of decimals down the column, enough for three significant digits of a
typical (median) value (scientific notation if the column spans very large or very
small values); a column whose name says it is a share (``share``, ``fraction``, ``pct``) with
values in [0, 1] as percentages. Abbreviated column names (``eff.size``...) are
explained in a one-line key under the table.

Example:
    >>> render([{"id": "qub", "score": 0.51234}], "csv").splitlines()
    ['id,score', 'qub,0.51234']
    >>> render([{"name": "=1+2", "z": -1.5}], "csv").splitlines()
    ['name,z', "'=1+2,-1.5"]
    >>> print(render([{"name": "세종", "n": 2}, {"name": "Belfast", "n": 10}]))
    name      n
    -------  --
    세종      2
    Belfast  10
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wcwidth import wcswidth, wcwidth

from graphtwin.escaping import csv_safe_text, terminal_safe

#: Abbreviated column names and what they stand for (the key printed under tables).
ABBREVIATIONS: dict[str, str] = {
    "represent.": "representative brokerage",
    "eff.size": "effective size (Burt)",
    "particip.": "participation coefficient",
    "cut": "articulation point",
    "cross": "cross-group betweenness",
    "n_cities": "number of cities",
    "n_countries": "number of countries",
}

_SHARE_NAME = re.compile(r"share|fraction|pct|percent", re.IGNORECASE)


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


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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


def _csv_cell(value: Any, safe: bool) -> str:
    text = _cell(value, digits=10)
    if not safe or _is_number(_plain(value)):
        return text
    return csv_safe_text(text)


def _csv_line(cells: list[str]) -> str:
    """One CSV record; a field holding CR or LF is quoted (csv.writer quotes only the
    characters of its line terminator, so it is given CRLF and the CRLF cut off)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerow(cells)
    return buf.getvalue()[:-2]


def number_formatter(name: str, values: Sequence[Any]):
    """One formatting function for a numeric column (see the module docstring).

    >>> f = number_formatter("score", [0.51234, 0.0012, 1])
    >>> [f(v) for v in (0.51234, 0.0012, 1)]
    ['0.512', '0.001', '1.000']
    >>> g = number_formatter("foreign_share", [0.25, 1.0])
    >>> g(0.25)
    '25.0%'
    """
    nums = [float(v) for v in values if _is_number(v)]
    if all(isinstance(v, int) for v in values if _is_number(v)) or not nums:
        return lambda v: str(v)
    if _SHARE_NAME.search(name) and all(0 <= v <= 1 for v in nums):
        return lambda v: f"{float(v):.1%}"
    if all(v == int(v) and abs(v) < 1e15 for v in nums):
        return lambda v: str(int(v))
    top = max(abs(v) for v in nums)
    smallest = min((abs(v) for v in nums if v), default=top)
    if top >= 1e7 or (top and top < 1e-3) or (smallest and top / smallest >= 1e7):
        return lambda v: f"{float(v):.3e}"
    typical = statistics.median(abs(v) for v in nums if v) if top else 0
    decimals = min(6, max(0, 2 - math.floor(math.log10(typical)))) if top else 0
    return lambda v: f"{float(v):.{decimals}f}"


def columns_of(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Column names in first-seen order across all rows."""
    cols: dict[str, None] = {}
    for row in rows:
        for key in row:
            cols.setdefault(key, None)
    return list(cols)


def display_width(text: str) -> int:
    """Terminal cells ``text`` takes (wide East Asian characters count two)."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)


def _clip(text: str, max_width: int) -> str:
    """``text`` cut to ``max_width`` display cells, with an ellipsis if cut."""
    if display_width(text) <= max_width:
        return text
    out, used = [], 0
    for ch in text:
        w = max(wcwidth(ch), 0)
        if used + w > max_width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def render(
    rows: Sequence[dict[str, Any]],
    fmt: str = "table",
    columns: Iterable[str] | None = None,
    max_width: int = 60,
    *,
    csv_safe: bool = True,
    key: Mapping[str, str] | None = None,
) -> str:
    """Render rows as ``table``, ``csv``, ``excel`` (CSV with a BOM) or ``json`` text.

    ``csv_safe`` neutralises formula-like text cells in CSV (see the module doc);
    ``key`` maps abbreviated column names to what they mean (in addition to
    :data:`ABBREVIATIONS`), printed on one line under a table.
    """
    cols = list(columns) if columns is not None else columns_of(rows)
    if fmt == "json":
        return json.dumps(
            [{c: _plain(r.get(c)) for c in cols} for r in rows], ensure_ascii=False, indent=2
        )
    if fmt in ("csv", "excel"):
        head = [csv_safe_text(c) if csv_safe else c for c in cols]
        body = ([_csv_cell(r.get(c), csv_safe) for c in cols] for r in rows)
        text = "\n".join(_csv_line(cells) for cells in (head, *body))
        return "\ufeff" + text if fmt == "excel" else text
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}")
    if not rows:
        return "(no rows)"
    plain = [[_plain(r.get(c)) for c in cols] for r in rows]
    numeric = [
        all(_is_number(row[i]) or row[i] is None for row in plain)
        and any(_is_number(row[i]) for row in plain)
        for i in range(len(cols))
    ]
    formats = [
        number_formatter(c, [row[i] for row in plain]) if numeric[i] else None
        for i, c in enumerate(cols)
    ]
    cells = [
        [
            _clip(
                terminal_safe(
                    "" if v is None else formats[i](v) if formats[i] is not None else _cell(v)
                ),
                max_width,
            )
            for i, v in enumerate(row)
        ]
        for row in plain
    ]
    heads = [terminal_safe(c) for c in cols]
    widths = [
        max(display_width(h), *(display_width(row[i]) for row in cells))
        for i, h in enumerate(heads)
    ]

    def line(values: list[str]) -> str:
        return "  ".join(
            _pad(v, w, num) for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(heads), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    meanings = {**ABBREVIATIONS, **(key or {})}
    explained = [f"{c} = {meanings[c]}" for c in cols if c in meanings]
    if explained:
        out.append("key: " + "; ".join(explained))
    return "\n".join(out)
