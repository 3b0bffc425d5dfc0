"""Node positions for maps, computed once in Python so the browser does not have to.

A map opens fast when vis-network receives finished coordinates and its physics engine
is off. This module provides them:

* :func:`network_positions`: force-directed (igraph Fruchterman–Reingold, grid variant
  for large graphs) per connected component, components packed in rows, largest first,
  so isolated organisations do not fly off to the edge of the picture;
* :func:`banded_positions`: the same, with every vertex kept inside a vertical band
  (city A on the left, brokers in the middle, city B on the right);
* :func:`geo_positions`: cities at their coordinates (Mercator), one inset per country
  side by side at a common scale, because the UK and Korea are 8,000 km apart and on one
  world projection every city of a country would collapse into one dot.

Coordinates are in vis-network pixels: x to the right, y downwards.

Example:
    >>> import igraph as ig
    >>> pos = network_positions(ig.Graph.Ring(6), spacing=50.0, seed=1)
    >>> len(pos), len(pos[0])
    (6, 2)
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from contextlib import contextmanager

import igraph as ig
import numpy as np

#: Average distance between neighbouring nodes, in pixels.
DEFAULT_SPACING = 60.0


@contextmanager
def _seeded(seed: int):
    """igraph draws from Python's ``random``: seed it for a reproducible layout, then restore."""
    state = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(state)


def _component_layout(
    g: ig.Graph,
    minx: Sequence[float] | None = None,
    maxx: Sequence[float] | None = None,
) -> np.ndarray:
    """Fruchterman–Reingold coordinates of a connected graph, centred, unit RMS radius."""
    n = g.vcount()
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    kwargs: dict = {"niter": 500 if n <= 1000 else 300, "grid": "auto"}
    if minx is not None:
        kwargs.update(minx=list(minx), maxx=list(maxx))
    weights = g.es["weight"] if "weight" in g.es.attributes() else None
    if weights is not None:
        # Strong ties pull harder, but damp the range so one heavy tie does not collapse a pair.
        kwargs["weights"] = [math.log1p(w) + 0.5 for w in weights]
    xy = np.asarray(g.layout_fruchterman_reingold(**kwargs).coords, dtype=float)
    xy -= xy.mean(axis=0)
    rms = math.sqrt(float((xy**2).sum(axis=1).mean())) or 1.0
    return xy / rms


def _pack(blocks: list[np.ndarray], spacing: float) -> list[np.ndarray]:
    """Place component layouts (already in pixels) in rows, largest first, left to right."""
    if not blocks:
        return []
    sizes = [b.max(axis=0) - b.min(axis=0) + spacing for b in blocks]
    total_area = sum(float(s[0] * s[1]) for s in sizes)
    row_width = max(math.sqrt(total_area) * 1.2, float(sizes[0][0]))
    placed: list[np.ndarray] = []
    x = y = row_height = 0.0
    for i, (block, size) in enumerate(zip(blocks, sizes, strict=True)):
        # The largest component gets a row of its own; the small ones line up below it.
        if x > 0 and (i == 1 or x + size[0] > row_width):
            x, y, row_height = 0.0, y + row_height, 0.0
        offset = np.array([x, y]) - block.min(axis=0)
        placed.append(block + offset)
        x += float(size[0])
        row_height = max(row_height, float(size[1]))
    allxy = np.vstack(placed)
    centre = (allxy.max(axis=0) + allxy.min(axis=0)) / 2
    return [p - centre for p in placed]


def spacing_for(n: int) -> float:
    """Neighbour distance for a map of ``n`` nodes: roomier when there are few to show.

    >>> spacing_for(20) > spacing_for(2000)
    True
    """
    return DEFAULT_SPACING * (1.0 + 1.2 / (1.0 + n / 60.0))


def network_positions(
    g: ig.Graph, spacing: float | None = None, seed: int = 42
) -> list[tuple[float, float]]:
    """Pixel positions for every vertex of ``g`` (multi-edges and directions ignored).

    Each connected component is laid out on its own and scaled so that its area grows
    with its number of vertices; components are then packed in rows, largest first.

    Example:
        >>> import igraph as ig
        >>> g = ig.Graph([(0, 1), (2, 3)])
        >>> pos = network_positions(g, seed=3)
        >>> round(abs(pos[0][0] - pos[1][0]) + abs(pos[0][1] - pos[1][1])) > 0
        True
    """
    n = g.vcount()
    if n == 0:
        return []
    spacing = spacing or spacing_for(n)
    h = _simple(g)
    components = sorted(h.connected_components(), key=len, reverse=True)
    blocks: list[np.ndarray] = []
    with _seeded(seed):
        for members in components:
            unit = _component_layout(h.induced_subgraph(members))
            blocks.append(unit * spacing * math.sqrt(len(members)) * 0.55)
    out = np.zeros((n, 2))
    for members, block in zip(components, _pack(blocks, spacing), strict=True):
        out[members] = block
    return [(float(x), float(y)) for x, y in out]


def banded_positions(
    g: ig.Graph,
    band: Sequence[int],
    spacing: float | None = None,
    seed: int = 42,
) -> list[tuple[float, float]]:
    """Positions with vertex ``i`` held in vertical band ``band[i]`` (0 left, 1 middle, 2 right).

    Used by the city-pair view: one city on the left, the other on the right, the
    organisations that connect them in between, ties free to pull within each band.

    Example:
        >>> import igraph as ig
        >>> pos = banded_positions(ig.Graph([(0, 1), (1, 2)]), band=[0, 1, 2], seed=1)
        >>> pos[0][0] < pos[1][0] < pos[2][0]
        True
    """
    n = g.vcount()
    if n == 0:
        return []
    spacing = spacing or spacing_for(n)
    h = _simple(g)
    counts = np.bincount(np.asarray(band, dtype=int), minlength=3)
    # Each band gets an area proportional to its vertices; bands share one height.
    height = spacing * max(5.0, 1.6 * math.sqrt(max(int(counts.max()), 1)))
    widths = [spacing * max(2.5, 1.3 * float(c) / (height / spacing)) for c in counts]
    gap = spacing * 3.0
    lefts = [0.0, widths[0] + gap, widths[0] + widths[1] + 2 * gap]
    lo = [lefts[b] for b in band]
    hi = [lefts[b] + widths[b] for b in band]
    with _seeded(seed):
        rng = np.random.default_rng(seed)
        start = np.column_stack(
            [
                [rng.uniform(a, b) for a, b in zip(lo, hi, strict=True)],
                rng.uniform(0, height, n),
            ]
        )
        weights = [math.log1p(w) + 0.5 for w in h.es["weight"]] if h.ecount() else None
        layout = h.layout_fruchterman_reingold(
            seed=start.tolist(),
            niter=500,
            minx=lo,
            maxx=hi,
            miny=[0.0] * n,
            maxy=[height] * n,
            weights=weights,
            grid="nogrid",
        )
    xy = np.asarray(layout.coords, dtype=float)
    # Bounded force layouts pile vertices against the band edges: keep each band's order
    # along x (and half of it along y) but spread the vertices evenly across the band.
    bands = np.asarray(band, dtype=int)
    for b in range(3):
        members = np.flatnonzero(bands == b)
        if len(members) < 2:
            continue
        for axis, lo_b, span, mix in (
            (0, lefts[b], widths[b], 1.0),
            (1, 0.0, height, 0.5),
        ):
            ranks = np.argsort(np.argsort(xy[members, axis], kind="stable"), kind="stable")
            even = lo_b + span * (ranks + 0.5) / len(members)
            xy[members, axis] = mix * even + (1 - mix) * xy[members, axis]
    xy -= (xy.max(axis=0) + xy.min(axis=0)) / 2
    return [(float(x), float(y)) for x, y in xy]


def _simple(g: ig.Graph) -> ig.Graph:
    """An undirected simple copy with summed ``weight`` (1 per tie when absent)."""
    h = ig.Graph(n=g.vcount(), edges=g.get_edgelist(), directed=False)
    h.es["weight"] = g.es["weight"] if "weight" in g.es.attributes() else [1.0] * g.ecount()
    h.simplify(multiple=True, loops=True, combine_edges={"weight": "sum"})
    return h


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Spherical Mercator of degrees, in radians of longitude (y grows northwards).

    >>> x, y = mercator(0.0, 180.0)
    >>> round(x, 4), abs(round(y, 4))
    (3.1416, 0.0)
    """
    lat = max(min(lat, 85.0), -85.0)
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def geo_positions(
    cities: Mapping[str, Mapping[str, object]],
    width: float = 900.0,
    gap: float = 400.0,
    common_scale: bool = False,
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[float, float]]]:
    """Pixel positions of cities (``{id: {lat, lon, country}}``), one inset per country.

    Countries are placed west to east in one row; within a country positions are
    Mercator. Each country is scaled so that its longer side spans ``width`` pixels
    (``common_scale=True``: one scale for all, set by the largest country). Returns
    ``(city positions, country label positions)``; cities without coordinates are left
    out.

    Example:
        >>> pos, labels = geo_positions({
        ...     "GB-belfast": {"lat": 54.6, "lon": -5.93, "country": "GB"},
        ...     "GB-london": {"lat": 51.5, "lon": -0.13, "country": "GB"},
        ...     "KR-sejong": {"lat": 36.48, "lon": 127.29, "country": "KR"},
        ... })
        >>> pos["GB-belfast"][0] < pos["GB-london"][0] < pos["KR-sejong"][0]
        True
        >>> pos["GB-belfast"][1] < pos["GB-london"][1]  # north is up
        True
        >>> sorted(labels)
        ['GB', 'KR']
    """
    by_country: dict[str, list[tuple[str, float, float]]] = {}
    for cid, c in cities.items():
        lat, lon = c.get("lat"), c.get("lon")
        if lat is None or lon is None or lat != lat or lon != lon:
            continue
        x, y = mercator(float(lat), float(lon))
        by_country.setdefault(str(c.get("country") or "?"), []).append((cid, x, -y))
    if not by_country:
        return {}, {}
    extents = {}
    for country, pts in by_country.items():
        xs = [p[1] for p in pts]
        ys = [p[2] for p in pts]
        extents[country] = (min(xs), max(xs), min(ys), max(ys))
    common = max(max(e[1] - e[0], e[3] - e[2]) for e in extents.values()) or 1e-3
    order = sorted(by_country, key=lambda c: (extents[c][0] + extents[c][1]) / 2)
    positions: dict[str, tuple[float, float]] = {}
    labels: dict[str, tuple[float, float]] = {}
    left = 0.0
    for country in order:
        x0, x1, y0, y1 = extents[country]
        own = max(x1 - x0, y1 - y0)
        scale = width / (common if common_scale or own <= 0 else own)
        cy = (y0 + y1) / 2
        inset_width = max((x1 - x0) * scale, 120.0)
        for cid, x, y in by_country[country]:
            positions[cid] = (left + (x - x0) * scale, (y - cy) * scale)
        # Below the inset: lines between countries arc above the cities.
        labels[country] = (left + inset_width / 2, ((y1 - y0) * scale) / 2 + 90.0)
        left += inset_width + gap
    shift = left - gap
    positions = {k: (x - shift / 2, y) for k, (x, y) in positions.items()}
    labels = {k: (x - shift / 2, y) for k, (x, y) in labels.items()}
    return positions, labels


def close_pairs(xy: np.ndarray, reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i < j or i != j, each pair once) of points in the same or neighbouring
    grid cells of side ``reach``: every pair closer than ``reach`` is among them.

    A grid in plain numpy (sort the cell keys, search the neighbours' ranges) keeps
    decluttering linear in the number of nodes without importing scipy.spatial.

    Example:
        >>> i, j = close_pairs(np.array([[0.0, 0.0], [1.0, 0.0], [50.0, 0.0]]), 5.0)
        >>> sorted(zip(i.tolist(), j.tolist()))
        [(0, 1)]
    """
    n = len(xy)
    cells = np.floor(xy / reach).astype(np.int64)
    cells -= cells.min(axis=0)
    width = int(cells[:, 1].max()) + 3
    key = cells[:, 0] * width + cells[:, 1] + 1
    order = np.argsort(key, kind="stable")
    sorted_keys = key[order]
    found_i, found_j = [], []
    for dx, dy in ((0, 0), (1, -1), (1, 0), (1, 1), (0, 1)):
        target = key + dx * width + dy
        lo = np.searchsorted(sorted_keys, target, side="left")
        hi = np.searchsorted(sorted_keys, target, side="right")
        count = hi - lo
        total = int(count.sum())
        if total == 0:
            continue
        i = np.repeat(np.arange(n), count)
        offsets = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        j = order[np.repeat(lo, count) + offsets]
        keep = i < j if (dx, dy) == (0, 0) else np.ones(total, dtype=bool)
        found_i.append(i[keep])
        found_j.append(j[keep])
    if not found_i:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(found_i), np.concatenate(found_j)


def declutter(
    xy: np.ndarray, radii: np.ndarray, margin: float = 6.0, iterations: int = 80
) -> np.ndarray:
    """Nudge circles apart until no two overlap (centres move as little as needed).

    Used for cities that lie a few kilometres apart (Seoul and its satellites): each
    overlapping pair is pushed apart along the line between them, half each, repeatedly.

    Example:
        >>> out = declutter(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([10.0, 10.0]))
        >>> round(float(out[1, 0] - out[0, 0]))
        26
    """
    xy = np.array(xy, dtype=float)
    n = len(xy)
    if n < 2:
        return xy
    r = np.asarray(radii, dtype=float)
    reach = 2.0 * float(r.max()) + margin
    xy = xy + np.random.default_rng(0).normal(scale=1e-3, size=xy.shape)
    for _ in range(iterations):
        i, j = close_pairs(xy, reach)
        if len(i) == 0:
            break
        d = xy[i] - xy[j]
        dist = np.maximum(np.sqrt((d**2).sum(axis=1)), 1e-9)
        overlap = r[i] + r[j] + margin - dist
        hit = overlap > 1e-6
        if not hit.any():
            break
        push = d[hit] / dist[hit, None] * (overlap[hit, None] / 2.0)
        np.add.at(xy, i[hit], push)
        np.add.at(xy, j[hit], -push)
    return xy


def radial_positions(
    g: ig.Graph,
    centre: int,
    distance: Sequence[int],
    spacing: float | None = None,
    seed: int = 42,
) -> list[tuple[float, float]]:
    """Rings around ``centre``: vertices ``distance[i]`` ties away sit on ring ``distance[i]``.

    The angular order on each ring follows a force-directed layout, so partners stay
    close; a crowded ring is split into several concentric rows. Clearer than a
    force-directed picture of an ego network, whose centre is always a hairball.

    Example:
        >>> import igraph as ig
        >>> g = ig.Graph([(0, 1), (0, 2), (1, 3)])
        >>> pos = radial_positions(g, 0, [0, 1, 1, 2], spacing=50.0)
        >>> pos[0], round(math.hypot(*pos[1])) == round(math.hypot(*pos[2]))
        ((0.0, 0.0), True)
        >>> math.hypot(*pos[3]) > math.hypot(*pos[1])
        True
    """
    n = g.vcount()
    if n == 0:
        return []
    spacing = spacing or spacing_for(n)
    force = np.asarray(network_positions(g, spacing=spacing, seed=seed), dtype=float)
    force -= force[centre]
    angle = np.arctan2(force[:, 1], force[:, 0])
    out = np.zeros((n, 2))
    radius = 0.0
    for d in range(1, max(distance) + 1):
        ring = [v for v in range(n) if distance[v] == d]
        if not ring:
            continue
        ring.sort(key=lambda v: angle[v])
        base = radius + spacing * 2.2
        rows = max(1, math.ceil(len(ring) * spacing * 0.9 / (2 * math.pi * base)))
        for i, v in enumerate(ring):
            r = base + (i % rows) * spacing * 0.9
            a = 2 * math.pi * i / len(ring)
            out[v] = (r * math.cos(a), r * math.sin(a))
        radius = base + (rows - 1) * spacing * 0.9
    out[centre] = (0.0, 0.0)
    return [(float(x), float(y)) for x, y in out]


def geo_insets(
    cities: Mapping[str, Mapping[str, object]],
    outlines: Mapping[str, Sequence[Sequence[tuple[float, float]]]],
    width: float = 900.0,
    gap: float = 260.0,
    pad: float = 40.0,
) -> tuple[dict[str, tuple[float, float]], dict[str, dict[str, object]]]:
    """Cities at their coordinates, one Mercator inset per country, framed by its outline.

    Like :func:`geo_positions`, but an inset spans the country's land near its cities
    (its ``outlines`` rings, ``[(lon, lat), ...]``, whose box lies within 2° of a city,
    and its largest ring) rather than the cities alone, so the outline drawn under the
    cities is the whole country. Returns ``(city positions, insets)`` with, per country,
    ``box`` (x0, y0, x1, y1 of the frame) and ``project`` (a function of ``(lon, lat)``
    giving the pixel position in the inset, for drawing outlines).

    Example:
        >>> pos, insets = geo_insets(
        ...     {"GB-belfast": {"lat": 54.6, "lon": -5.93, "country": "GB"},
        ...      "KR-busan": {"lat": 35.18, "lon": 129.08, "country": "KR"}},
        ...     {"GB": [[(-8.0, 54.0), (-5.5, 54.0), (-5.5, 55.3), (-8.0, 55.3)]]})
        >>> box = insets["GB"]["box"]
        >>> box[0] < pos["GB-belfast"][0] < box[2] < pos["KR-busan"][0]
        True
    """
    by_country: dict[str, list[tuple[str, float, float]]] = {}
    for cid, c in cities.items():
        lat, lon = c.get("lat"), c.get("lon")
        if lat is None or lon is None or lat != lat or lon != lon:
            continue
        by_country.setdefault(str(c.get("country") or "?"), []).append(
            (cid, float(lon), float(lat))
        )
    extents: dict[str, tuple[float, float, float, float]] = {}
    for country, pts in by_country.items():
        lons = [p[1] for p in pts]
        lats = [p[2] for p in pts]
        rings = list(outlines.get(country, ()))
        if rings:
            biggest = max(rings, key=len)
            near = [
                r
                for r in rings
                if r is biggest
                or any(
                    min(q[0] for q in r) - 2 <= lo <= max(q[0] for q in r) + 2
                    and min(q[1] for q in r) - 2 <= la <= max(q[1] for q in r) + 2
                    for lo, la in zip(lons, lats, strict=True)
                )
            ]
            lons += [q[0] for r in near for q in r]
            lats += [q[1] for r in near for q in r]
        x0, y1 = mercator(min(lats), min(lons))
        x1, y0 = mercator(max(lats), max(lons))
        extents[country] = (x0, x1, -y0, -y1)
    order = sorted(by_country, key=lambda c: (extents[c][0] + extents[c][1]) / 2)
    positions: dict[str, tuple[float, float]] = {}
    insets: dict[str, dict[str, object]] = {}
    left = 0.0
    for country in order:
        x0, x1, y0, y1 = extents[country]
        scale = width / (max(x1 - x0, y1 - y0) or 1e-3)
        inset_w = max((x1 - x0) * scale, 120.0)
        cy = (y0 + y1) / 2

        def project(lon: float, lat: float, x0=x0, cy=cy, scale=scale, left=left):
            x, y = mercator(lat, lon)
            return (left + (x - x0) * scale, (-y - cy) * scale)

        for cid, lon, lat in by_country[country]:
            positions[cid] = project(lon, lat)
        half = (y1 - y0) * scale / 2
        insets[country] = {
            "box": (left - pad, -half - pad, left + inset_w + pad, half + pad),
            "project": project,
        }
        left += inset_w + gap
    return positions, insets
