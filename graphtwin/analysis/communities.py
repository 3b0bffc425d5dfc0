"""Leiden communities of organisations, seeded, with their city and country composition.

Communities are found by the Leiden algorithm (Traag, Waltman & van Eck 2019) maximising
weighted modularity (Newman & Girvan 2004) on the simple view of the analysis graph
(parallel ties summed, tie-kind weights). igraph's random numbers come from a
``random.Random(seed)`` for the duration of the call, so a seed gives the same partition.
Communities are numbered from 1 by size, largest first.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": list("abcdef"), "name": list("ABCDEF"), "kind": ["firm"] * 6,
    ...      "city": ["Belfast"] * 3 + ["Sejong"] * 3, "country": ["GB"] * 3 + ["KR"] * 3},
    ...     {"source": list("abdeac"), "target": list("bcefcd"), "kind": ["project"] * 6},
    ... )
    >>> members = communities(g, seed=1)
    >>> sorted(set(members["community"])), members.attrs["communities"]
    ([1, 2], 2)
    >>> community_summary(members)["cities"].tolist()
    ['Belfast 3 (100%)', 'Sejong 3 (100%)']
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping

import igraph as ig
import numpy as np
import pandas as pd

from graphtwin.analysis.centrality import base_frame
from graphtwin.analysis.projection import simple_view


def communities(
    g: ig.Graph,
    *,
    resolution: float = 1.0,
    seed: int = 0,
    weights: Mapping[str, float] | None = None,
    iterations: int = -1,
    simple: ig.Graph | None = None,
) -> pd.DataFrame:
    """Per organisation: base columns, ``community`` (1 = largest) and ``community_size``.

    ``resolution`` > 1 gives more, smaller communities; < 1 fewer, larger ones.
    ``iterations`` < 0 repeats Leiden until the partition no longer improves.
    ``df.attrs`` holds ``modularity`` (weighted, at ``resolution``), ``communities``
    (their number), ``seed`` and ``resolution``.
    """
    if resolution <= 0:
        raise ValueError(f"resolution must be > 0, got {resolution}")
    h = simple if simple is not None else simple_view(g, weights)
    n = h.vcount()
    df = base_frame(h)
    w = h.es["weight"] if h.ecount() else None
    if n == 0:
        df["community"] = []
        df["community_size"] = []
        df.attrs.update(modularity=float("nan"), communities=0, seed=seed, resolution=resolution)
        return df
    ig.set_random_number_generator(random.Random(seed))
    try:
        clustering = h.community_leiden(
            objective_function="modularity",
            weights=w,
            resolution=resolution,
            n_iterations=iterations,
        )
    finally:
        ig.set_random_number_generator(random)
    raw = np.asarray(clustering.membership, dtype=np.int64)
    sizes = np.bincount(raw)
    first = np.full(len(sizes), n, dtype=np.int64)
    np.minimum.at(first, raw, np.arange(n))
    order = sorted(range(len(sizes)), key=lambda c: (-sizes[c], first[c]))
    renumber = np.empty(len(sizes), dtype=np.int64)
    renumber[order] = np.arange(1, len(sizes) + 1)
    membership = renumber[raw]
    df["community"] = membership
    df["community_size"] = sizes[raw]
    modularity = h.modularity((membership - 1).tolist(), weights=w, resolution=resolution)
    df.attrs.update(
        modularity=float(modularity),
        communities=len(sizes),
        seed=seed,
        resolution=resolution,
    )
    return df


def _composition(values: pd.Series, top: int) -> str:
    counts = Counter(str(v) for v in values)
    total = sum(counts.values())
    parts = [
        f"{k} {c} ({c / total:.0%})"
        for k, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    ]
    more = len(counts) - top
    return ", ".join(parts) + (f", +{more} more" if more > 0 else "")


def community_summary(
    members: pd.DataFrame,
    top: int = 3,
    strength: pd.Series | None = None,
) -> pd.DataFrame:
    """One row per community: size, top cities and countries with shares, top members.

    ``members`` is the table of :func:`communities`. Top members are the first ``top``
    organisations by ``strength`` (a Series aligned with ``members``) when given, else in
    vertex order. Columns: community, size, cities, countries, n_cities, n_countries,
    members.
    """
    rows = []
    for community, part in members.groupby("community", sort=True):
        ranked = part
        if strength is not None:
            ranked = part.assign(_s=strength.loc[part.index]).sort_values(
                "_s", ascending=False, kind="stable"
            )
        rows.append(
            {
                "community": int(community),
                "size": len(part),
                "cities": _composition(part["city"], top),
                "countries": _composition(part["country"], top),
                "n_cities": int(part["city"].nunique()),
                "n_countries": int(part["country"].nunique()),
                "members": ", ".join(str(x) for x in ranked["name"].head(top)),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "community", "size", "cities", "countries", "n_cities", "n_countries", "members",
        ],
    )  # fmt: skip
