"""Import a GraphML or GEXF network (Gephi, Cytoscape, yEd, graphtwin export) as a bundle.

The file is read with networkx's readers (:func:`networkx.read_graphml`,
:func:`networkx.read_gexf`); every node becomes an organisation and every edge a tie.
Bundle fields are taken from node and edge attributes of the same name, or from the
attributes a ``mapping`` names (``{"name": "Label", "city": "City"}``, the CLI's
``--map name=Label,city=City``); ``constants`` give a value to every node or edge
(``--set country=GB``). GEXF node labels count as ``name`` when there is no ``name``.

Node fields: ``id`` (default: the node's own id), ``name``, ``kind`` (any accepted
spelling, see :func:`graphtwin.model.canonical_org_kind`; ``other`` when the file has
none), ``city``, ``country``, ``lat``/``lon`` (a ``cities.csv`` row for cities the
built-in table does not know), ``sectors``, ``size``, ``founded``, ``ror_id``,
``website``, ``source``, ``synthetic``. Edge fields, written ``edge.<field>`` in a
mapping: ``kind`` (default ``tie_kind``), ``weight``, ``start``, ``end`` (a year, a
date, or a number such as ``2019.0``), ``evidence`` and ``source_url``. A directed
tie kind (funding, membership, parent, successor) goes from the edge's source to its
target as the file gives them.

A node without name, city or country, with a kind or city that cannot be resolved, or
an edge with an unknown kind is an error: all of them are listed (file and node or
edge) and nothing is returned, so nothing is written. Self-loops are skipped and
counted.

Example:
    r = import_graph("network.gexf", mapping={"city": "City"}, constants={"country": "GB"})
    print(r.summary())
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.cities import CityError, CityResolver
from graphtwin.model import Bundle, City, Organisation, Tie, canonical_org_kind, canonical_tie_kind

NODE_FIELDS: tuple[str, ...] = (
    "id", "name", "kind", "city", "country", "lat", "lon", "sectors", "size", "founded",
    "ror_id", "website", "source", "synthetic",
)  # fmt: skip
EDGE_FIELDS: tuple[str, ...] = ("kind", "weight", "start", "end", "evidence", "source_url")
#: Attribute names read when the mapping names none (graphtwin's export writes these).
EDGE_FALLBACKS: dict[str, tuple[str, ...]] = {
    "start": ("start", "start_year"),
    "end": ("end", "end_year"),
}
#: How many node and edge errors a message lists before "and N more".
SHOWN_ERRORS = 12


@dataclass(slots=True)
class GraphImport:
    """The result of :func:`import_graph`: the bundle and what was skipped."""

    bundle: Bundle
    path: Path
    nodes: int = 0
    edges: int = 0
    self_loops: int = 0
    kinds_defaulted: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the CLI."""
        b = self.bundle
        kinds = Counter(t.kind for t in b.ties)
        lines = [
            f"{self.path.name}: {self.nodes:,} nodes, {self.edges:,} edges read",
            f"organisations: {len(b.organisations):,}; ties: {len(b.ties):,} ("
            + (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none")
            + f"); cities with coordinates from the file: {len(b.cities):,}",
        ]
        if self.kinds_defaulted:
            lines.append(f"nodes without a kind (set to 'other'): {self.kinds_defaulted:,}")
        if self.self_loops:
            lines.append(f"self-loops skipped: {self.self_loops:,}")
        return "\n".join(lines)


def parse_assignments(values: list[str] | tuple[str, ...], option: str) -> dict[str, str]:
    """``["name=Label,city=City", "kind=Type"]`` → ``{"name": "Label", ...}``.

    >>> parse_assignments(["name=Label,city=City", "edge.kind=Type"], "--map")
    {'name': 'Label', 'city': 'City', 'edge.kind': 'Type'}
    """
    out: dict[str, str] = {}
    for value in values:
        for part in value.split(","):
            if not part.strip():
                continue
            key, sep, attr = part.partition("=")
            key = key.strip()
            known = key in NODE_FIELDS or (key.startswith("edge.") and key[5:] in EDGE_FIELDS)
            if not sep or not key or not known:
                raise GraphtwinError(
                    f"{option} {part.strip()!r}: give FIELD=VALUE with a field of "
                    f"{', '.join(NODE_FIELDS)} or edge.{{{','.join(EDGE_FIELDS)}}}"
                )
            out[key] = attr.strip()
    return out


def read_graph(path: Path) -> Any:
    """The networkx graph of a .graphml or .gexf file (error naming the file otherwise)."""
    import networkx as nx

    suffix = path.suffix.lower()
    if not path.is_file():
        raise GraphtwinError(f"{path}: no such file")
    reader = {".graphml": nx.read_graphml, ".gexf": nx.read_gexf}.get(suffix)
    if reader is None:
        raise GraphtwinError(f"{path}: not a .graphml or .gexf file")
    try:
        if suffix == ".gexf":
            return _read_gexf(path)
        return reader(path)
    except ET.ParseError as exc:
        line, col = exc.position
        raise GraphtwinError(f"{path}:{line}: not well-formed XML (column {col})") from None
    except (nx.NetworkXError, ValueError, KeyError, TypeError) as exc:
        raise GraphtwinError(f"{path}: cannot read as {suffix[1:].upper()} ({exc})") from None


#: GEXF namespaces as Gephi writes them → as networkx reads them (networkx expects
#: ``http://gexf.net/1.3``; Gephi 0.9+ writes ``http://www.gexf.net/1.3``).
_GEXF_NAMESPACES = {
    b"http://www.gexf.net/1.3": b"http://gexf.net/1.3",
    b"http://www.gexf.net/1.2draft": b"http://www.gexf.net/1.2draft",
}


def _read_gexf(path: Path) -> Any:
    """Read GEXF 1.1, 1.2 or 1.3 (the version from the file's namespace)."""
    import io

    import networkx as nx

    data = path.read_bytes()
    head = data[:2000]
    for written, expected in _GEXF_NAMESPACES.items():
        if written in head:
            data = data.replace(written, expected)
    version = "1.2draft"
    if b"gexf.net/1.3" in head:
        version = "1.3"
    elif b"1.1draft" in head:
        version = "1.1draft"
    return nx.read_gexf(io.BytesIO(data), version=version)


def import_graph(
    path: str | os.PathLike[str],
    *,
    mapping: dict[str, str] | None = None,
    constants: dict[str, str] | None = None,
    tie_kind: str = "collaboration",
) -> GraphImport:
    """Read a GraphML/GEXF file and turn it into a bundle (see the module docstring).

    Raises :class:`GraphtwinError` listing every node and edge that cannot become part
    of a valid bundle, naming the file and the node or edge.
    """
    path = Path(path)
    mapping = mapping or {}
    constants = constants or {}
    default_kind = canonical_tie_kind(tie_kind)
    if default_kind is None:
        raise GraphtwinError(f"--tie-kind {tie_kind!r} is not a tie kind")
    g = read_graph(path)
    result = GraphImport(bundle=Bundle(origin=f"{path}"), path=path)
    result.nodes, result.edges = g.number_of_nodes(), g.number_of_edges()
    errors: list[str] = []
    org_of: dict[Any, str] = {}
    seen_ids: set[str] = set()
    cities: dict[tuple[str, str], City] = {}
    resolver = CityResolver()
    for node, attrs in g.nodes(data=True):
        org = _organisation(node, attrs, mapping, constants, result, errors, path)
        if org is None:
            continue
        lat, lon = (
            _value("lat", attrs, mapping, constants),
            _value("lon", attrs, mapping, constants),
        )
        if lat not in (None, "") and lon not in (None, ""):
            try:
                city = City(org.city, org.country, float(lat), float(lon))
            except ValueError:
                errors.append(f"{path}: node {node!r}: lat/lon {lat!r}, {lon!r} are not numbers")
                continue
            cities.setdefault((org.city.lower(), org.country), city)
        elif (org.city.lower(), org.country) not in cities:
            try:
                resolver.resolve(org.city, org.country)
            except CityError as exc:
                errors.append(f"{path}: node {node!r}: {exc} (or map lat= and lon=)")
                continue
        if org.id in seen_ids:
            errors.append(f"{path}: node {node!r}: duplicate organisation id {org.id!r}")
            continue
        org_of[node] = org.id
        seen_ids.add(org.id)
        result.bundle.organisations.append(org)
    for u, v, attrs in g.edges(data=True):
        tie = _tie(u, v, attrs, mapping, constants, default_kind, org_of, result, errors, path)
        if tie is not None:
            result.bundle.ties.append(tie)
    if errors:
        shown = "\n".join(errors[:SHOWN_ERRORS])
        more = f"\n... and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise GraphtwinError(
            f"{path}: {len(errors)} node(s)/edge(s) cannot become a bundle; nothing was "
            f"written:\n{shown}{more}"
        )
    result.bundle.cities = sorted(cities.values(), key=lambda c: (c.country, c.name))
    return result


def _value(name: str, attrs: dict[str, Any], mapping: dict[str, str],
           constants: dict[str, str], fallbacks: tuple[str, ...] = ()) -> Any:  # fmt: skip
    if name in constants:
        return constants[name]
    key = name.removeprefix("edge.")
    names = (mapping[name],) if name in mapping else (fallbacks or (key,))
    for attr in names:
        if attr in attrs and attrs[attr] not in (None, ""):
            return attrs[attr]
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _organisation(
    node: Any,
    attrs: dict[str, Any],
    mapping: dict[str, str],
    constants: dict[str, str],
    result: GraphImport,
    errors: list[str],
    path: Path,
) -> Organisation | None:
    def get(name: str) -> str:
        return _text(_value(name, attrs, mapping, constants))

    name = get("name") or ("" if "name" in mapping else _text(attrs.get("label")))
    problems = []
    for fld, value in (("name", name), ("city", get("city")), ("country", get("country"))):
        if not value:
            attr = mapping.get(fld, fld)
            problems.append(f"no {fld} (attribute {attr!r}; map another with --map {fld}=ATTR)")
    raw_kind = get("kind")
    kind = canonical_org_kind(raw_kind) if raw_kind else "other"
    if not raw_kind:
        result.kinds_defaulted += 1
    elif kind is None:
        problems.append(f"unknown organisation kind {raw_kind!r}")
    founded = get("founded")
    try:
        founded_year = int(float(founded)) if founded else None
    except ValueError:
        problems.append(f"founded {founded!r} is not a year")
        founded_year = None
    if problems:
        errors.append(f"{path}: node {node!r}: " + "; ".join(problems))
        return None
    sectors = tuple(s.strip() for s in get("sectors").replace(",", ";").split(";") if s.strip())
    return Organisation(
        id=get("id") or str(node),
        name=name,
        kind=kind or "other",
        city=get("city"),
        country=get("country").upper(),
        sectors=sectors,
        size=get("size") or None,
        founded=founded_year,
        ror_id=get("ror_id") or None,
        website=get("website") or None,
        source=get("source") or f"{path.name} ({path.suffix[1:].upper()})",
        synthetic=get("synthetic").lower() in ("true", "1", "yes"),
    )


def _year(value: Any) -> str | None:
    """A start/end: ``2019.0`` → ``2019``; ``2019-05-01`` kept; empty → None."""
    text = _text(value)
    if not text:
        return None
    try:
        return str(int(float(text)))
    except ValueError:
        return text


def _tie(
    u: Any,
    v: Any,
    attrs: dict[str, Any],
    mapping: dict[str, str],
    constants: dict[str, str],
    default_kind: str,
    org_of: dict[Any, str],
    result: GraphImport,
    errors: list[str],
    path: Path,
) -> Tie | None:
    if u not in org_of or v not in org_of:
        return None  # an end already reported as a node error
    if org_of[u] == org_of[v]:
        result.self_loops += 1
        result.skipped.append((f"{path}: edge {u!r}-{v!r}", "self-loop"))
        return None

    def get(name: str) -> Any:
        return _value("edge." + name, attrs, mapping, constants, EDGE_FALLBACKS.get(name, ()))

    raw_kind = _text(get("kind"))
    kind = canonical_tie_kind(raw_kind) if raw_kind else default_kind
    if kind is None:
        errors.append(f"{path}: edge {u!r}-{v!r}: unknown tie kind {raw_kind!r}")
        return None
    weight = get("weight")
    try:
        weight_value = float(weight) if weight not in (None, "") else None
    except (TypeError, ValueError):
        errors.append(f"{path}: edge {u!r}-{v!r}: weight {weight!r} is not a number")
        return None
    source, target = org_of[u], org_of[v]
    stored_source = attrs.get("source_id")  # graphtwin's own export: the stored direction
    if stored_source is not None and str(stored_source) == target:
        source, target = target, source  # an undirected reader may list the ends swapped
    return Tie(
        source=source,
        target=target,
        kind=kind,
        weight=weight_value,
        start=_year(get("start")),
        end=_year(get("end")),
        evidence=_text(get("evidence")) or f"{path.name}: edge {u}-{v}",
        source_url=_text(get("source_url")) or None,
    )
