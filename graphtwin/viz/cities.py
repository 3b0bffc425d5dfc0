"""The cities view: cities at their coordinates on country outlines, ties summed.

One circle per city, one Mercator inset per country (GB and KR are 9,000 km apart),
the country's Natural Earth outline under its cities and its neighbours drawn faintly
(:mod:`graphtwin.viz.basemap`); lines between cities carry their ties summed by kind and
years, so the page's filters work on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import igraph as ig
import numpy as np

from graphtwin.errors import GraphtwinError
from graphtwin.model import COUNTRY_NAMES
from graphtwin.viz.basemap import NEIGHBOURS, outlines
from graphtwin.viz.elements import (
    FONT_STACK,
    OTHER_COLOUR,
    _colour_legend,
    _dataset_subtitle,
    _fmt,
    _line_legend,
    _normalise,
    _palette,
    _rank_order,
    _resolve_score,
    _score_values,
    _size_legend,
    group_lines,
    group_ties,
    score_label,
)
from graphtwin.viz.layout import declutter, geo_insets
from graphtwin.viz.mapdata import MapData

# --------------------------------------------------------------------------------------
# View: cities at their coordinates
# --------------------------------------------------------------------------------------


def cities_map(
    g: ig.Graph,
    *,
    size_by: str | None = "organisations",
    color_by: str = "country",
    title: str | None = None,
    dataset: str | None = None,
) -> MapData:
    """A geographic city-level map: one circle per city, one line per pair of tied cities.

    Cities sit at their coordinates (``g["cities"]``: lat/lon), one inset per country
    (see :func:`graphtwin.viz.layout.geo_insets`). Circles are sized by the number of
    organisations (``size_by="organisations"``) or by the sum of a ``gt_*`` score over
    the city's organisations; lines are weighted by the number of ties between cities,
    purple between countries. Cities without coordinates are listed in the footnote.

    Example:
        >>> from graphtwin.analysis.projection import graph_from_columns
        >>> g = graph_from_columns({"id": ["a", "b", "c"], "name": ["A", "B", "C"],
        ...     "kind": ["firm"] * 3, "city": ["Leeds", "Leeds", "Busan"],
        ...     "country": ["GB", "GB", "KR"]},
        ...     {"source": ["a", "b"], "target": ["c", "c"], "kind": ["mou", "visit"]},
        ...     cities={"GB-leeds": {"name": "Leeds", "country": "GB", "lat": 53.8,
        ...                          "lon": -1.55},
        ...             "KR-busan": {"name": "Busan", "country": "KR", "lat": 35.18,
        ...                          "lon": 129.08}})
        >>> m = cities_map(g)
        >>> [n["id"] for n in m.nodes if not n["id"].startswith("country:")]
        ['GB-leeds', 'KR-busan']
        >>> m.edge_info[m.edges[0]["id"]]["rows"][0]
        ['ties', '2 (mou 1, visit 1)']
    """
    if color_by not in ("country", "city"):
        raise GraphtwinError(
            f"color_by {color_by!r} does not apply to the cities map; use country or city"
        )
    size_attr = None
    if size_by not in (None, "organisations"):
        size_attr = _resolve_score(g, size_by)
        if size_attr == "degree":
            size_attr = None
            size_by = "degree"
    meta = dict(g["cities"]) if "cities" in g.attributes() else {}
    city_of = g.vs["city_id"]
    members: dict[str, list[int]] = {}
    for v, cid in enumerate(city_of):
        if cid is not None:
            members.setdefault(cid, []).append(v)
    for cid, vs_ in members.items():
        if cid not in meta:
            v0 = g.vs[vs_[0]]
            meta[cid] = {"name": v0["city"], "country": v0["country"]}
    used = {cid: meta[cid] for cid in members}
    countries_used = sorted({str(c.get("country") or "?") for c in used.values()})
    shapes = outlines(countries_used)
    positions, insets = geo_insets(used, shapes)
    missing = sorted(str(used[c].get("name", c)) for c in used if c not in positions)
    shown_ids = [c for c in sorted(used, key=lambda c: -len(members[c])) if c in positions]

    # Ties between and within cities.
    within, pairs = group_ties(g, city_of)
    across: Counter[str] = Counter()
    for (cu, cv), ties in pairs.items():
        n = sum(t[4] for t in ties)
        across[cu] += n
        across[cv] += n

    if size_attr:
        vals = _score_values(g, size_attr)
        raw = np.array([float(np.nansum(vals[members[c]])) for c in shown_ids])
        size_label = f"{score_label(size_attr)} (sum over organisations)"
    elif size_by == "degree":
        vals = _score_values(g, "degree")
        raw = np.array([float(np.nansum(vals[members[c]])) for c in shown_ids])
        size_label = "partners (sum over organisations)"
    else:
        raw = np.array([float(len(members[c])) for c in shown_ids])
        size_label = "organisations"
    norm = _normalise(raw) if len(raw) else raw
    sizes = 8.0 + norm * 32.0
    keys = [
        str(used[c].get("country") or "?") if color_by == "country" else str(used[c]["name"])
        for c in shown_ids
    ]
    colours = _palette(keys, color_by)
    rank_attr = size_attr or _resolve_score(g, None)
    rank = _score_values(g, rank_attr)
    xy = np.array([positions[c] for c in shown_ids]) if shown_ids else np.zeros((0, 2))
    # Neighbouring cities (Seoul and its satellites) are nudged apart so none hides another.
    xy = declutter(xy, sizes + 2.0)
    positions = {c: (float(xy[i, 0]), float(xy[i, 1])) for i, c in enumerate(shown_ids)}
    nodes, info, search = [], {}, []
    for i, cid in enumerate(shown_ids):
        c = used[cid]
        name = str(c.get("name") or cid)
        country = str(c.get("country") or "?")
        nodes.append(
            {
                "id": cid,
                "x": round(positions[cid][0], 1),
                "y": round(positions[cid][1], 1),
                "size": round(float(sizes[i]), 1),
                "shape": "dot",
                "color": colours[keys[i]],
                "lb": name,
                "pr": i,  # shown_ids is biggest city first
                "fixed": True,
                "ck": keys[i] if colours[keys[i]] != OTHER_COLOUR else "__other",
            }
        )
        top = [str(g.vs[v]["name"]) for v in _rank_order(rank, g, members[cid])[:5]]
        helix = Counter(str(g.vs[v]["kind"] or "other") for v in members[cid])
        rows = [
            ["country", COUNTRY_NAMES.get(country, country)],
            ["organisations", _fmt(len(members[cid]))],
            ["kinds", ", ".join(f"{k.replace('_', ' ')} {n}" for k, n in helix.most_common())],
            ["ties within", _fmt(within[cid])],
            ["ties to other cities", _fmt(across[cid])],
        ]
        if size_attr:
            rows.append([size_label, _fmt(float(raw[i]))])
        if c.get("population"):
            rows.append(["population", _fmt(c.get("population"))])
        rows.append(["leading organisations", ", ".join(top) or "–"])
        info[cid] = {"title": name, "subtitle": cid, "rows": rows}
        search.append([cid, name, country])
    basemap = _basemap_frames(insets, countries_used)
    for country, inset in insets.items():
        x0, y0, x1, _y1 = inset["box"]
        nodes.append(
            {
                "id": f"country:{country}",
                "label": COUNTRY_NAMES.get(country, country),
                "x": round((x0 + x1) / 2, 1),
                "y": round(y0 - 40.0, 1),
                "shape": "text",
                "font": {"size": 40, "color": "#52606d", "face": FONT_STACK},
                "fixed": True,
                "chosen": False,
                "physics": False,
            }
        )
    in_view = set(shown_ids)
    countries = {c: str(used[c].get("country")) for c in used}
    edges, edge_info, cats = group_lines(pairs, in_view, countries)
    legend = [
        _colour_legend(keys, colours, color_by),
        _size_legend(raw, sizes, size_label),
        _line_legend(cats, edges=edges),
    ]
    total = len(used)
    footnote = f"{len(shown_ids):,} cities, {sum(len(members[c]) for c in shown_ids):,} "
    footnote += "organisations; line width: number of ties. Each country is drawn as its own "
    footnote += "inset (Mercator, each at its own scale). Outlines: Natural Earth."
    if missing:
        footnote += f" Not shown (no coordinates): {', '.join(missing[:10])}"
        footnote += " …" if len(missing) > 10 else "."
    view_text = f"cities, {len(shown_ids):,} cities, {len(edges):,} city pairs with ties"
    return MapData(
        view="cities",
        title=title or "Cities and the ties between them",
        subtitle=_dataset_subtitle(dataset, view_text),
        nodes=nodes,
        edges=edges,
        info=info,
        edge_info=edge_info,
        legend=legend,
        footnote=footnote,
        shown=len(shown_ids),
        total=total,
        physics=False,
        search=search,
        options={"interaction": {"dragNodes": False}},
        basemap=basemap,
    )


def _basemap_frames(insets: Mapping[str, dict[str, Any]], shown: Sequence[str]) -> dict:
    """Country outlines (and faint neighbours) projected into each inset, for the page."""
    frames = []
    for country, inset in insets.items():
        project = inset["project"]
        around = [c for c in NEIGHBOURS.get(country, ()) if c not in shown or c != country]
        shapes = []
        for code, rings in outlines([country, *around]).items():
            flat = []
            for ring in rings:
                pts = [project(lon, lat) for lon, lat in ring]
                flat.append([round(v, 1) for p in pts for v in p])
            shapes.append({"country": code, "main": code == country, "rings": flat})
        shapes.sort(key=lambda s: s["main"])  # the country itself on top
        frames.append(
            {"country": country, "box": [round(v, 1) for v in inset["box"]], "shapes": shapes}
        )
    return {"frames": frames, "attribution": "Natural Earth (public domain) via world-atlas"}
