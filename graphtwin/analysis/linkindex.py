"""The sparse index that every link-prediction score of ``potential`` is computed from.

:class:`LinkIndex` holds the matrices of one graph (binary and weighted adjacency of the
simple undirected graph, organisation × sector incidence, helix sphere per
organisation); :class:`Block` holds the raw scores of one row chunk of a rows × cols
block of candidate pairs. Formulas and references are in
:mod:`graphtwin.analysis.potential`; the scores agree with networkx's link-prediction
functions (tests/unit/test_potential.py).

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": ["qub", "cpc", "skku"], "name": ["QUB", "CPC", "SKKU"],
    ...      "kind": ["university", "catapult", "university"],
    ...      "city": ["Belfast", "London", "Suwon"], "country": ["GB", "GB", "KR"]},
    ...     {"source": ["qub", "cpc"], "target": ["cpc", "skku"], "kind": ["project"] * 2})
    >>> LinkIndex(g).A.toarray().astype(int).tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import igraph as ig
import numpy as np
import scipy.sparse as sp

from graphtwin.analysis.config import POTENTIAL_SCORES, SPHERES, PotentialConfig, load_config
from graphtwin.model import HELIX

#: Dense elements per chunk (rows × columns of one block); about 8 MB per float array.
CHUNK_ELEMENTS = 1_000_000

#: Vertex attribute read for bridge choice when present (written by ``centrality``).
BETWEENNESS_ATTR = "gt_betweenness"


@dataclass
class Block:
    """Scores of all pairs of a row chunk of a rows × cols block (raw values).

    ``network``: sparse (COO) ``common_partners``, ``adamic_adar``,
    ``resource_allocation``, ``jaccard``, non-zero only for pairs with a common partner;
    ``dense``: ``preferential_attachment`` (as ``log(1 + deg a × deg b)``),
    ``sector_similarity``, ``kind_complementarity``; ``tied``: pairs already tied.
    """

    start: int
    network: dict[str, sp.coo_matrix]
    dense: dict[str, np.ndarray]
    tied: np.ndarray

    def array(self, name: str) -> np.ndarray:
        """One score as a dense array."""
        if name in self.dense:
            return self.dense[name]
        return self.network[name].toarray()


class LinkIndex:
    """Sparse matrices of one graph for link-prediction scores.

    ``A``: binary adjacency of the simple undirected graph (parallel ties merged,
    loops dropped), ``W``: the same with summed tie weights, ``S``: organisation ×
    sector incidence, ``sphere``: helix sphere index per organisation.

    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": list("abc"), "name": list("ABC"),
    ...     "kind": ["firm"] * 3, "city": ["X"] * 3, "country": ["GB"] * 3},
    ...     {"source": ["a", "b"], "target": ["b", "c"], "kind": ["project", "mou"]})
    >>> ix = LinkIndex(g)
    >>> ix.pair_scores(np.array([0]), np.array([2]))["adamic_adar"].round(4).tolist()
    [1.4427]
    """

    def __init__(self, g: ig.Graph, config: PotentialConfig | None = None) -> None:
        self.config = config or load_config().potential
        n = g.vcount()
        self.n = n
        self.ids: list[str] = list(g.vs["id"])
        self.names: list[str] = [str(x) for x in g.vs["name"]]
        self.index = {v: i for i, v in enumerate(self.ids)}
        if g.ecount():
            el = np.asarray(g.get_edgelist(), dtype=np.int64)
            w = np.asarray(g.es["weight"], dtype=float)
        else:
            el = np.zeros((0, 2), dtype=np.int64)
            w = np.zeros(0)
        self.edges = el  # every tie, in graph order (loops and parallel ties kept)
        keep = el[:, 0] != el[:, 1]
        s, t, w = el[keep, 0], el[keep, 1], w[keep]
        self.W = sp.csr_matrix(
            (np.concatenate([w, w]), (np.concatenate([s, t]), np.concatenate([t, s]))),
            shape=(n, n),
        )
        self.W.sum_duplicates()
        self.A = self.W.copy()
        self.A.data[:] = 1.0
        self.deg = np.diff(self.A.indptr).astype(float)
        with np.errstate(divide="ignore"):
            self.aa_w = np.where(self.deg > 1, 1.0 / np.log(np.maximum(self.deg, 2)), 0.0)
            self.ra_w = np.where(self.deg > 0, 1.0 / np.maximum(self.deg, 1), 0.0)
        # Sectors
        sector_lists = [sorted(set(x or ())) for x in g.vs["sectors"]]
        self.sector_ids = sorted({s for lst in sector_lists for s in lst})
        sidx = {s: i for i, s in enumerate(self.sector_ids)}
        rows = np.repeat(np.arange(n), [len(x) for x in sector_lists])
        cols = np.fromiter((sidx[s] for lst in sector_lists for s in lst), np.int64, len(rows))
        self.S = sp.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(n, max(len(self.sector_ids), 1))
        )
        self.n_sectors = np.diff(self.S.indptr).astype(float)
        sector_names = dict(g["sectors"]) if "sectors" in g.attributes() else {}
        self.sector_names = {s: str(sector_names.get(s) or s) for s in self.sector_ids}
        # Kinds
        self.kinds: list[str] = [k if k in HELIX else "other" for k in g.vs["kind"]]
        sphere_of = {s: i for i, s in enumerate(SPHERES)}
        self.sphere = np.array([sphere_of[HELIX[k]] for k in self.kinds], dtype=np.int64)
        self.M = self.config.sphere_matrix()
        self._betweenness: np.ndarray | None = None
        self._g = g

    # -- raw scores for explicit pairs ---------------------------------------------------

    def pair_scores(
        self, u: np.ndarray, v: np.ndarray, chunk: int = 50_000
    ) -> dict[str, np.ndarray]:
        """Raw scores (and ``common_partners``) for the pairs ``(u[i], v[i])`` (indices)."""
        u = np.asarray(u, dtype=np.int64)
        v = np.asarray(v, dtype=np.int64)
        out = {k: np.zeros(len(u)) for k in ("common_partners", *POTENTIAL_SCORES)}
        for lo in range(0, len(u), chunk):
            a, b = u[lo : lo + chunk], v[lo : lo + chunk]
            common = self.A[a].multiply(self.A[b]).tocsr()
            cn = np.asarray(common.sum(axis=1)).ravel()
            out["common_partners"][lo : lo + chunk] = cn
            out["adamic_adar"][lo : lo + chunk] = common @ self.aa_w
            out["resource_allocation"][lo : lo + chunk] = common @ self.ra_w
            union = self.deg[a] + self.deg[b] - cn
            out["jaccard"][lo : lo + chunk] = np.divide(
                cn, union, out=np.zeros_like(cn), where=union > 0
            )
            out["preferential_attachment"][lo : lo + chunk] = self.deg[a] * self.deg[b]
            inter = np.asarray(self.S[a].multiply(self.S[b]).sum(axis=1)).ravel()
            out["sector_similarity"][lo : lo + chunk] = self._sector_sim(
                inter, self.n_sectors[a], self.n_sectors[b]
            )
            out["kind_complementarity"][lo : lo + chunk] = self.M[self.sphere[a], self.sphere[b]]
        return out

    def _sector_sim(self, inter: np.ndarray, na: np.ndarray, nb: np.ndarray) -> np.ndarray:
        jaccard = self.config.sector_measure == "jaccard"
        denom = na + nb - inter if jaccard else np.sqrt(na * nb)
        out = np.zeros(np.broadcast(inter, denom).shape)
        return np.divide(inter, denom, out=out, where=denom > 0)

    def tied(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Whether each pair ``(u[i], v[i])`` already has a tie."""
        if len(u) == 0:
            return np.zeros(0, dtype=bool)
        return np.asarray(self.A[np.asarray(u), np.asarray(v)]).ravel() > 0

    # -- dense blocks of all pairs rows × cols, in row chunks ----------------------------

    def block_chunks(
        self, rows: np.ndarray, cols: np.ndarray, chunk_elements: int = CHUNK_ELEMENTS
    ) -> Iterator[Block]:
        """Yield the rows × cols block of all pairs in row chunks (see :class:`Block`).

        Network scores come from the sparse products ``A[r] @ diag(w) @ A[:, cols]``
        and stay sparse (only pairs with a common partner); the others are dense.
        """
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        nb = len(cols)
        step = max(1, chunk_elements // max(nb, 1))
        bt = self.A[cols].T.tocsr()  # n × |cols|
        st = self.S[cols].T.tocsr()
        deg_b = self.deg[cols]
        ns_b = self.n_sectors[cols]
        sph_b = self.sphere[cols]
        cosine = self.config.sector_measure != "jaccard"
        with np.errstate(divide="ignore"):
            inv_sqrt = np.where(self.n_sectors > 0, 1.0 / np.sqrt(self.n_sectors), 0.0)
        for start in range(0, len(rows), step):
            r = rows[start : start + step]
            ar = self.A[r]
            network: dict[str, sp.coo_matrix] = {}
            cn = (ar @ bt).tocoo()
            network["common_partners"] = cn
            network["adamic_adar"] = (ar.multiply(self.aa_w[None, :]).tocsr() @ bt).tocoo()
            network["resource_allocation"] = (ar.multiply(self.ra_w[None, :]).tocsr() @ bt).tocoo()
            union = self.deg[r][cn.row] + deg_b[cn.col] - cn.data
            network["jaccard"] = sp.coo_matrix(
                (cn.data / np.maximum(union, 1), (cn.row, cn.col)), shape=cn.shape
            )
            inter = (self.S[r] @ st).toarray()
            if cosine:
                sec = inter * inv_sqrt[r][:, None] * inv_sqrt[cols][None, :]
            else:
                sec = self._sector_sim(inter, self.n_sectors[r][:, None], ns_b[None, :])
            dense = {
                "preferential_attachment": np.log1p(np.outer(self.deg[r], deg_b)),
                "sector_similarity": sec,
                "kind_complementarity": self.M[self.sphere[r][:, None], sph_b[None, :]],
            }
            tied = ar[:, cols].toarray() > 0
            yield Block(start, network, dense, tied)

    # -- betweenness for bridge choice ---------------------------------------------------

    def betweenness(self) -> np.ndarray:
        """Betweenness of every organisation on the simple graph (hop counts).

        The ``gt_betweenness`` vertex attribute if the graph carries it (written back
        by ``graphtwin centrality``); else exact when the graph has at most
        ``exact_betweenness_limit`` organisations, else estimated from
        ``betweenness_samples`` seeded random sources (only its order matters here).
        """
        if self._betweenness is not None:
            return self._betweenness
        g = self._g
        if BETWEENNESS_ATTR in g.vs.attributes():
            vals = np.array([np.nan if x is None else float(x) for x in g.vs[BETWEENNESS_ATTR]])
            if not np.all(np.isnan(vals)):
                self._betweenness = np.nan_to_num(vals, nan=0.0)
                return self._betweenness
        upper = sp.triu(self.A, k=1).tocoo()
        h = ig.Graph(n=self.n, edges=np.column_stack([upper.row, upper.col]).tolist())
        if self.n <= self.config.exact_betweenness_limit:
            vals = np.asarray(h.betweenness(directed=False), dtype=float)
        else:
            rng = np.random.default_rng(self.config.seed)
            k = min(self.config.betweenness_samples, self.n)
            sources = sorted(rng.choice(self.n, size=k, replace=False).tolist())
            vals = np.asarray(h.betweenness(directed=False, sources=sources), dtype=float)
        self._betweenness = vals
        return vals
