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
- :func:`~graphtwin.analysis.cuts.cut_points` and
  :func:`~graphtwin.analysis.cuts.bridge_edges`: articulation points and bridge ties;
- :func:`bridges`: all of the above per organisation, with a city pair the pair
  evidence of :mod:`graphtwin.analysis.pair_evidence`, a ``bridge_score`` and a one-line
  ``reason`` (:mod:`graphtwin.analysis.reasons`) for the top organisations.

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

from collections.abc import Mapping, Sequence

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
from graphtwin.analysis.cuts import bridge_edges, cut_points
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
from graphtwin.analysis.reasons import ReasonContext, explain_bridge, share_text, short_name
from graphtwin.errors import GraphtwinError

#: Groupings understood by :func:`group_labels`.
GROUPINGS: tuple[str, ...] = ("city", "country", "sector")
#: Re-exported for callers of this module (the CLI, notebooks, tests).
__all__ = [
    "GROUPINGS", "NO_SECTOR", "bridge_edges", "bridges", "cross_group_betweenness",
    "cut_points", "effective_size", "ei_index", "group_labels", "pair_sources",
    "participation", "resolve_city", "share_text", "short_name", "structural_holes",
]  # fmt: skip
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
# Combined bridge score and reasons
# --------------------------------------------------------------------------------------


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
    context = ReasonContext(labels, pair_labels, members, partners)
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
