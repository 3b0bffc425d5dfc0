"""Loading on both stores: counts, idempotence, second-bundle upserts, moves, read-back."""

from __future__ import annotations

import copy
from collections import Counter

import pytest

from graphtwin.errors import StoreError
from graphtwin.model import REL_TYPES, Organisation, Tie
from graphtwin.store import open_store


def expected_counts(bundle) -> dict[str, int]:
    """Node and relationship counts computed from the records alone."""
    by_type = Counter(t.rel_type for t in bundle.ties)
    city_ids = {c.id for c in bundle.cities} | {o.city_id for o in bundle.organisations}
    countries = {o.country for o in bundle.organisations} | {c.country for c in bundle.cities}
    sectors = {s.id for s in bundle.sectors} | {s for o in bundle.organisations for s in o.sectors}
    out = {
        "Organisation": len(bundle.organisations),
        "City": len(city_ids),
        "Country": len(countries),
        "Sector": len(sectors),
        "LOCATED_IN": len(bundle.organisations),
        "IN_COUNTRY": len(city_ids),
        "ACTIVE_IN": sum(len(set(o.sectors)) for o in bundle.organisations),
        "POTENTIAL": 0,
    }
    out.update({r: by_type.get(r, 0) for r in REL_TYPES})
    return out


def test_load_creates_exactly_the_bundle(store, bundle):
    report = store.load(bundle)
    want = expected_counts(bundle)
    assert store.counts() == want
    assert report.created["Organisation"] == len(bundle.organisations)
    assert sum(report.created[r] for r in REL_TYPES) == len(bundle.ties)
    assert not any(report.updated.values())


def test_reload_is_idempotent_counts_after_1_and_3_loads(store, bundle):
    store.load(bundle)
    after_one = store.counts()
    second = store.load(bundle)
    store.load(bundle)
    assert store.counts() == after_one == expected_counts(bundle)
    assert not any(second.created.values()) and not any(second.updated.values())


def test_properties_read_back_exactly(store, bundle):
    store.load(bundle)
    res = store.query(
        "MATCH (o:Organisation) RETURN o.id AS id, o.name AS name, o.kind AS kind, "
        "o.founded AS founded, o.size AS size, o.city AS city, o.synthetic AS synthetic"
    )
    got = {r["id"]: r for r in res.records()}
    for o in bundle.organisations:
        assert got[o.id] == {
            "id": o.id,
            "name": o.name,
            "kind": o.kind,
            "founded": o.founded,
            "size": o.size,
            "city": o.city,
            "synthetic": o.synthetic,
        }
    res = store.query(
        "MATCH (a:Organisation)-[t]->(b:Organisation) "
        "RETURN a.id AS s, b.id AS t, t.kind AS kind, t.weight AS w, t.start AS start, "
        "t.start_year AS y, t.evidence AS ev"
    )
    got_ties = sorted(
        (r["s"], r["t"], r["kind"], r["w"], r["start"], r["y"], r["ev"]) for r in res.records()
    )
    want = sorted(
        (t.source, t.target, t.kind, t.weight, t.start, t.start_year, t.evidence)
        for t in bundle.ties
    )
    assert got_ties == want


def test_second_bundle_adds_and_updates(store, bundle):
    store.load(bundle)
    b2 = copy.deepcopy(bundle)
    changed_org = b2.organisations[0]
    changed_org.name = "Renamed Org"
    changed_org.size = None  # missing in the second bundle: the stored value stays
    kept_size = bundle.organisations[0].size
    undirected = next(
        t for t in b2.ties if t.kind in ("project", "mou", "meeting", "collaboration", "visit")
    )
    # the same undirected tie given the other way round, with a new weight: an update
    b2.ties.remove(undirected)
    b2.ties.append(Tie(undirected.target, undirected.source, undirected.kind, weight=9.5))
    new_org = Organisation("kr-bus-new", "Busan New Lab", "firm", "Busan", "KR", ("ai",))
    b2.organisations.append(new_org)
    b2.ties.append(Tie("kr-bus-new", bundle.organisations[0].id, "funding", start="2024"))

    report = store.load(b2)
    assert report.created["Organisation"] == 1
    assert report.updated["Organisation"] == 1
    assert report.created["FUNDS"] == 1
    assert report.updated[undirected.rel_type] == 1
    assert report.created[undirected.rel_type] == 0
    assert report.created["ACTIVE_IN"] == 1 and report.created["LOCATED_IN"] == 1

    want = expected_counts(bundle)
    want["Organisation"] += 1
    want["LOCATED_IN"] += 1
    want["ACTIVE_IN"] += 1
    want["FUNDS"] += 1
    assert store.counts() == want

    row = store.query(
        "MATCH (o:Organisation {id: $id}) RETURN o.name AS name, o.size AS size",
        {"id": changed_org.id},
    ).records()[0]
    assert row == {"name": "Renamed Org", "size": kept_size}
    pattern = f"MATCH (a:Organisation)-[t:{undirected.rel_type}]-(b:Organisation) "
    rows = store.query(
        pattern + "WHERE a.id = $a AND b.id = $b AND t.kind = $k "
        "RETURN t.weight AS w, t.start AS start",
        {"a": undirected.source, "b": undirected.target, "k": undirected.kind},
    ).records()
    assert rows == [{"w": 9.5, "start": undirected.start}]  # one tie, start kept

    again = store.load(b2)
    assert not any(again.created.values()) and not any(again.updated.values())


def test_changed_city_moves_located_in(store, bundle):
    store.load(bundle)
    b2 = copy.deepcopy(bundle)
    org = b2.organisations[0]
    org.city, org.country = "Sejong", "KR"
    report = store.load(b2)
    assert report.updated["LOCATED_IN"] == 1 and report.created["LOCATED_IN"] == 0
    rows = store.query(
        "MATCH (o:Organisation {id: $id})-[:LOCATED_IN]->(c:City) RETURN c.id AS city, "
        "o.country AS country",
        {"id": org.id},
    ).records()
    assert rows == [{"city": "KR-sejong", "country": "KR"}]
    assert store.counts()["LOCATED_IN"] == len(bundle.organisations)


def test_read_only_store_refuses_loads(store_target, bundle):
    with open_store(store_target) as s:
        s.load(bundle)
    with open_store(store_target, read_only=True) as ro:
        with pytest.raises(StoreError, match="read-only"):
            ro.load(bundle)
        assert ro.counts()["Organisation"] == len(bundle.organisations)


def test_demo_bundle_loads_and_reloads(store):
    from graphtwin.ingest import read_bundle
    from graphtwin.ingest.demo import demo_bundle_path

    demo = read_bundle(demo_bundle_path())
    store.load(demo)
    first = store.counts()
    assert first == expected_counts(demo)
    store.load(demo)
    store.load(demo)
    assert store.counts() == first


def test_a_column_missing_from_a_whole_bundle_keeps_stored_values(store, bundle):
    store.load(bundle)
    b2 = copy.deepcopy(bundle)
    for t in b2.ties:
        t.evidence = None  # a source that knows no evidence at all
    for o in b2.organisations:
        o.founded = None
    report = store.load(b2)
    assert not any(report.updated.values()) and not any(report.created.values())
    rows = store.query(
        "MATCH (a:Organisation)-[t]->(b:Organisation) WHERE t.evidence IS NOT NULL "
        "RETURN count(t) AS n"
    ).rows
    assert rows[0][0] == sum(1 for t in bundle.ties if t.evidence) > 0
    founded = store.query(
        "MATCH (o:Organisation) WHERE o.founded IS NOT NULL RETURN count(o) AS n"
    ).rows[0][0]
    assert founded == sum(1 for o in bundle.organisations if o.founded) > 0
