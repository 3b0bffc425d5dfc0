"""Merging by ROR id against a real store, on both backends (Ladybug and Neo4j)."""

from __future__ import annotations

from pathlib import Path

from graphtwin.ingest import read_bundle
from graphtwin.ingest.merge import merge_by_ror, stored_by_ror
from graphtwin.ingest.ror import import_ror

ROOT = Path(__file__).resolve().parents[2]


def test_ror_records_merge_into_the_demo(store) -> None:
    demo = read_bundle(ROOT / "graphtwin" / "data" / "demo")
    store.load(demo)
    ror = import_ror([ROOT / "tests" / "data" / "real" / "ror_twinning_subset.csv"]).bundle
    ror_ids = {o.id for o in ror.organisations}
    demo_by_ror = {o.ror_id.rsplit("/", 1)[-1]: o.id for o in demo.organisations if o.ror_id}
    stored = stored_by_ror(store, ror)
    assert {r: o.id for r, o in stored.items()} == {
        o.id: demo_by_ror[o.id] for o in ror.organisations if o.id in demo_by_ror
    }
    report = merge_by_ror(ror, stored)
    assert len(report.merged) == len(stored) > 10
    store.load(ror)
    ids = store.query("MATCH (o:Organisation) RETURN o.id AS id").records()
    assert len(ids) == len(demo.organisations) + len(ror_ids - set(demo_by_ror))
    qub = store.query(
        "MATCH (o:Organisation {id: $id}) RETURN o.source AS source", {"id": "qub"}
    ).records()
    assert "alias 00hswnk62 (ROR" in qub[0]["source"]
