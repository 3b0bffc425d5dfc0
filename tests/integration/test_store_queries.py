"""Every named query in cypher/ on both stores, against answers computed from the records.

Expected answers are computed here from the Bundle with plain Python and networkx (never
from a store), and compared as sets or sorted lists where the query does not fix order.
A test also checks that every file of the library has an expected answer here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations, pairwise

import networkx as nx
import pytest

from graphtwin.errors import QueryError
from graphtwin.store.queries import list_queries, run_named


# -- independent answers ---------------------------------------------------------------
def multigraph(bundle) -> nx.MultiGraph:
    g = nx.MultiGraph()
    g.add_nodes_from(o.id for o in bundle.organisations)
    for t in bundle.ties:
        g.add_edge(t.source, t.target, kind=t.kind)
    return g


def orgs_by_id(bundle):
    return {o.id: o for o in bundle.organisations}


def exp_org_profile(bundle, org_id):
    o = orgs_by_id(bundle)[org_id]
    mine = [t for t in bundle.ties if org_id in (t.source, t.target)]
    partners = {t.target if t.source == org_id else t.source for t in mine}
    orgs = orgs_by_id(bundle)
    return {
        "id": o.id,
        "name": o.name,
        "kind": o.kind,
        "city": o.city,
        "country": o.country,
        "sectors": sorted(o.sectors),
        "ties": len(mine),
        "partners": len(partners),
        "foreign_partners": sum(1 for p in partners if orgs[p].country != o.country),
    }


def exp_ties_between_cities(bundle, city_a, city_b):
    orgs = orgs_by_id(bundle)
    out = set()
    for t in bundle.ties:
        for a, b in ((t.source, t.target), (t.target, t.source)):
            if orgs[a].city == city_a and orgs[b].city == city_b:
                out.add((a, b, t.kind, t.start_year, t.weight))
    return out


def exp_cross_border(bundle, ca, cb):
    orgs = orgs_by_id(bundle)
    c = Counter()
    for t in bundle.ties:
        countries = {orgs[t.source].country, orgs[t.target].country}
        if countries == {ca, cb}:
            c[(t.kind, t.start_year)] += 1
    return c


def exp_sector_city(bundle, sector, city):
    return {o.id for o in bundle.organisations if o.city == city and sector in o.sectors}


def exp_sector_overlap(bundle, city_a, city_b):
    a = Counter(s for o in bundle.organisations if o.city == city_a for s in set(o.sectors))
    b = Counter(s for o in bundle.organisations if o.city == city_b for s in set(o.sectors))
    return {(s, a[s], b[s]) for s in a if s in b}


def exp_shared_partners(bundle, a, b):
    g = multigraph(bundle)
    return (set(g.neighbors(a)) & set(g.neighbors(b))) - {a, b}


def exp_paths(bundle, a, b, max_hops):
    """Simple paths (no organisation twice) as (hops, ids, kinds), one per chain of
    organisations; kinds[i] joins every kind of tie between ids[i] and ids[i + 1]."""
    g = multigraph(bundle)
    out = Counter()
    for ids in nx.all_simple_paths(nx.Graph(g), a, b, cutoff=max_hops):
        kinds = tuple(
            "|".join(sorted({d["kind"] for d in g.get_edge_data(u, v).values()}))
            for u, v in pairwise(ids)
        )
        out[(len(ids) - 1, tuple(ids), kinds)] += 1
    return out


def exp_without_cross_border(bundle, country=""):
    orgs = orgs_by_id(bundle)
    crossing = set()
    for t in bundle.ties:
        if orgs[t.source].country != orgs[t.target].country:
            crossing |= {t.source, t.target}
    return {
        o.id
        for o in bundle.organisations
        if o.id not in crossing and (not country or o.country == country)
    }


def exp_most_connected(bundle, top, country=""):
    degree = Counter()
    for t in bundle.ties:
        degree[t.source] += 1
        degree[t.target] += 1
    by_city = defaultdict(list)
    for o in bundle.organisations:
        if degree[o.id] > 0 and (not country or o.country == country):
            by_city[(o.city, o.country)].append(o.id)
    out = set()
    for (city, ctry), ids in by_city.items():
        levels = sorted({degree[i] for i in ids}, reverse=True)
        for i in ids:
            rank = levels.index(degree[i]) + 1
            if rank <= top:
                out.add((city, ctry, rank, i, degree[i]))
    return out


def exp_new_ties(bundle, year, country=""):
    orgs = orgs_by_id(bundle)
    return {
        (t.start_year, t.kind, t.source, t.target)
        for t in bundle.ties
        if t.start_year is not None
        and t.start_year >= year
        and (not country or country in (orgs[t.source].country, orgs[t.target].country))
    }


def exp_city_pair(bundle, city_a, city_b):
    orgs = orgs_by_id(bundle)
    in_a = {o.id for o in bundle.organisations if o.city == city_a}
    in_b = {o.id for o in bundle.organisations if o.city == city_b}
    between = [
        t
        for t in bundle.ties
        if (t.source in in_a and t.target in in_b) or (t.source in in_b and t.target in in_a)
    ]
    sa = {s for i in in_a for s in orgs[i].sectors}
    sb = {s for i in in_b for s in orgs[i].sectors}
    return {
        "orgs_a": len(in_a),
        "orgs_b": len(in_b),
        "sectors_a": len(sa),
        "sectors_b": len(sb),
        "shared_sectors": len(sa & sb),
        "ties_between": len(between),
        "connected_a": len({x for t in between for x in (t.source, t.target)} & in_a),
        "connected_b": len({x for t in between for x in (t.source, t.target)} & in_b),
    }


# -- fixtures ----------------------------------------------------------------------------
@pytest.fixture
def loaded(store, bundle):
    store.load(bundle)
    return store


def busiest(bundle, n=1):
    degree = Counter()
    for t in bundle.ties:
        degree[t.source] += 1
        degree[t.target] += 1
    return [i for i, _ in degree.most_common(n)]


# -- one test per named query ---------------------------------------------------------
TESTED: set[str] = set()


def covers(name):
    TESTED.add(name)
    return lambda f: f


@covers("org_profile")
def test_org_profile(loaded, bundle):
    for org_id in [*busiest(bundle, 3), bundle.organisations[-1].id]:
        [row] = run_named(loaded, "org_profile", {"org_id": org_id}).records()
        row["sectors"] = sorted(row["sectors"])
        assert row == exp_org_profile(bundle, org_id)


@covers("ties_between_cities")
@pytest.mark.parametrize("a, b", [("Belfast", "Sejong"), ("Liverpool", "Belfast")])
def test_ties_between_cities(loaded, bundle, a, b):
    rows = run_named(loaded, "ties_between_cities", {"city_a": a, "city_b": b}).records()
    got = {(r["org_a"], r["org_b"], r["kind"], r["start_year"], r["weight"]) for r in rows}
    want = exp_ties_between_cities(bundle, a, b)
    assert want and got == want and len(rows) == len(want)
    with_country = run_named(
        loaded, "ties_between_cities", {"city_a": a, "city_b": b, "country_b": "XX"}
    )
    assert with_country.rows == []


@covers("cross_border_ties_by_kind_year")
def test_cross_border_ties_by_kind_year(loaded, bundle):
    rows = run_named(
        loaded, "cross_border_ties_by_kind_year", {"country_a": "GB", "country_b": "KR"}
    ).records()
    got = Counter({(r["kind"], r["year"]): r["ties"] for r in rows})
    want = exp_cross_border(bundle, "GB", "KR")
    assert sum(want.values()) > 5 and got == want


@covers("orgs_in_sector_city")
def test_orgs_in_sector_city(loaded, bundle):
    for sector, city in [("ai", "Busan"), ("Fintech", "Belfast"), ("energy", "Sejong")]:
        sid = {"Fintech": "fintech"}.get(sector, sector)
        rows = run_named(loaded, "orgs_in_sector_city", {"sector": sector, "city": city})
        assert {r["id"] for r in rows.records()} == exp_sector_city(bundle, sid, city)
    assert exp_sector_city(bundle, "ai", "Busan")


@covers("sector_overlap_between_cities")
def test_sector_overlap_between_cities(loaded, bundle):
    rows = run_named(
        loaded, "sector_overlap_between_cities", {"city_a": "Belfast", "city_b": "Busan"}
    ).records()
    want = exp_sector_overlap(bundle, "Belfast", "Busan")
    assert want and {(r["sector"], r["orgs_a"], r["orgs_b"]) for r in rows} == want
    totals = [r["total"] for r in rows]
    assert totals == sorted(totals, reverse=True)


@covers("shared_partners")
def test_shared_partners(loaded, bundle):
    a, b = next(
        (x, y) for x, y in combinations(busiest(bundle, 8), 2) if exp_shared_partners(bundle, x, y)
    )
    rows = run_named(loaded, "shared_partners", {"org_a": a, "org_b": b}).records()
    assert {r["id"] for r in rows} == exp_shared_partners(bundle, a, b)
    assert len(rows) == len({r["id"] for r in rows})


@covers("paths_between_orgs")
@pytest.mark.parametrize("max_hops", [1, 2, 3])
def test_paths_between_orgs(loaded, bundle, max_hops):
    g = multigraph(bundle)
    a = busiest(bundle)[0]
    dist = nx.single_source_shortest_path_length(g, a)
    b = next(o for o, d in sorted(dist.items()) if d == 2)
    rows = run_named(
        loaded,
        "paths_between_orgs",
        {"org_a": a, "org_b": b, "max_hops": max_hops, "limit": 10_000},
    ).records()
    got = Counter((r["hops"], tuple(r["ids"]), tuple(r["kinds"])) for r in rows)
    want = exp_paths(bundle, a, b, max_hops)
    assert got == want
    assert (max_hops == 1) == (not want)
    assert max(got.values(), default=1) == 1, "a chain of organisations listed twice"
    if max_hops == 3:  # the bundle has parallel ties of different kinds on these paths
        assert any("|" in k for _, _, kinds in got for k in kinds)
    hops = [r["hops"] for r in rows]
    assert hops == sorted(hops)


@covers("orgs_without_cross_border_tie")
@pytest.mark.parametrize("country", ["", "KR"])
def test_orgs_without_cross_border_tie(loaded, bundle, country):
    params = {"country": country} if country else {}
    rows = run_named(loaded, "orgs_without_cross_border_tie", params).records()
    want = exp_without_cross_border(bundle, country)
    assert want and {r["id"] for r in rows} == want


@covers("most_connected_per_city")
@pytest.mark.parametrize("top, country", [(1, ""), (3, ""), (2, "GB")])
def test_most_connected_per_city(loaded, bundle, top, country):
    params = {"top": str(top)} | ({"country": country} if country else {})
    rows = run_named(loaded, "most_connected_per_city", params).records()
    got = {(r["city"], r["country"], r["rank"], r["id"], r["ties"]) for r in rows}
    assert got == exp_most_connected(bundle, top, country)


@covers("new_ties_since_year")
@pytest.mark.parametrize("year, country", [(2020, ""), (2016, "KR")])
def test_new_ties_since_year(loaded, bundle, year, country):
    params = {"year": str(year)} | ({"country": country} if country else {})
    rows = run_named(loaded, "new_ties_since_year", params).records()
    got = {(r["year"], r["kind"], r["source"], r["target"]) for r in rows}
    want = exp_new_ties(bundle, year, country)
    assert want and got == want and len(rows) == len(want)
    years = [r["year"] for r in rows]
    assert years == sorted(years, reverse=True)


@covers("city_pair_summary")
@pytest.mark.parametrize("a, b", [("Belfast", "Sejong"), ("Liverpool", "Busan")])
def test_city_pair_summary(loaded, bundle, a, b):
    [row] = run_named(loaded, "city_pair_summary", {"city_a": a, "city_b": b}).records()
    want = exp_city_pair(bundle, a, b)
    assert {k: row[k] for k in want} == want
    assert row["city_a"] == a and row["city_b"] == b


@covers("top_by_score")
def test_top_by_score(loaded, bundle):
    ids = [o.id for o in bundle.organisations]
    values = [((i * 37) % 11) / 10 for i in range(len(ids))]
    loaded.write_scores({"id": ids, "gt_test_score": values})
    rows = run_named(loaded, "top_by_score", {"metric": "gt_test_score", "top": "5"}).records()
    want = sorted(zip(ids, values, strict=True), key=lambda x: (-x[1], x[0]))[:5]
    assert [(r["id"], r["score"]) for r in rows] == want
    rows = run_named(
        loaded, "top_by_score", {"metric": "gt_test_score", "top": "50", "city": "Busan"}
    ).records()
    busan = {o.id for o in bundle.organisations if o.city == "Busan"}
    assert {r["id"] for r in rows} == busan
    with pytest.raises(QueryError, match="no score 'gt_missing'"):
        run_named(loaded, "top_by_score", {"metric": "gt_missing"})
    with pytest.raises(QueryError, match="gt_"):
        run_named(loaded, "top_by_score", {"metric": "name` RETURN 1 //"})


@covers("potential_introductions")
def test_potential_introductions(loaded, bundle):
    o = [x.id for x in bundle.organisations]
    loaded.write_potential(
        [
            {"source": o[0], "target": o[20], "score": 0.9, "reasons": "x", "city_pair": "A|B"},
            {"source": o[1], "target": o[21], "score": 0.3, "reasons": "y", "city_pair": "A|B"},
            {"source": o[2], "target": o[9], "score": 0.5, "reasons": "z", "city_pair": "C|D"},
        ]
    )
    rows = run_named(loaded, "potential_introductions", {"city_pair": "A|B"}).records()
    assert [(r["source"], r["target"], r["score"]) for r in rows] == [
        (o[0], o[20], 0.9),
        (o[1], o[21], 0.3),
    ]
    rows = run_named(loaded, "potential_introductions", {"top": "2"}).records()
    assert [r["score"] for r in rows] == [0.9, 0.5]


def test_every_library_query_is_tested():
    names = {q.name for q in list_queries()}
    assert len(names) >= 12
    assert names == TESTED


def test_library_files_name_every_tie_type():
    """A query that matches ties must list every tie relationship type of the model."""
    from graphtwin.model import REL_TYPES

    pattern = "|".join(REL_TYPES)
    for q in list_queries():
        for text in q.texts.values():
            if "COLLABORATES_WITH" in text:
                assert pattern in text, q.name


def test_header_examples_run_on_the_demo_data(store):
    """Every query runs with the example values of its header on the shipped demo."""
    from graphtwin.ingest import read_bundle
    from graphtwin.ingest.demo import demo_bundle_path

    demo = read_bundle(demo_bundle_path())
    store.load(demo)
    ids = [o.id for o in demo.organisations]
    store.write_scores({"id": ids, "gt_pagerank": [1.0 / (i + 1) for i in range(len(ids))]})
    non_empty = set()
    for q in list_queries():
        values = {p.name: p.example for p in q.params if p.example is not None}
        assert all(p.name in values for p in q.params if p.required), q.name
        if q.name == "potential_introductions":
            values.pop("city_pair")
        result = run_named(store, q.name, values)
        if result.rows:
            non_empty.add(q.name)
    assert {"org_profile", "ties_between_cities", "city_pair_summary", "top_by_score"} <= non_empty
