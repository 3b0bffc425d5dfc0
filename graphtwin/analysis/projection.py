"""The analysis graph: organisations and ties as an igraph Graph with known attributes.

Both stores build their projection through :func:`graph_from_columns`, so analysis code
sees one contract whatever the backend:

Vertex attributes
    ``id``, ``name``, ``kind``, ``city`` (name), ``city_id``, ``country`` (ISO alpha-2),
    ``sectors`` (list of sector ids), ``synthetic`` (bool), plus any written-back
    ``gt_*`` score present in the store.
Edge attributes (one edge per tie; the graph is undirected, multi-edges kept)
    ``kind`` (canonical tie kind), ``rel_type``, ``weight`` (the given weight, else the
    kind's default), ``weight_given`` (float or None), ``start_year`` / ``end_year``
    (int or None), ``source_id`` (the tie's source organisation id, so directed kinds
    keep their direction), ``directed`` (bool: the kind is directed).
Graph attributes
    ``cities``: ``{city_id: {name, country, lat, lon, population, region}}``;
    ``sectors``: ``{sector_id: name}``.

Example:
    >>> g = graph_from_columns(
    ...     {"id": ["a", "b"], "name": ["A", "B"], "kind": ["firm", "university"],
    ...      "city": ["Belfast", "Belfast"], "country": ["GB", "GB"]},
    ...     {"source": ["a"], "target": ["b"], "kind": ["project"]},
    ... )
    >>> g.vcount(), g.ecount(), g.es[0]["weight"]
    (2, 1, 3.0)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from graphtwin.model import TIE_KINDS, Bundle, city_id, default_weights


def _column(table: Mapping[str, Sequence[Any]], name: str, n: int, default: Any = None) -> list:
    values = table.get(name)
    if values is None:
        return [default] * n
    return list(values)


def _sorted_by_id(orgs: Mapping[str, Sequence[Any]]) -> Mapping[str, Sequence[Any]]:
    """The organisation columns reordered by id (unchanged if already in order)."""
    ids = list(orgs["id"])
    order = sorted(range(len(ids)), key=ids.__getitem__)
    if order == list(range(len(ids))):
        return orgs
    out: dict[str, list] = {}
    for name, values in orgs.items():
        col = list(values)
        out[name] = [col[i] for i in order] if len(col) == len(ids) else col
    return out


def graph_from_columns(
    orgs: Mapping[str, Sequence[Any]],
    ties: Mapping[str, Sequence[Any]],
    cities: Mapping[str, Mapping[str, Any]] | None = None,
    sectors: Mapping[str, str] | None = None,
    weights: Mapping[str, float] | None = None,
    canonical: bool = False,
) -> ig.Graph:
    """Build the analysis graph from column arrays (as returned by bulk store queries).

    ``orgs`` needs ``id``, ``name``, ``kind``, ``city``, ``country`` and may have
    ``sectors`` (lists), ``synthetic`` and ``gt_*`` columns. ``ties`` needs ``source``,
    ``target``, ``kind`` and may have ``weight``, ``start_year``, ``end_year``. Ties whose
    endpoints are not among ``orgs`` (filtered out) are dropped.

    ``canonical``: organisations in id order and ties in (source, target, kind, start
    year) order, whatever order they came in (the stores and :func:`graph_from_bundle`
    ask for it), so every order-sensitive analysis (seeded community detection, sampled
    pairs, fitted models) gives the same answer on LadybugDB, Neo4j and files. Without
    it, the columns' own order is kept.
    """
    if canonical:
        orgs = _sorted_by_id(orgs)
    ids = list(orgs["id"])
    n = len(ids)
    g = ig.Graph(n=n, directed=False)
    g.vs["id"] = ids
    for name in ("name", "kind", "city", "country"):
        g.vs[name] = _column(orgs, name, n)
    city_ids: dict[tuple[Any, Any], str | None] = {}
    g.vs["city_id"] = [
        city_ids.get(ck)
        or city_ids.setdefault(
            ck, city_id(ck[0], ck[1]) if ck[0] is not None and ck[1] is not None else None
        )
        for ck in zip(g.vs["city"], g.vs["country"], strict=True)
    ]
    g.vs["sectors"] = [list(s) if s else [] for s in _column(orgs, "sectors", n)]
    g.vs["synthetic"] = [bool(s) for s in _column(orgs, "synthetic", n, False)]
    for name, values in orgs.items():
        if name.startswith("gt_"):
            g.vs[name] = list(values)

    # Edges: vectorised with pandas (500k ties in well under a second).
    src = pd.Series(_column(ties, "source", 0) if "source" in ties else [], dtype=object)
    dst = pd.Series(_column(ties, "target", 0) if "target" in ties else [], dtype=object)
    m = len(src)
    id_index = pd.Index(ids)
    si = id_index.get_indexer(src) if m else np.empty(0, dtype=np.int64)
    ti = id_index.get_indexer(dst) if m else np.empty(0, dtype=np.int64)
    kept = np.flatnonzero((si >= 0) & (ti >= 0))
    if canonical and m:  # by endpoint positions (ids sorted), kind, start year
        kind_code = pd.Categorical(pd.Series(_column(ties, "kind", m), dtype=object)).codes
        start = pd.to_numeric(pd.Series(_column(ties, "start_year", m)), errors="coerce")
        start = start.fillna(-1).to_numpy()
        kept = kept[np.lexsort((start[kept], kind_code[kept], ti[kept], si[kept]))]
    g.add_edges(np.column_stack([si[kept], ti[kept]]).tolist())

    def pick(name: str) -> pd.Series:
        values = ties.get(name)
        col = pd.Series([None] * m if values is None else list(values), dtype=object)
        return col.iloc[kept].reset_index(drop=True)

    kinds = pd.Categorical(pick("kind"))
    codes = kinds.codes
    cats = list(kinds.categories)

    def per_kind(value_of: Any) -> list:
        table = np.array([value_of(k) for k in cats] + [value_of(None)], dtype=object)
        return table[codes].tolist()  # code -1 (missing kind) picks the last entry

    weights = dict(weights or default_weights())
    given = pd.to_numeric(pick("weight"), errors="coerce").to_numpy(dtype=float)
    default = np.array(per_kind(lambda k: float(weights.get(k, 1.0))), dtype=float)
    g.es["kind"] = per_kind(lambda k: k)
    g.es["rel_type"] = per_kind(lambda k: TIE_KINDS[k].rel_type if k in TIE_KINDS else None)
    g.es["directed"] = per_kind(lambda k: TIE_KINDS[k].directed if k in TIE_KINDS else False)
    g.es["weight_given"] = _floats_or_none(given)
    g.es["weight"] = np.where(np.isnan(given), default, given).tolist()
    g.es["start_year"] = _ints_or_none(pick("start_year"))
    g.es["end_year"] = _ints_or_none(pick("end_year"))
    g.es["source_id"] = src.iloc[kept].tolist()
    g["cities"] = {k: dict(v) for k, v in (cities or {}).items()}
    g["sectors"] = dict(sectors or {})
    return g


def _floats_or_none(values: np.ndarray) -> list[float | None]:
    out: list[float | None] = values.tolist()
    for i in np.flatnonzero(np.isnan(values)).tolist():
        out[i] = None
    return out


def _ints_or_none(values: pd.Series) -> list[int | None]:
    """Years as Python ints, None where missing or not a number."""
    nums = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    out: list[int | None] = np.nan_to_num(nums).astype(np.int64).tolist()
    for i in np.flatnonzero(np.isnan(nums)).tolist():
        out[i] = None
    return out


def graph_from_bundle(bundle: Bundle, weights: Mapping[str, float] | None = None) -> ig.Graph:
    """The analysis graph straight from a validated bundle (tests, notebooks, dry runs).

    The CLI always projects from the store instead; this gives the same contract.
    """
    orgs = bundle.organisations
    ties = bundle.ties
    return graph_from_columns(
        {
            "id": [o.id for o in orgs],
            "name": [o.name for o in orgs],
            "kind": [o.kind for o in orgs],
            "city": [o.city for o in orgs],
            "country": [o.country for o in orgs],
            "sectors": [list(o.sectors) for o in orgs],
            "synthetic": [o.synthetic for o in orgs],
        },
        {
            "source": [t.source for t in ties],
            "target": [t.target for t in ties],
            "kind": [t.kind for t in ties],
            "weight": [t.weight for t in ties],
            "start_year": [t.start_year for t in ties],
            "end_year": [t.end_year for t in ties],
        },
        cities={
            c.id: {
                "name": c.name,
                "country": c.country,
                "lat": c.lat,
                "lon": c.lon,
                "population": c.population,
                "region": c.region,
            }
            for c in bundle.cities
        },
        sectors={s.id: s.name for s in bundle.sectors},
        weights=weights,
        canonical=True,
    )


def filter_edges(
    g: ig.Graph,
    tie_kinds: Sequence[str] | None = None,
    years: tuple[int | None, int | None] | None = None,
) -> ig.Graph:
    """A copy of ``g`` keeping only ties of ``tie_kinds`` that started within ``years``.

    Ties with no start year are kept by a year filter only when it has no lower bound.
    """
    keep = np.ones(g.ecount(), dtype=bool)
    if tie_kinds:
        allowed = set(tie_kinds)
        keep &= np.array([k in allowed for k in g.es["kind"]], dtype=bool)
    if years and (years[0] is not None or years[1] is not None):
        lo, hi = years
        ys = g.es["start_year"]
        keep &= np.array(
            [
                (y is None and lo is None)
                or (y is not None and (lo is None or y >= lo) and (hi is None or y <= hi))
                for y in ys
            ],
            dtype=bool,
        )
    return g.subgraph_edges(np.flatnonzero(keep).tolist(), delete_vertices=False)


def simple_view(g: ig.Graph, weights: Mapping[str, float] | None = None) -> ig.Graph:
    """Collapse parallel ties into one undirected edge whose weight is their sum.

    Most metrics are defined on simple graphs: two organisations with a project and a
    meeting are one stronger tie, not two paths. ``weights`` re-weights by tie kind first.
    Vertex attributes and graph attributes are kept; edge attribute ``kinds`` lists the
    tie kinds merged into each edge.
    """
    n, m = g.vcount(), g.ecount()
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(m, 2)
    kinds = pd.Categorical(g.es["kind"] if m else [])
    if weights is None:
        w = np.asarray(g.es["weight"] if m else [], dtype=float)
    else:
        given = np.array([np.nan if x is None else x for x in g.es["weight_given"]], dtype=float)
        per_kind = np.array([float(weights.get(k, 1.0)) for k in kinds.categories] + [1.0])
        w = np.where(np.isnan(given), per_kind[kinds.codes], given) if m else given
    lo, hi = edges.min(axis=1), edges.max(axis=1)
    keep = lo != hi  # drop self-loops
    key = lo[keep] * max(n, 1) + hi[keep]
    pairs, inverse = np.unique(key, return_inverse=True)
    weight = np.bincount(inverse, weights=w[keep], minlength=len(pairs))
    # Tie kinds merged into each edge, as a bit mask per pair decoded once per distinct mask.
    bits = np.left_shift(np.int64(1), kinds.codes[keep].astype(np.int64))
    mask = np.zeros(len(pairs), dtype=np.int64)
    np.bitwise_or.at(mask, inverse, bits)
    distinct, mask_inverse = np.unique(mask, return_inverse=True)
    cats = list(kinds.categories)
    decoded = [sorted(c for i, c in enumerate(cats) if int(d) >> i & 1) for d in distinct]
    h = ig.Graph(n=n, edges=np.column_stack([pairs // max(n, 1), pairs % max(n, 1)]).tolist())
    for attr in g.vs.attributes():
        h.vs[attr] = g.vs[attr]
    for attr in g.attributes():
        h[attr] = g[attr]
    h.es["weight"] = weight.tolist()
    h.es["kinds"] = [decoded[i] for i in mask_inverse.tolist()]
    return h
