"""Cut points: articulation points and bridge ties (who holds a network together).

Pure functions on a simple undirected graph (:func:`~graphtwin.analysis.projection.simple_view`);
see docs/metrics.md. Example:

    >>> import igraph as ig
    >>> cut_points(ig.Graph([(0, 1), (1, 2)]))["articulation"].tolist()
    [False, True, False]
"""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd

from graphtwin.analysis.centrality import base_frame


def cut_points(h: ig.Graph) -> pd.DataFrame:
    """Per organisation: ``articulation`` (its removal disconnects its component),
    ``cut_parts`` (how many parts its component falls into without it: the number of
    biconnected components it belongs to; 1 otherwise, 0 for isolates) and
    ``bridge_ties`` (how many of its ties are bridges, i.e. the only link between the
    two sides).

    >>> df = cut_points(ig.Graph([(0, 1), (1, 2)]))
    >>> df["articulation"].tolist(), df["cut_parts"].tolist(), df["bridge_ties"].tolist()
    ([False, True, False], [1, 2, 1], [1, 2, 1])
    """
    n = h.vcount()
    df = base_frame(h)
    parts = np.where(np.asarray(h.degree(), dtype=np.int64) > 0, 1, 0) if n else np.zeros(0)
    articulation = np.zeros(n, dtype=bool)
    if h.ecount():
        blocks, points = h.biconnected_components(return_articulation_points=True)
        articulation[points] = True
        count = np.zeros(n, dtype=np.int64)
        for block in blocks:
            count[block] += 1
        parts = np.where(articulation, count, parts)
    bridge_ties = np.zeros(n, dtype=np.int64)
    if h.ecount():
        ids = h.bridges()
        if ids:
            ends = np.asarray([h.es[e].tuple for e in ids], dtype=np.int64)
            bridge_ties = np.bincount(ends.ravel(), minlength=n)
    df["articulation"] = articulation
    df["cut_parts"] = parts
    df["bridge_ties"] = bridge_ties
    return df


def bridge_edges(h: ig.Graph) -> pd.DataFrame:
    """Every bridge tie: its two organisations, weight, tie kinds and ``cut_off``.

    ``cut_off`` is the number of organisations on the smaller side, i.e. how many would
    be cut off from the rest of their component if the tie ended (1 = a pendant
    organisation). Sorted by ``cut_off`` then weight, largest first.

    >>> g = ig.Graph([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3)])
    >>> g.vs["id"] = list("abcdef")
    >>> g.es["weight"] = [1.0] * 7
    >>> bridge_edges(g)[["source_id", "target_id", "cut_off"]].values.tolist()
    [['c', 'd', 3]]
    """
    cols = [
        "source_id", "source_name", "source_city", "target_id", "target_name",
        "target_city", "weight", "kinds", "cut_off",
    ]  # fmt: skip
    bridge_ids = h.bridges() if h.ecount() else []
    if not bridge_ids:
        return pd.DataFrame({c: [] for c in cols})
    keep = sorted(set(range(h.ecount())) - set(bridge_ids))
    membership = np.asarray(
        h.subgraph_edges(keep, delete_vertices=False).connected_components().membership
    )
    n_comp = int(membership.max()) + 1
    comp_size = np.bincount(membership, minlength=n_comp).astype(np.int64)
    ends = np.asarray([h.es[e].tuple for e in bridge_ids], dtype=np.int64)
    tree = ig.Graph(n=n_comp, edges=membership[ends].tolist())
    subtree = comp_size.copy()
    parent = np.full(n_comp, -1)
    total = np.zeros(n_comp, dtype=np.int64)
    seen = np.zeros(n_comp, dtype=bool)
    for root in range(n_comp):
        if seen[root]:
            continue
        order, _, parents = tree.bfs(root)
        order = [v for v in order if v >= 0]
        seen[order] = True
        for v in reversed(order):
            p = parents[v]
            if 0 <= p != v:  # the root's parent is itself or -1 depending on igraph
                parent[v] = p
                subtree[p] += subtree[v]
        total[order] = subtree[root]
    cut = []
    for cu, cv in zip(membership[ends[:, 0]], membership[ends[:, 1]], strict=True):
        child = cv if parent[cv] == cu else cu
        cut.append(int(min(subtree[child], total[child] - subtree[child])))
    base = base_frame(h)
    ids, names, cities = (base[c].tolist() for c in ("id", "name", "city"))
    u_, v_ = ends[:, 0].tolist(), ends[:, 1].tolist()
    df = pd.DataFrame(
        {
            "source_id": [ids[u] for u in u_],
            "source_name": [names[u] for u in u_],
            "source_city": [cities[u] for u in u_],
            "target_id": [ids[v] for v in v_],
            "target_name": [names[v] for v in v_],
            "target_city": [cities[v] for v in v_],
            "weight": [float(h.es[e]["weight"]) for e in bridge_ids],
            "kinds": [
                list(h.es[e]["kinds"]) if "kinds" in h.es.attributes() else [] for e in bridge_ids
            ],
            "cut_off": cut,
        }
    )
    return df.sort_values(["cut_off", "weight"], ascending=False, kind="stable").reset_index(
        drop=True
    )
