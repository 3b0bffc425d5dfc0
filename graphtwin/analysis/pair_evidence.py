"""Who carries the connections between *two* cities: pair-specific bridging evidence.

For two cities A and B (disjoint vertex sets of a simple undirected graph), per
organisation v:

- ``cross_betweenness`` (path share, computed in :mod:`graphtwin.analysis.bridging`): the
  mean over all pairs (a, b) in A × B of the fraction of shortest a–b paths through v;
- :func:`pair_two_paths`: Gould–Fernandez brokerage restricted to the pair, the untied
  pairs (a, b) with a–v–b (a in A, b in B, no a–b tie), by role: ``liaison`` when v is in
  neither city, ``representative`` when v belongs to A or B (it brokers for its own city);
- :func:`dependence`: the share of A–B pairs for which *every* shortest path runs through
  v, i.e. that would be pushed further apart (or disconnected) without it; a lower bound
  of the path share, computed for the top candidates only (one breadth-first search per
  source and candidate);
- :func:`path_partners`: the A-side and B-side organisations whose shortest paths run
  through v, for the explanations.

:func:`pair_score` ranks on the path share; the other pair terms only break near-ties
(docs/metrics.md).

Example:
    >>> import igraph as ig
    >>> h = ig.Graph([(0, 2), (2, 1), (0, 1), (3, 4), (4, 1)])  # A = {0, 3}, B = {1}
    >>> pair_two_paths(h, np.array([0, 3]), np.array([1])).tolist()  # 2 closes 0-1
    [0, 0, 0, 0, 1]
"""

from __future__ import annotations

import igraph as ig
import numpy as np
import scipy.sparse as sp

#: Width of a near-tie in path share: tie-breaking terms move a score by at most this,
#: so a difference in path share above one percentage point is never reversed.
TIE_BAND = 0.01
#: Candidates (best path share first) whose dependence is computed.
DEPENDENCE_CANDIDATES = 10
#: At most this many sources for dependence and partners (a seeded subset of the
#: path-share sources when there are more), fewer on large graphs (see
#: :func:`dependence_sources`).
DEPENDENCE_SOURCES = 64
#: ... so that sources × (candidates + 1) × ties stays within this budget ...
DEPENDENCE_BUDGET = 100_000_000
#: ... but never fewer sources than this.
MIN_DEPENDENCE_SOURCES = 8


def pair_two_paths(h: ig.Graph, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Untied A–B pairs (a, b) with a tie a–v and a tie v–b, per organisation v.

    Count = |N(v) ∩ A| · |N(v) ∩ B| minus the pairs among them that are tied (a masked
    sparse product), so each unordered pair counts once.
    """
    n = h.vcount()
    if n == 0 or h.ecount() == 0 or len(a) == 0 or len(b) == 0:
        return np.zeros(n, dtype=np.int64)
    edges = np.asarray(h.get_edgelist(), dtype=np.int64)
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    adj = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    adj.data[:] = 1.0
    xa = adj[:, a].tocsr()
    xb = adj[:, b].tocsr()
    na = np.asarray(xa.sum(axis=1)).ravel()
    nb = np.asarray(xb.sum(axis=1)).ravel()
    ab = adj[a][:, b].tocsr()
    closed = np.asarray((xa @ ab).multiply(xb).sum(axis=1)).ravel()
    return np.rint(na * nb - closed).astype(np.int64)


def pair_roles(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``representative`` for members of A or B, ``liaison`` for everyone else."""
    roles = np.full(n, "liaison", dtype=object)
    roles[a] = "representative"
    roles[b] = "representative"
    return roles


def dependence_sources(sources: np.ndarray, ties: int, seed: int) -> np.ndarray:
    """The sources of :func:`dependence`: ``sources`` (already drawn from the smaller
    city), or a seeded subset of at most :data:`DEPENDENCE_SOURCES`, fewer when
    sources × (:data:`DEPENDENCE_CANDIDATES` + 1) × ``ties`` would exceed
    :data:`DEPENDENCE_BUDGET`, never below :data:`MIN_DEPENDENCE_SOURCES`.

    >>> len(dependence_sources(np.arange(1000), ties=500_000, seed=0))
    18
    """
    per_source = (DEPENDENCE_CANDIDATES + 1) * max(ties, 1)
    cap = max(MIN_DEPENDENCE_SOURCES, min(DEPENDENCE_SOURCES, DEPENDENCE_BUDGET // per_source))
    if len(sources) <= cap:
        return np.asarray(sources, dtype=np.int64)
    rng = np.random.default_rng(seed + 1)
    return np.sort(rng.choice(np.asarray(sources), size=int(cap), replace=False))


def bare_graph(h: ig.Graph) -> ig.Graph:
    """The topology of ``h`` without attributes (cheap to copy)."""
    return ig.Graph(n=h.vcount(), edges=h.get_edgelist())


def dependence(
    bare: ig.Graph,
    sources: np.ndarray,
    targets: np.ndarray,
    candidates: np.ndarray,
    base: np.ndarray | None = None,
) -> np.ndarray:
    """Share of the (source, target) pairs whose distance grows when v is removed (every
    shortest path runs through v, v not an endpoint), per candidate v.

    The denominator is every pair, as in the path share (connected or not, v's own
    included), so that dependence is never above the path share.

    >>> path = ig.Graph([(0, 1), (1, 2), (0, 3), (3, 2)])  # two routes 0-1-2 and 0-3-2
    >>> dependence(path, np.array([0]), np.array([2]), np.array([1, 3])).tolist()
    [0.0, 0.0]
    >>> dependence(ig.Graph([(0, 1), (1, 2)]), np.array([0]), np.array([2]), np.array([1]))
    array([1.])
    """
    out = np.zeros(len(candidates))
    if len(sources) == 0 or len(targets) == 0 or len(candidates) == 0:
        return out
    src, tgt = sources.tolist(), targets.tolist()
    if base is None:
        base = distance_matrix(bare, sources, targets)
    for i, v in enumerate(np.asarray(candidates, dtype=np.int64).tolist()):
        cut = bare.copy()
        cut.delete_edges(cut.incident(v))
        after = np.asarray(cut.distances(source=src, target=tgt), dtype=float)
        keep = (sources != v)[:, None] & (targets != v)[None, :]
        grown = np.isfinite(base) & (after > base) & keep
        out[i] = grown.sum() / base.size
    return out


def distance_matrix(bare: ig.Graph, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Hops from every source to every target (inf when disconnected)."""
    if len(sources) == 0 or len(targets) == 0:
        return np.zeros((len(sources), len(targets)))
    d = bare.distances(source=sources.tolist(), target=targets.tolist())
    return np.asarray(d, dtype=float)


def path_partners(
    bare: ig.Graph, v: int, sources: np.ndarray, targets: np.ndarray, base: np.ndarray
) -> tuple[list[int], list[int]]:
    """The sources and the targets of the (source, target) pairs with v on a shortest
    path (v not an endpoint), each sorted by how many such pairs it has, most first.

    ``base`` is the source × target distance matrix.
    """
    dv = np.asarray(bare.distances(source=[int(v)])[0], dtype=float)
    on = (dv[sources][:, None] + dv[targets][None, :]) == base
    on &= np.isfinite(base)
    on &= (sources != v)[:, None] & (targets != v)[None, :]
    by_source, by_target = on.sum(axis=1), on.sum(axis=0)

    def ranked(members: np.ndarray, counts: np.ndarray) -> list[int]:
        idx = np.flatnonzero(counts > 0)
        order = idx[np.lexsort((members[idx], -counts[idx]))]
        return members[order].tolist()

    return ranked(sources, by_source), ranked(targets, by_target)


def pair_score(
    path_share: np.ndarray, dependence_share: np.ndarray, brokered: np.ndarray
) -> np.ndarray:
    """path share + :data:`TIE_BAND` × mean(dependence, share of A–B pairs brokered).

    The main term is the path share; the other two (each a share of the A–B pairs, in
    [0, 1]; dependence 0 where not computed) move a score by at most one percentage
    point, so they only order organisations whose path shares are that close.

    >>> pair_score(np.array([0.30, 0.295, 0.0]), np.array([0.0, 0.8, 0.0]),
    ...            np.array([0.0, 0.2, 0.0])).round(4).tolist()
    [0.3, 0.3, 0.0]
    """
    tiebreak = (np.nan_to_num(dependence_share) + np.asarray(brokered, dtype=float)) / 2.0
    return np.asarray(path_share, dtype=float) + TIE_BAND * np.clip(tiebreak, 0.0, 1.0)
