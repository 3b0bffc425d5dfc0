"""Tie-kind weights for analysis: the defaults of graphtwin.model, overridable from TOML.

A weight is a *strength* (a joint project counts more than a meeting); a tie's own
``weight`` in ties.csv still wins over its kind's weight. The override file is plain TOML
with a ``[tie_weights]`` table (so it can live beside the ``[potential]`` and ``[twins]``
tables of a weights file), or a ``[weights]`` table, or top-level keys::

    [tie_weights]
    project = 4.0
    meeting = 0.25

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "w.toml"
    >>> _ = p.write_text("[tie_weights]\\nmeeting = 0.25\\n")
    >>> w = load_weights(p)
    >>> w["meeting"], w["project"]
    (0.25, 3.0)
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError
from graphtwin.model import TIE_KINDS, canonical_tie_kind, default_weights


def merge_weights(overrides: Mapping[str, Any], origin: str = "weights") -> dict[str, float]:
    """Default weights with ``overrides`` applied; every problem is reported at once.

    Keys may use any accepted spelling of a tie kind ("MoU", "co-publication"); values
    must be finite numbers > 0.

    >>> merge_weights({"MoU": 5})["mou"]
    5.0
    """
    weights = default_weights()
    problems: list[str] = []
    for key, value in overrides.items():
        kind = canonical_tie_kind(str(key))
        if kind is None:
            problems.append(f"{origin}: unknown tie kind {key!r} (known: {', '.join(TIE_KINDS)})")
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{origin}: weight of {key!r} must be a number, got {value!r}")
            continue
        if not math.isfinite(value) or value <= 0:
            problems.append(f"{origin}: weight of {key!r} must be > 0, got {value!r}")
            continue
        weights[kind] = float(value)
    if problems:
        raise GraphtwinError("; ".join(problems))
    return weights


def load_weights(path: str | Path) -> dict[str, float]:
    """Tie-kind weights from a TOML file: ``[tie_weights]``, ``[weights]`` or top-level keys."""
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GraphtwinError(f"{p}: weights file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise GraphtwinError(f"{p}: not valid TOML ({exc})") from None
    key = next((k for k in ("tie_weights", "weights") if k in data), None)
    # Without a tie-weights table, top-level numbers count and other tables (e.g. the
    # [potential] and [twins] tables of the same file) are left to their own readers.
    table = data[key] if key else {k: v for k, v in data.items() if not isinstance(v, dict)}
    if not isinstance(table, dict):
        raise GraphtwinError(f"{p}: [{key}] must be a table of tie kind = number")
    return merge_weights(table, origin=str(p))
