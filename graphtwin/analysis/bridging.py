"""Who bridges cities, countries or sectors: brokerage, structural holes, cut points.

Pure functions on the analysis graph (:mod:`graphtwin.analysis.projection`), computed on
its simple view (parallel ties summed). Groups are the organisations' city, country or
primary sector (:func:`group_labels`). The metrics, with their references, are in
docs/metrics.md:

- :func:`cross_group_betweenness`: betweenness counting only shortest paths between two
  cities (igraph ``betweenness(sources=A, targets=B)``) or between any two groups;
- :func:`brokerage`: Gould & Fernandez (1989) role counts and z-scores exactly as R's
  ``sna::brokerage`` computes them for a symmetrised graph;
- :func:`structural_holes`: Burt's constraint (igraph) and effective size (vectorised);
- :func:`participation`: Guimerà & Amaral's participation coefficient over groups;
- :func:`ei_index`: Krackhardt & Stern's E–I index per group;
- :func:`cut_points` and :func:`bridge_edges`: articulation points and bridge ties;
- :func:`bridges`: all of the above per organisation, a combined ``bridge_score`` and a
  one-line ``reason`` for the top organisations.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": list("abcd"), "name": list("ABCD"), "kind": ["firm"] * 4,
    ...      "city": ["Belfast", "Belfast", "Sejong", "Sejong"],
    ...      "country": ["GB", "GB", "KR", "KR"]},
    ...     {"source": ["a", "b", "c"], "target": ["b", "c", "d"], "kind": ["project"] * 3},
    ... )
    >>> df = bridges(g, pair=("Belfast", "Sejong"))
    >>> top = df.iloc[0]
    >>> top["name"], round(float(top["cross_betweenness"]), 2)
    ('B', 0.5)
    >>> for part in top["reason"].split("; "):
    ...     print(part)
    links Belfast (A) with Sejong (C)
    on 50% of Belfast–Sejong shortest paths, between Belfast (A) and Sejong (C, D)
    sole route for 50% of the Belfast–Sejong pairs
    representative for 1 untied Belfast–Sejong pair
    articulation point (2 parts)
    2 bridge ties
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphtwin.analysis import lookup
from graphtwin.analysis.brokerage import (
    CROSS_ROLES,
    _adjacency,
    _codes,
    brokerage,
)
from graphtwin.analysis.centrality import (
    BASE_COLUMNS,
    EXACT_LIMIT,
    PathSampling,
    base_frame,
    choose_pivots,
)
from graphtwin.analysis.pair_evidence import (
    DEPENDENCE_CANDIDATES,
    bare_graph,
    dependence,
    dependence_sources,
    distance_matrix,
    pair_roles,
    pair_score,
    pair_two_paths,
    path_partners,
)
from graphtwin.analysis.projection import simple_view
from graphtwin.errors import GraphtwinError

#: Groupings understood by :func:`group_labels`.
GROUPINGS: tuple[str, ...] = ("city", "country", "sector")
#: Group of organisations without a sector when grouping by sector.
NO_SECTOR = "(no sector)"

#: At most this many explained rows get their path partners named (one BFS each).
MAX_PARTNER_ROWS = 25


# --------------------------------------------------------------------------------------
# Groups
# --------------------------------------------------------------------------------------


def group_labels(g: ig.Graph, by: str = "city") -> list[str]:
    """The group of each organisation: its city, country or primary sector.

    ``city``: the city name, with `` (CC)`` appended when the same name occurs in two
    countries. ``country``: the ISO code. ``sector``: the name of the organisation's
    first listed sector (its primary one), :data:`NO_SECTOR` when it has none.

    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": ["a", "b"], "name": ["A", "B"], "kind": ["firm"] * 2,
    ...     "city": ["Belfast", "Busan"], "country": ["GB", "KR"],
    ...     "sectors": [["fintech", "cyber"], []]}, {}, sectors={"fintech": "Fintech"})
    >>> group_labels(g, "sector"), group_labels(g, "country")
    (['Fintech', '(no sector)'], ['GB', 'KR'])
    """
    if by not in GROUPINGS:
        raise GraphtwinError(f"unknown grouping {by!r}; use one of: {', '.join(GROUPINGS)}")
    n = g.vcount()
    if n == 0:
        return []
    if by == "country":
        return [str(c) if c is not None else "?" for c in g.vs["country"]]
    if by == "sector":
        names = g["sectors"] if "sectors" in g.attributes() else {}
        return [
            str(names.get(s[0], s[0])) if s else NO_SECTOR
            for s in (g.vs["sectors"] if "sectors" in g.vs.attributes() else [[]] * n)
        ]
    cities = [str(c) if c is not None else "?" for c in g.vs["city"]]
    countries = [str(c) if c is not None else "?" for c in g.vs["country"]]
    seen: dict[str, set[str]] = {}
    for c, k in zip(cities, countries, strict=True):
        seen.setdefault(c, set()).add(k)
    return [f"{c} ({k})" if len(seen[c]) > 1 else c for c, k in zip(cities, countries, strict=True)]


def resolve_city(g: ig.Graph, text: str) -> tuple[str, np.ndarray]:
    """The city label (as in :func:`group_labels`) and member vertices named by ``text``.

    ``text`` is read by :func:`graphtwin.analysis.lookup.resolve_city` (a name in any
    case, ``"Name, CC"``, ``"Name (CC)"`` or a city id).

    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": ["a"], "name": ["A"], "kind": ["firm"],
    ...     "city": ["Sejong"], "country": ["KR"]}, {})
    >>> resolve_city(g, "sejong, kr")[0]
    'Sejong'
    """
    cid = lookup.resolve_city(g, text)
    members = np.flatnonzero(np.asarray(g.vs["city_id"], dtype=object) == cid)
    if len(members) == 0:
        raise GraphtwinError(f"city {text!r} has no organisations in this graph")
    return group_labels(g, "city")[members[0]], members


# --------------------------------------------------------------------------------------
# Cross-group betweenness
# --------------------------------------------------------------------------------------


def cross_group_betweenness(
    h: ig.Graph,
    codes: np.ndarray,
    pair: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    exact: bool | None = None,
    pivots: int | None = None,
    seed: int = 0,
    limit: int = EXACT_LIMIT,
) -> tuple[np.ndarray, PathSampling]:
    """Share of cross-group shortest paths that pass through each organisation.

    With ``pair = (A, B)`` (vertex index arrays): for every a in A and b in B, the
    fraction of shortest a–b paths (hops) through v, summed and divided by |A|·|B|; igraph
    ``betweenness(sources=A, targets=B)`` gives half that sum for an undirected graph.
    Without a pair: the same over every pair of organisations in different groups
    (``codes``), computed as the sum over groups G of ``betweenness(sources=G,
    targets=not G)`` and divided by the number of such pairs. Endpoints score 0, as in
    betweenness. Sampling: exact for graphs of at most ``limit`` organisations or when
    ``exact``; otherwise ``pivots`` seeded sources (from the smaller city of a pair, or
    from all organisations) with the sum scaled by population/pivots.

    >>> path, codes = ig.Graph([(0, 1), (1, 2)]), np.array([0, 1, 1])
    >>> share, info = cross_group_betweenness(path, codes, (np.array([0]), np.array([2])))
    >>> share.tolist(), info.exact
    ([0.0, 1.0, 0.0], True)
    """
    n = h.vcount()
    out = np.zeros(n)
    if pair is not None:
        a, b, sources, info = pair_sources(
            h, pair, exact=exact, pivots=pivots, seed=seed, limit=limit
        )
        if len(a) == 0 or len(b) == 0:
            return out, info
        raw = np.asarray(
            h.betweenness(directed=False, sources=sources.tolist(), targets=b.tolist()), dtype=float
        )
        raw *= len(a) / len(sources)
        return 2.0 * raw / (len(a) * len(b)), info
    sources, info = choose_pivots(range(n), exact, pivots, seed, limit, h.ecount())
    if n == 0:
        return out, info
    codes = np.asarray(codes, dtype=np.int64)
    sizes = np.bincount(codes)
    cross_pairs = (n * n - float((sizes.astype(float) ** 2).sum())) / 2.0
    if cross_pairs <= 0:
        return out, info
    src_codes = codes[sources]
    order = np.argsort(codes, kind="stable")
    for c in np.unique(src_codes):
        group_sources = sources[src_codes == c]
        targets = order[codes[order] != c]
        out += np.asarray(
            h.betweenness(directed=False, sources=group_sources.tolist(), targets=targets.tolist()),
            dtype=float,
        )
    out *= n / len(sources)
    return out / cross_pairs, info


def pair_sources(
    h: ig.Graph,
    pair: tuple[np.ndarray, np.ndarray],
    *,
    exact: bool | None = None,
    pivots: int | None = None,
    seed: int = 0,
    limit: int = EXACT_LIMIT,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, PathSampling]:
    """(smaller city, other city, source vertices, sampling) of a city pair's path share:
    every member of the smaller city, or seeded pivots from it (see
    :func:`cross_group_betweenness`)."""
    a, b = (np.asarray(x, dtype=np.int64) for x in pair)
    if len(a) > len(b):
        a, b = b, a
    exact_here = True if (exact is None and h.vcount() <= limit) else exact
    sources, info = choose_pivots(a, exact_here, pivots, seed, 0, h.ecount())
    return a, b, sources, info


# --------------------------------------------------------------------------------------
# Structural holes, participation, E–I
# --------------------------------------------------------------------------------------


def effective_size(
    h: ig.Graph, weighted: bool = True, adjacency: sp.csr_matrix | None = None
) -> np.ndarray:
    """Burt's effective size: degree minus the redundancy of the contacts (NaN for isolates).

    ES(i) = Σ_j∈N(i) [1 - Σ_q p_iq m_jq], with p_iq = w_iq / Σ_k w_ik and
    m_jq = w_jq / max_k w_jk (Burt 1992; networkx ``effective_size``). Unweighted it is
    Borgatti's n - 2t/n. The redundancy Σ_j Σ_q w_iq w_qj / max_j runs over the
    triangles (i, q, j); see :func:`_triangle_redundancy`. ``adjacency``: the matching
    (weighted or not) adjacency, if at hand.

    >>> effective_size(ig.Graph.Star(4), weighted=False).tolist()  # a hub of 3 strangers
    [3.0, 1.0, 1.0, 1.0]
    """
    n = h.vcount()
    w = adjacency if adjacency is not None else _adjacency(h, weighted=weighted)
    deg = np.diff(w.indptr).astype(float)
    s = np.asarray(w.sum(axis=1)).ravel()
    top = w.max(axis=1).toarray().ravel() if n else np.zeros(0)
    inv_top = np.divide(1.0, top, out=np.zeros(n), where=top > 0)
    redundancy = _triangle_redundancy(w, deg, inv_top)
    es = deg - np.divide(redundancy, s, out=np.zeros(n), where=s > 0)
    es[deg == 0] = np.nan
    return es


def _triangle_redundancy(w: sp.csr_matrix, deg: np.ndarray, inv_top: np.ndarray) -> np.ndarray:
    """Per ego i: Σ over ordered pairs (q, j) of its contacts that are tied to each other
    of w_iq w_qj / max_j, with ``inv_top`` = 1 / max_j.

    Each triangle a < b < c (vertices ranked by degree) adds two terms to each corner. The
    ties are oriented from lower to higher rank (U), so that every product below costs
    Σ out(v)² or Σ in(v)·out(v) rather than Σ deg(v)² (hubs have few higher-ranked
    neighbours), each term being a masked product read by rows or by columns:

    - corner a: w_ab w_bc / M_c and w_ac w_cb / M_b  (two-paths a→b→c closed by a→c);
    - corners b and c: w_ba w_ac / M_c (row b) and w_ca w_ab / M_b (column c) from
      (Uᵀ U)_bc on b→c; w_bc w_ca / M_a (row b) and w_cb w_ba / M_a (row c) from
      (Uᵀ diag(1/M) U)_bc and _cb.
    """
    n = w.shape[0]
    if n == 0 or w.nnz == 0:
        return np.zeros(n)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), deg))] = np.arange(n)
    coo = w.tocoo()
    up = rank[coo.row] < rank[coo.col]
    uw = sp.csr_matrix((coo.data[up], (coo.row[up], coo.col[up])), shape=(n, n))
    ub = sp.csr_matrix((np.ones(int(up.sum())), (coo.row[up], coo.col[up])), shape=(n, n))
    dm = sp.diags(inv_top)
    dm_uw = (dm @ uw).tocsr()

    def rowsum(m: sp.spmatrix) -> np.ndarray:
        return np.asarray(m.sum(axis=1)).ravel()

    red = rowsum((uw @ (uw @ dm)).multiply(ub))  # a: w_ab w_bc / M_c
    red += rowsum((ub @ dm_uw).multiply(uw))  # a: w_ac w_cb / M_b
    x = (uw.T @ uw).multiply(ub).tocsr()  # (b, c): Σ_a w_ab w_ac on b→c
    red += np.asarray(x @ inv_top).ravel()  # b: w_ba w_ac / M_c
    red += np.asarray(x.T @ inv_top).ravel()  # c: w_ca w_ab / M_b
    y = (ub.T @ dm_uw).tocsr()  # (x, y): Σ_a [a→x] w_ay / M_a
    red += rowsum(y.multiply(uw))  # b: w_bc w_ca / M_a
    red += rowsum(y.multiply(uw.T))  # c: w_cb w_ba / M_a
    return red


def structural_holes(
    h: ig.Graph, weighted: bool = True, adjacency: sp.csr_matrix | None = None
) -> pd.DataFrame:
    """Burt's constraint (igraph ``constraint``) and effective size, NaN for isolates.

    Constraint C(i) = Σ_j (p_ij + Σ_q p_iq p_qj)² with proportional tie strengths p
    (Burt 1992); low constraint = many non-redundant contacts.

    >>> df = structural_holes(ig.Graph.Star(4), weighted=False)
    >>> round(float(df.loc[0, "constraint"]), 4), float(df.loc[0, "effective_size"])
    (0.3333, 3.0)
    """
    df = base_frame(h)
    if h.vcount() == 0:
        df["constraint"] = []
        df["effective_size"] = []
        return df
    w = h.es["weight"] if (weighted and h.ecount()) else None
    df["constraint"] = np.asarray(h.constraint(weights=w), dtype=float)
    df["effective_size"] = effective_size(h, weighted=weighted, adjacency=adjacency)
    return df


def participation(
    h: ig.Graph,
    labels: Sequence[str],
    weighted: bool = True,
    adjacency: sp.csr_matrix | None = None,
) -> np.ndarray:
    """Participation coefficient (Guimerà & Amaral 2005): 1 - Σ_g (s_ig / s_i)².

    s_ig is the strength of i's ties into group g (tie-kind weights; degree when not
    ``weighted``). 0 when all ties stay in one group or for isolates; approaches 1 when
    ties spread evenly over many groups.

    >>> participation(ig.Graph([(0, 1), (1, 2)]), ["X", "Y", "Z"], weighted=False).tolist()
    [0.0, 0.5, 0.0]
    """
    n = h.vcount()
    if n == 0:
        return np.zeros(0)
    codes, names = _codes(labels)
    w = adjacency if adjacency is not None else _adjacency(h, weighted=weighted)
    member = sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, len(names)))
    k = (w @ member).tocsr()
    s = np.asarray(w.sum(axis=1)).ravel()
    sq = np.asarray(k.multiply(k).sum(axis=1)).ravel()
    return np.where(s > 0, 1.0 - sq / np.where(s > 0, s, 1.0) ** 2, 0.0)


def ei_index(h: ig.Graph, labels: Sequence[str]) -> pd.DataFrame:
    """Krackhardt–Stern E–I index per group: (external - internal) / (external + internal).

    Counts ties of the simple graph: internal ties have both ends in the group, external
    ties one. +1: all ties leave the group; -1: all stay inside; NaN: no ties. Sorted by
    group size, largest first.

    >>> ei_index(ig.Graph([(0, 1), (1, 2)]), ["X", "Y", "Y"])["ei_index"].tolist()
    [0.0, 1.0]
    """
    codes, names = _codes(labels) if len(labels) else (np.zeros(0, dtype=np.int64), [])
    sizes = np.bincount(codes, minlength=len(names))
    edges = np.asarray(h.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    cu, cv = codes[edges[:, 0]], codes[edges[:, 1]]
    inside = cu == cv
    internal = np.bincount(cu[inside], minlength=len(names))
    external = np.bincount(cu[~inside], minlength=len(names)) + np.bincount(
        cv[~inside], minlength=len(names)
    )
    total = internal + external
    with np.errstate(divide="ignore", invalid="ignore"):
        ei = np.where(total > 0, (external - internal) / np.where(total > 0, total, 1), np.nan)
    df = pd.DataFrame(
        {
            "group": names,
            "organisations": sizes,
            "internal_ties": internal,
            "external_ties": external,
            "ei_index": ei,
        }
    )
    return df.sort_values(["organisations", "group"], ascending=[False, True]).reset_index(
        drop=True
    )


# --------------------------------------------------------------------------------------
# Cut points: articulation points and bridge ties
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Combined bridge score and reasons
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    labels: list[str]
    pair: tuple[str, str] | None
    pair_members: tuple[np.ndarray, np.ndarray] | None
    partners: dict[int, tuple[list[int], list[int]]] = field(default_factory=dict)


def bridges(
    g: ig.Graph,
    *,
    by: str = "city",
    pair: tuple[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
    exact: bool | None = None,
    pivots: int | None = None,
    seed: int = 0,
    limit: int = EXACT_LIMIT,
    explain: int = 25,
    simple: ig.Graph | None = None,
) -> pd.DataFrame:
    """Every organisation's bridging metrics, a ``bridge_score`` and reasons.

    ``by`` picks the groups (city, country or primary sector) for brokerage,
    participation and, without ``pair``, cross-group betweenness. ``pair`` names two
    cities (see :func:`resolve_city`); then the ranking uses only evidence about that
    pair (:mod:`graphtwin.analysis.pair_evidence`):

    - ``cross_betweenness``: share of the A–B shortest paths through the organisation;
    - ``pair_two_paths`` / ``pair_role``: untied A–B pairs it brokers directly (a–v–b),
      as ``liaison`` (in neither city) or ``representative`` (in one of them);
    - ``dependence``: share of A–B pairs whose every shortest path runs through it
      (the top :data:`~graphtwin.analysis.pair_evidence.DEPENDENCE_CANDIDATES` by path
      share; NaN for the others);
    - ``connects_pair``: path share > 0 or at least one A–B two-path.

    bridge_score = path share + 0.01 × mean(dependence, two-paths / (|A|·|B|))
    (:func:`~graphtwin.analysis.pair_evidence.pair_score`): the path share decides, the
    other pair terms only break near-ties. Without a pair the same with cross-group
    paths and the cross-group brokerage share (representative, gatekeeper, liaison).
    Brokerage z-scores, constraint, effective size, participation and cut points are
    context columns: they never lift an organisation. Organisations that do not connect
    the pair score 0 and come last.

    Returns all organisations, best first, with their ``group``; the first ``explain``
    rows get a one-line ``reason``. ``df.attrs`` holds ``sampling``
    (:class:`~graphtwin.analysis.centrality.PathSampling`), ``by``, ``pair`` (labels)
    and, with a pair, ``connecting`` (how many organisations connect it) and
    ``dependence_sources``.
    """
    h = simple if simple is not None else simple_view(g, weights)
    labels = group_labels(h, by)
    codes, _ = _codes(labels) if labels else (np.zeros(0, dtype=np.int64), [])
    members = None
    pair_labels = None
    if pair is not None:
        la, ma = resolve_city(h, pair[0])
        lb, mb = resolve_city(h, pair[1])
        if la == lb:
            raise GraphtwinError(f"the two cities are the same ({la}); name two different cities")
        members, pair_labels = (ma, mb), (la, lb)
    cross, info = cross_group_betweenness(
        h, codes, members, exact=exact, pivots=pivots, seed=seed, limit=limit
    )
    weighted = _adjacency(h, weighted=True)
    df = brokerage(h, labels, adjacency=weighted)
    holes = structural_holes(h, adjacency=weighted)
    df["constraint"] = holes["constraint"].to_numpy()
    df["effective_size"] = holes["effective_size"].to_numpy()
    df["participation"] = participation(h, labels, adjacency=weighted)
    cuts = cut_points(h)
    for col in ("articulation", "cut_parts", "bridge_ties"):
        df[col] = cuts[col].to_numpy()
    df.insert(len(BASE_COLUMNS), "cross_betweenness", cross)
    z = df[[f"z_{r}" for r in CROSS_ROLES]].to_numpy(dtype=float)
    df["brokerage_z"] = np.nan_to_num(z, nan=0.0).mean(axis=1) if len(df) else []
    df["group"] = labels
    partners: dict[int, tuple[list[int], list[int]]] = {}
    if members is not None:
        score, partners = _pair_columns(
            h, df, members, cross, exact=exact, pivots=pivots, seed=seed, limit=limit,
            explain=explain,
        )  # fmt: skip
        keys = ["connects_pair", "bridge_score", "cross_betweenness", "pair_two_paths"]
    else:
        n = h.vcount()
        sizes = np.bincount(codes).astype(float) if n else np.zeros(0)
        cross_pairs = (n * n - float((sizes**2).sum())) / 2.0
        brokered = df[list(CROSS_ROLES)].to_numpy(dtype=float).sum(axis=1) / 2.0
        share = brokered / cross_pairs if cross_pairs > 0 else np.zeros(n)
        score = pair_score(cross, np.zeros(n), share)
        keys = ["bridge_score", "cross_betweenness"]
    df.insert(len(BASE_COLUMNS), "bridge_score", score)
    df = df.sort_values(keys, ascending=False, kind="stable")
    order = df.index.to_numpy()
    context = _Context(labels, pair_labels, members, partners)
    reasons: list[str | None] = [None] * len(df)
    for pos, v in enumerate(order[: max(explain, 0)]):
        reasons[pos] = explain_bridge(h, int(v), df.loc[v], context)
    df["reason"] = reasons
    df = df.reset_index(drop=True)
    df.attrs.update(sampling=info, by=by, pair=pair_labels)
    if members is not None:
        df.attrs["connecting"] = int(df["connects_pair"].sum())
    return df


def _pair_columns(
    h: ig.Graph,
    df: pd.DataFrame,
    members: tuple[np.ndarray, np.ndarray],
    cross: np.ndarray,
    *,
    exact: bool | None,
    pivots: int | None,
    seed: int,
    limit: int,
    explain: int,
) -> tuple[np.ndarray, dict[int, tuple[list[int], list[int]]]]:
    """Add the pair evidence columns to ``df`` (vertex order); return the pair score and
    the path partners (A side, B side) of the organisations to explain."""
    n = h.vcount()
    ma, mb = members
    two = pair_two_paths(h, ma, mb)
    roles = pair_roles(n, ma, mb)
    _, other, sources, _ = pair_sources(
        h, members, exact=exact, pivots=pivots, seed=seed, limit=limit
    )
    connects = (cross > 0) | (two > 0)
    order = np.lexsort((-two, -cross))
    candidates = order[:DEPENDENCE_CANDIDATES][connects[order[:DEPENDENCE_CANDIDATES]]]
    dep_sources = dependence_sources(sources, h.ecount(), seed)
    bare = bare_graph(h)
    base = distance_matrix(bare, dep_sources, other)
    dep = np.full(n, np.nan)
    dep[candidates] = dependence(bare, dep_sources, other, candidates, base)
    brokered = two / max(len(ma) * len(mb), 1)
    score = np.where(connects, pair_score(cross, dep, brokered), 0.0)
    df["pair_two_paths"] = two
    df["pair_role"] = np.where(two > 0, roles, "")
    df["dependence"] = dep
    df["connects_pair"] = connects
    df.attrs["dependence_sources"] = len(dep_sources)
    # Path partners of the rows that will be explained (best first, connecting only).
    partners: dict[int, tuple[list[int], list[int]]] = {}
    ranked = np.lexsort((-two, -cross, -score))
    explained = [int(v) for v in ranked[: max(explain, 0)] if connects[v]][:MAX_PARTNER_ROWS]
    a_first = len(ma) <= len(mb)  # pair_sources draws from the smaller city
    for v in explained if len(dep_sources) else []:
        from_small, from_other = path_partners(bare, v, dep_sources, other, base)
        partners[v] = (from_small, from_other) if a_first else (from_other, from_small)
    return score, partners


def short_name(name: str) -> str:
    """A short form for reasons: a trailing bracket when it abbreviates the name, else the
    name without the bracket.

    The bracket abbreviates the name when each of its words is either a word of the name
    or an acronym (capitals and digits) whose letters follow the capitals of the name in
    order, and at least one word is such an acronym. A bracket that names a
    place, a country or anything else (``Samsung Electronics (South Korea)``) never
    replaces the name.

    >>> short_name("Invest Northern Ireland (Invest NI)")
    'Invest NI'
    >>> short_name("Sejong City (Sejong Special Self-Governing City government)")
    'Sejong City'
    >>> short_name("Samsung Electronics (South Korea)")
    'Samsung Electronics'
    """
    m = re.match(r"^(.+?)\s*\(([^()]+)\)\s*$", name)
    if not m:
        return name
    outer, inner = m.group(1).strip(), m.group(2).strip()
    return inner if _abbreviates(inner, outer) else outer


def _abbreviates(inner: str, outer: str) -> bool:
    words = re.findall(r"[\w'&]+", outer)
    lower = {w.lower() for w in words}
    initials = re.sub(r"[^A-Z0-9]", "", outer)
    acronyms = 0
    for token in inner.split():
        if token.lower() in lower and not token.isupper():
            continue
        letters = re.sub(r"[^A-Z0-9]", "", token)
        if len(letters) < 2 or letters != re.sub(r"[^A-Za-z0-9]", "", token).upper():
            return False
        it = iter(initials)
        if not all(ch in it for ch in letters):
            return False
        acronyms += 1
    return acronyms > 0


def _names(h: ig.Graph, vertices: list[int], shown: int = 2) -> str:
    names = [short_name(str(h.vs[v]["name"])) for v in vertices[:shown]]
    extra = len(vertices) - shown
    return ", ".join(names) + (f" +{extra} more" if extra > 0 else "")


def explain_bridge(h: ig.Graph, v: int, row: pd.Series, context: _Context) -> str:
    """One line on why organisation ``v`` bridges.

    With a city pair: the A-side and B-side partners it is tied to, its share of the
    A–B shortest paths with the A and B organisations at their ends, the pairs that
    depend on it, the A–B pairs it brokers directly, then cut-point flags. Example:
    ``links Belfast (Belfast City Council, QUB) with Sejong (Sejong Technopark); on 40%
    of Belfast–Sejong shortest paths, between Belfast (Invest NI +3 more) and Sejong
    (Sejong City +2 more); sole route for 25% of the pairs; articulation point (2 parts)``.
    Without a pair: the groups and partners it links, cut-point flags and its strongest
    cross-group brokerage role.
    """
    labels = context.labels
    by_group = _partners_by_group(h, v, labels)
    if context.pair is not None:
        return _explain_pair(h, v, row, context, by_group)
    group_weight = {gname: w for gname, (_, w) in by_group.items()}
    first = [labels[v]] if labels[v] in by_group else []
    rest = sorted(
        (gname for gname in by_group if gname not in first), key=lambda x: (-group_weight[x], x)
    )
    ordered = first + rest
    shown = [f"{gname} ({_names(h, by_group[gname][0])})" for gname in ordered[:3]]
    more = len(ordered) - 3
    if not shown:
        text = "no ties"
    elif len(shown) == 1:
        inside = ordered[0] == labels[v]
        text = f"ties only within {shown[0]}" if inside else f"tied only to {shown[0]}"
    else:
        text = "links " + shown[0] + " with " + " and ".join(shown[1:])
        if more > 0:
            text += f" (+{more} more groups)"
    flags = [text, *_cut_flags(row)]
    best = max(CROSS_ROLES, key=lambda r: np.nan_to_num(float(row[f"z_{r}"]), nan=-np.inf))
    zb = float(row[f"z_{best}"])
    if np.isfinite(zb) and zb >= 2.0 and int(row[best]) > 0:
        flags.append(f"{best} for {int(row[best])} pairs (z {zb:.1f})")
    return "; ".join(flags)


def _partners_by_group(
    h: ig.Graph, v: int, labels: list[str]
) -> dict[str, tuple[list[int], float]]:
    """v's partners per group, strongest tie first, with the group's summed tie weight."""
    weight_of: dict[int, float] = {}
    for e in h.incident(v):
        edge = h.es[e]
        u = edge.target if edge.source == v else edge.source
        weight_of[u] = weight_of.get(u, 0.0) + float(edge["weight"])
    by_group: dict[str, list[int]] = {}
    for u in sorted(weight_of, key=lambda u: (-weight_of[u], str(h.vs[u]["name"]))):
        by_group.setdefault(labels[u], []).append(u)
    return {gname: (us, sum(weight_of[u] for u in us)) for gname, us in by_group.items()}


def _cut_flags(row: pd.Series) -> list[str]:
    flags = []
    if bool(row["articulation"]):
        flags.append(f"articulation point ({int(row['cut_parts'])} parts)")
    if int(row["bridge_ties"]) > 0:
        k = int(row["bridge_ties"])
        flags.append(f"{k} bridge tie{'s' if k != 1 else ''}")
    return flags


def share_text(x: float) -> str:
    """A share as a percentage that never shows a non-zero share as 0%.

    >>> share_text(0.346), share_text(0.004), share_text(0.00002), share_text(0.0)
    ('35%', '0.4%', '<0.1%', '0%')
    """
    if x <= 0:
        return "0%"
    if x >= 0.01:
        return f"{x:.0%}"
    return f"{x:.1%}" if x >= 0.001 else "<0.1%"


def _explain_pair(
    h: ig.Graph,
    v: int,
    row: pd.Series,
    context: _Context,
    by_group: dict[str, tuple[list[int], float]],
) -> str:
    assert context.pair is not None
    la, lb = context.pair
    tied = [f"{c} ({_names(h, by_group[c][0])})" for c in (la, lb) if c in by_group]
    if len(tied) == 2:
        flags = [f"links {tied[0]} with {tied[1]}"]
    elif tied:
        missing = lb if tied[0].startswith(f"{la} (") else la
        flags = [f"tied to {tied[0]}, not to {missing}"]
    else:
        flags = [f"no tie in {la} or {lb}"]
    cross = float(row["cross_betweenness"])
    if cross > 0:
        text = f"on {share_text(cross)} of {la}–{lb} shortest paths"
        side_a, side_b = context.partners.get(v, ([], []))
        if side_a and side_b:
            text += f", between {la} ({_names(h, side_a)}) and {lb} ({_names(h, side_b)})"
        flags.append(text)
    dep = float(row["dependence"])
    if np.isfinite(dep) and dep > 0:
        flags.append(f"sole route for {share_text(dep)} of the {la}–{lb} pairs")
    two = int(row["pair_two_paths"])
    if two > 0:
        noun = "pair" if two == 1 else "pairs"
        flags.append(f"{row['pair_role']} for {two:,} untied {la}–{lb} {noun}")
    if not bool(row["connects_pair"]):
        flags.append(f"carries no {la}–{lb} connection")
    return "; ".join(flags + _cut_flags(row))
