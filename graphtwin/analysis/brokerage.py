"""Gould–Fernandez brokerage roles with the z-scores of R's sna::brokerage.

Every ordered two-path i→v→k with no arc i→k makes v a broker (undirected ties count as
two arcs, as sna does for symmetric data). Its role depends on the groups of i, v and k:
coordinator (all one group, w_I), itinerant (i and k share a group other than v's, w_O),
representative (i with v, k elsewhere, b_IO), gatekeeper (k with v, i elsewhere, b_OI),
liaison (three different groups, b_O). Counts come from sparse matrix products;
z-scores use sna's expectations and variances under random group assignment. This
module also holds the sparse helpers that the other bridging metrics share.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": list("abc"), "name": list("ABC"), "kind": ["firm"] * 3,
    ...     "city": ["X", "Y", "Z"], "country": ["GB"] * 3},
    ...     {"source": ["a", "b"], "target": ["b", "c"], "kind": ["project"] * 2})
    >>> brokerage(g, ["X", "Y", "Z"])["liaison"].tolist()
    [0, 2, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphtwin.analysis.centrality import base_frame

#: Gould–Fernandez roles in sna's column order, with sna's names.
BROKERAGE_ROLES: tuple[str, ...] = (
    "coordinator",
    "itinerant",
    "representative",
    "gatekeeper",
    "liaison",
)
SNA_NAMES: dict[str, str] = {
    "coordinator": "w_I",
    "itinerant": "w_O",
    "representative": "b_IO",
    "gatekeeper": "b_OI",
    "liaison": "b_O",
    "total": "t",
}
#: Roles whose broker mediates between groups (used in the bridge score).
CROSS_ROLES: tuple[str, ...] = ("representative", "gatekeeper", "liaison")


def _codes(labels: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    """Integer group codes (0..G-1) and the group names in code order."""
    names, codes = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    return codes.astype(np.int64), [str(x) for x in names]


# --------------------------------------------------------------------------------------
# Sparse helpers
# --------------------------------------------------------------------------------------


def _adjacency(h: ig.Graph, weighted: bool) -> sp.csr_matrix:
    """Symmetric CSR adjacency of a simple undirected graph (weights or ones)."""
    n = h.vcount()
    if h.ecount() == 0:
        return sp.csr_matrix((n, n), dtype=float)
    edges = np.asarray(h.get_edgelist(), dtype=np.int64)
    w = np.asarray(h.es["weight"], dtype=float) if weighted else np.ones(len(edges))
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    data = np.concatenate([w, w])
    a = sp.csr_matrix((data, (rows, cols)), shape=(n, n))
    a.sum_duplicates()
    return a


def _row_blocks(a: sp.csr_matrix, budget: int = 4_000_000) -> list[tuple[int, int]]:
    """Row ranges whose two-path work (sum over rows of neighbour degrees) fits ``budget``.

    Bounds the memory of chunked masked products ``(A[rows] @ B) ∘ A[rows]``.
    """
    n = a.shape[0]
    if n == 0:
        return []
    deg = np.diff(a.indptr).astype(np.int64)
    work = np.asarray(a.astype(bool).astype(np.int64) @ deg).ravel() + 1
    cum = np.cumsum(work)
    blocks, start = [], 0
    while start < n:
        limit = (cum[start - 1] if start else 0) + budget
        stop = int(np.searchsorted(cum, limit, side="right"))
        stop = max(stop, start + 1)
        blocks.append((start, min(stop, n)))
        start = stop
    return blocks


def _masked_rowsum(
    left: sp.csr_matrix, right: sp.csr_matrix, mask: sp.csr_matrix, blocks: list[tuple[int, int]]
) -> np.ndarray:
    """Row sums of ``(left @ right) ∘ mask``, computed block of rows by block of rows."""
    out = np.zeros(left.shape[0])
    for r0, r1 in blocks:
        prod = left[r0:r1] @ right
        out[r0:r1] = np.asarray(prod.multiply(mask[r0:r1]).sum(axis=1)).ravel()
    return out


# --------------------------------------------------------------------------------------
# Gould–Fernandez brokerage (sna::brokerage)
# --------------------------------------------------------------------------------------


def triangle_counts(h: ig.Graph) -> np.ndarray:
    """Triangles at each vertex of a simple graph (from igraph's local transitivity)."""
    k = np.asarray(h.degree(), dtype=float)
    c = np.asarray(h.transitivity_local_undirected(mode="zero"), dtype=float)
    return np.rint(c * k * (k - 1) / 2.0)


def brokerage_counts(
    adj: sp.spmatrix, codes: np.ndarray, triangles: np.ndarray | None = None
) -> np.ndarray:
    """Gould–Fernandez role counts per vertex (n × 5, roles in :data:`BROKERAGE_ROLES` order).

    ``adj`` is a symmetric adjacency without loops (read as binary); each undirected tie
    is two arcs, as sna does for undirected data. A vertex j brokers every ordered pair
    (i, k), i ≠ k, with arcs i→j and j→k but no arc i→k; the role follows the groups:
    coordinator (all three in one group), itinerant (i, k share a group j is not in),
    representative (i with j, k elsewhere), gatekeeper (k with j, i elsewhere), liaison
    (three different groups). Counted in closed form per vertex from its neighbour
    group counts, minus the pairs closed by a triangle, which are counted by masked
    sparse products of the same-group and cross-group adjacency blocks. Given the
    number of ``triangles`` at each vertex (:func:`triangle_counts`), the costly
    same-group × same-group product is replaced by a difference, and the three products
    left involve cross-group ties only.

    >>> path = sp.csr_matrix(np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]]))
    >>> brokerage_counts(path, np.array([0, 1, 2]))[1].tolist()  # b is a liaison twice
    [0, 0, 0, 0, 2]
    """
    a = sp.csr_matrix(adj, dtype=float, copy=True)  # never touch the caller's weights
    a.data[:] = 1.0
    a.eliminate_zeros()
    n = a.shape[0]
    codes = np.asarray(codes, dtype=np.int64)
    if n == 0:
        return np.zeros((0, 5))
    n_groups = int(codes.max()) + 1
    member = sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, n_groups))
    per_group = (a @ member).tocsr()  # neighbours of j in each group
    deg = np.asarray(a.sum(axis=1)).ravel()
    own = np.asarray(per_group[np.arange(n), codes]).ravel()
    sq = np.asarray(per_group.multiply(per_group).sum(axis=1)).ravel()
    other = deg - own
    sq_other = sq - own**2

    coo = a.tocoo()
    same = codes[coo.row] == codes[coo.col]
    a_s = sp.csr_matrix((coo.data * same, (coo.row, coo.col)), shape=(n, n))
    a_d = sp.csr_matrix((coo.data * ~same, (coo.row, coo.col)), shape=(n, n))
    a_s.eliminate_zeros()
    a_d.eliminate_zeros()
    blocks = _row_blocks(a)
    tri_odd = _masked_rowsum(a_d, a_s, a_d, blocks) / 2.0  # i, k share a group, j not
    tri_pair = _masked_rowsum(a_s, a_d, a_d, blocks)  # j with one of them
    tri_diff = _masked_rowsum(a_d, a_d, a_d, blocks) / 2.0  # three groups
    if triangles is None:
        tri_same = _masked_rowsum(a_s, a_s, a_s, blocks) / 2.0  # j, i, k all one group
    else:
        tri_same = np.asarray(triangles, dtype=float) - tri_odd - tri_pair - tri_diff

    counts = np.empty((n, 5))
    counts[:, 0] = own * (own - 1) - 2 * tri_same
    counts[:, 1] = sq_other - other - 2 * tri_odd
    counts[:, 2] = own * other - tri_pair
    counts[:, 3] = counts[:, 2]
    counts[:, 4] = other**2 - sq_other - 2 * tri_diff
    return np.rint(counts).astype(np.int64)


def brokerage_moments(codes: np.ndarray, arcs: int) -> tuple[np.ndarray, np.ndarray]:
    """sna::brokerage's expected counts and standard deviations per vertex (n × 6).

    Columns: the five roles in :data:`BROKERAGE_ROLES` order, then the total. They
    depend only on the broker's group size n_i, the number of vertices N and the arc
    density d = arcs / (N (N - 1)) (Gould & Fernandez 1989, as coded in sna's
    ``brokerage``): with q = d²(1-d) and r = d³(1-d)³,

    - coordinator: E = q (n_i-1)(n_i-2); Var = E(1-q) + 2 (n_i-1)(n_i-2)(n_i-3) r
    - itinerant: E = q Σ_{h≠i} n_h(n_h-1); Var = E(1-q) + 2 Σ_{h≠i} n_h(n_h-1)(n_h-2) r
    - representative = gatekeeper: E = q (N-n_i)(n_i-1);
      Var = E(1-q) + 2 [(n_i-1) C(N-n_i, 2) + (N-n_i) C(n_i-1, 2)] r
    - liaison: E = q [(Σ_{h≠i} n_h)² - Σ_{h≠i} n_h²]; Var = E(1-q) + 4 Σ_{h≠i} n_h C(N-n_h-n_i, 2) r
    - total: E = q (N-1)(N-2); Var = E(1-q) + 2 (N-1)(N-2)(N-3) r

    >>> exp, sd = brokerage_moments(np.array([0, 1, 2]), arcs=4)
    >>> round(float(exp[1, 4]), 4), round(float(sd[1, 4]), 4)  # liaison: 8/27, √184/27
    (0.2963, 0.5024)
    """
    codes = np.asarray(codes, dtype=np.int64)
    n_vertices = len(codes)
    if n_vertices < 2:
        return np.zeros((n_vertices, 6)), np.zeros((n_vertices, 6))
    big_n = float(n_vertices)
    d = arcs / (big_n * (big_n - 1))
    q = d * d * (1 - d)
    r = d**3 * (1 - d) ** 3
    ni = np.bincount(codes).astype(float)
    s1, s2, s3 = ni.sum(), (ni**2).sum(), (ni**3).sum()
    rest1, rest2, rest3 = s1 - ni, s2 - ni**2, s3 - ni**3

    def choose2(x: np.ndarray) -> np.ndarray:
        return x * (x - 1) / 2.0

    e = np.zeros((len(ni), 6))
    v = np.zeros((len(ni), 6))
    e[:, 0] = q * (ni - 1) * (ni - 2)
    v[:, 0] = e[:, 0] * (1 - q) + 2 * (ni - 1) * (ni - 2) * (ni - 3) * r
    e[:, 1] = q * (rest2 - rest1)  # Σ_{h≠i} n_h(n_h-1)
    # Σ_{h≠i} n_h(n_h-1)(n_h-2) = Σ n³ - 3 Σ n² + 2 Σ n over h ≠ i
    v[:, 1] = e[:, 1] * (1 - q) + 2 * (rest3 - 3 * rest2 + 2 * rest1) * r
    e[:, 2] = q * (big_n - ni) * (ni - 1)
    v[:, 2] = (
        e[:, 2] * (1 - q)
        + 2 * ((ni - 1) * choose2(big_n - ni) + (big_n - ni) * choose2(ni - 1)) * r
    )
    e[:, 3], v[:, 3] = e[:, 2], v[:, 2]
    e[:, 4] = q * (rest1**2 - rest2)
    # Σ_{h≠i} n_h C(a - n_h, 2) with a = N - n_i, expanded as a polynomial in n_h
    a_ = big_n - ni
    liaison_sum = ((a_**2 - a_) * rest1 - (2 * a_ - 1) * rest2 + rest3) / 2.0
    v[:, 4] = e[:, 4] * (1 - q) + 4 * liaison_sum * r
    e[:, 5] = q * (big_n - 1) * (big_n - 2)
    v[:, 5] = e[:, 5] * (1 - q) + 2 * (big_n - 1) * (big_n - 2) * (big_n - 3) * r
    return e[codes], np.sqrt(np.maximum(v, 0.0))[codes]


def brokerage(
    h: ig.Graph, labels: Sequence[str], adjacency: sp.csr_matrix | None = None
) -> pd.DataFrame:
    """Gould–Fernandez brokerage table: raw role counts, their total and z-scores.

    Columns after the base ones: the five roles of :data:`BROKERAGE_ROLES`, ``total``,
    then ``z_<role>`` and ``z_total`` = (count - E) / sd with sna's moments
    (:func:`brokerage_moments`); z is NaN where sd is 0 (e.g. a one-member group). ``h``
    must be simple (see :func:`~graphtwin.analysis.projection.simple_view`);
    ``adjacency`` may pass its (weighted or not) adjacency matrix to save building it.

    >>> df = brokerage(ig.Graph([(0, 1), (1, 2)]), ["X", "Y", "Z"])
    >>> df.loc[1, ["liaison", "total"]].tolist(), round(float(df.loc[1, "z_liaison"]), 3)
    ([2, 2], 3.391)
    """
    codes, _ = _codes(labels) if len(labels) else (np.zeros(0, dtype=np.int64), [])
    adj = adjacency if adjacency is not None else _adjacency(h, weighted=False)
    counts = brokerage_counts(adj, codes, triangle_counts(h) if h.vcount() else None)
    full = np.column_stack([counts, counts.sum(axis=1)]) if len(codes) else np.zeros((0, 6))
    exp, sd = brokerage_moments(codes, int(adj.nnz))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(sd > 0, (full - exp) / np.where(sd > 0, sd, 1.0), np.nan)
    df = base_frame(h)
    names = [*BROKERAGE_ROLES, "total"]
    for i, role in enumerate(names):
        df[role] = full[:, i].astype(np.int64)
    for i, role in enumerate(names):
        df[f"z_{role}"] = z[:, i]
    return df
