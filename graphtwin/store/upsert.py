"""Plan an idempotent upsert: compare a bundle's tables with what the store holds.

Both stores load the same way: read the current keys and properties of each label and
relationship type in bulk, compute here which rows are new, which changed and which are
unchanged, then write only the new rows (fast bulk path) and the changed ones (batched
updates). Loading the same bundle twice therefore writes nothing the second time.

Rules (also in docs/data-format.md terms):

* A node is identified by its key (``id``; ``code`` for Country). A value given in the
  bundle replaces the stored one; a value missing from the bundle (null) keeps it.
* A tie is identified by (source, target, relationship type, kind); for undirected kinds
  (source, target) is an unordered pair, so a tie given as B–A matches a stored A–B and
  is updated in the stored direction. Its properties merge like node properties.
* ``LOCATED_IN`` has one city per organisation: a changed city moves the relationship
  (counted as updated). ``IN_COUNTRY`` likewise per city. ``ACTIVE_IN`` pairs are added,
  never removed (loads never delete data a user may have added).

Example:
    >>> import pyarrow as pa
    >>> new = pa.table({"code": ["GB", "KR"], "name": ["UK", "Korea"]})
    >>> old = pa.table({"code": ["GB"], "name": ["United Kingdom"]})
    >>> ch = diff_nodes("Country", new, old)
    >>> ch.create.column("code").to_pylist(), ch.update.column("name").to_pylist()
    (['KR'], ['UK'])
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from graphtwin.errors import StoreError
from graphtwin.model import DIRECTED_REL_TYPES, REL_TYPES
from graphtwin.store.base import LoadReport
from graphtwin.store.tables import node_key

#: Structural relationship types with one target per source (a move replaces it).
ONE_PER_SOURCE: frozenset[str] = frozenset({"LOCATED_IN", "IN_COUNTRY"})


@dataclass
class NodeChanges:
    """Rows to create and rows to update (full merged rows) for one node label."""

    label: str
    create: pa.Table
    update: pa.Table


@dataclass
class RelChanges:
    """Rows to delete, create and update for one relationship type.

    ``delete`` holds (src, dst) of stored relationships to remove (moved cities);
    ``update`` holds the stored (src, dst) and the merged properties; ``moved`` counts
    the rows of ``create`` that replace a deleted relationship.
    """

    rel_type: str
    create: pa.Table
    update: pa.Table
    delete: pa.Table
    moved: int = 0


@dataclass
class LoadPlan:
    """Everything a load will write, nodes first, then relationships."""

    nodes: list[NodeChanges] = field(default_factory=list)
    rels: list[RelChanges] = field(default_factory=list)

    def report(self, seconds: float = 0.0) -> LoadReport:
        created: dict[str, int] = {}
        updated: dict[str, int] = {}
        for n in self.nodes:
            created[n.label] = n.create.num_rows
            updated[n.label] = n.update.num_rows
        for r in self.rels:
            created[r.rel_type] = r.create.num_rows - r.moved
            updated[r.rel_type] = r.update.num_rows + r.moved
        return LoadReport(created=created, updated=updated, seconds=seconds)

    def writes(self) -> int:
        """Number of rows that will be written (0: the store already holds the bundle)."""
        return sum(n.create.num_rows + n.update.num_rows for n in self.nodes) + sum(
            r.create.num_rows + r.update.num_rows + r.delete.num_rows for r in self.rels
        )


def _frame(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _to_arrow(df: pd.DataFrame, schema: pa.Schema) -> pa.Table:
    if len(df) == 0:
        return schema.empty_table()
    table = pa.Table.from_pandas(df[schema.names], preserve_index=False)
    return table.cast(schema)


def _conform(old: pa.Table | None, schema: pa.Schema, what: str) -> pa.Table:
    """The stored rows with the bundle's column types (missing columns as nulls)."""
    if old is None or old.num_rows == 0:
        return schema.empty_table()
    cols = []
    for f in schema:
        if f.name in old.column_names:
            col = old.column(f.name)
            try:
                cols.append(col.cast(f.type))
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise StoreError(
                    f"stored {what}.{f.name} values are not {f.type} ({exc}); "
                    "fix them with Cypher before loading"
                ) from exc
        else:
            cols.append(pa.nulls(old.num_rows, f.type))
    return pa.table(cols, schema=schema)


def _merge_properties(both: pd.DataFrame, props: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """Merge bundle values over stored ones (null keeps stored); flag changed rows."""
    changed = np.zeros(len(both), dtype=bool)
    for p in props:
        new, old = both[p], both[f"{p}__old"]
        merged = new.where(new.notna(), old)
        same = (merged == old).fillna(False).to_numpy(dtype=bool) | (
            merged.isna().to_numpy(dtype=bool) & old.isna().to_numpy(dtype=bool)
        )
        changed |= ~same
        both[p] = merged
    return both, changed


def diff_nodes(label: str, new: pa.Table, old: pa.Table | None) -> NodeChanges:
    """Split a label's bundle rows into new rows and changed (merged) rows."""
    key = node_key(label)
    schema = new.schema
    old = _conform(old, schema, label)
    new_df = _frame(new).drop_duplicates(subset=[key], keep="first")
    if old.num_rows == 0:
        return NodeChanges(label, _to_arrow(new_df, schema), schema.empty_table())
    old_df = _frame(old).drop_duplicates(subset=[key], keep="first")
    m = new_df.merge(old_df, on=key, how="left", suffixes=("", "__old"), indicator=True)
    is_new = (m["_merge"] == "left_only").to_numpy()
    create = m.loc[is_new, schema.names]
    both = m.loc[~is_new].copy()
    props = given_columns(new, [c for c in schema.names if c != key])
    both, changed = _merge_properties(both, props)
    update_schema = pa.schema([schema.field(c) for c in [key, *props]])
    return NodeChanges(label, _to_arrow(create, schema), _to_arrow(both[changed], update_schema))


def given_columns(new: pa.Table, columns: list[str]) -> list[str]:
    """The columns with at least one value in the bundle.

    A column that is null in every row cannot change anything (null keeps the stored
    value), so it is neither read from the store nor written.
    """
    return [c for c in columns if new.column(c).null_count < new.num_rows]


def _pair_keys(df: pd.DataFrame, undirected: bool) -> pd.DataFrame:
    if not undirected:
        df["k1"], df["k2"] = df["src"], df["dst"]
        return df
    src, dst = df["src"], df["dst"]
    le = (src <= dst).fillna(True).to_numpy(dtype=bool)
    df["k1"] = src.where(le, dst)
    df["k2"] = dst.where(le, src)
    return df


def diff_rels(rel_type: str, new: pa.Table, old: pa.Table | None) -> RelChanges:
    """Split a relationship type's bundle rows into create / update / delete rows."""
    schema = new.schema
    empty = schema.empty_table()
    pair_schema = pa.schema([("src", pa.string()), ("dst", pa.string())])
    old = _conform(old, schema, rel_type)
    new_df = _frame(new)

    if rel_type in ONE_PER_SOURCE:
        new_df = new_df.drop_duplicates(subset=["src"], keep="first")
        if old.num_rows == 0:
            return RelChanges(rel_type, _to_arrow(new_df, schema), empty, pair_schema.empty_table())
        old_df = _frame(old).drop_duplicates(subset=["src"], keep="first")
        m = new_df.merge(old_df, on="src", how="left", suffixes=("", "__old"), indicator=True)
        is_new = (m["_merge"] == "left_only").to_numpy()
        moved = ~is_new & (m["dst"] != m["dst__old"]).fillna(True).to_numpy(dtype=bool)
        create = m.loc[is_new | moved, schema.names]
        delete = m.loc[moved, ["src", "dst__old"]].rename(columns={"dst__old": "dst"})
        return RelChanges(
            rel_type,
            _to_arrow(create, schema),
            empty,
            _to_arrow(delete, pair_schema),
            moved=int(moved.sum()),
        )

    if rel_type not in REL_TYPES:  # ACTIVE_IN and other plain pair relationships
        new_df = new_df.drop_duplicates(subset=["src", "dst"], keep="first")
        if old.num_rows == 0:
            return RelChanges(rel_type, _to_arrow(new_df, schema), empty, pair_schema.empty_table())
        old_df = _frame(old)[["src", "dst"]].drop_duplicates()
        m = new_df.merge(old_df, on=["src", "dst"], how="left", indicator=True)
        create = m.loc[(m["_merge"] == "left_only").to_numpy(), schema.names]
        return RelChanges(rel_type, _to_arrow(create, schema), empty, pair_schema.empty_table())

    # Ties: identity (unordered pair for undirected kinds, kind) ---------------------
    undirected = rel_type not in DIRECTED_REL_TYPES
    keys = ["k1", "k2", "kind"]
    new_df = _pair_keys(new_df, undirected).drop_duplicates(subset=keys, keep="first")
    if old.num_rows == 0:
        return RelChanges(rel_type, _to_arrow(new_df, schema), empty, pair_schema.empty_table())
    old_df = _pair_keys(_frame(old), undirected).drop_duplicates(subset=keys, keep="first")
    m = new_df.merge(old_df, on=keys, how="left", suffixes=("", "__old"), indicator=True)
    is_new = (m["_merge"] == "left_only").to_numpy()
    create = m.loc[is_new, schema.names]
    both = m.loc[~is_new].copy()
    props = given_columns(new, [c for c in schema.names if c not in ("src", "dst", "kind")])
    both, changed = _merge_properties(both, props)
    both["src"], both["dst"] = both["src__old"], both["dst__old"]  # stored direction
    update_schema = pa.schema([schema.field(c) for c in ["src", "dst", "kind", *props]])
    return RelChanges(
        rel_type,
        _to_arrow(create, schema),
        _to_arrow(both[changed], update_schema),
        pair_schema.empty_table(),
    )


def plan_load(tables, existing_nodes, existing_rels) -> LoadPlan:
    """Compare every table of a bundle with the store's current rows.

    ``existing_nodes(label, columns)`` and ``existing_rels(rel_type, columns)`` return
    the stored rows as an Arrow table (relationships with ``src`` / ``dst`` keys), or
    None when the store holds none.
    """
    from graphtwin.store.tables import NODE_ORDER

    plan = LoadPlan()
    for label in NODE_ORDER:
        new = tables.nodes[label]
        key = node_key(label)
        cols = [key, *given_columns(new, [c for c in new.schema.names if c != key])]
        old = existing_nodes(label, cols) if new.num_rows else None
        plan.nodes.append(diff_nodes(label, new, old))
    for rel_type, new in tables.rels.items():
        keys = ["src", "dst", "kind"] if "kind" in new.schema.names else ["src", "dst"]
        cols = [*keys, *given_columns(new, [c for c in new.schema.names if c not in keys])]
        old = existing_rels(rel_type, cols) if new.num_rows else None
        plan.rels.append(diff_rels(rel_type, new, old))
    return plan
