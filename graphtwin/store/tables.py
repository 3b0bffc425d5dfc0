"""A validated Bundle as typed Arrow tables: one per node label and relationship type.

Both stores load from these tables (Ladybug COPYs them, Neo4j sends their columns in
batches), so the mapping from records to the graph schema of graphtwin.model lives in
one place. Relationship tables have ``src`` and ``dst`` key columns first, then the
relationship's properties.

Tie properties: ``weight`` is the weight *given* in the bundle (null means the kind's
default weight, applied by the projection), ``start_year`` / ``end_year`` are derived
from ``start`` / ``end`` so queries can filter by year.

Example:
    >>> from graphtwin.model import Bundle, Organisation
    >>> b = Bundle(organisations=[Organisation("a", "A", "firm", "Belfast", "GB")])
    >>> t = bundle_tables(b)
    >>> t.nodes["Organisation"].column("id").to_pylist(), t.rels["LOCATED_IN"].num_rows
    (['a'], 1)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from graphtwin.model import (
    COUNTRY_NAMES,
    NODE_KEYS,
    NODE_SCHEMA,
    POTENTIAL_PROPERTIES,
    REL_TYPES,
    STRUCTURAL_RELS,
    TIE_PROPERTIES,
    Bundle,
    city_id,
)

ARROW_TYPES: dict[str, pa.DataType] = {
    "STRING": pa.string(),
    "INT64": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
}

#: Node labels in load order (targets of relationships first).
NODE_ORDER: tuple[str, ...] = ("Country", "City", "Sector", "Organisation")


def rel_properties(rel_type: str) -> dict[str, str]:
    """Declared properties of a relationship type (ties, structural or POTENTIAL)."""
    if rel_type in REL_TYPES:
        return dict(TIE_PROPERTIES)
    if rel_type == "POTENTIAL":
        return dict(POTENTIAL_PROPERTIES)
    return {}


def rel_endpoints(rel_type: str) -> tuple[str, str]:
    """(source label, target label) of a relationship type."""
    return STRUCTURAL_RELS.get(rel_type, ("Organisation", "Organisation"))


def node_arrow_schema(label: str) -> pa.Schema:
    return pa.schema([(k, ARROW_TYPES[t]) for k, t in NODE_SCHEMA[label].items()])


def rel_arrow_schema(rel_type: str) -> pa.Schema:
    props = [(k, ARROW_TYPES[t]) for k, t in rel_properties(rel_type).items()]
    return pa.schema([("src", pa.string()), ("dst", pa.string()), *props])


@dataclass
class BundleTables:
    """Arrow tables of a bundle: ``nodes[label]`` and ``rels[rel_type]``."""

    nodes: dict[str, pa.Table] = field(default_factory=dict)
    rels: dict[str, pa.Table] = field(default_factory=dict)

    def rows(self) -> int:
        return sum(t.num_rows for t in self.nodes.values()) + sum(
            t.num_rows for t in self.rels.values()
        )


def _table(columns: dict[str, list], schema: pa.Schema) -> pa.Table:
    return pa.table({f.name: pa.array(columns[f.name], f.type) for f in schema}, schema=schema)


def bundle_tables(bundle: Bundle) -> BundleTables:
    """Convert a validated bundle into typed tables following graphtwin.model's schema.

    Cities and sectors used by organisations but missing from the bundle's own lists get
    minimal nodes (name, country / name = id) so that every relationship has both ends.
    """
    out = BundleTables()
    orgs = bundle.organisations

    # Organisations ------------------------------------------------------------------
    cols = {name: [] for name in NODE_SCHEMA["Organisation"]}
    for o in orgs:
        for name, values in cols.items():
            values.append(getattr(o, name))
    out.nodes["Organisation"] = _table(cols, node_arrow_schema("Organisation"))

    # Cities -------------------------------------------------------------------------
    cities: dict[str, dict] = {}
    for c in bundle.cities:
        cities[c.id] = {
            "id": c.id,
            "name": c.name,
            "country": c.country,
            "lat": c.lat,
            "lon": c.lon,
            "population": c.population,
            "region": c.region,
        }
    for o in orgs:
        cid = city_id(o.city, o.country)
        if cid not in cities:
            cities[cid] = {"id": cid, "name": o.city, "country": o.country}
    city_cols = {name: [c.get(name) for c in cities.values()] for name in NODE_SCHEMA["City"]}
    out.nodes["City"] = _table(city_cols, node_arrow_schema("City"))

    # Countries ----------------------------------------------------------------------
    codes = sorted({c["country"] for c in cities.values()} | {o.country for o in orgs})
    out.nodes["Country"] = _table(
        {"code": codes, "name": [COUNTRY_NAMES.get(c, c) for c in codes]},
        node_arrow_schema("Country"),
    )

    # Sectors ------------------------------------------------------------------------
    sectors = {s.id: s.name for s in bundle.sectors}
    for o in orgs:
        for s in o.sectors:
            sectors.setdefault(s, s)
    out.nodes["Sector"] = _table(
        {"id": list(sectors), "name": list(sectors.values())}, node_arrow_schema("Sector")
    )

    # Structural relationships -------------------------------------------------------
    out.rels["LOCATED_IN"] = _table(
        {"src": [o.id for o in orgs], "dst": [city_id(o.city, o.country) for o in orgs]},
        rel_arrow_schema("LOCATED_IN"),
    )
    out.rels["IN_COUNTRY"] = _table(
        {"src": list(cities), "dst": [c["country"] for c in cities.values()]},
        rel_arrow_schema("IN_COUNTRY"),
    )
    pairs = [(o.id, s) for o in orgs for s in dict.fromkeys(o.sectors)]
    out.rels["ACTIVE_IN"] = _table(
        {"src": [p[0] for p in pairs], "dst": [p[1] for p in pairs]},
        rel_arrow_schema("ACTIVE_IN"),
    )

    # Ties: one table per relationship type ------------------------------------------
    by_type: dict[str, list] = {r: [] for r in REL_TYPES}
    for t in bundle.ties:
        by_type[t.rel_type].append(t)
    for rel_type, ties in by_type.items():
        cols = {
            "src": [t.source for t in ties],
            "dst": [t.target for t in ties],
            "kind": [t.kind for t in ties],
            "weight": [t.weight for t in ties],
            "start": [t.start for t in ties],
            "end": [t.end for t in ties],
            "start_year": [t.start_year for t in ties],
            "end_year": [t.end_year for t in ties],
            "evidence": [t.evidence for t in ties],
            "source_url": [t.source_url for t in ties],
        }
        out.rels[rel_type] = _table(cols, rel_arrow_schema(rel_type))
    return out


def node_key(label: str) -> str:
    """The key property of a node label (``id``, or ``code`` for Country)."""
    return NODE_KEYS[label]
