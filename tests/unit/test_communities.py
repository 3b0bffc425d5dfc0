"""Leiden communities: planted partitions, seeding, modularity against networkx."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graphtwin.analysis.communities import communities, community_summary
from graphtwin.analysis.projection import graph_from_columns


def analysis_graph(G: nx.Graph, city=None, country=None):
    nodes = list(G.nodes)
    edges = list(G.edges(data=True))
    return graph_from_columns(
        {
            "id": [str(v) for v in nodes],
            "name": [f"org {v}" for v in nodes],
            "kind": ["firm"] * len(nodes),
            "city": [city(v) if city else "Belfast" for v in nodes],
            "country": [country(v) if country else "GB" for v in nodes],
        },
        {
            "source": [str(u) for u, _, _ in edges],
            "target": [str(v) for _, v, _ in edges],
            "kind": ["collaboration"] * len(edges),
            "weight": [float(d.get("weight", 1.0)) for _, _, d in edges],
        },
    )


def cliques_joined(k: int = 4, size: int = 8) -> nx.Graph:
    """k cliques of ``size`` organisations, each joined to the next by one tie."""
    G = nx.Graph()
    for c in range(k):
        members = range(c * size, (c + 1) * size)
        G.add_edges_from((u, v) for u in members for v in members if u < v)
    for c in range(k - 1):
        G.add_edge(c * size, (c + 1) * size + 1)
    return G


def test_planted_cliques_are_recovered_with_their_city_composition() -> None:
    size = 8
    G = cliques_joined(4, size)
    cities = ["Belfast", "Sejong", "Busan", "Liverpool"]
    countries = {"Belfast": "GB", "Sejong": "KR", "Busan": "KR", "Liverpool": "GB"}
    g = analysis_graph(
        G, city=lambda v: cities[v // size], country=lambda v: countries[cities[v // size]]
    )
    df = communities(g, seed=3)
    assert df.attrs["communities"] == 4
    for c in range(4):
        ids = {str(v) for v in range(c * size, (c + 1) * size)}
        labels = set(df.loc[df["id"].isin(ids), "community"])
        assert len(labels) == 1
    assert set(df["community_size"]) == {size}
    summary = community_summary(df)
    assert sorted(summary["cities"]) == sorted(f"{c} 8 (100%)" for c in cities)
    assert set(summary["n_cities"]) == {1}
    assert summary["size"].sum() == len(df)


def test_modularity_matches_networkx_for_the_partition_found() -> None:
    G = nx.les_miserables_graph()
    df = communities(analysis_graph(G), seed=0)
    parts = [set(part["id"]) for _, part in df.groupby("community")]
    relabelled = nx.relabel_nodes(G, {v: str(v) for v in G})
    ref = nx.community.modularity(relabelled, parts, weight="weight")
    assert df.attrs["modularity"] == pytest.approx(ref, abs=1e-9)


def test_karate_club_reaches_known_modularity() -> None:
    # The best known partition of Zachary's karate club (unweighted) has Q = 0.4198.
    G = nx.Graph(nx.karate_club_graph().edges)  # drop weights
    df = communities(analysis_graph(G), seed=1)
    assert df.attrs["modularity"] >= 0.41
    assert df.attrs["modularity"] <= 0.4198 + 1e-4


def test_same_seed_same_partition_and_numbering_by_size() -> None:
    G = nx.powerlaw_cluster_graph(400, 2, 0.2, seed=4)
    g = analysis_graph(G)
    a = communities(g, seed=11)
    b = communities(g, seed=11)
    assert a["community"].tolist() == b["community"].tolist()
    sizes = a.groupby("community").size().sort_index().to_numpy()
    assert np.all(np.diff(sizes) <= 0)  # community 1 is the largest
    seeds_differ = any(
        communities(g, seed=s)["community"].tolist() != a["community"].tolist() for s in range(5)
    )
    assert seeds_differ


def test_resolution_controls_granularity() -> None:
    g = analysis_graph(nx.powerlaw_cluster_graph(300, 3, 0.3, seed=6))
    coarse = communities(g, resolution=0.3, seed=0).attrs["communities"]
    fine = communities(g, resolution=3.0, seed=0).attrs["communities"]
    assert fine > coarse
    with pytest.raises(ValueError):
        communities(g, resolution=0)


def test_isolates_are_their_own_communities() -> None:
    G = cliques_joined(2, 5)
    G.add_nodes_from([100, 101])
    df = communities(analysis_graph(G), seed=0).set_index("id")
    assert df.loc["100", "community_size"] == 1
    assert df.loc["100", "community"] != df.loc["101", "community"]


def test_summary_ranks_members_by_strength() -> None:
    G = nx.star_graph(5)
    df = communities(analysis_graph(G), seed=0)
    strength = df["id"].map(lambda v: G.degree(int(v))).astype(float)
    summary = community_summary(df, top=1, strength=strength)
    assert summary.loc[0, "members"] == "org 0"
