"""Country outlines for the cities map, offline, from Natural Earth admin-0.

The package file ``viz/data/countries.json`` holds the outlines of a few countries
(longitude/latitude rings, simplified, rounded to 0.01°), extracted once from the npm
package ``world-atlas`` 2.0.2 (``countries-50m.json``: Natural Earth 1:50m admin-0
countries as TopoJSON; Natural Earth is public domain, world-atlas is ISC-licensed; see
``viz/data/BASEMAP.md``). :func:`outlines` reads it; :func:`build` makes it again:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m graphtwin.viz.basemap package/countries-50m.json

Decoding follows the TopoJSON specification: quantised arcs are delta-encoded
(``x_i = x_{i-1} + dx_i``), then scaled and translated by the topology's transform; a
ring lists arc indices, ``~i`` meaning arc ``i`` reversed. Rings are simplified with the
Ramer–Douglas–Peucker algorithm (Douglas & Peucker 1973) at :data:`TOLERANCE` degrees.

Example:
    >>> rings = outlines(["GB"])["GB"]
    >>> len(rings) > 1, all(len(r) >= 4 for r in rings)
    (True, True)
    >>> lon, lat = rings[0][0]
    >>> -9 < lon < 2 and 49 < lat < 61
    True
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

DATA = Path(__file__).with_name("data") / "countries.json"

#: ISO 3166 numeric (world-atlas ids) → alpha-2 of the countries shipped.
COUNTRIES: dict[str, str] = {
    "826": "GB",
    "372": "IE",
    "410": "KR",
    "408": "KP",
    "392": "JP",
    "156": "CN",
    "250": "FR",
    "056": "BE",
    "528": "NL",
    "276": "DE",
}

#: Neighbours drawn faintly (clipped to the inset) around a country shown.
NEIGHBOURS: dict[str, tuple[str, ...]] = {
    "GB": ("IE", "FR", "BE", "NL"),
    "IE": ("GB",),
    "KR": ("KP", "JP", "CN"),
    "KP": ("KR", "CN"),
    "JP": ("KR", "KP", "CN"),
}

#: Simplification tolerance in degrees (about 2 km), and the smallest island kept.
TOLERANCE = 0.02
MIN_RING_AREA = 0.004  # square degrees (about 40 km² at 50° N)


@functools.cache
def _table() -> dict[str, list[list[list[float]]]]:
    return json.loads(DATA.read_text(encoding="utf-8"))["countries"]


def outlines(countries: Iterable[str]) -> dict[str, list[list[tuple[float, float]]]]:
    """Outline rings (``[(lon, lat), ...]``) of the countries that the package ships."""
    table = _table()
    return {c: [[(p[0], p[1]) for p in ring] for ring in table[c]] for c in countries if c in table}


def available() -> frozenset[str]:
    """Alpha-2 codes of the countries with an outline."""
    return frozenset(_table())


# --------------------------------------------------------------------------------------
# Building the package file (run once; not used when drawing)
# --------------------------------------------------------------------------------------


def _arcs(topology: dict) -> list[np.ndarray]:
    scale = np.array(topology["transform"]["scale"])
    shift = np.array(topology["transform"]["translate"])
    return [np.cumsum(np.array(a, dtype=float), axis=0) * scale + shift for a in topology["arcs"]]


def _ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for i in indices:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        parts.append(arc if not parts else arc[1:])
    return np.vstack(parts)


def _simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Ramer–Douglas–Peucker, iterative (rings of thousands of points)."""
    keep = np.zeros(len(points), dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        seg = points[b] - points[a]
        rel = points[a + 1 : b] - points[a]
        norm = float(np.hypot(*seg))
        if norm == 0.0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            mid = a + 1 + k
            keep[mid] = True
            stack += [(a, mid), (mid, b)]
    return points[keep]


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))) / 2.0


def build(topojson_path: str | Path, out: Path = DATA) -> Path:
    """Extract :data:`COUNTRIES` from world-atlas' ``countries-50m.json`` into ``out``."""
    topology = json.loads(Path(topojson_path).read_text(encoding="utf-8"))
    arcs = _arcs(topology)
    result: dict[str, list] = {}
    for geom in topology["objects"]["countries"]["geometries"]:
        code = COUNTRIES.get(str(geom.get("id")))
        if code is None:
            continue
        polygons = geom["arcs"] if geom["type"] == "MultiPolygon" else [geom["arcs"]]
        rings = []
        for polygon in polygons:
            outer = _ring(arcs, polygon[0])  # holes (lakes) are not drawn
            if _area(outer) < MIN_RING_AREA:
                continue
            simple = _simplify(outer, TOLERANCE)
            if len(simple) >= 4:
                rings.append(np.round(simple, 2).tolist())
        result[code] = rings
    payload = {
        "source": "Natural Earth 1:50m admin-0 countries via world-atlas 2.0.2 "
        "(countries-50m.json); public domain (Natural Earth), ISC (world-atlas)",
        "tolerance_degrees": TOLERANCE,
        "countries": result,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(payload, separators=(",", ":")), encoding="utf-8")
    return out


if __name__ == "__main__":  # pragma: no cover - maintenance script
    if len(sys.argv) != 2:
        sys.exit("usage: python -m graphtwin.viz.basemap path/to/countries-50m.json")
    written = build(sys.argv[1])
    print(f"{written}: {written.stat().st_size:,} bytes")
