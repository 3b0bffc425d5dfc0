"""Centrality: degree, strength, PageRank, eigenvector, harmonic, betweenness, k-core.

Pure functions on the analysis graph of :mod:`graphtwin.analysis.projection`; each returns
a pandas DataFrame whose first columns are ``id, name, city, country, kind`` (see
:func:`base_frame`). Definitions, references and the treatment of weights and directed
tie kinds are in docs/metrics.md; in short:

- parallel ties between two organisations are collapsed into one edge whose weight is the
  sum of the tie-kind weights (:func:`~graphtwin.analysis.projection.simple_view`);
- directed tie kinds (funding, membership, parent, successor) count as undirected ties;
- weights are *strengths* (bigger = closer), so strength, PageRank and eigenvector use
  them, while path metrics (harmonic closeness, betweenness) count hops;
- betweenness and harmonic closeness are exact up to :data:`EXACT_LIMIT` organisations and
  estimated from seeded source pivots above it: :data:`DEFAULT_PIVOTS`, fewer on graphs
  with so many ties that pivots × ties would exceed :data:`PIVOT_BUDGET`
  (:func:`default_pivots`), unless a number of pivots is given.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": ["a", "b", "c"], "name": ["A", "B", "C"], "kind": ["firm"] * 3,
    ...      "city": ["Belfast"] * 3, "country": ["GB"] * 3},
    ...     {"source": ["a", "b"], "target": ["b", "c"], "kind": ["project", "meeting"]},
    ... )
    >>> df = centrality(g)
    >>> row = df.set_index("id").loc["b"]
    >>> int(row["degree"]), float(row["strength"]), float(row["betweenness"])
    (2, 3.5, 1.0)
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np
import pandas as pd

from graphtwin.analysis.projection import simple_view
from graphtwin.progress import ProgressFn

#: Columns that start every analysis table, in this order.
BASE_COLUMNS: tuple[str, ...] = ("id", "name", "city", "country", "kind")

#: Metrics computed by :func:`centrality`, in output order.
CENTRALITY_METRICS: tuple[str, ...] = (
    "degree",
    "strength",
    "pagerank",
    "eigenvector",
    "harmonic",
    "betweenness",
    "coreness",
)

#: Largest graph (organisations) on which path metrics are computed exactly by default.
EXACT_LIMIT = 5000
#: Default number of seeded source pivots for sampled path metrics.
DEFAULT_PIVOTS = 500
#: Sources per progress report of betweenness.
PROGRESS_CHUNK = 250
#: Default pivots are lowered so that pivots × ties stays within this budget (one pivot
#: costs one breadth-first search over all ties), but never below :data:`MIN_PIVOTS`.
PIVOT_BUDGET = 125_000_000
MIN_PIVOTS = 100
#: PageRank damping factor (probability of following a tie rather than jumping).
DAMPING = 0.85


@dataclass(frozen=True)
class PathSampling:
    """How path metrics (betweenness, harmonic, cross-group betweenness) were computed.

    ``pivots`` is None when the computation was exact; otherwise the number of source
    pivots drawn with ``seed`` and the estimate is scaled by ``population / pivots``.
    """

    pivots: int | None
    seed: int
    population: int

    @property
    def exact(self) -> bool:
        return self.pivots is None

    def describe(self) -> str:
        """Human description, e.g. ``sampled from 500 of 46,000 source pivots (seed 0)``."""
        if self.pivots is None:
            return "exact"
        n, k = self.population, self.pivots
        return f"sampled from {k:,} of {n:,} source pivots (seed {self.seed})"

    def label(self) -> str:
        """Short machine label: ``exact`` or ``sampled:K``."""
        return "exact" if self.pivots is None else f"sampled:{self.pivots}"


def base_frame(g: ig.Graph) -> pd.DataFrame:
    """The identifying columns of every analysis table, one row per vertex, vertex order.

    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": ["a"], "name": ["A"], "kind": ["firm"],
    ...     "city": ["Busan"], "country": ["KR"]}, {})
    >>> list(base_frame(g).columns)
    ['id', 'name', 'city', 'country', 'kind']
    """
    n = g.vcount()
    attrs = set(g.vs.attributes())
    return pd.DataFrame(
        {c: (g.vs[c] if c in attrs else [None] * n) for c in BASE_COLUMNS},
        index=pd.RangeIndex(n),
    )


def default_pivots(ties: int) -> int:
    """The default number of pivots for a graph with ``ties`` (simple) ties.

    :data:`DEFAULT_PIVOTS`, lowered to keep pivots × ties within :data:`PIVOT_BUDGET`,
    never below :data:`MIN_PIVOTS`.

    >>> default_pivots(100_000), default_pivots(500_000), default_pivots(5_000_000)
    (500, 250, 100)
    """
    if ties <= 0:
        return DEFAULT_PIVOTS
    return int(max(MIN_PIVOTS, min(DEFAULT_PIVOTS, PIVOT_BUDGET // ties)))


def choose_pivots(
    population: Sequence[int] | np.ndarray,
    exact: bool | None,
    pivots: int | None,
    seed: int,
    limit: int,
    ties: int = 0,
) -> tuple[np.ndarray, PathSampling]:
    """The source vertices of a path metric: all of ``population`` or a seeded sample.

    Exact when ``exact`` is True, or when ``exact`` is None and the population has at most
    ``limit`` members, or when it has at most ``pivots`` members. Otherwise ``pivots``
    members (None: :func:`default_pivots` of ``ties``) are drawn without replacement with
    ``numpy.random.default_rng(seed)`` (sorted).

    >>> src, info = choose_pivots(range(10), None, 3, seed=1, limit=5)
    >>> len(src), info.describe()
    (3, 'sampled from 3 of 10 source pivots (seed 1)')
    """
    pop = np.asarray(population, dtype=np.int64)
    size = len(pop)
    if pivots is None:
        pivots = default_pivots(ties)
    if exact is True or pivots <= 0 or size <= pivots or (exact is None and size <= limit):
        return pop, PathSampling(None, seed, size)
    rng = np.random.default_rng(seed)
    chosen = np.sort(rng.choice(pop, size=pivots, replace=False))
    return chosen, PathSampling(int(pivots), seed, size)


def betweenness(
    g: ig.Graph,
    *,
    exact: bool | None = None,
    pivots: int | None = None,
    seed: int = 0,
    limit: int = EXACT_LIMIT,
    normalized: bool = True,
    progress: ProgressFn | None = None,
) -> tuple[np.ndarray, PathSampling]:
    """Betweenness (Freeman 1977; Brandes 2001) counting hops, exact or pivot-sampled.

    Exact: igraph ``betweenness()``. Sampled (Brandes & Pich 2007): the dependencies of
    ``pivots`` seeded sources (igraph ``betweenness(sources=...)``) scaled by n/K, an
    unbiased estimate of the exact value. ``normalized`` divides by (n-1)(n-2)/2, the
    number of pairs of other vertices, as networkx ``betweenness_centrality`` does.
    ``g`` must be simple (see ``simple_view``): parallel ties would count as extra paths.
    With ``progress``, sources are taken :data:`PROGRESS_CHUNK` at a time and reported.

    >>> betweenness(ig.Graph([(0, 1), (1, 2)]))[0].tolist()
    [0.0, 1.0, 0.0]
    """
    n = g.vcount()
    sources, info = choose_pivots(range(n), exact, pivots, seed, limit, g.ecount())
    if n == 0:
        return np.zeros(0), info
    if info.exact and progress is None:
        raw = np.asarray(g.betweenness(directed=False), dtype=float)
    else:
        raw = np.zeros(n)
        step = PROGRESS_CHUNK if progress else len(sources)
        for start in range(0, len(sources), step):
            block = sources[start : start + step]
            raw += np.asarray(g.betweenness(directed=False, sources=block.tolist()), dtype=float)
            if progress:
                progress(start + len(block), len(sources), "betweenness")
        raw *= n / len(sources)
    if normalized and n > 2:
        raw *= 2.0 / ((n - 1) * (n - 2))
    return raw, info


def harmonic(
    g: ig.Graph,
    *,
    exact: bool | None = None,
    pivots: int | None = None,
    seed: int = 0,
    limit: int = EXACT_LIMIT,
    chunk: int = 64,
    progress: ProgressFn | None = None,
) -> tuple[np.ndarray, PathSampling]:
    """Harmonic closeness (Marchiori & Latora 2000): mean of 1/d(v, u) over the other u.

    Unreachable organisations contribute 0, so disconnected graphs are fine. Equals
    networkx ``harmonic_centrality`` divided by n-1 (igraph ``normalized=True``). Sampled:
    the mean of 1/d(s, v) over ``pivots`` seeded sources s other than v (Eppstein & Wang
    2004), from BFS distances taken ``chunk`` sources at a time.

    >>> harmonic(ig.Graph([(0, 1), (1, 2)]))[0].tolist()
    [0.75, 1.0, 0.75]
    """
    n = g.vcount()
    sources, info = choose_pivots(range(n), exact, pivots, seed, limit, g.ecount())
    if n <= 1:
        return np.zeros(n), info
    if info.exact and progress is None:
        return np.asarray(g.harmonic_centrality(normalized=True), dtype=float), info
    total = np.zeros(n)
    for start in range(0, len(sources), chunk):
        if progress:
            progress(start, len(sources), "harmonic closeness")
        block = sources[start : start + chunk].tolist()
        d = np.asarray(g.distances(source=block), dtype=float)
        with np.errstate(divide="ignore"):
            inv = np.where((d > 0) & np.isfinite(d), 1.0 / d, 0.0)
        total += inv.sum(axis=0)
    if progress:
        progress(len(sources), len(sources), "harmonic closeness")
    others = np.full(n, float(len(sources)))
    others[sources] -= 1.0  # a pivot is not its own source
    return np.divide(total, others, out=np.zeros(n), where=others > 0), info


def centrality(
    g: ig.Graph,
    metrics: Sequence[str] | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    exact: bool | None = None,
    pivots: int | None = None,
    seed: int = 0,
    limit: int = EXACT_LIMIT,
    simple: ig.Graph | None = None,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Centrality table: base columns, then one column per metric in ``metrics``.

    ``metrics`` defaults to :data:`CENTRALITY_METRICS`. ``weights`` re-weights tie kinds
    (default: the projection's weights). ``exact``/``pivots``/``seed``/``limit`` control
    betweenness and harmonic closeness (see :func:`choose_pivots`); how they were computed
    is in ``df.attrs["sampling"]`` (a :class:`PathSampling`). Pass ``simple`` to reuse an
    already collapsed graph; ``progress`` reports the path metrics source by source.
    Rows are in vertex order.
    """
    wanted = list(metrics) if metrics else list(CENTRALITY_METRICS)
    unknown = [m for m in wanted if m not in CENTRALITY_METRICS]
    if unknown:
        raise ValueError(f"unknown metric(s) {unknown}; known: {', '.join(CENTRALITY_METRICS)}")
    h = simple if simple is not None else simple_view(g, weights)
    n = h.vcount()
    w = h.es["weight"] if h.ecount() else None
    df = base_frame(h)
    sampling = PathSampling(None, seed, n)
    for metric in wanted:
        if metric == "degree":
            df["degree"] = np.asarray(h.degree(), dtype=np.int64)
        elif metric == "strength":
            df["strength"] = np.asarray(h.strength(weights=w), dtype=float)
        elif metric == "pagerank":
            df["pagerank"] = _pagerank(h, w)
        elif metric == "eigenvector":
            df["eigenvector"] = _eigenvector(h, w, seed)
        elif metric == "harmonic":
            df["harmonic"], sampling = harmonic(
                h, exact=exact, pivots=pivots, seed=seed, limit=limit, progress=progress
            )
        elif metric == "betweenness":
            df["betweenness"], sampling = betweenness(
                h, exact=exact, pivots=pivots, seed=seed, limit=limit, progress=progress
            )
        elif metric == "coreness":
            df["coreness"] = np.asarray(h.coreness(), dtype=np.int64) if n else []
    df.attrs["sampling"] = sampling
    return df


def _pagerank(h: ig.Graph, w: list[float] | None) -> np.ndarray:
    """Weighted PageRank (Brin & Page 1998), damping :data:`DAMPING`, PRPACK solver."""
    if h.vcount() == 0:
        return np.zeros(0)
    return np.asarray(h.pagerank(directed=False, damping=DAMPING, weights=w), dtype=float)


def _eigenvector(h: ig.Graph, w: list[float] | None, seed: int = 0) -> np.ndarray:
    """Weighted eigenvector centrality (Bonacich 1972), per connected component.

    On a connected graph: the leading eigenvector, scaled so the maximum is 1. On a
    disconnected graph the leading eigenvector is not unique when components tie for the
    largest eigenvalue, so each component gets its own leading eigenvector (max 1),
    multiplied by its eigenvalue over the largest eigenvalue of any component: the
    strongest component(s) reach 1, weaker ones score lower, identical components score
    identically, whatever the vertex order. Isolates and graphs without ties: 0.
    ARPACK's start vector comes from igraph's random generator (Python's ``random``),
    seeded with ``seed`` here, so the same seed gives the same digits.

    >>> two_triangles = ig.Graph([(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3)], n=7)
    >>> _eigenvector(two_triangles, None).round(9).tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.0]
    """
    n = h.vcount()
    out = np.zeros(n)
    if h.ecount() == 0:
        return out
    weights = np.asarray(w if w is not None else [1.0] * h.ecount(), dtype=float)
    members = h.connected_components().membership
    comps: dict[int, list[int]] = {}
    for v, c in enumerate(members):
        comps.setdefault(c, []).append(v)
    eigenvalue: dict[int, float] = {}
    state = random.getstate()
    random.seed(seed)
    try:
        _component_vectors(h, weights, comps, out, eigenvalue)
    finally:
        random.setstate(state)
    largest = max(eigenvalue.values(), default=0.0)
    if largest <= 0:
        return out
    for c, vs in comps.items():
        if c in eigenvalue:
            out[vs] *= eigenvalue[c] / largest
    return out + 0.0  # no negative zeros


def _component_vectors(
    h: ig.Graph,
    weights: np.ndarray,
    comps: dict[int, list[int]],
    out: np.ndarray,
    eigenvalue: dict[int, float],
) -> None:
    """Each component's leading eigenvector (max 1) into ``out``, its eigenvalue into
    ``eigenvalue``."""
    for c, vs in comps.items():
        if len(vs) == 1:
            continue
        if len(vs) == 2:
            eid = h.get_eid(vs[0], vs[1])
            out[vs] = 1.0
            eigenvalue[c] = float(weights[eid])
            continue
        sub = h.induced_subgraph(vs)
        sub_w = weights[[h.get_eid(*(vs[i] for i in e.tuple)) for e in sub.es]].tolist()
        vec, value = sub.eigenvector_centrality(weights=sub_w, return_eigenvalue=True)
        vec = np.maximum(np.asarray(vec, dtype=float), 0.0)
        top = vec.max()
        out[vs] = vec / top if top > 0 else vec
        eigenvalue[c] = float(value)
