"""Gould–Fernandez brokerage: counts against a brute-force count over all two-paths, and
z-scores against a plain transcription of the moments in R's sna::brokerage.

Nothing here reuses graphtwin code for the reference values: the brute force walks every
ordered two-path i→j→k of the symmetrised graph, and the moments are written out group by
group with explicit loops.
"""

from __future__ import annotations

import math
from itertools import combinations

import networkx as nx
import numpy as np
import pytest

from graphtwin.analysis.brokerage import (
    BROKERAGE_ROLES,
    brokerage,
    brokerage_counts,
    brokerage_moments,
)
from graphtwin.analysis.projection import graph_from_columns, simple_view

ROLES = ["coordinator", "itinerant", "representative", "gatekeeper", "liaison"]


def brute_force_counts(edges: list[tuple[int, int]], n: int, group: list[str]) -> np.ndarray:
    """Every ordered two-path i→j→k (i ≠ k) with no arc i→k, classified as in sna's C code."""
    adj = {v: set() for v in range(n)}
    for u, v in edges:
        if u != v:
            adj[u].add(v)
            adj[v].add(u)
    out = np.zeros((n, 5), dtype=np.int64)
    for i in range(n):
        for j in adj[i]:
            for k in adj[j]:
                if k == i or k in adj[i]:
                    continue
                gi, gj, gk = group[i], group[j], group[k]
                if gi == gj == gk:
                    out[j, 0] += 1  # coordinator w_I
                elif gi == gk:
                    out[j, 1] += 1  # itinerant w_O: [j] [i k]
                elif gi == gj:
                    out[j, 2] += 1  # representative b_IO: [i j] [k]
                elif gj == gk:
                    out[j, 3] += 1  # gatekeeper b_OI: [i] [j k]
                else:
                    out[j, 4] += 1  # liaison b_O
    return out


def choose(x: float, k: int) -> float:
    return math.comb(int(x), k) if x >= k else 0.0


def sna_moments(group: list[str], arcs: int) -> tuple[np.ndarray, np.ndarray]:
    """Expectation and sd per vertex, transcribed from sna::brokerage (R) with plain loops."""
    N = len(group)
    classes = sorted(set(group))
    size = {c: sum(1 for x in group if x == c) for c in classes}
    d = arcs / (N * (N - 1))
    q = d**2 * (1 - d)
    r = d**3 * (1 - d) ** 3
    exp, var = {}, {}
    for c in classes:
        ni = size[c]
        others = [size[h] for h in classes if h != c]
        e1 = q * (ni - 1) * (ni - 2)
        v1 = e1 * (1 - q) + 2 * (ni - 1) * (ni - 2) * (ni - 3) * r
        e2 = q * sum(nh * (nh - 1) for nh in others)
        v2 = e2 * (1 - q) + 2 * sum(nh * (nh - 1) * (nh - 2) for nh in others) * r
        e3 = q * (N - ni) * (ni - 1)
        v3 = e3 * (1 - q) + 2 * ((ni - 1) * choose(N - ni, 2) + (N - ni) * choose(ni - 1, 2)) * r
        outer = sum(a * b for a in others for b in others)
        e5 = q * (outer - sum(nh * nh for nh in others))
        v5 = e5 * (1 - q) + 4 * sum(nh * choose(N - nh - ni, 2) for nh in others) * r
        e6 = q * (N - 1) * (N - 2)
        v6 = e6 * (1 - q) + 2 * (N - 1) * (N - 2) * (N - 3) * r
        exp[c] = [e1, e2, e3, e3, e5, e6]
        var[c] = [v1, v2, v3, v3, v5, v6]
    e = np.array([exp[x] for x in group])
    sd = np.sqrt(np.array([var[x] for x in group]))
    return e, sd


def labelled_graphs() -> dict[str, tuple[list[tuple[int, int]], int, list[str]]]:
    """(edges, n, group labels): five graphs with 1 to 5 groups, isolates and singletons."""
    out = {}
    G = nx.karate_club_graph()
    out["karate_club"] = (list(G.edges), G.number_of_nodes(), [G.nodes[v]["club"] for v in G])
    F = nx.convert_node_labels_to_integers(nx.florentine_families_graph())
    out["florentine_3"] = (list(F.edges), F.number_of_nodes(), [f"g{v % 3}" for v in F])
    R = nx.gnp_random_graph(40, 0.12, seed=11)
    rng = np.random.default_rng(11)
    out["random_5"] = (list(R.edges), 40, [f"c{x}" for x in rng.integers(0, 5, 40)])
    T = nx.Graph()
    T.add_edges_from([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (3, 6)])
    T.add_nodes_from([7, 8])  # isolates
    out["two_triangles"] = (list(T.edges), 9, ["A", "A", "A", "B", "C", "C", "D", "A", "E"])
    S = nx.star_graph(6)
    out["star"] = (list(S.edges), 7, ["hub", "x", "x", "x", "y", "y", "z"])
    P = nx.powerlaw_cluster_graph(120, 3, 0.4, seed=2)
    out["clustered_4"] = (list(P.edges), 120, [f"k{v % 4}" for v in P])
    return out


GRAPHS = labelled_graphs()


def adjacency(edges: list[tuple[int, int]], n: int):
    import scipy.sparse as sp

    rows = [u for u, v in edges] + [v for u, v in edges]
    cols = [v for u, v in edges] + [u for u, v in edges]
    a = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    a.data[:] = 1.0
    return a


def codes_of(group: list[str]) -> np.ndarray:
    names = sorted(set(group))
    return np.array([names.index(x) for x in group])


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_counts_match_brute_force_over_all_two_paths(name: str) -> None:
    edges, n, group = GRAPHS[name]
    got = brokerage_counts(adjacency(edges, n), codes_of(group))
    want = brute_force_counts(edges, n, group)
    assert got.astype(np.int64).tolist() == want.tolist()
    # every open ordered two-path is counted once, at its middle vertex
    G = nx.Graph(edges)
    G.add_nodes_from(range(n))
    tri = nx.triangles(G)
    open_paths = sum(G.degree(v) * (G.degree(v) - 1) - 2 * tri[v] for v in G)
    assert got.sum() == open_paths


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_moments_match_plain_sna_transcription(name: str) -> None:
    edges, _, group = GRAPHS[name]
    exp, sd = brokerage_moments(codes_of(group), 2 * len(edges))
    want_exp, want_sd = sna_moments(group, 2 * len(edges))
    np.testing.assert_allclose(exp, want_exp, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sd, want_sd, rtol=1e-12, atol=1e-12)


def test_path_of_three_groups_hand_computed() -> None:
    # a - b - c, each in its own group: b is a liaison for a→b→c and c→b→a.
    # N = 3, arcs = 4, d = 2/3, q = d²(1-d) = 4/27; E[liaison] = q((N-1)² - 2) = 8/27;
    # Var = E(1-q) + 4 Σ n_h C(N-n_h-1, 2) r = 8/27 · 23/27 (the C(1,2) terms are 0);
    # z = (2 - 8/27) / sqrt(184/729) = 46 / sqrt(184).
    g = graph_from_columns(
        {"id": list("abc"), "name": list("ABC"), "kind": ["firm"] * 3,
         "city": ["X", "Y", "Z"], "country": ["GB", "GB", "KR"]},
        {"source": ["a", "b"], "target": ["b", "c"], "kind": ["project", "project"]},
    )  # fmt: skip
    df = brokerage(simple_view(g), ["X", "Y", "Z"]).set_index("id")
    assert df.loc["b", "liaison"] == 2 and df.loc["b", "total"] == 2
    assert df.loc["b", ["coordinator", "itinerant", "representative", "gatekeeper"]].sum() == 0
    assert df.loc["b", "z_liaison"] == pytest.approx(46 / math.sqrt(184), rel=1e-12)
    assert math.isnan(df.loc["b", "z_coordinator"])  # a one-member group: sd 0


@pytest.mark.parametrize("name", ["karate_club", "random_5", "clustered_4"])
def test_brokerage_table_z_scores_use_sna_moments(name: str) -> None:
    edges, n, group = GRAPHS[name]
    g = graph_from_columns(
        {"id": [str(v) for v in range(n)], "name": [f"org {v}" for v in range(n)],
         "kind": ["firm"] * n, "city": group, "country": ["GB"] * n},
        {"source": [str(u) for u, _ in edges], "target": [str(v) for _, v in edges],
         "kind": ["collaboration"] * len(edges)},
    )  # fmt: skip
    df = brokerage(simple_view(g), group)
    counts = brute_force_counts(edges, n, group)
    full = np.column_stack([counts, counts.sum(axis=1)])
    exp, sd = sna_moments(group, 2 * len(edges))
    with np.errstate(divide="ignore", invalid="ignore"):
        want_z = (full - exp) / sd
    want_z[sd == 0] = np.nan
    for i, role in enumerate([*ROLES, "total"]):
        assert df[role].tolist() == full[:, i].tolist()
        np.testing.assert_allclose(df[f"z_{role}"], want_z[:, i], rtol=1e-9, equal_nan=True)
    assert list(BROKERAGE_ROLES) == ROLES


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_triangle_shortcut_gives_the_same_counts(name: str) -> None:
    edges, n, group = GRAPHS[name]
    G = nx.Graph(edges)
    G.add_nodes_from(range(n))
    triangles = np.array([nx.triangles(G)[v] for v in range(n)])
    a = adjacency(edges, n)
    with_tri = brokerage_counts(a, codes_of(group), triangles)
    assert with_tri.tolist() == brokerage_counts(a, codes_of(group)).tolist()
    assert with_tri.tolist() == brute_force_counts(edges, n, group).tolist()


def test_undirected_representative_equals_gatekeeper() -> None:
    edges, n, group = GRAPHS["random_5"]
    counts = brokerage_counts(adjacency(edges, n), codes_of(group))
    assert np.array_equal(counts[:, 2], counts[:, 3])


def test_star_hub_roles() -> None:
    # hub (own group) with leaves x,x,x,y,y,z: every pair of leaves is an open two-path.
    edges, n, group = GRAPHS["star"]
    c = brute_force_counts(edges, n, group)[0]
    got = brokerage_counts(adjacency(edges, n), codes_of(group))[0]
    assert got.tolist() == c.tolist()
    # itinerant: ordered pairs inside x (3·2) and inside y (2·1) = 8; liaison: the rest
    assert got[1] == 8 and got[4] == 6 * 5 - 8
    assert got[0] == got[2] == got[3] == 0


def test_pairs_of_groups_exhaust_the_open_two_paths() -> None:
    edges, n, group = GRAPHS["clustered_4"]
    counts = brokerage_counts(adjacency(edges, n), codes_of(group))
    G = nx.Graph(edges)
    for j in list(G.nodes)[:10]:
        nbrs = list(G[j])
        open_pairs = sum(1 for u, v in combinations(nbrs, 2) if not G.has_edge(u, v))
        assert counts[j].sum() == 2 * open_pairs
