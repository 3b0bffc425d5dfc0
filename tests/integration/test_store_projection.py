"""The projection contract and write-back (scores, POTENTIAL) on both stores."""

from __future__ import annotations

import math

import pytest

from graphtwin.analysis.projection import filter_edges, graph_from_bundle
from graphtwin.errors import StoreError


def vertex_table(g, attrs=("name", "kind", "city", "city_id", "country", "sectors", "synthetic")):
    return {v["id"]: tuple(v[a] for a in attrs) for v in g.vs}


def edge_multiset(g):
    """Edges as sorted tuples independent of stored direction and order."""
    out = []
    for e in g.es:
        a, b = g.vs[e.source]["id"], g.vs[e.target]["id"]
        src = e["source_id"]
        dst = b if src == a else a
        ends = (src, dst) if e["directed"] else tuple(sorted((a, b)))
        out.append(
            (
                *ends,
                e["kind"],
                e["rel_type"],
                e["weight"],
                e["weight_given"],
                e["start_year"],
                e["end_year"],
                e["directed"],
            )
        )
    return sorted(out, key=repr)


def test_projection_matches_graph_from_bundle(store, bundle):
    store.load(bundle)
    got = store.projection()
    want = graph_from_bundle(bundle)
    assert got.vcount() == want.vcount() and got.ecount() == want.ecount()
    assert not got.is_directed()
    assert vertex_table(got) == vertex_table(want)
    assert edge_multiset(got) == edge_multiset(want)
    assert got["sectors"] == want["sectors"]
    assert got["cities"] == want["cities"]


def test_projection_keeps_the_listed_sector_order(store, bundle):
    """The first sector listed is an organisation's primary one (``bridges --by sector``):
    the store keeps the order (ACTIVE_IN.position), not the alphabet."""
    import dataclasses

    from graphtwin.analysis.bridging import group_labels

    orgs = [
        dataclasses.replace(o, sectors=tuple(reversed(o.sectors))) for o in bundle.organisations
    ]
    assert any(list(o.sectors) != sorted(o.sectors) for o in orgs)
    unsorted = dataclasses.replace(bundle, organisations=orgs)
    store.load(unsorted)
    got, want = store.projection(), graph_from_bundle(unsorted)
    assert vertex_table(got, ("sectors",)) == vertex_table(want, ("sectors",))

    def primary(g) -> dict[str, str]:  # organisation id -> its group under --by sector
        return dict(zip(g.vs["id"], group_labels(g, "sector"), strict=True))

    assert primary(got) == primary(want)


@pytest.mark.parametrize(
    "kinds, countries, years",
    [
        (["project", "mou", "funding"], None, None),
        (None, ["KR"], None),
        (None, None, (2018, 2021)),
        (None, None, (None, 2016)),
        (["meeting", "visit", "collaboration"], ["GB", "KR"], (2015, None)),
    ],
)
def test_projection_filters(store, bundle, kinds, countries, years):
    store.load(bundle)
    got = store.projection(tie_kinds=kinds, countries=countries, years=years)
    want = filter_edges(graph_from_bundle(bundle), tie_kinds=kinds, years=years)
    if countries:
        want = want.induced_subgraph([v.index for v in want.vs if v["country"] in countries])
    assert vertex_table(got) == vertex_table(want)
    assert edge_multiset(got) == edge_multiset(want)
    assert got.ecount() > 0


def test_projection_rejects_unknown_tie_kind(store, bundle):
    store.load(bundle)
    with pytest.raises(StoreError, match="unknown tie kind"):
        store.projection(tie_kinds=["handshake"])


def test_write_scores_appear_in_projection(store, bundle):
    store.load(bundle)
    ids = [o.id for o in bundle.organisations]
    scores = {
        "id": [*ids[:10], "not-an-org"],
        "gt_pagerank": [i / 100 for i in range(10)] + [1.0],
        "gt_core": [*range(10), 99],
    }
    assert store.write_scores(scores) == 10
    g = store.projection()
    by_id = {v["id"]: v for v in g.vs}
    for i, oid in enumerate(ids[:10]):
        assert math.isclose(by_id[oid]["gt_pagerank"], i / 100)
        assert by_id[oid]["gt_core"] == i
    assert by_id[ids[20]]["gt_pagerank"] is None
    assert store.score_properties() == ["gt_core", "gt_pagerank"]

    # a second write updates one column for some organisations, NaN clears a value
    import pandas as pd

    df = pd.DataFrame({"id": ids[:2], "gt_pagerank": [0.5, float("nan")]})
    assert store.write_scores(df) == 2
    g = store.projection()
    by_id = {v["id"]: v for v in g.vs}
    assert by_id[ids[0]]["gt_pagerank"] == 0.5
    assert by_id[ids[1]]["gt_pagerank"] is None
    assert by_id[ids[1]]["gt_core"] == 1  # other columns untouched


def test_write_scores_rejects_unprefixed_names(store, bundle):
    store.load(bundle)
    with pytest.raises(StoreError, match="gt_"):
        store.write_scores({"id": ["x"], "pagerank": [0.1]})
    with pytest.raises(StoreError, match="no 'id' column"):
        store.write_scores({"org": ["x"], "gt_x": [0.1]})


def test_write_potential_replaces_per_city_pair(store, bundle):
    store.load(bundle)
    o = [x.id for x in bundle.organisations]
    first = [
        {"source": o[0], "target": o[20], "score": 0.9, "reasons": ["a", "b"], "city_pair": "P1"},
        {"source": o[1], "target": o[21], "score": 0.4, "reasons": "c", "city_pair": "P1"},
        {"source": o[2], "target": o[10], "score": 0.7, "reasons": None, "city_pair": "P2"},
    ]
    assert store.write_potential(first) == 3
    assert (
        store.write_potential(
            [{"source": o[3], "target": o[22], "score": 0.2, "reasons": "d", "city_pair": "P1"}]
        )
        == 1
    )
    rows = store.query(
        "MATCH (a:Organisation)-[p:POTENTIAL]->(b:Organisation) "
        "RETURN a.id AS s, b.id AS t, p.score AS score, p.reasons AS r, p.city_pair AS pair"
    ).records()
    assert sorted((r["s"], r["t"], r["score"], r["r"], r["pair"]) for r in rows) == sorted(
        [(o[2], o[10], 0.7, None, "P2"), (o[3], o[22], 0.2, "d", "P1")]
    )
    # POTENTIAL relationships are not ties: the projection ignores them
    assert store.projection().ecount() == len(bundle.ties)


def test_projection_sees_cypher_edits_with_missing_values(store, bundle):
    """Users may edit the graph between runs; nodes lacking properties still project."""
    store.load(bundle)
    first = bundle.organisations[0].id
    store.query("CREATE (:Organisation {id: 'bare'})", write=True)
    store.query(
        "MATCH (a:Organisation {id: 'bare'}), (b:Organisation {id: $b}) "
        "CREATE (a)-[:COLLABORATES_WITH {weight: 1.5}]->(b)",
        {"b": first},
        write=True,
    )
    g = store.projection()
    assert g.vcount() == len(bundle.organisations) + 1
    assert g.ecount() == len(bundle.ties) + 1
    bare = g.vs.find(id="bare")
    assert bare["kind"] is None and bare["name"] is None and bare["sectors"] == []
    [edge] = g.es.select(_incident=[bare.index])
    assert edge["kind"] is None and edge["weight"] == 1.5
    assert {g.vs[edge.source]["id"], g.vs[edge.target]["id"]} == {"bare", first}
