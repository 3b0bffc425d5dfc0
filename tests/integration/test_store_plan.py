"""The load plan (graphtwin.store.upsert) on Arrow tables alone, without a store."""

from __future__ import annotations

import pyarrow as pa

from graphtwin.store.tables import node_arrow_schema, rel_arrow_schema
from graphtwin.store.upsert import diff_nodes, diff_rels


def rel_table(rel_type, rows):
    schema = rel_arrow_schema(rel_type)
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema})


def org_table(rows):
    schema = node_arrow_schema("Organisation")
    return pa.table({f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema})


def test_undirected_tie_given_reversed_updates_the_stored_direction():
    old = rel_table("PARTNERS_WITH", [{"src": "a", "dst": "b", "kind": "mou", "start": "2020"}])
    new = rel_table("PARTNERS_WITH", [{"src": "b", "dst": "a", "kind": "mou", "weight": 3.0}])
    ch = diff_rels("PARTNERS_WITH", new, old)
    assert ch.create.num_rows == 0
    assert ch.update.to_pylist() == [{"src": "a", "dst": "b", "kind": "mou", "weight": 3.0}]


def test_directed_tie_reversed_is_a_new_tie():
    old = rel_table("FUNDS", [{"src": "a", "dst": "b", "kind": "funding"}])
    new = rel_table("FUNDS", [{"src": "b", "dst": "a", "kind": "funding"}])
    ch = diff_rels("FUNDS", new, old)
    assert [(r["src"], r["dst"]) for r in ch.create.to_pylist()] == [("b", "a")]
    assert ch.update.num_rows == 0


def test_same_pair_other_kind_is_another_tie():
    old = rel_table("ENGAGED_WITH", [{"src": "a", "dst": "b", "kind": "visit"}])
    new = rel_table(
        "ENGAGED_WITH",
        [{"src": "a", "dst": "b", "kind": "visit"}, {"src": "b", "dst": "a", "kind": "meeting"}],
    )
    ch = diff_rels("ENGAGED_WITH", new, old)
    assert [r["kind"] for r in ch.create.to_pylist()] == ["meeting"]
    assert ch.update.num_rows == 0


def test_node_nulls_keep_stored_values_and_unchanged_rows_are_skipped():
    old = org_table(
        [
            {"id": "a", "name": "A", "founded": 1900, "size": "large"},
            {"id": "b", "name": "B", "founded": 2000},
        ]
    )
    new = org_table(
        [
            {"id": "a", "name": "A", "founded": None, "size": "small"},
            {"id": "b", "name": "B", "founded": 2000},
            {"id": "c", "name": "C"},
        ]
    )
    ch = diff_nodes("Organisation", new, old)
    assert ch.create.column("id").to_pylist() == ["c"]
    assert ch.update.to_pylist() == [{"id": "a", "name": "A", "size": "small", "founded": 1900}]


def test_moved_organisation_deletes_and_recreates_located_in():
    schema = rel_arrow_schema("LOCATED_IN")
    old = pa.table({"src": ["a", "b"], "dst": ["GB-belfast", "KR-busan"]}, schema=schema)
    new = pa.table(
        {"src": ["a", "b", "c"], "dst": ["GB-belfast", "KR-sejong", "KR-busan"]}, schema=schema
    )
    ch = diff_rels("LOCATED_IN", new, old)
    assert ch.delete.to_pylist() == [{"src": "b", "dst": "KR-busan"}]
    assert sorted(ch.create.column("src").to_pylist()) == ["b", "c"] and ch.moved == 1
