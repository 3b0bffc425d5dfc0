"""Plain-Python values from either engine, and one-line error messages.

Query results must look the same whatever the backend: a node becomes the dict of its
properties plus ``_labels`` (a list), a relationship its properties plus ``_type``, a
path ``{"nodes": [...], "relationships": [...]}``. Ladybug's ``INT128`` sums come back
as :class:`decimal.Decimal` and are turned into ``int`` (or ``float``). Properties that
are null are left out, as Neo4j never stores nulls.

Example:
    >>> plain_ladybug({"_ID": {"offset": 0, "table": 0}, "_LABEL": "City", "id": "KR-sejong",
    ...                "name": "Sejong", "lat": None})
    {'id': 'KR-sejong', 'name': 'Sejong', '_labels': ['City']}
    >>> one_line("Parser exception: bad input\\n\\"MATCH (n\\"\\n   ^^^")
    'Parser exception: bad input'
"""

from __future__ import annotations

import datetime as _dt
import decimal
import re
from typing import Any

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def one_line(message: str) -> str:
    """The first non-empty line of an engine message, with runs of spaces collapsed."""
    for line in str(message).splitlines():
        line = " ".join(line.split())
        if line:
            return line
    return "unknown error"


def is_identifier(name: str) -> bool:
    """True if ``name`` can be used as a bare property name in Cypher (no quoting)."""
    return bool(_IDENT.match(name))


def _number(value: decimal.Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def plain_ladybug(value: Any) -> Any:
    """Convert one Ladybug result value (nodes, rels, paths are dicts) to plain Python."""
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            return {
                "nodes": [plain_ladybug(n) for n in value["_NODES"]],
                "relationships": [plain_ladybug(r) for r in value["_RELS"]],
            }
        if "_LABEL" in value and "_ID" in value:
            props = {
                k: plain_ladybug(v)
                for k, v in value.items()
                if not k.startswith("_") and v is not None
            }
            if "_SRC" in value:
                props["_type"] = value["_LABEL"]
            else:
                props["_labels"] = [value["_LABEL"]]
            return props
        return {k: plain_ladybug(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_ladybug(v) for v in value]
    if isinstance(value, decimal.Decimal):
        return _number(value)
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, _dt.timedelta):
        return str(value)
    return value


def plain_neo4j(value: Any) -> Any:
    """Convert one Neo4j driver value (Node, Relationship, Path, temporal) to plain Python."""
    from neo4j import graph as ngraph

    if isinstance(value, ngraph.Node):
        props = {k: plain_neo4j(v) for k, v in value.items()}
        props["_labels"] = sorted(value.labels)
        return props
    if isinstance(value, ngraph.Relationship):
        props = {k: plain_neo4j(v) for k, v in value.items()}
        props["_type"] = value.type
        return props
    if isinstance(value, ngraph.Path):
        return {
            "nodes": [plain_neo4j(n) for n in value.nodes],
            "relationships": [plain_neo4j(r) for r in value.relationships],
        }
    if isinstance(value, dict):
        return {k: plain_neo4j(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_neo4j(v) for v in value]
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime / Time / Duration
        return value.iso_format()
    return value
