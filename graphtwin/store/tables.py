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
from operator import attrgetter

import pyarrow as pa
import pyarrow.compute as pc

from graphtwin.model import (
    COUNTRY_NAMES,
    NODE_KEYS,
    NODE_SCHEMA,
    POTENTIAL_PROPERTIES,
    REL_TYPES,
    STRUCTURAL_RELS,
    TIE_KINDS,
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
    if rel_type == "ACTIVE_IN":
        return {"position": "INT64"}  # the sector's place in the organisation's list, from 0
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
    names = list(NODE_SCHEMA["Organisation"])
    out.nodes["Organisation"] = _table(_transpose(orgs, names), node_arrow_schema("Organisation"))
    city_of = _city_ids(orgs)

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
    for (name, country), cid in city_of.items():
        if cid not in cities:
            cities[cid] = {"id": cid, "name": name, "country": country}
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
        {"src": [o.id for o in orgs], "dst": [city_of[(o.city, o.country)] for o in orgs]},
        rel_arrow_schema("LOCATED_IN"),
    )
    out.rels["IN_COUNTRY"] = _table(
        {"src": list(cities), "dst": [c["country"] for c in cities.values()]},
        rel_arrow_schema("IN_COUNTRY"),
    )
    pairs = [(o.id, s, i) for o in orgs for i, s in enumerate(dict.fromkeys(o.sectors))]
    out.rels["ACTIVE_IN"] = _table(
        {
            "src": [p[0] for p in pairs],
            "dst": [p[1] for p in pairs],
            "position": [p[2] for p in pairs],
        },
        rel_arrow_schema("ACTIVE_IN"),
    )

    # Ties: one table per relationship type ------------------------------------------
    tie_cols = ["source", "target", "kind", "weight", "start", "end", "evidence", "source_url"]
    cols = _transpose(bundle.ties, tie_cols)
    cols["src"], cols["dst"] = cols.pop("source"), cols.pop("target")
    schema = rel_arrow_schema(next(iter(REL_TYPES)))
    ties = pa.table({f.name: pa.array(cols[f.name], f.type) for f in schema if f.name in cols})
    ties = ties.append_column("start_year", _year(ties.column("start")))
    ties = ties.append_column("end_year", _year(ties.column("end")))
    ties = ties.select(schema.names)
    rel_of_kind = {k: t.rel_type for k, t in TIE_KINDS.items()}
    kinds = ties.column("kind").to_pylist()
    rel_col = pa.array([rel_of_kind[k] for k in kinds], pa.string())
    for rel_type in REL_TYPES:
        mask = pc.equal(rel_col, rel_type)
        out.rels[rel_type] = ties.filter(mask).cast(rel_arrow_schema(rel_type))
    return out


def _transpose(records: list, names: list[str]) -> dict[str, list]:
    """Columns of slotted records, one C-level ``map(attrgetter)`` pass per column."""
    return {n: list(map(attrgetter(n), records)) for n in names}


def _city_ids(orgs: list) -> dict[tuple[str, str], str]:
    """City id per distinct (city, country) of the organisations (slugify once each)."""
    return {key: city_id(*key) for key in dict.fromkeys((o.city, o.country) for o in orgs)}


def _year(dates: pa.ChunkedArray) -> pa.Array:
    """The year (first four characters) of YYYY / YYYY-MM-DD strings, null stays null."""
    return pc.cast(pc.utf8_slice_codeunits(dates, 0, 4), pa.int64())


def node_key(label: str) -> str:
    """The key property of a node label (``id``, or ``code`` for Country)."""
    return NODE_KEYS[label]
