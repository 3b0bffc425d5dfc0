"""Known-answer tests for graphtwin.analysis.bridging against networkx and brute force."""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from graphtwin.analysis.bridging import (
    bridge_edges,
    bridges,
    cross_group_betweenness,
    cut_points,
    ei_index,
    group_labels,
    participation,
    resolve_city,
    short_name,
    structural_holes,
)
from graphtwin.analysis.projection import graph_from_columns, simple_view
from graphtwin.errors import GraphtwinError

CITIES = [("Belfast", "GB"), ("Sejong", "KR"), ("Busan", "KR"), ("Liverpool", "GB")]


def analysis_graph(G: nx.Graph):
    """The analysis graph of a networkx graph; city/country from node attributes."""
    nodes = list(G.nodes)
    edges = list(G.edges(data=True))
    return graph_from_columns(
        {
            "id": [str(v) for v in nodes],
            "name": [str(G.nodes[v].get("name", v)) for v in nodes],
            "kind": ["firm"] * len(nodes),
            "city": [G.nodes[v]["city"] for v in nodes],
            "country": [G.nodes[v]["country"] for v in nodes],
            "sectors": [G.nodes[v].get("sectors", []) for v in nodes],
        },
        {
            "source": [str(u) for u, _, _ in edges],
            "target": [str(v) for _, v, _ in edges],
            "kind": ["collaboration"] * len(edges),
            "weight": [float(d.get("weight", 1.0)) for _, _, d in edges],
        },
    )


def with_cities(G: nx.Graph, seed: int) -> nx.Graph:
    rng = np.random.default_rng(seed)
    for v in G.nodes:
        city, country = CITIES[int(rng.integers(0, len(CITIES)))]
        G.nodes[v]["city"], G.nodes[v]["country"] = city, country
    return G


def two_city_broker() -> nx.Graph:
    """Belfast b0..b5 and Sejong s0..s5, each dense, joined only through 'broker' (London),
    which is tied to three organisations on each side."""
    G = nx.Graph()
    for prefix, city, country in (("b", "Belfast", "GB"), ("s", "Sejong", "KR")):
        for i in range(6):
            G.add_node(f"{prefix}{i}", city=city, country=country, name=f"{city} org {i}")
        for i in range(6):
            for j in range(i + 1, 6):
                if (i + j) % 3:
                    G.add_edge(f"{prefix}{i}", f"{prefix}{j}", weight=1.0)
    G.add_node("broker", city="London", country="GB", name="Connected Places Catapult")
    for end, weight in (
        ("b0", 3.0),
        ("b1", 2.0),
        ("b2", 1.0),
        ("s0", 3.0),
        ("s1", 1.0),
        ("s2", 2.0),
    ):
        G.add_edge("broker", end, weight=weight)
    return G


def disconnected() -> nx.Graph:
    G = nx.Graph()
    G.add_edges_from([(0, 1), (1, 2), (2, 0), (2, 3)], weight=2.0)
    G.add_edges_from([(10, 11), (11, 12), (12, 13), (13, 14), (14, 12)], weight=0.5)
    G.add_nodes_from([20, 21])
    return with_cities(G, 4)


def reference_graphs() -> dict[str, nx.Graph]:
    rnd = nx.gnp_random_graph(50, 0.09, seed=8)
    rng = np.random.default_rng(8)
    for u, v in rnd.edges:
        rnd[u][v]["weight"] = float(rng.choice([0.5, 1.0, 2.0, 3.0]))
    return {
        "florentine": with_cities(nx.florentine_families_graph(), 1),
        "karate": with_cities(nx.karate_club_graph(), 2),
        "random": with_cities(rnd, 3),
        "two_city": two_city_broker(),
        "disconnected": disconnected(),
        "les_miserables": with_cities(nx.les_miserables_graph(), 5),
    }


GRAPHS = reference_graphs()


def by_id(g, values) -> dict[str, float]:
    return dict(zip(g.vs["id"], values, strict=True))


# ------------------------------------------------------------------ cross-group betweenness


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_pair_betweenness_matches_networkx_subset(name: str) -> None:
    G = GRAPHS[name]
    h = simple_view(analysis_graph(G))
    labels = group_labels(h, "city")
    a = np.flatnonzero(np.array(labels) == "Belfast")
    b = np.flatnonzero(np.array(labels) == "Sejong")
    got, info = cross_group_betweenness(h, np.zeros(h.vcount(), dtype=int), (a, b))
    assert info.exact
    ids = h.vs["id"]
    node = {str(v): v for v in G.nodes}
    ref = nx.betweenness_centrality_subset(
        G, sources=[node[ids[i]] for i in a], targets=[node[ids[i]] for i in b],
        normalized=False,
    )  # fmt: skip
    # networkx halves undirected subset sums; the share of A–B pairs is 2·sum / (|A|·|B|)
    for i, v in enumerate(ids):
        assert got[i] == pytest.approx(2 * ref[node[v]] / (len(a) * len(b)), abs=1e-12)


def brute_force_cross_share(G: nx.Graph, group: dict) -> dict:
    """Σ over unordered pairs in different groups of (shortest paths via v / all), / #pairs."""
    total = {v: 0.0 for v in G}
    pairs = 0
    for s, t in combinations(G.nodes, 2):
        if group[s] == group[t]:
            continue
        pairs += 1
        if not nx.has_path(G, s, t):
            continue
        paths = list(nx.all_shortest_paths(G, s, t))
        for p in paths:
            for v in p[1:-1]:
                total[v] += 1.0 / len(paths)
    return {v: x / pairs for v, x in total.items()}


@pytest.mark.parametrize("name", ["florentine", "karate", "two_city", "disconnected", "random"])
def test_all_groups_cross_betweenness_matches_brute_force(name: str) -> None:
    G = GRAPHS[name]
    h = simple_view(analysis_graph(G))
    labels = group_labels(h, "city")
    codes = np.unique(labels, return_inverse=True)[1]
    got, info = cross_group_betweenness(h, codes)
    assert info.exact
    ref = brute_force_cross_share(G, {v: G.nodes[v]["city"] for v in G})
    for v, x in by_id(h, got).items():
        node = next(n for n in G if str(n) == v)
        assert x == pytest.approx(ref[node], abs=1e-12)


def test_sampled_cross_betweenness_estimates_exact() -> None:
    G = with_cities(nx.powerlaw_cluster_graph(600, 3, 0.3, seed=9), 9)
    h = simple_view(analysis_graph(G))
    codes = np.unique(group_labels(h, "city"), return_inverse=True)[1]
    exact, _ = cross_group_betweenness(h, codes, exact=True)
    est, info = cross_group_betweenness(h, codes, pivots=200, seed=3, limit=100)
    assert info.pivots == 200
    assert np.corrcoef(exact, est)[0, 1] > 0.9
    assert est.sum() == pytest.approx(exact.sum(), rel=0.15)


def test_planted_broker_carries_every_belfast_sejong_path() -> None:
    h = simple_view(analysis_graph(GRAPHS["two_city"]))
    labels = np.array(group_labels(h, "city"))
    pair = (np.flatnonzero(labels == "Belfast"), np.flatnonzero(labels == "Sejong"))
    got, _ = cross_group_betweenness(h, np.zeros(h.vcount(), dtype=int), pair)
    share = by_id(h, got)
    assert share["broker"] == pytest.approx(1.0)
    assert max(x for v, x in share.items() if v != "broker") < 0.5
    assert share["b5"] == 0.0


# ------------------------------------------------------------------ structural holes


@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_constraint_and_effective_size_match_networkx(name: str, weighted: bool) -> None:
    G = GRAPHS[name]
    h = simple_view(analysis_graph(G))
    df = structural_holes(h, weighted=weighted)
    w = "weight" if weighted else None
    ref_c = nx.constraint(G, weight=w)
    # nodes=list(G): networkx 3.6's vectorised path normalises weighted mutual weights by
    # the column instead of the row maximum (networkx PR #8906); its per-node path is right.
    ref_e = nx.effective_size(G, nodes=list(G), weight=w)
    got_c = dict(zip(df["id"], df["constraint"], strict=True))
    got_e = dict(zip(df["id"], df["effective_size"], strict=True))
    for v in G.nodes:
        if G.degree(v) == 0:
            assert np.isnan(got_c[str(v)]) and np.isnan(got_e[str(v)])
            continue
        assert got_c[str(v)] == pytest.approx(ref_c[v], abs=1e-10)
        assert got_e[str(v)] == pytest.approx(ref_e[v], abs=1e-10)


# ------------------------------------------------------------------ participation, E–I


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_participation_coefficient_by_definition(name: str) -> None:
    G = GRAPHS[name]
    h = simple_view(analysis_graph(G))
    got = by_id(h, participation(h, group_labels(h, "city")))
    for v in G.nodes:
        s = G.degree(v, weight="weight")
        if s == 0:
            assert got[str(v)] == 0.0
            continue
        per_city: dict[str, float] = {}
        for u in G[v]:
            city = G.nodes[u]["city"]
            per_city[city] = per_city.get(city, 0.0) + G[v][u].get("weight", 1.0)
        want = 1.0 - sum((x / s) ** 2 for x in per_city.values())
        assert got[str(v)] == pytest.approx(want, abs=1e-12)


def test_ei_index_counts_internal_and_external_ties() -> None:
    G = GRAPHS["karate"]
    h = simple_view(analysis_graph(G))
    df = ei_index(h, group_labels(h, "city")).set_index("group")
    for city, _ in CITIES:
        members = {v for v in G if G.nodes[v]["city"] == city}
        internal = sum(1 for u, v in G.edges if u in members and v in members)
        external = sum(1 for u, v in G.edges if (u in members) != (v in members))
        assert df.loc[city, "internal_ties"] == internal
        assert df.loc[city, "external_ties"] == external
        assert df.loc[city, "ei_index"] == pytest.approx(
            (external - internal) / (external + internal)
        )
        assert df.loc[city, "organisations"] == len(members)


# ------------------------------------------------------------------ cut points


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_articulation_points_and_bridges_match_networkx(name: str) -> None:
    G = GRAPHS[name]
    h = simple_view(analysis_graph(G))
    df = cut_points(h).set_index("id")
    ap = {str(v) for v in nx.articulation_points(G)}
    assert set(df.index[df["articulation"]]) == ap
    base = nx.number_connected_components(G)
    for v in G.nodes:
        H = G.copy()
        H.remove_node(v)
        parts = nx.number_connected_components(H) - base + 1
        want = parts if str(v) in ap else (1 if G.degree(v) else 0)
        assert df.loc[str(v), "cut_parts"] == want
    nx_bridges = {frozenset((str(u), str(v))) for u, v in nx.bridges(G)}
    edges = bridge_edges(h)
    assert {frozenset(p) for p in zip(edges["source_id"], edges["target_id"], strict=True)} == (
        nx_bridges
    )
    for v in G.nodes:
        assert df.loc[str(v), "bridge_ties"] == sum(1 for b in nx_bridges if str(v) in b)
    for row in edges.itertuples():
        u = next(n for n in G if str(n) == row.source_id)
        w = next(n for n in G if str(n) == row.target_id)
        H = G.copy()
        H.remove_edge(u, w)
        assert row.cut_off == min(len(nx.node_connected_component(H, u)),
                                  len(nx.node_connected_component(H, w)))  # fmt: skip


# ------------------------------------------------------------------ combined score, reasons


def test_planted_broker_tops_the_bridge_ranking_with_a_reason() -> None:
    g = analysis_graph(GRAPHS["two_city"])
    df = bridges(g, pair=("belfast", "Sejong, KR"))
    top = df.iloc[0]
    assert top["id"] == "broker"
    assert top["cross_betweenness"] == pytest.approx(1.0)
    assert top["dependence"] == pytest.approx(1.0)  # every Belfast–Sejong path
    assert top["pair_role"] == "liaison"
    # 3 × 3 partner pairs, none tied across: 9 two-paths
    assert top["pair_two_paths"] == 9
    assert bool(top["articulation"]) and top["cut_parts"] == 2
    assert top["reason"].startswith(
        "links Belfast (Belfast org 0, Belfast org 1 +1 more) "
        "with Sejong (Sejong org 0, Sejong org 2 +1 more); on 100% of Belfast–Sejong "
        "shortest paths, between Belfast (Belfast org 0, Belfast org 1 +4 more) "
        "and Sejong (Sejong org 0, Sejong org 1 +4 more); sole route for 100%"
    )
    assert df.attrs["pair"] == ("Belfast", "Sejong")
    assert df.attrs["sampling"].exact
    assert df["bridge_score"].is_monotonic_decreasing
    assert df["reason"].iloc[len(df) - 1] is None or len(df) <= 25
    # an organisation deep inside Belfast does not connect the pair
    inner = df.set_index("id").loc["b5"]
    assert not inner["connects_pair"] and inner["bridge_score"] == 0
    assert df.attrs["connecting"] == int(df["connects_pair"].sum())


def hub_and_local_broker() -> nx.Graph:
    """Cities A (a0..a7) and B (b0..b7), each a path-like chain with a few chords. A local
    broker L (in A) is tied to a0..a3 and b0, b1, carrying most A–B paths; a second,
    weaker route runs a7 – M (in B) – b7. A national hub H (London) is tied to one
    organisation in each of 12 other cities (each with a small clique) and to nothing in A
    or B: high betweenness, low constraint, many groups, but on no A–B path."""
    G = nx.Graph()
    for prefix, city, country in (("a", "CityA", "GB"), ("b", "CityB", "KR")):
        for i in range(8):
            G.add_node(f"{prefix}{i}", city=city, country=country, name=f"{city} {i}")
        for i in range(7):
            G.add_edge(f"{prefix}{i}", f"{prefix}{i + 1}")
    G.add_node("L", city="CityA", country="GB", name="Local broker")
    for u in ("a0", "a1", "a2", "a3", "b0", "b1"):
        G.add_edge("L", u)
    G.add_node("M", city="CityB", country="KR", name="Minor route")
    G.add_edges_from([("M", "a7"), ("M", "b7")])
    G.add_node("H", city="London", country="GB", name="National hub")
    for c in range(12):
        members = [f"c{c}_{i}" for i in range(3)]
        for m in members:
            G.add_node(m, city=f"Town{c}", country="GB" if c % 2 else "KR", name=m)
        G.add_edges_from(
            [(members[0], members[1]), (members[1], members[2]), (members[0], members[2])]
        )
        G.add_edge("H", members[0])
    G.add_edge("H", "c0_1")  # a little extra, still nowhere near A or B
    return G


def test_local_broker_beats_a_national_hub_on_the_pair() -> None:
    G = hub_and_local_broker()
    g = analysis_graph(G)
    df = bridges(g, pair=("CityA", "CityB")).set_index("id")
    ranked = df.index.tolist()
    assert ranked[0] == "L"
    hub = df.loc["H"]
    # the hub is globally the best placed: lowest constraint, highest participation
    assert hub["constraint"] == df["constraint"].min()
    assert hub["participation"] == df["participation"].max()
    assert hub["cross_betweenness"] == 0 and hub["pair_two_paths"] == 0
    assert not hub["connects_pair"] and hub["bridge_score"] == 0
    heavy = df.index[df["cross_betweenness"] >= 0.10]
    assert len(heavy) >= 2
    assert all(ranked.index("H") > ranked.index(v) for v in heavy)
    # every organisation carrying A–B paths comes before every one that carries none
    carrying = df["connects_pair"].to_numpy()
    assert carrying[: carrying.sum()].all() and not carrying[carrying.sum() :].any()
    assert "carries no CityA–CityB connection" not in df.loc["L", "reason"]


def test_pair_score_is_the_path_share_with_near_ties_broken() -> None:
    g = analysis_graph(GRAPHS["two_city"])
    df = bridges(g, pair=("Belfast", "Sejong"))
    share = df["cross_betweenness"].to_numpy()
    assert np.all(df["bridge_score"].to_numpy() >= share - 1e-12)
    assert np.all(df["bridge_score"].to_numpy() <= share + 0.01 + 1e-12)
    # a difference in path share above one point is never reversed
    for i in range(len(df)):
        for j in range(i + 1, len(df)):
            assert share[j] <= share[i] + 0.01


def test_pair_two_paths_by_brute_force() -> None:
    G = GRAPHS["karate"]
    g = analysis_graph(G)
    df = bridges(g, pair=("Belfast", "Sejong")).set_index("id")
    city = nx.get_node_attributes(G, "city")
    for v in G.nodes:
        count = sum(
            1
            for a in G[v]
            for b in G[v]
            if city[a] == "Belfast" and city[b] == "Sejong" and not G.has_edge(a, b)
        )
        assert df.loc[str(v), "pair_two_paths"] == count


def test_dependence_by_brute_force() -> None:
    G = GRAPHS["karate"]
    g = analysis_graph(G)
    df = bridges(g, pair=("Belfast", "Sejong")).set_index("id")
    city = nx.get_node_attributes(G, "city")
    a = [v for v in G if city[v] == "Belfast"]
    b = [v for v in G if city[v] == "Sejong"]
    computed = df["dependence"].dropna()
    assert len(computed) >= 5
    for vid, dep in computed.items():
        v = int(vid)
        H = G.copy()
        H.remove_node(v)
        pairs = [(x, y) for x in a for y in b if v not in (x, y)]
        grown = 0
        for x, y in pairs:
            before = nx.shortest_path_length(G, x, y) if nx.has_path(G, x, y) else None
            after = nx.shortest_path_length(H, x, y) if nx.has_path(H, x, y) else None
            if before is not None and (after is None or after > before):
                grown += 1
        assert dep == pytest.approx(grown / (len(a) * len(b)))
        assert dep <= df.loc[vid, "cross_betweenness"] + 1e-12


def test_group_bridge_score_without_a_pair() -> None:
    g = analysis_graph(GRAPHS["karate"])
    df = bridges(g, by="city", explain=3)
    z = df[["z_representative", "z_gatekeeper", "z_liaison"]].fillna(0).mean(axis=1)
    assert np.allclose(df["brokerage_z"], z)
    share = df["cross_betweenness"].to_numpy()
    assert np.all(df["bridge_score"].to_numpy() - share <= 0.01 + 1e-12)
    assert df["bridge_score"].is_monotonic_decreasing
    assert df["reason"].notna().sum() == 3
    assert "connects_pair" not in df.columns


def test_bridges_table_agrees_with_the_single_metrics() -> None:
    G = GRAPHS["les_miserables"]  # weighted
    g = analysis_graph(G)
    h = simple_view(g)
    df = bridges(g, by="city").set_index("id")
    holes = structural_holes(h).set_index("id")
    labels = group_labels(h, "city")
    part = by_id(h, participation(h, labels))
    ref_e = nx.effective_size(G, nodes=list(G), weight="weight")
    for v in G.nodes:
        assert df.loc[str(v), "effective_size"] == pytest.approx(ref_e[v], abs=1e-10)
        assert df.loc[str(v), "constraint"] == pytest.approx(holes.loc[str(v), "constraint"])
        assert df.loc[str(v), "participation"] == pytest.approx(part[str(v)])


def test_group_labels_by_sector_and_country() -> None:
    G = GRAPHS["two_city"].copy()
    G.nodes["b0"]["sectors"] = ["fintech", "cyber"]
    g = analysis_graph(G)
    g["sectors"] = {"fintech": "Fintech"}
    labels = dict(zip(g.vs["id"], group_labels(g, "sector"), strict=True))
    assert labels["b0"] == "Fintech" and labels["b1"] == "(no sector)"
    assert set(group_labels(g, "country")) == {"GB", "KR"}
    with pytest.raises(GraphtwinError, match="unknown grouping"):
        group_labels(g, "region")


def test_same_city_name_in_two_countries_is_disambiguated() -> None:
    g = graph_from_columns(
        {"id": ["a", "b"], "name": ["A", "B"], "kind": ["firm"] * 2,
         "city": ["Gwangju", "Gwangju"], "country": ["KR", "US"]},
        {},
    )  # fmt: skip
    assert group_labels(g, "city") == ["Gwangju (KR)", "Gwangju (US)"]
    with pytest.raises(GraphtwinError, match="ambiguous"):
        resolve_city(g, "gwangju")
    label, members = resolve_city(g, "Gwangju, US")
    assert label == "Gwangju (US)" and members.tolist() == [1]


def test_unknown_city_lists_close_names() -> None:
    g = analysis_graph(GRAPHS["two_city"])
    with pytest.raises(GraphtwinError, match=r"unknown city 'Sejon'.*did you mean: Sejong"):
        resolve_city(g, "Sejon")
    with pytest.raises(GraphtwinError, match="same"):
        bridges(g, pair=("Belfast", "belfast"))
    assert resolve_city(g, "KR-sejong")[0] == "Sejong"


def test_short_names_in_reasons() -> None:
    assert short_name("Queen's University Belfast") == "Queen's University Belfast"
    assert short_name("Health Innovation Research Alliance NI (HIRANI)") == "HIRANI"
    # a bracket that is not an abbreviation of the name never replaces it
    assert short_name("Samsung Electronics (South Korea)") == "Samsung Electronics"
    assert short_name("Synthetic University 00012 (London)") == "Synthetic University 00012"
    assert short_name("Invest Northern Ireland (Invest NI)") == "Invest NI"
    assert short_name("UK Research and Innovation (UKRI)") == "UKRI"
