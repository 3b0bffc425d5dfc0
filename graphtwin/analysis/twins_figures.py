"""The figures behind ``twins``: per-city counts and profiles, and per-pair components.

:class:`CityFigures` holds each city's organisation kinds, sector memberships and
PageRank, and derives its profile as observed or shrunk towards its country
(:mod:`graphtwin.analysis.twins_evidence`); the functions below turn two cities'
profiles into capacity, synergy and complementarity, and count the ties, two-step
paths, brokers and best untied pairs between them. The definitions are in the
docstring of :mod:`graphtwin.analysis.twins` and in docs/potential.md.

Example:
    >>> import numpy as np
    >>> _cosine_rows(np.array([[1.0, 0.0]]), np.array([[1.0, 1.0], [0.0, 0.0]])).round(3)
    array([[0.707, 0.   ]])
"""

from __future__ import annotations

from typing import Any

import igraph as ig
import numpy as np
import scipy.sparse as sp

from graphtwin.analysis.config import SPHERES, TwinsConfig
from graphtwin.analysis.linkindex import LinkIndex
from graphtwin.analysis.twins_evidence import shrink
from graphtwin.model import HELIX, ORG_KINDS, TRIPLE_HELIX

#: Vertex attribute read for city centrality when present (written by ``centrality``).
PAGERANK_ATTR = "gt_pagerank"
#: Rows of the untied-pair Adamic–Adar product processed at once.
AA_CHUNK_ROWS = 2_000


def _cosine_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cosine similarity between every row of x and every row of y (0 for zero rows)."""
    nx_ = np.linalg.norm(x, axis=1)
    ny_ = np.linalg.norm(y, axis=1)
    dot = x @ y.T
    denom = nx_[:, None] * ny_[None, :]
    return np.divide(dot, denom, out=np.zeros_like(dot), where=denom > 0)


class CityFigures:
    """Per-city counts for the cities of the graph (all cities, for the incidence)."""

    def __init__(self, g: ig.Graph, ix: LinkIndex, cfg: TwinsConfig) -> None:
        n = g.vcount()
        city_ids = [c for c in g.vs["city_id"]]
        countries = list(g.vs["country"])
        self.all_ids = sorted({c for c in city_ids if c is not None})
        pos = {c: i for i, c in enumerate(self.all_ids)}
        self.col = np.array([pos.get(c, -1) if c is not None else -1 for c in city_ids])
        has = np.flatnonzero(self.col >= 0)
        self.C = sp.csr_matrix(
            (np.ones(len(has)), (has, self.col[has])), shape=(n, max(len(self.all_ids), 1))
        )
        self.n_orgs = np.asarray(self.C.sum(axis=0)).ravel()
        self.country = {}
        self.name = {}
        for v, c in enumerate(city_ids):
            if c is not None and c not in self.country:
                self.country[c] = countries[v]
                self.name[c] = g.vs[v]["city"]
        codes = {c: i for i, c in enumerate(sorted({str(x) for x in self.country.values()}))}
        self.country_code = np.array([codes[str(self.country[c])] for c in self.all_ids])
        self.country_names = {i: c for c, i in codes.items()}
        info = g["cities"] if "cities" in g.attributes() else {}
        self.population = {c: (info.get(c) or {}).get("population") for c in self.all_ids}
        # Kinds per city (counts over ORG_KINDS) and their triple-helix spheres
        kind_pos = {k: i for i, k in enumerate(ORG_KINDS)}
        self.kind_counts = np.zeros((len(self.all_ids), len(ORG_KINDS)))
        for v in has:
            self.kind_counts[self.col[v], kind_pos.get(ix.kinds[v], kind_pos["other"])] += 1
        self.kinds: dict[int, set[str]] = {
            i: {ORG_KINDS[k] for k in np.flatnonzero(row)} for i, row in enumerate(self.kind_counts)
        }
        sphere_of = {s: i for i, s in enumerate(SPHERES)}
        self.kind_sphere = np.zeros((len(ORG_KINDS), len(SPHERES)))
        for k, kind in enumerate(ORG_KINDS):
            self.kind_sphere[k, sphere_of[HELIX[kind]]] = 1.0
        # Centrality: PageRank on the simple weighted graph (or the written-back score).
        pr = self._pagerank(g, ix)
        self.pr_sum = np.asarray(self.C.T @ pr).ravel()
        self.total_orgs = max(n, 1)
        # Sectors: each city's sector memberships (an organisation active in two sectors
        # counts in both) and the reference composition (its country's, or the graph's).
        self.sector_counts = np.asarray((self.C.T @ ix.S).todense())  # cities × sectors
        self.sector_totals = self.sector_counts.sum(axis=1)
        if cfg.lq_reference == "graph":
            ref = self.sector_counts.sum(axis=0) / max(self.sector_totals.sum(), 1)
            self.reference = np.tile(ref, (len(self.all_ids), 1))
        else:
            self.reference = np.zeros_like(self.sector_counts, dtype=float)
            for grp in np.unique(self.country_code):
                idxs = np.flatnonzero(self.country_code == grp)
                tot = self.sector_totals[idxs].sum()
                self.reference[idxs] = self.sector_counts[idxs].sum(axis=0) / max(tot, 1)
        self.raw = self.profile(cfg, shrunk=False)
        self.shrunk = self.profile(cfg, shrunk=True)

    def profile(self, cfg: TwinsConfig, shrunk: bool) -> dict[str, Any]:
        """Per-city shares behind capacity, synergy and complementarity: as observed, or
        shrunk towards the country's (:func:`~graphtwin.analysis.twins_evidence.shrink`).

        ``presence`` (kinds) and ``helix`` (spheres) are the chance that the city has an
        organisation of that kind or sphere: 0/1 as observed, 1 - (1 - share)^n shrunk.
        """
        n = self.n_orgs
        if shrunk:
            kind_share, m_kind = shrink(self.kind_counts, n, self.country_code)
            composition, m_sector = shrink(
                self.sector_counts, self.sector_totals, self.country_code
            )
            m_city = np.full(len(n), m_kind)
            presence = 1.0 - (1.0 - kind_share) ** n[:, None]
            sphere_share = kind_share @ self.kind_sphere
            sphere_presence = 1.0 - (1.0 - sphere_share) ** n[:, None]
            pr_per_org = (self.pr_sum * self.total_orgs + m_city) / (n + m_city)
            m_sec = np.full(len(n), m_sector)
            reliability = {
                "kinds": n / (n + m_city),
                "sectors": self.sector_totals / (self.sector_totals + m_sec),
            }
        else:
            m_kind = m_sector = 0.0
            nn = np.maximum(n, 1)[:, None]
            kind_share = self.kind_counts / nn
            composition = self.sector_counts / np.maximum(self.sector_totals, 1)[:, None]
            presence = (self.kind_counts > 0).astype(float)
            sphere_share = kind_share @ self.kind_sphere
            sphere_presence = (self.kind_counts @ self.kind_sphere > 0).astype(float)
            pr_per_org = np.divide(
                self.pr_sum * self.total_orgs, n, out=np.zeros_like(self.pr_sum), where=n > 0
            )
            reliability = {"kinds": np.ones_like(n), "sectors": np.ones_like(n)}
        ref = self.reference
        lq = np.divide(composition, ref, out=np.ones_like(composition), where=ref > 0)
        lq[self.sector_totals == 0] = 1.0  # no sector: no profile (flat), not "below all"
        specialised = (lq >= cfg.specialisation_lq) & (self.sector_counts > 0)
        helix_cols = [SPHERES.index(s) for s in TRIPLE_HELIX]
        return {
            "presence": presence,
            "sphere_share": sphere_share,
            "helix": sphere_presence[:, helix_cols],
            "pr_per_org": pr_per_org,
            "lq": lq,
            "specialised": specialised,
            "prior": {"kinds": m_kind, "sectors": m_sector},
            "reliability": reliability,
        }

    @staticmethod
    def _pagerank(g: ig.Graph, ix: LinkIndex) -> np.ndarray:
        if PAGERANK_ATTR in g.vs.attributes():
            vals = np.array([np.nan if x is None else float(x) for x in g.vs[PAGERANK_ATTR]])
            if not np.all(np.isnan(vals)) and np.nansum(vals) > 0:
                vals = np.nan_to_num(vals, nan=0.0)
                return vals / vals.sum()
        if ix.n == 0:
            return np.zeros(0)
        upper = sp.triu(ix.W, k=1).tocoo()
        h = ig.Graph(n=ix.n, edges=np.column_stack([upper.row, upper.col]).tolist())
        return np.asarray(h.pagerank(weights=upper.data.tolist() or None), dtype=float)


def capacity(
    prof: dict[str, Any], ia: np.ndarray, ib: np.ndarray, size: np.ndarray, parts: dict[str, float]
) -> np.ndarray:
    """Capacity of every pair from the cities' profiles (see the module docstring)."""
    helix = prof["helix"]
    presence = prof["presence"]
    helix_share = (helix[ia].sum(1)[:, None] + helix[ib].sum(1)[None, :]) / (2 * len(TRIPLE_HELIX))
    diversity = (presence[ia].sum(1)[:, None] + presence[ib].sum(1)[None, :]) / (2 * len(ORG_KINDS))
    cent = np.minimum(prof["pr_per_org"], 2.0) / 2.0
    centrality = (cent[ia][:, None] + cent[ib][None, :]) / 2
    return (
        parts["helix"] * helix_share
        + parts["diversity"] * diversity
        + parts["size"] * size
        + parts["centrality"] * centrality
    )


def synergy(prof: dict[str, Any], ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Cosine of the two cities' specialisation profiles LQ - 1 (0 when either is flat
    or they point apart): a city like its country average has no profile to share."""
    lq = prof["lq"]
    cosine = np.clip(_cosine_rows(lq[ia] - 1.0, lq[ib] - 1.0), 0.0, 1.0)
    return cosine * _attenuation(prof["reliability"]["sectors"], ia, ib)


def _attenuation(reliability: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """sqrt(r_A r_B): how far a comparison of two noisy profiles can be trusted, with r
    the share of a city's profile that is its own (n / (n + m), 1 as observed); the
    attenuation of a correlation between two measures of reliability r_A and r_B
    (Spearman 1904)."""
    return np.sqrt(np.outer(reliability[ia], reliability[ib]))


def complementarity(
    prof: dict[str, Any], sphere_matrix: np.ndarray, ia: np.ndarray, ib: np.ndarray
) -> np.ndarray:
    """Mean of the helix-mix fit, the exclusive share of specialisations and the expected
    exclusive share of organisation kinds."""
    share = prof["sphere_share"]
    mix_fit = share[ia] @ sphere_matrix @ share[ib].T
    sa = prof["specialised"][ia].astype(float)
    sb = prof["specialised"][ib].astype(float)
    shared_spec = sa @ sb.T
    union_spec = sa.sum(1)[:, None] + sb.sum(1)[None, :] - shared_spec
    spec_comp = np.divide(
        union_spec - shared_spec, union_spec, out=np.zeros_like(union_spec), where=union_spec > 0
    )
    pa, pb = prof["presence"][ia], prof["presence"][ib]
    both = pa @ pb.T
    union_k = pa.sum(1)[:, None] + pb.sum(1)[None, :] - both
    kind_comp = np.divide(union_k - both, union_k, out=np.zeros_like(union_k), where=union_k > 0)
    kinds = _attenuation(prof["reliability"]["kinds"], ia, ib)
    sectors = _attenuation(prof["reliability"]["sectors"], ia, ib)
    return ((mix_fit + kind_comp) * kinds + spec_comp * sectors) / 3


def adjusted(observed: np.ndarray, expected: np.ndarray, geo: np.ndarray, how: str) -> np.ndarray:
    """A relational figure scored against size (see ``size_adjust`` in weights.toml)."""
    if how == "expected":
        return np.log1p(observed / (expected + 1.0))
    if how == "per_org":
        return np.log1p(observed / np.maximum(geo, 1e-12))
    return np.log1p(observed)


def expected_counts(
    g: ig.Graph, ix: LinkIndex, ct: CityFigures, ia: np.ndarray, ib: np.ndarray
) -> dict[str, np.ndarray]:
    """Expected tie weight, two-step paths and brokers between every two cities under
    random mixing: every tie end lands on city x with probability K_x / 2M, where K_x is
    the summed degree (strength for weights) of its organisations and 2M the sum over all.

    ties: S_a S_b / 2W (strengths); paths: sum_w k_w (k_w - 1) K_a K_b / (2M)^2;
    brokers: sum over w outside a and b of P(w has a partner in a) P(w has a partner in
    b), with P = 1 - (1 - K_x / 2M)^k_w.
    """
    strength = np.asarray(ix.W.sum(axis=1)).ravel()
    s_city = np.asarray(ct.C.T @ strength).ravel()
    k_city = np.asarray(ct.C.T @ ix.deg).ravel()
    two_w, two_m = max(strength.sum(), 1e-12), max(ix.deg.sum(), 1e-12)
    ties = np.outer(s_city[ia], s_city[ib]) / two_w
    d2 = float((ix.deg * (ix.deg - 1)).sum())
    paths = d2 * np.outer(k_city[ia], k_city[ib]) / two_m**2
    share_a = np.clip(k_city[ia] / two_m, 0, 1)
    share_b = np.clip(k_city[ib] / two_m, 0, 1)
    # Group organisations by degree (few distinct values) and by city.
    has = ix.deg > 0
    degs, inverse = np.unique(ix.deg[has], return_inverse=True)
    counts = np.bincount(inverse, minlength=len(degs)).astype(float)
    members = np.flatnonzero(has)
    in_city = ct.col[members] >= 0
    by_city = sp.csr_matrix(
        (np.ones(int(in_city.sum())), (ct.col[members][in_city], inverse[in_city])),
        shape=(len(ct.all_ids), len(degs)),
    ).toarray()  # cities × distinct degrees
    pa = 1 - (1 - share_a[None, :]) ** degs[:, None]  # distinct degrees × cities A
    pb = 1 - (1 - share_b[None, :]) ** degs[:, None]
    brokers = (pa * counts[:, None]).T @ pb
    brokers -= (by_city[ia] * pa.T) @ pb  # members of A are not brokers
    brokers -= pa.T @ (by_city[ib].T * pb)  # nor members of B
    brokers = np.maximum(brokers, 0.0)
    return {"ties": ties, "paths": paths, "brokers": brokers}


def tie_matrices(g: ig.Graph, ct: CityFigures) -> tuple[np.ndarray, np.ndarray]:
    """Tie count (parallel ties counted) and summed weight between every two cities."""
    m = len(ct.all_ids)
    if g.ecount() == 0 or m == 0:
        return np.zeros((m, m)), np.zeros((m, m))
    el = np.asarray(g.get_edgelist(), dtype=np.int64)
    w = np.asarray(g.es["weight"], dtype=float)
    cs, cd = ct.col[el[:, 0]], ct.col[el[:, 1]]
    keep = (cs >= 0) & (cd >= 0) & (cs != cd)
    cs, cd, w = cs[keep], cd[keep], w[keep]
    rows, cols = np.concatenate([cs, cd]), np.concatenate([cd, cs])
    count = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m)).toarray()
    weight = sp.coo_matrix((np.concatenate([w, w]), (rows, cols)), shape=(m, m)).toarray()
    return count, weight


def best_adamic_adar(ix: LinkIndex, ct: CityFigures, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Best Adamic–Adar of an untied organisation pair, for every (city A, city B)."""
    best = np.zeros((len(ia), len(ib)))
    pos_a = np.full(len(ct.all_ids), -1)
    pos_a[ia] = np.arange(len(ia))
    pos_b = np.full(len(ct.all_ids), -1)
    pos_b[ib] = np.arange(len(ib))
    rows = np.flatnonzero((ct.col >= 0) & (pos_a[np.maximum(ct.col, 0)] >= 0))
    cols = np.flatnonzero((ct.col >= 0) & (pos_b[np.maximum(ct.col, 0)] >= 0))
    if len(rows) == 0 or len(cols) == 0:
        return best
    row_city = pos_a[ct.col[rows]]
    col_city = pos_b[ct.col[cols]]
    bt = ix.A[cols].T.tocsr()
    weighted = ix.A.multiply(ix.aa_w[None, :]).tocsr()
    for lo in range(0, len(rows), AA_CHUNK_ROWS):
        r = rows[lo : lo + AA_CHUNK_ROWS]
        aa = (weighted[r] @ bt).tocsr()
        tied = ix.A[r][:, cols]
        if tied.nnz:
            aa = aa - aa.multiply(tied)
        aa = aa.tocoo()
        keep = aa.data > 0
        if not keep.any():
            continue
        np.maximum.at(best, (row_city[lo + aa.row[keep]], col_city[aa.col[keep]]), aa.data[keep])
    return best


def broker_names(ix: LinkIndex, ct: CityFigures, z: sp.csc_matrix, ca: int, cb: int) -> list[str]:
    """Up to three organisations outside both cities tied to both, best-connected first."""
    tied_a = z.indices[z.indptr[ca] : z.indptr[ca + 1]]
    tied_b = z.indices[z.indptr[cb] : z.indptr[cb + 1]]
    cand = np.intersect1d(tied_a, tied_b, assume_unique=True)
    cand = cand[(ct.col[cand] != ca) & (ct.col[cand] != cb)]
    best = sorted(cand.tolist(), key=lambda v: (-ix.deg[v], ix.names[v]))
    return [ix.names[v] for v in best[:3]]
