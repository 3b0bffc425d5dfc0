"""Signals of a future tie between two organisations, seen from the ties before a cut-off.

The fitted introduction model (:mod:`graphtwin.analysis.linkmodel`), ``potential`` and
``backtest`` read every candidate pair through a :class:`SignalIndex`. It is built from
the ties that started *before* ``before`` (ties with no start year count as past: they
happened at a time we cannot place); a tie from ``before`` on is never seen, which is
what keeps the temporal fit free of leakage.

Features (the model's inputs, transformed so that a linear logit fits them):

========================== ==============================================================
``adamic_adar``            log(1 + Σ 1/log k(w)) over common partners w
``resource_allocation``    log(1 + Σ 1/k(w)) over common partners w
``jaccard``                |N(a) ∩ N(b)| / |N(a) ∪ N(b)|
``distance_2``             1 when the shortest path is 2 hops (a common partner)
``distance_3``             1 when it is 3 hops (4+ hops or no path: both 0)
``preferential_attachment`` log(1 + k(a) k(b) / k̄²), k̄ the mean degree of organisations
                           with a tie at the cut-off (so a growing network does not
                           shift it: the same relative activity, the same value)
``sector_similarity``      cosine (or Jaccard) of the sector sets
``kind_complementarity``   the triple-helix matrix of weights.toml
``same_community``         1 when seeded Leiden puts both in one community of the past graph
``activity``               log(1 + recent ties of a) + log(1 + recent ties of b): ties
                           started in the ``horizon`` years before the cut-off (the
                           store has no staff counts; activity stands for size)
``same_country``           1 when the two cities are in one country
``geo_distance``           log(1 + great-circle km between the two cities); unknown: NaN
``city_tie_density``       log(1 + 1000 × ties already between the two cities /
                           (organisations of A × organisations of B))
========================== ==============================================================

The last three are the same for every pair of one city pair: they set the level of the
probability across city pairs but cannot reorder candidates of one city pair
(:data:`CITY_LEVEL`).

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": list("abcd"), "name": list("ABCD"), "kind": ["firm"] * 4,
    ...      "city": ["X", "X", "Y", "Y"], "country": ["GB", "GB", "KR", "KR"]},
    ...     {"source": ["a", "b", "c"], "target": ["b", "c", "d"],
    ...      "kind": ["project"] * 3, "start_year": [2010, 2011, 2030]})
    >>> six = SignalIndex(g, before=2020)
    >>> f = six.pair_features(np.array([0, 0]), np.array([2, 3]))
    >>> f["distance_2"].tolist(), f["distance_3"].tolist()  # c–d (2030) is not seen
    ([1.0, 0.0], [0.0, 0.0])
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

import igraph as ig
import numpy as np
import scipy.sparse as sp

from graphtwin.analysis.config import PotentialConfig, load_config
from graphtwin.analysis.linkindex import CHUNK_ELEMENTS, LinkIndex

FEATURES: tuple[str, ...] = (
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "distance_2",
    "distance_3",
    "preferential_attachment",
    "sector_similarity",
    "kind_complementarity",
    "same_community",
    "activity",
    "same_country",
    "geo_distance",
    "city_tie_density",
)

#: Features that only depend on the two cities (never a reason for one pair over another).
CITY_LEVEL: tuple[str, ...] = ("same_country", "geo_distance", "city_tie_density")

#: Features that are non-zero only for pairs with a common partner.
COMMON_PARTNER: tuple[str, ...] = ("adamic_adar", "resource_allocation", "jaccard", "distance_2")

#: Single signals of the backtest: name -> (feature, sign); "higher = likelier" after sign.
SINGLE_SIGNALS: dict[str, tuple[str, float]] = {
    "adamic_adar": ("adamic_adar", 1.0),
    "resource_allocation": ("resource_allocation", 1.0),
    "jaccard": ("jaccard", 1.0),
    "preferential_attachment": ("preferential_attachment", 1.0),
    "sector_similarity": ("sector_similarity", 1.0),
    "kind_complementarity": ("kind_complementarity", 1.0),
    "path_distance": ("path_distance", 1.0),
    "same_community": ("same_community", 1.0),
    "activity": ("activity", 1.0),
    "same_country": ("same_country", 1.0),
    "geo_proximity": ("geo_distance", -1.0),
    "city_tie_density": ("city_tie_density", 1.0),
}

#: Reasons in words and the features whose contributions they sum (pair-level only).
REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "partners in common": ("adamic_adar", "resource_allocation", "jaccard", "distance_2"),
    "partners of partners (three hops apart)": ("distance_3",),
    "both well connected": ("preferential_attachment",),
    "the same sectors": ("sector_similarity",),
    "complementary kinds": ("kind_complementarity",),
    "the same network community": ("same_community",),
    "many recent ties": ("activity",),
}

EARTH_RADIUS_KM = 6371.0


@dataclass
class FeatureChunk:
    """Features of a row chunk of a rows × cols block of pairs.

    ``sparse``: the :data:`COMMON_PARTNER` features as COO matrices (zero elsewhere);
    ``dense``: the other pair features as arrays; ``scalar``: the city-level features
    (rows and columns each in one city); ``tied``: pairs already tied.
    """

    start: int
    sparse: dict[str, sp.coo_matrix]
    dense: dict[str, np.ndarray]
    scalar: dict[str, float]
    tied: np.ndarray
    raw: dict[str, sp.coo_matrix | np.ndarray]


class SignalIndex:
    """Everything needed to compute :data:`FEATURES` for pairs, from the past graph only.

    ``before``: only ties started before this year (and undated ties) are seen; None
    sees every tie. ``horizon``: the years of "recent" activity before the cut-off.
    ``seed``: of the communities (default: ``[potential.options] seed``).
    """

    def __init__(
        self,
        g: ig.Graph,
        config: PotentialConfig | None = None,
        *,
        before: int | None = None,
        horizon: int = 3,
        seed: int | None = None,
    ) -> None:
        cfg = config or load_config().potential
        seed = cfg.seed if seed is None else seed
        yr = start_years(g)
        if before is not None:
            keep = (yr < 0) | (yr < before)
            past = g.subgraph_edges(np.flatnonzero(keep).tolist(), delete_vertices=False)
            yr = yr[keep]
            now = before
        else:
            past = g
            now = int(yr.max()) + 1 if (yr >= 0).any() else None
        self.before = before
        self.link = LinkIndex(past, cfg)
        self.n = g.vcount()
        active = self.link.deg[self.link.deg > 0]
        self.mean_degree = float(active.mean()) if len(active) else 1.0
        self.rel_degree = self.link.deg / self.mean_degree
        # Recent activity: ties (each tie once, parallel ties too) in [now - horizon, now).
        el = self.link.edges
        recent = (yr >= now - horizon) if now is not None else np.zeros(len(yr), dtype=bool)
        counts = np.bincount(el[recent].ravel(), minlength=self.n).astype(float)
        self.activity = np.log1p(counts)
        self.community = _communities(past, seed)
        # Cities
        cids = [c if c is not None else "" for c in g.vs["city_id"]]
        names, code = np.unique(np.array(cids, dtype=object), return_inverse=True)
        self.city_names = [str(x) for x in names]
        self.city_code = code.astype(np.int64)
        info = g["cities"] if "cities" in g.attributes() else {}
        lat = np.full(len(names), np.nan)
        lon = np.full(len(names), np.nan)
        country = np.full(len(names), -1, dtype=np.int64)
        countries: dict[str, int] = {}
        for i, cid in enumerate(self.city_names):
            rec = info.get(cid) or {}
            if rec.get("lat") is not None and rec.get("lon") is not None:
                lat[i], lon[i] = float(rec["lat"]), float(rec["lon"])
        for v, c in enumerate(g.vs["country"]):
            if c is not None and cids[v]:
                country[code[v]] = countries.setdefault(str(c), len(countries))
        self.city_lat, self.city_lon, self.city_country = np.radians(lat), np.radians(lon), country
        self.has_city = np.array([bool(c) for c in cids])
        self.city_orgs = np.bincount(code, minlength=len(names)).astype(float)
        h = sp.csr_matrix((np.ones(self.n), (np.arange(self.n), code)), shape=(self.n, len(names)))
        upper = sp.triu(self.link.A, k=1).tocsr()
        t = (h.T @ upper @ h).tocsr()
        self.city_ties = (t + t.T).tocsr()
        self.city_ties.setdiag(t.diagonal())  # within a city: counted once

    # -- city-level features ---------------------------------------------------------

    def city_features(self, ca: np.ndarray, cb: np.ndarray) -> dict[str, np.ndarray]:
        """The :data:`CITY_LEVEL` features for city codes ``ca``, ``cb`` (NaN: unknown)."""
        ca = np.asarray(ca, dtype=np.int64)
        cb = np.asarray(cb, dtype=np.int64)
        same = (self.city_country[ca] == self.city_country[cb]) & (self.city_country[ca] >= 0)
        la, lb = self.city_lat[ca], self.city_lat[cb]
        d = (
            np.sin((lb - la) / 2) ** 2
            + np.cos(la) * np.cos(lb) * np.sin((self.city_lon[cb] - self.city_lon[ca]) / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(d, 0, 1)))
        ties = np.asarray(self.city_ties[ca, cb]).ravel() if len(ca) else np.zeros(0)
        pairs = self.city_orgs[ca] * np.where(ca == cb, self.city_orgs[cb] - 1, self.city_orgs[cb])
        pairs = np.where(ca == cb, pairs / 2, pairs)
        density = np.log1p(1000 * ties / np.maximum(pairs, 1))
        unknown = ~self.has_city_code(ca) | ~self.has_city_code(cb)
        return {
            "same_country": same.astype(float),
            "geo_distance": np.where(unknown, np.nan, np.log1p(km)),
            "city_tie_density": np.where(unknown, np.nan, density),
        }

    def has_city_code(self, c: np.ndarray) -> np.ndarray:
        """Whether city codes stand for a real city (not the "no city" code)."""
        names = np.array([bool(x) for x in self.city_names])
        return names[c]

    # -- explicit pairs --------------------------------------------------------------

    def pair_features(
        self, u: np.ndarray, v: np.ndarray, chunk: int = 2_000
    ) -> dict[str, np.ndarray]:
        """All :data:`FEATURES` (and ``path_distance``, ``common_partners``) for pairs."""
        u = np.asarray(u, dtype=np.int64)
        v = np.asarray(v, dtype=np.int64)
        ix = self.link
        raw = ix.pair_scores(u, v)
        out: dict[str, np.ndarray] = {
            "adamic_adar": np.log1p(raw["adamic_adar"]),
            "resource_allocation": np.log1p(raw["resource_allocation"]),
            "jaccard": raw["jaccard"],
            "preferential_attachment": np.log1p(
                raw["preferential_attachment"] / self.mean_degree**2
            ),
            "degree_product": raw["preferential_attachment"],
            "sector_similarity": raw["sector_similarity"],
            "kind_complementarity": raw["kind_complementarity"],
            "common_partners": raw["common_partners"],
        }
        walk3 = np.zeros(len(u))
        # Expand the side whose 2-hop neighbourhood is smaller (Σ of its partners' degrees).
        volume = ix.A @ ix.deg
        swap = volume[u] > volume[v]
        first, second = np.where(swap, v, u), np.where(swap, u, v)
        for lo in range(0, len(u), chunk):
            a, b = first[lo : lo + chunk], second[lo : lo + chunk]
            two = ix.A[a] @ ix.A
            walk3[lo : lo + chunk] = np.asarray(two.multiply(ix.A[b]).sum(axis=1)).ravel()
        d2 = raw["common_partners"] > 0
        d3 = ~d2 & (walk3 > 0)
        out["distance_2"] = d2.astype(float)
        out["distance_3"] = d3.astype(float)
        out["path_distance"] = np.where(d2, 2.0, np.where(d3, 1.0, 0.0))
        out["same_community"] = (self.community[u] == self.community[v]).astype(float)
        out["activity"] = self.activity[u] + self.activity[v]
        out.update(self.city_features(self.city_code[u], self.city_code[v]))
        return out

    # -- all pairs of a block --------------------------------------------------------

    def feature_chunks(
        self, rows: np.ndarray, cols: np.ndarray, chunk_elements: int = CHUNK_ELEMENTS
    ) -> Iterator[FeatureChunk]:
        """Yield the features of the rows × cols block in row chunks.

        Rows must all be in one city and columns in one city (``potential``'s two
        cities), so the city-level features are scalars. Walks of length 3 come from
        ``A[rows] @ (A @ A[:, cols])`` with the right factor computed once.
        """
        ix = self.link
        rows = np.asarray(rows, dtype=np.int64)
        cols = np.asarray(cols, dtype=np.int64)
        bt = ix.A[cols].T.tocsr()
        two_b = (ix.A @ bt).tocsr()  # n × |cols|: 2-walks ending in each column
        scalar: dict[str, float] = {}
        if len(rows) and len(cols):
            city = self.city_features(self.city_code[rows[:1]], self.city_code[cols[:1]])
            scalar = {k: float(x[0]) for k, x in city.items()}
        act_b = self.activity[cols]
        rel_b = self.rel_degree[cols]
        com_b = self.community[cols]
        for block in ix.block_chunks(rows, cols, chunk_elements):
            r = rows[block.start : block.start + block.tied.shape[0]]
            cn = block.network["common_partners"]
            sparse = {
                "adamic_adar": _log1p_coo(block.network["adamic_adar"]),
                "resource_allocation": _log1p_coo(block.network["resource_allocation"]),
                "jaccard": block.network["jaccard"],
                "distance_2": sp.coo_matrix((np.ones(cn.nnz), (cn.row, cn.col)), shape=cn.shape),
            }
            walk3 = (ix.A[r] @ two_b).toarray() > 0
            d3 = walk3.astype(float)
            d3[cn.row, cn.col] = 0.0
            dense = {
                "distance_3": d3,
                "preferential_attachment": np.log1p(np.outer(self.rel_degree[r], rel_b)),
                "sector_similarity": block.dense["sector_similarity"],
                "kind_complementarity": block.dense["kind_complementarity"],
                "same_community": (self.community[r][:, None] == com_b[None, :]).astype(float),
                "activity": self.activity[r][:, None] + act_b[None, :],
            }
            raw = {**block.network, **block.dense}
            yield FeatureChunk(block.start, sparse, dense, scalar, block.tied, raw)


def _log1p_coo(m: sp.coo_matrix) -> sp.coo_matrix:
    return sp.coo_matrix((np.log1p(m.data), (m.row, m.col)), shape=m.shape)


def start_years(g: ig.Graph) -> np.ndarray:
    """Start year of every tie, -1 when undated."""
    years = g.es["start_year"] if g.ecount() else []
    return np.array([-1 if y is None else y for y in years], dtype=np.int64)


def _communities(h: ig.Graph, seed: int) -> np.ndarray:
    """Seeded Leiden (modularity) labels of the past graph ``h`` (parallel ties count
    as weight); organisations with no tie each alone."""
    if h.ecount() == 0:
        return np.arange(h.vcount(), dtype=np.int64)
    ig.set_random_number_generator(random.Random(seed))
    try:
        membership = h.community_leiden(objective_function="modularity", n_iterations=1)
    finally:
        ig.set_random_number_generator(random)
    return np.asarray(membership.membership, dtype=np.int64)
