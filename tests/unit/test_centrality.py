"""Known-answer tests for graphtwin.analysis.centrality against networkx and published values."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from scipy.stats import spearmanr

from graphtwin.analysis.centrality import (
    CENTRALITY_METRICS,
    betweenness,
    centrality,
    choose_pivots,
    default_pivots,
    harmonic,
)
from graphtwin.analysis.projection import graph_from_columns, simple_view


def analysis_graph(G: nx.Graph, weighted: bool = True):
    """The analysis graph (projection contract) of a networkx graph; ids are str(node)."""
    nodes = list(G.nodes)
    cities = [G.nodes[v].get("city", "Belfast") for v in nodes]
    countries = [G.nodes[v].get("country", "GB") for v in nodes]
    edges = list(G.edges(data=True))
    return graph_from_columns(
        {
            "id": [str(v) for v in nodes],
            "name": [str(v) for v in nodes],
            "kind": ["firm"] * len(nodes),
            "city": cities,
            "country": countries,
        },
        {
            "source": [str(u) for u, _, _ in edges],
            "target": [str(v) for _, v, _ in edges],
            "kind": ["collaboration"] * len(edges),
            "weight": [float(d.get("weight", 1.0)) if weighted else 1.0 for _, _, d in edges],
        },
    )


def two_city_broker() -> nx.Graph:
    """Two dense cities (Belfast b0..b5, Sejong s0..s5) joined only through one broker,
    tied to three organisations on each side."""
    G = nx.Graph()
    for prefix, city, country in (("b", "Belfast", "GB"), ("s", "Sejong", "KR")):
        for i in range(6):
            G.add_node(f"{prefix}{i}", city=city, country=country)
        for i in range(6):
            for j in range(i + 1, 6):
                if (i + j) % 3:
                    G.add_edge(f"{prefix}{i}", f"{prefix}{j}", weight=1.0)
    G.add_node("broker", city="London", country="GB")
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


def disconnected_with_isolates() -> nx.Graph:
    G = nx.Graph()
    G.add_edges_from([(0, 1), (1, 2), (2, 0), (2, 3)], weight=2.0)
    G.add_edges_from([(10, 11), (11, 12), (12, 13)], weight=0.5)
    G.add_nodes_from([20, 21])
    return G


def reference_graphs() -> dict[str, nx.Graph]:
    rnd = nx.gnp_random_graph(60, 0.08, seed=3)
    rng = np.random.default_rng(3)
    for u, v in rnd.edges:
        rnd[u][v]["weight"] = float(rng.choice([0.5, 1.0, 2.0, 3.0]))
    return {
        "florentine": nx.florentine_families_graph(),
        "karate": nx.karate_club_graph(),
        "random": rnd,
        "two_city": two_city_broker(),
        "disconnected": disconnected_with_isolates(),
        "les_miserables": nx.les_miserables_graph(),
    }


GRAPHS = reference_graphs()


def by_id(df, column: str) -> dict[str, float]:
    return dict(zip(df["id"], df[column], strict=True))


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_degree_strength_coreness_match_networkx(name: str) -> None:
    G = GRAPHS[name]
    df = centrality(analysis_graph(G), ["degree", "strength", "coreness"])
    deg, strength, core = by_id(df, "degree"), by_id(df, "strength"), by_id(df, "coreness")
    for v in G.nodes:
        assert deg[str(v)] == G.degree(v)
        assert strength[str(v)] == pytest.approx(G.degree(v, weight="weight"))
        assert core[str(v)] == nx.core_number(G)[v]


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_pagerank_matches_networkx_weighted(name: str) -> None:
    G = GRAPHS[name]
    pr = by_id(centrality(analysis_graph(G), ["pagerank"]), "pagerank")
    ref = nx.pagerank(G, alpha=0.85, weight="weight", tol=1e-12, max_iter=10_000)
    for v in G.nodes:
        assert pr[str(v)] == pytest.approx(ref[v], abs=1e-7)


@pytest.mark.parametrize("name", ["florentine", "karate", "two_city", "les_miserables"])
def test_eigenvector_matches_networkx_on_connected_graphs(name: str) -> None:
    G = GRAPHS[name]
    assert nx.is_connected(G)
    ev = by_id(centrality(analysis_graph(G), ["eigenvector"]), "eigenvector")
    ref = nx.eigenvector_centrality_numpy(G, weight="weight")
    top = max(ref.values())
    for v in G.nodes:
        assert ev[str(v)] == pytest.approx(ref[v] / top, abs=1e-6)


def test_eigenvector_isolates_score_zero() -> None:
    ev = by_id(centrality(analysis_graph(GRAPHS["disconnected"]), ["eigenvector"]), "eigenvector")
    assert ev["20"] == 0 and ev["21"] == 0
    assert max(ev.values()) == pytest.approx(1.0)


def test_eigenvector_per_component_is_deterministic_on_tied_components() -> None:
    """Two identical triangles tie for the largest eigenvalue (the leading eigenvector is
    not unique); a weaker edge and an isolate elsewhere. Per component: both triangles
    1, the edge scaled by its eigenvalue (weight 1) over the triangles' (2 x weight 2),
    the isolate 0 (never -0), and the same digits on every run with the same seed."""
    G = nx.Graph()
    G.add_edges_from([(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)], weight=2.0)
    G.add_edge(6, 7, weight=1.0)
    G.add_node(8)
    g = analysis_graph(G)
    runs = [centrality(g, ["eigenvector"], seed=3)["eigenvector"].tolist() for _ in range(6)]
    assert all(r == runs[0] for r in runs)
    ev = runs[0]
    assert ev[:6] == pytest.approx([1.0] * 6)
    assert ev[6:8] == pytest.approx([0.25, 0.25])  # λ = 1 against λ = 4
    assert ev[8] == 0.0 and str(ev[8]) == "0.0"
    assert all(np.copysign(1.0, x) == 1.0 for x in ev)


def test_path_metrics_with_progress_are_the_same() -> None:
    g = analysis_graph(GRAPHS["les_miserables"])
    seen: list[tuple[int, int, str]] = []
    a = centrality(g, ["betweenness", "harmonic"])
    b = centrality(g, ["betweenness", "harmonic"], progress=lambda *x: seen.append(x))
    np.testing.assert_allclose(a["betweenness"], b["betweenness"], atol=1e-12)
    np.testing.assert_allclose(a["harmonic"], b["harmonic"], atol=1e-12)
    assert {label for _, _, label in seen} == {"betweenness", "harmonic closeness"}
    assert all(done <= total for done, total, _ in seen) and seen[-1][0] == seen[-1][1]


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_harmonic_is_networkx_harmonic_over_n_minus_1(name: str) -> None:
    G = GRAPHS[name]
    h = by_id(centrality(analysis_graph(G), ["harmonic"]), "harmonic")
    ref = nx.harmonic_centrality(G)  # hop distances, unreachable count 0
    n = G.number_of_nodes()
    for v in G.nodes:
        assert h[str(v)] == pytest.approx(ref[v] / (n - 1), abs=1e-12)


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_exact_betweenness_matches_networkx_normalised(name: str) -> None:
    G = GRAPHS[name]
    df = centrality(analysis_graph(G), ["betweenness"])
    assert df.attrs["sampling"].exact
    b = by_id(df, "betweenness")
    ref = nx.betweenness_centrality(G, normalized=True)  # hops, not weights
    for v in G.nodes:
        assert b[str(v)] == pytest.approx(ref[v], abs=1e-12)


def test_medici_have_the_highest_betweenness_in_the_florentine_marriages() -> None:
    # Padgett's Florentine marriage network: the Medici broker between the families
    # (Padgett & Ansell 1993); networkx gives them a normalised betweenness of 0.522.
    df = centrality(analysis_graph(GRAPHS["florentine"]), ["betweenness"])
    top = df.sort_values("betweenness", ascending=False).iloc[0]
    assert top["id"] == "Medici"
    assert top["betweenness"] == pytest.approx(0.5219, abs=5e-4)


def test_parallel_ties_are_collapsed_and_weights_summed() -> None:
    g = graph_from_columns(
        {"id": list("abc"), "name": list("ABC"), "kind": ["firm"] * 3,
         "city": ["Belfast"] * 3, "country": ["GB"] * 3},
        {"source": ["a", "a", "b"], "target": ["b", "b", "c"],
         "kind": ["project", "meeting", "mou"]},
    )  # fmt: skip
    df = centrality(g).set_index("id")
    assert df.loc["a", "degree"] == 1
    assert df.loc["a", "strength"] == pytest.approx(3.0 + 0.5)
    assert df.loc["b", "betweenness"] == pytest.approx(1.0)
    reweighted = centrality(g, ["strength"], weights={"project": 1, "meeting": 1, "mou": 1})
    assert reweighted.set_index("id").loc["b", "strength"] == pytest.approx(3.0)


def test_base_columns_come_first_and_all_metrics_by_default() -> None:
    df = centrality(analysis_graph(GRAPHS["two_city"]))
    assert list(df.columns) == ["id", "name", "city", "country", "kind", *CENTRALITY_METRICS]
    assert df.set_index("id").loc["s3", "city"] == "Sejong"


def test_unknown_metric_is_rejected() -> None:
    with pytest.raises(ValueError, match="closeness"):
        centrality(analysis_graph(GRAPHS["florentine"]), ["closeness"])


def test_empty_graph() -> None:
    g = graph_from_columns({"id": [], "name": [], "kind": [], "city": [], "country": []}, {})
    df = centrality(g)
    assert len(df) == 0 and "betweenness" in df.columns


def test_default_pivots_follow_the_budget() -> None:
    assert default_pivots(10_000) == 500
    assert default_pivots(500_000) == 250
    assert default_pivots(50_000_000) == 100


def test_choose_pivots_is_seeded_and_exact_when_small() -> None:
    a, info_a = choose_pivots(range(1000), None, 50, seed=7, limit=100)
    b, _ = choose_pivots(range(1000), None, 50, seed=7, limit=100)
    c, _ = choose_pivots(range(1000), None, 50, seed=8, limit=100)
    assert info_a.pivots == 50 and not info_a.exact
    assert a.tolist() == b.tolist() and a.tolist() != c.tolist()
    assert len(set(a.tolist())) == 50
    full, info = choose_pivots(range(80), None, 50, seed=7, limit=100)
    assert info.exact and full.tolist() == list(range(80))
    forced, info = choose_pivots(range(1000), True, 50, seed=7, limit=100)
    assert info.exact and len(forced) == 1000


def _medium_graph():
    G = nx.powerlaw_cluster_graph(800, 3, 0.3, seed=5)
    return simple_view(analysis_graph(G))


def test_sampled_betweenness_estimates_exact() -> None:
    h = _medium_graph()
    exact, info = betweenness(h, exact=True)
    assert info.exact
    est, info = betweenness(h, pivots=200, seed=1, limit=100)
    assert info.pivots == 200 and "200 of 800" in info.describe()
    assert spearmanr(exact, est).statistic > 0.9
    top_exact = set(np.argsort(-exact)[:20])
    top_est = set(np.argsort(-est)[:20])
    assert len(top_exact & top_est) >= 15
    # unbiased: the total is close to the exact total
    assert est.sum() == pytest.approx(exact.sum(), rel=0.1)
    again, _ = betweenness(h, pivots=200, seed=1, limit=100)
    assert np.array_equal(est, again)


def test_sampled_harmonic_estimates_exact() -> None:
    h = _medium_graph()
    exact, _ = harmonic(h, exact=True)
    est, info = harmonic(h, pivots=200, seed=2, limit=100, chunk=50)
    assert info.pivots == 200
    assert np.median(np.abs(est - exact) / exact) < 0.05
    assert spearmanr(exact, est).statistic > 0.95


def test_tie_weights_from_toml(tmp_path) -> None:
    from graphtwin.analysis.weights import load_weights
    from graphtwin.errors import GraphtwinError

    p = tmp_path / "w.toml"
    p.write_text("[tie_weights]\nMoU = 5\nCo-publication = 0.5\n", encoding="utf-8")
    w = load_weights(p)
    assert (w["mou"], w["copublication"], w["project"]) == (5.0, 0.5, 3.0)
    p.write_text("meeting = 0.1\n[potential]\nadamic_adar = 0.3\n", encoding="utf-8")
    assert load_weights(p)["meeting"] == 0.1  # other tables are left to their readers
    for text, message in [
        ("[tie_weights]\nproject = 0\n", "must be > 0"),
        ('[tie_weights]\nproject = "high"\n', "must be a number"),
        ("[tie_weights]\nspaceship = 1\n", "unknown tie kind 'spaceship'"),
        ("[tie_weights\n", "not valid TOML"),
    ]:
        p.write_text(text, encoding="utf-8")
        with pytest.raises(GraphtwinError, match=message):
            load_weights(p)
    with pytest.raises(GraphtwinError, match="not found"):
        load_weights(tmp_path / "missing.toml")
