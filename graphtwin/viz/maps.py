"""Interactive network maps: one self-contained, offline HTML file per view.

The functions here receive results (the analysis graph from
:mod:`graphtwin.analysis.projection` with its ``gt_*`` score attributes, and optional
tables of bridges and suggested introductions) and turn them into a :class:`MapData`
that writes one HTML file. They do no analysis: scores come in, pictures go out.

Views
    :func:`network_map`   the whole network, top ``max_nodes`` organisations by a score;
    :func:`city_pair_map` two cities, the brokers between them, bridges highlighted,
                          cross-city ties emphasised, suggested introductions dashed;
    :func:`ego_map`       an organisation and everything within ``hops`` ties;
    :func:`cities_map`    cities at their coordinates, sized by organisations or a score,
                          lines weighted by the ties between them.

Every view colours organisations by ``country``, ``city``, ``kind``, ``community`` or
``sector``, sizes them by any ``gt_*`` score (or ``degree``), and draws each
organisation kind with its own shape. Positions are computed here (igraph layouts or
city coordinates), so the browser only draws.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": ["a", "b", "c"], "name": ["Queen's", "ETRI", "KAIST"],
    ...      "kind": ["university", "research_institute", "university"],
    ...      "city": ["Belfast", "Daejeon", "Daejeon"], "country": ["GB", "KR", "KR"],
    ...      "gt_pagerank": [0.5, 0.3, 0.2]},
    ...     {"source": ["a", "b"], "target": ["b", "c"], "kind": ["project", "mou"]},
    ... )
    >>> m = network_map(g, max_nodes=2)
    >>> m.shown, m.total, [n["id"] for n in m.nodes]
    (2, 3, ['a', 'b'])
    >>> m.footnote
    'Showing 2 of 3 organisations: the top 2 by pagerank.'
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

import igraph as ig

from graphtwin.analysis.lookup import resolve_city
from graphtwin.errors import GraphtwinError
from graphtwin.viz.aggregate import AGGREGATE_ABOVE, aggregate_map
from graphtwin.viz.cities import cities_map
from graphtwin.viz.elements import (
    COLOR_BY,
    LINE_STYLE,
    PHYSICS_MAX_NODES,
    _check_max_nodes,
    _dataset_subtitle,
    _fmt,
    _geo_category,
    _line_legend,
    _org_nodes,
    _positions,
    _rank_order,
    _resolve_score,
    _score_values,
    _tie_edges,
    score_label,
)
from graphtwin.viz.layout import (
    banded_positions,
    network_positions,
    radial_positions,
)
from graphtwin.viz.mapdata import MapData, write_map

__all__ = [
    "AGGREGATE_ABOVE",
    "COLOR_BY",
    "MapData",
    "cities_map",
    "city_pair_map",
    "ego_map",
    "network_map",
    "resolve_city",
    "resolve_org",
    "write_map",
]

# --------------------------------------------------------------------------------------
# Organisation views: what they share
# --------------------------------------------------------------------------------------


@dataclass
class _OrgDrawing:
    """The organisations and ties of an organisation view, before they become a map.

    The fields are what :func:`_org_nodes` returns, then what :func:`_tie_edges` returns,
    in that order, so a view builds it from the two. The view may then adjust it
    (highlight bridges or the centre, add dashed lines) before :func:`_org_map` wraps it.
    """

    nodes: list[dict[str, Any]]
    info: dict[str, dict[str, Any]]
    legend: list[dict[str, Any]]
    search: list[list[str]]
    edges: list[dict[str, Any]]
    edge_info: dict[str, dict[str, Any]]
    cats: list[str]


def _org_map(
    view: str,
    drawing: _OrgDrawing,
    *,
    title: str,
    dataset: str | None,
    view_text: str,
    footnote: str,
    total: int,
    physics: bool,
    line_extra: Sequence[dict[str, Any]] = (),
) -> MapData:
    """Wrap an organisation view's drawing in a :class:`MapData`, the same for every view.

    The lines legend comes last (with the ``line_extra`` items); physics is on only when
    asked for and the map is small enough for it (:data:`PHYSICS_MAX_NODES`).
    """
    shown = len(drawing.nodes)
    return MapData(
        view=view,
        title=title,
        subtitle=_dataset_subtitle(dataset, view_text),
        nodes=drawing.nodes,
        edges=drawing.edges,
        info=drawing.info,
        edge_info=drawing.edge_info,
        legend=[*drawing.legend, _line_legend(drawing.cats, line_extra, drawing.edges)],
        footnote=footnote,
        shown=shown,
        total=total,
        physics=physics and shown <= PHYSICS_MAX_NODES,
        search=drawing.search,
    )


# --------------------------------------------------------------------------------------
# View: whole network
# --------------------------------------------------------------------------------------


def network_map(
    g: ig.Graph,
    *,
    max_nodes: int = 300,
    rank_by: str | None = None,
    color_by: str = "country",
    size_by: str | None = None,
    title: str | None = None,
    dataset: str | None = None,
    seed: int = 42,
    physics: bool = False,
    aggregate: str = "auto",
) -> MapData:
    """The whole network, or its top ``max_nodes`` organisations by ``rank_by``.

    ``aggregate``: ``"city"`` or ``"community"`` draws groups instead of organisations
    (:func:`graphtwin.viz.aggregate.aggregate_map`); ``"auto"`` does so by city when
    more than :data:`~graphtwin.viz.aggregate.AGGREGATE_ABOVE` organisations would be
    drawn, and says so in the map's ``notes``; ``"none"`` never does.

    ``size_by`` / ``rank_by`` name a ``gt_*`` score (with or without the prefix) or
    ``degree``; by default the first of pagerank, bridge score, betweenness present, else
    degree; ``rank_by`` defaults to ``size_by``. Ties are lines, thicker when stronger and
    coloured by whether they stay in a city, cross cities or cross countries.
    Positions are final; ``physics=True`` lets vis-network relax them in the browser
    (honoured up to :data:`PHYSICS_MAX_NODES` nodes only: beyond, it would freeze the page).

    Example:
        >>> from graphtwin.analysis.projection import graph_from_columns
        >>> g = graph_from_columns({"id": ["a", "b"], "name": ["<b>A</b>", "B"],
        ...     "kind": ["firm", "council"], "city": ["Leeds", "Busan"],
        ...     "country": ["GB", "KR"]}, {"source": ["a"], "target": ["b"],
        ...     "kind": ["mou"]})
        >>> m = network_map(g, color_by="kind")
        >>> m.info["a"]["title"], m.edges[0]["color"] == LINE_STYLE["international"][0]
        ('<b>A</b>', True)
    """
    _check_max_nodes(max_nodes)
    if aggregate not in ("auto", "city", "community", "none"):
        raise GraphtwinError(f"aggregate: {aggregate!r}; choose auto, city, community or none")
    to_draw = min(g.vcount(), max_nodes)
    if aggregate in ("city", "community") or (aggregate == "auto" and to_draw > AGGREGATE_ABOVE):
        by = "city" if aggregate == "auto" else aggregate
        m = aggregate_map(
            g, by=by, size_by=size_by, color_by=color_by, title=title, dataset=dataset, seed=seed
        )
        if aggregate == "auto":
            m.notes.append(
                f"{to_draw:,} organisations would be drawn (more than {AGGREGATE_ABOVE:,}): "
                f"drew their {m.shown:,} {m.unit} instead (--aggregate none draws organisations)"
            )
        return m
    size_score = _resolve_score(g, size_by)
    rank_score = _resolve_score(g, rank_by, "rank_by") if rank_by else size_score
    rank = _score_values(g, rank_score)
    total = g.vcount()
    vids = _rank_order(rank, g)[:max_nodes]
    vids, isolates = _split_isolates(g, vids)
    positions = _positions(g, vids, lambda sub, _order: network_positions(sub, seed=seed))
    drawing = _OrgDrawing(
        *_org_nodes(g, vids, positions, color_by, size_score, rank),
        *_tie_edges(g, vids, _geo_category(g)),
    )
    shown = len(vids) + len(isolates)
    rank_text = score_label(rank_score) if rank_score != "degree" else "number of partners"
    footnote = (
        f"Showing {shown:,} of {total:,} organisations: the top {shown:,} by {rank_text}."
        if shown < total
        else f"All {total:,} organisations."
    )
    if isolates:
        footnote += " " + isolates_note(g, isolates)
    view_text = f"whole network, {shown:,} organisations, {len(drawing.edges):,} links"
    m = _org_map(
        "network",
        drawing,
        title=title or "Stakeholder network",
        dataset=dataset,
        view_text=view_text,
        footnote=footnote,
        total=total,
        physics=physics,
    )
    m.shown = shown  # the isolates count as shown: the footnote names them
    return m


def _split_isolates(g: ig.Graph, vids: list[int]) -> tuple[list[int], list[int]]:
    """(organisations with a tie among ``vids``, those without): the latter are summarised
    in the footnote instead of being drawn as a row along the bottom. When no tie is
    among ``vids`` at all, every organisation is drawn."""
    chosen = set(vids)
    tied = {v for v in vids if any(w in chosen and w != v for w in g.neighbors(v))}
    if not tied:
        return vids, []
    return [v for v in vids if v in tied], [v for v in vids if v not in tied]


def isolates_note(g: ig.Graph, isolates: Sequence[int], limit: int = 5) -> str:
    """One sentence naming the organisations left out because they have no tie shown."""
    names = [str(g.vs[v]["name"] or g.vs[v]["id"]) for v in isolates[:limit]]
    more = f" and {len(isolates) - limit:,} more" if len(isolates) > limit else ""
    verb = "has" if len(isolates) == 1 else "have"
    return (
        f"{len(isolates):,} of them {verb} no tie among those shown and "
        f"{'is' if len(isolates) == 1 else 'are'} not drawn: {', '.join(names)}{more}."
    )


# --------------------------------------------------------------------------------------
# View: city pair
# --------------------------------------------------------------------------------------


def _bridge_rows(table: Any, score: str | None) -> tuple[list[str], dict[str, str], str | None]:
    """Bridge ids in rank order, their one-line reasons, and the score column used.

    ``table`` is a DataFrame with an ``id`` column (as :func:`graphtwin.analysis.bridging.
    bridges` returns: sorted, ``bridge_score`` 0 for organisations that do not connect
    the pair, ``reason`` text) or a plain list of ids. Rows whose score is not positive
    are not bridges.
    """
    if not hasattr(table, "columns"):
        return [str(x) for x in table], {}, None
    if "id" not in table.columns:
        raise GraphtwinError(
            f"bridges table needs an 'id' column (found: {', '.join(map(str, table.columns))})"
        )
    column = score if score in table.columns else None
    if column is None and "bridge_score" in table.columns:
        column = "bridge_score"
    df = table
    if column is not None:
        values = df[column].astype(float)
        df = df[values > 0].sort_values(column, ascending=False, kind="stable")
    ids = [str(x) for x in df["id"].tolist()]
    reasons: dict[str, str] = {}
    if "reason" in df.columns:
        for i, r in zip(ids, df["reason"].tolist(), strict=True):
            if isinstance(r, str) and r:
                reasons[i] = r
    return ids, reasons, column


_PAIR_COLUMNS = (
    ("source", "target"),
    ("id_a", "id_b"),
    ("a_id", "b_id"),
    ("org_a", "org_b"),
    ("source_id", "target_id"),
    ("from", "to"),
)


def _introductions(potential: Any, limit: int) -> list[dict[str, Any]]:
    """Rows ``{a, b, score, reasons}`` from a suggested-introductions table."""
    if potential is None:
        return []
    if hasattr(potential, "to_dict"):
        columns = list(potential.columns)
        records = potential.to_dict("records")
    else:
        records = [dict(r) for r in potential]
        columns = list(records[0]) if records else []
    if not records:
        return []
    pair = next((p for p in _PAIR_COLUMNS if p[0] in columns and p[1] in columns), None)
    if pair is None:
        raise GraphtwinError(
            "introductions table needs two id columns, e.g. source and target "
            f"(found: {', '.join(map(str, columns))})"
        )
    score_col = "score" if "score" in columns else None
    rows = []
    for r in records:
        reasons = r.get("reasons")
        if isinstance(reasons, list | tuple):
            reasons = "; ".join(str(x) for x in reasons)
        rows.append(
            {
                "a": str(r[pair[0]]),
                "b": str(r[pair[1]]),
                "score": r.get(score_col) if score_col else None,
                "reasons": None if reasons is None or reasons != reasons else str(reasons),
            }
        )
    if score_col:
        rows.sort(key=lambda r: -(r["score"] if r["score"] is not None else -math.inf))
    return rows[:limit]


def city_pair_map(
    g: ig.Graph,
    city_a: str,
    city_b: str,
    *,
    bridges: Any = None,
    bridge_score: str | None = None,
    top_bridges: int = 5,
    potential: Any = None,
    max_introductions: int = 25,
    max_nodes: int = 400,
    color_by: str = "country",
    size_by: str | None = None,
    title: str | None = None,
    dataset: str | None = None,
    seed: int = 42,
) -> MapData:
    """Two cities side by side with the organisations that connect them in the middle.

    Shown: the organisations of ``city_a`` (left) and ``city_b`` (right), and brokers
    from elsewhere: organisations tied to both cities, pairs of partners that chain one
    city to the other, and any listed bridge. Ties between the two cities are thick
    orange lines, ties through brokers purple.

    Bridges are highlighted with a thick dark border: the first ``top_bridges`` ids of
    ``bridges`` (a DataFrame with an ``id`` column in rank order, e.g. from the bridging
    analysis, or a list of ids), else the top organisations by the ``bridge_score``
    attribute. ``potential`` (a DataFrame or records with ``source``/``target``, optional
    ``score`` and ``reasons``) adds the best ``max_introductions`` suggested
    introductions as dashed green lines. Above ``max_nodes`` the organisations with ties
    across come first, then the rest by score.

    Example:
        >>> from graphtwin.analysis.projection import graph_from_columns
        >>> g = graph_from_columns({"id": ["a", "x", "b"], "name": ["A", "X", "B"],
        ...     "kind": ["firm", "agency", "university"],
        ...     "city": ["Belfast", "London", "Sejong"], "country": ["GB", "GB", "KR"]},
        ...     {"source": ["a", "x"], "target": ["x", "b"], "kind": ["project", "mou"]})
        >>> m = city_pair_map(g, "Belfast", "Sejong", bridges=["x"])
        >>> [n["id"] for n in m.nodes], m.info["x"]["rows"][-1]
        (['a', 'x', 'b'], ['bridge', 'yes (rank 1)'])
    """
    _check_max_nodes(max_nodes)
    ca, cb = resolve_city(g, city_a), resolve_city(g, city_b)
    if ca == cb:
        raise GraphtwinError(f"the two cities are the same ({ca}); give two different cities")
    size_score = _resolve_score(g, size_by)
    rank = _score_values(g, size_score)
    ids = g.vs["id"]
    index = {str(v): i for i, v in enumerate(ids)}
    city_of = g.vs["city_id"]
    a_set = {v for v in range(g.vcount()) if city_of[v] == ca}
    b_set = {v for v in range(g.vcount()) if city_of[v] == cb}
    both = a_set | b_set
    adj = [set(n) for n in g.get_adjlist()]
    near_a = {w for v in a_set for w in adj[v]} - both
    near_b = {w for v in b_set for w in adj[v]} - both
    direct = near_a & near_b
    chains: set[int] = set()
    for x in near_a - near_b:
        ys = adj[x] & (near_b - near_a)
        if ys:
            chains.add(x)
            chains.update(ys)

    # Bridges: listed ids (in rank order) or the top by a score attribute.
    bridge_reason: dict[int, str] = {}
    if bridges is not None:
        listed, bridge_reason_by_id, column = _bridge_rows(bridges, bridge_score)
        bridge_ids = [index[i] for i in listed if i in index][:top_bridges]
        bridge_reason = {index[i]: r for i, r in bridge_reason_by_id.items() if i in index}
        bridge_text = f"top {len(bridge_ids)}" + (f" by {score_label(column)}" if column else "")
    elif bridge_score is not None:
        attr = _resolve_score(g, bridge_score, "bridge_score")
        vals = _score_values(g, attr)
        pool = [v for v in both | direct | chains if math.isfinite(vals[v]) and vals[v] > 0]
        bridge_ids = _rank_order(vals, g, pool)[:top_bridges]
        bridge_text = f"top {len(bridge_ids)} by {score_label(attr)}"
    else:
        bridge_ids, bridge_text = [], ""
    bridge_rank = {v: i + 1 for i, v in enumerate(bridge_ids)}

    intros = [
        r
        for r in _introductions(potential, max_introductions)
        if r["a"] in index and r["b"] in index
    ]
    must = set(bridge_ids) | {index[r["a"]] for r in intros} | {index[r["b"]] for r in intros}
    brokers = direct | chains | (set(bridge_ids) - both)
    candidates = both | brokers
    total = len(candidates)
    if len(candidates) > max_nodes:
        crossing = {v for v in a_set if adj[v] & (b_set | brokers)} | {
            v for v in b_set if adj[v] & (a_set | brokers)
        }
        order = [
            *_rank_order(rank, g, must),
            *_rank_order(rank, g, crossing - must),
            *_rank_order(rank, g, direct - must - crossing),
            *_rank_order(rank, g, candidates - must - crossing - direct),
        ]
        keep = set(order[: max(max_nodes, len(must))])
    else:
        keep = candidates
    band_of = {v: (0 if v in a_set else 2 if v in b_set else 1) for v in keep}
    vids = [
        v for b in (0, 1, 2) for v in _rank_order(rank, g, [u for u in keep if band_of[u] == b])
    ]
    positions = _positions(
        g, vids, lambda sub, order: banded_positions(sub, [band_of[v] for v in order], seed=seed)
    )

    extra = {v: [["bridge", f"yes (rank {bridge_rank[v]})"]] for v in vids if v in bridge_rank}
    for v, reason in bridge_reason.items():
        if v in extra and reason:
            extra[v].append(["why", reason])
    for v in vids:
        if v not in a_set and v not in b_set:
            extra.setdefault(v, []).insert(0, ["role", "connects the two cities"])

    def category(u: int, v: int) -> str:
        if (u in a_set and v in b_set) or (u in b_set and v in a_set):
            return "cross"
        if u in brokers or v in brokers:
            return "broker"
        return "tie"

    drawing = _OrgDrawing(
        *_org_nodes(g, vids, positions, color_by, size_score, rank, extra),
        *_tie_edges(g, vids, category),
    )
    for node in drawing.nodes:
        if index[node["id"]] in bridge_rank:
            node["borderWidth"] = 4
            node["color"] = {"background": node["color"], "border": "#111827"}
    shown_ids = {str(ids[v]) for v in vids}
    names = g.vs["name"]
    for i, r in enumerate(intros):
        if r["a"] not in shown_ids or r["b"] not in shown_ids:
            continue
        eid = f"p{i}"
        drawing.edges.append(
            {
                "id": eid,
                "from": r["a"],
                "to": r["b"],
                "dashes": [8, 6],
                "width": 2.5,
                "color": LINE_STYLE["introduction"][0],
            }
        )
        rows = [["score", _fmt(r["score"])]]
        if r["reasons"]:
            rows.append(["reasons", r["reasons"]])
        drawing.edge_info[eid] = {
            "title": f"Suggested: {names[index[r['a']]]} – {names[index[r['b']]]}",
            "subtitle": "not yet tied",
            "rows": rows,
        }
        drawing.cats.append("introduction")
    extra_lines = []
    if bridge_ids:
        extra_lines.append({"label": f"bridge ({bridge_text})", "border": True})

    name_a = g.vs[next(iter(a_set))]["city"] if a_set else ca
    name_b = g.vs[next(iter(b_set))]["city"] if b_set else cb
    n_cross = drawing.cats.count("cross")
    n_intro = drawing.cats.count("introduction")
    shown = len(vids)
    parts = [
        f"{name_a}: {len(a_set & keep):,} organisations (left)",
        f"{name_b}: {len(b_set & keep):,} (right)",
        f"{len(brokers & keep):,} connecting organisations in between",
    ]
    footnote = "; ".join(parts) + "."
    if shown < total:
        footnote = (
            f"Showing {shown:,} of {total:,} organisations (those with ties across first). "
            + footnote
        )
    if potential is not None:
        footnote += f" {n_intro} suggested introductions (dashed)."
    view_text = f"{name_a} – {name_b}: {n_cross:,} direct links between the cities"
    return _org_map(
        "city-pair",
        drawing,
        title=title or f"{name_a} and {name_b}",
        dataset=dataset,
        view_text=view_text,
        footnote=footnote,
        total=total,
        physics=False,
        line_extra=extra_lines,
    )


# --------------------------------------------------------------------------------------
# View: ego network
# --------------------------------------------------------------------------------------


def resolve_org(g: ig.Graph, text: str) -> int:
    """The vertex of an organisation id (or, failing that, of a unique exact name).

    >>> import igraph as ig
    >>> g = ig.Graph(2); g.vs["id"] = ["ror:1", "ror:2"]; g.vs["name"] = ["Alpha", "Beta"]
    >>> resolve_org(g, "ror:2"), resolve_org(g, "alpha")
    (1, 0)
    """
    ids = [str(x) for x in g.vs["id"]]
    if text in ids:
        return ids.index(text)
    q = text.strip().lower()
    named = [i for i, n in enumerate(g.vs["name"]) if n is not None and str(n).lower() == q]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        listed = ", ".join(ids[i] for i in named[:5])
        raise GraphtwinError(f"organisation {text!r}: several have that name ({listed}); use an id")
    close = get_close_matches(text, ids, n=3) or get_close_matches(
        text, [str(n) for n in g.vs["name"]], n=3
    )
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise GraphtwinError(f"organisation {text!r}: no such id{hint}")


def ego_map(
    g: ig.Graph,
    org: str,
    *,
    hops: int = 2,
    max_nodes: int = 300,
    color_by: str = "city",
    size_by: str | None = None,
    title: str | None = None,
    dataset: str | None = None,
    seed: int = 42,
    physics: bool = False,
) -> MapData:
    """An organisation (``org``: id or exact name) and everything within ``hops`` ties.

    The centre is drawn with a thick border in the middle, the others on rings by their
    distance from it; above ``max_nodes`` the nearest organisations are kept first, then
    the highest by score.

    Example:
        >>> import igraph as ig
        >>> from graphtwin.analysis.projection import graph_from_columns
        >>> g = graph_from_columns({"id": list("abcd"), "name": list("ABCD"),
        ...     "kind": ["firm"] * 4, "city": ["Leeds"] * 4, "country": ["GB"] * 4},
        ...     {"source": ["a", "b", "c"], "target": ["b", "c", "d"],
        ...      "kind": ["project"] * 3})
        >>> sorted(n["id"] for n in ego_map(g, "a", hops=2).nodes)
        ['a', 'b', 'c']
    """
    _check_max_nodes(max_nodes)
    if hops < 1:
        raise GraphtwinError(f"hops must be at least 1 (got {hops})")
    centre = resolve_org(g, org)
    size_score = _resolve_score(g, size_by)
    rank = _score_values(g, size_score)
    dist = {centre: 0}
    frontier = [centre]
    for d in range(1, hops + 1):
        nxt = []
        for v in frontier:
            for w in g.neighbors(v):
                if w not in dist:
                    dist[w] = d
                    nxt.append(w)
        frontier = nxt
    total = len(dist)
    by_distance = [
        v for d in range(hops + 1) for v in _rank_order(rank, g, [u for u in dist if dist[u] == d])
    ]
    vids = by_distance[:max_nodes]
    positions = _positions(
        g,
        vids,
        lambda sub, order: radial_positions(
            sub, order.index(centre), [dist[v] for v in order], seed=seed
        ),
    )
    extra = {
        v: [["distance", "centre" if dist[v] == 0 else f"{dist[v]} tie(s) away"]] for v in vids
    }
    drawing = _OrgDrawing(
        *_org_nodes(g, vids, positions, color_by, size_score, rank, extra),
        *_tie_edges(g, vids, _geo_category(g)),
    )
    centre_node = drawing.nodes[0]
    centre_node["borderWidth"] = 5
    centre_node["size"] = max(centre_node["size"], 22.0)
    centre_node["color"] = {"background": centre_node["color"], "border": "#1b1b1b"}
    centre_node["pr"] = -1  # labelled first
    shown = len(vids)
    name = g.vs[centre]["name"]
    ties = "1 tie" if hops == 1 else f"{hops} ties"
    footnote = (
        f"Showing {shown:,} of {total:,} organisations within {ties} "
        "(nearest first, then by score)."
        if shown < total
        else f"All {total:,} organisations within {ties} of {name}."
    )
    view_text = f"{hops}-step neighbourhood of {name}"
    return _org_map(
        "ego",
        drawing,
        title=title or f"Around {name}",
        dataset=dataset,
        view_text=view_text,
        footnote=footnote,
        total=total,
        physics=physics,
        line_extra=[{"label": "the centre organisation", "border": True}],
    )
