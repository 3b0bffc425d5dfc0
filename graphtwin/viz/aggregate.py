"""The whole network of a large store, legible: groups (cities or communities) as nodes.

Above :data:`AGGREGATE_ABOVE` organisations a drawing of every organisation is a
hairball that takes seconds to open. :func:`aggregate_map` draws one node per group
instead (area proportional to its organisations), one line per pair of groups with
their ties summed (by kind and years, so the page's filters still work), and keeps the
leading organisations of each group in the page: clicking a group and "Open this
group" draws them (a sunflower spiral around the group, most important in the middle)
with the ties among them. Organisations without any tie are counted in the footnote,
not drawn.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": list("abcd"), "name": list("ABCD"),
    ...     "kind": ["firm"] * 4, "city": ["Leeds", "Leeds", "Busan", "Hull"],
    ...     "country": ["GB", "GB", "KR", "GB"]},
    ...     {"source": ["a", "b"], "target": ["c", "c"], "kind": ["mou", "visit"]})
    >>> m = aggregate_map(g)
    >>> [(n["id"], n["lb"]) for n in m.nodes]
    [('group:GB-leeds', 'Leeds'), ('group:KR-busan', 'Busan')]
    >>> m.edge_info[m.edges[0]["id"]]["rows"][0]
    ['ties', '2 (mou 1, visit 1)']
    >>> m.footnote.split(". ")[-1]
    '1 organisation without ties is not drawn (Hull: D).'

"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import igraph as ig
import numpy as np

from graphtwin.errors import GraphtwinError
from graphtwin.model import COUNTRY_NAMES
from graphtwin.viz.elements import (
    OTHER_COLOUR,
    _colour_legend,
    _dataset_subtitle,
    _fmt,
    _geo_category,
    _line_legend,
    _normalise,
    _org_nodes,
    _palette,
    _rank_order,
    _resolve_score,
    _score_values,
    _size_legend,
    _tie_edges,
    group_lines,
    group_ties,
)
from graphtwin.viz.layout import declutter, network_positions, spacing_for
from graphtwin.viz.mapdata import MapData

#: The whole-network view aggregates when more organisations than this would be drawn.
AGGREGATE_ABOVE = 1000
#: At most this many groups are drawn (the largest); the rest are counted in the footnote.
MAX_GROUPS = 400
#: Organisations kept per group for "open" (fewer when there are many groups).
MEMBERS_PER_GROUP = 30
MEMBERS_TOTAL = 6000


def aggregate_map(
    g: ig.Graph,
    *,
    by: str = "city",
    size_by: str | None = None,
    color_by: str = "country",
    title: str | None = None,
    dataset: str | None = None,
    seed: int = 42,
) -> MapData:
    """Groups of organisations (``by="city"`` or ``"community"``) as nodes; see the module."""
    if by not in ("city", "community"):
        raise GraphtwinError(f"aggregate by {by!r}: choose city or community")
    n = g.vcount()
    degree = g.degree(loops=False)  # a tie with itself is no tie
    group_of, names, countries = _groups(g, by)
    isolates = [v for v in range(n) if degree[v] == 0 or group_of[v] is None]
    tied = [v for v in range(n) if degree[v] > 0 and group_of[v] is not None]
    members: dict[str, list[int]] = {}
    for v in tied:
        members.setdefault(group_of[v], []).append(v)
    order = sorted(members, key=lambda k: (-len(members[k]), str(names[k])))
    shown, dropped = order[:MAX_GROUPS], order[MAX_GROUPS:]
    keep = set(shown)
    within, pairs = group_ties(g, [c if c in keep else None for c in group_of])

    # Layout of the group graph (ties summed), spaced for big circles.
    index = {k: i for i, k in enumerate(shown)}
    gg = ig.Graph(n=len(shown), edges=[(index[a], index[b]) for a, b in pairs])
    gg.es["weight"] = [float(sum(t[4] for t in ties)) for ties in pairs.values()]
    xy = np.asarray(
        network_positions(gg, spacing=1.6 * spacing_for(len(shown)), seed=seed), dtype=float
    )
    counts = np.array([float(len(members[k])) for k in shown])
    sizes = 10.0 + 50.0 * _normalise(counts) if len(shown) else counts
    if len(shown) > 1:
        xy = declutter(xy, sizes + 4.0)  # no group hidden under a bigger one
    keys = [countries[k] if color_by == "country" else str(names[k]) for k in shown]
    colours = _palette(keys, "country" if color_by == "country" else "")
    size_score = _resolve_score(g, size_by)
    rank = _score_values(g, size_score)
    kinds = g.vs["kind"]
    across: Counter[str] = Counter()
    for (a, b), ties in pairs.items():
        across[a] += sum(t[4] for t in ties)
        across[b] += sum(t[4] for t in ties)

    nodes, info, search = [], {}, []
    for i, k in enumerate(shown):
        gid = f"group:{k}"
        top = _rank_order(rank, g, members[k])
        helix = Counter(str(kinds[v] or "other") for v in members[k])
        nodes.append(
            {
                "id": gid,
                "lb": str(names[k]),
                "pr": i,
                "x": round(float(xy[i, 0]), 1),
                "y": round(float(xy[i, 1]), 1),
                "size": round(float(sizes[i]), 1),
                "shape": "dot",
                "color": colours[keys[i]],
                "ck": keys[i] if colours[keys[i]] != OTHER_COLOUR else "__other",
            }
        )
        country = countries[k]
        info[gid] = {
            "title": str(names[k]),
            "subtitle": f"{by} · {COUNTRY_NAMES.get(country, country)}",
            "rows": [
                ["organisations", _fmt(len(members[k]))],
                ["kinds", ", ".join(f"{a.replace('_', ' ')} {c}" for a, c in helix.most_common())],
                ["ties within", _fmt(within[k])],
                ["ties to other groups", _fmt(across[k])],
                ["leading", ", ".join(str(g.vs[v]["name"]) for v in top[:5])],
            ],
        }
        search.append([gid, str(names[k]), f"{by}, {len(members[k]):,} organisations"])
    group_countries = {f"group:{k}": countries[k] for k in shown}
    renamed = {(f"group:{a}", f"group:{b}"): t for (a, b), t in pairs.items()}
    edges, edge_info, cats = group_lines(renamed, set(group_countries), group_countries)
    groups = _members(g, shown, members, xy, sizes, rank, color_by, size_score)

    footnote = (
        f"{sum(len(members[k]) for k in shown):,} organisations in {len(shown):,} "
        f"{'cities' if by == 'city' else 'communities'} (circle area: organisations; line "
        "width: ties between them). Click a group, then 'Open this group' to draw its "
        "leading organisations."
    )
    if isolates:
        sample = ", ".join(
            f"{g.vs[v]['city'] or '?'}: {g.vs[v]['name'] or g.vs[v]['id']}" for v in isolates[:3]
        )
        many = len(isolates) > 1
        footnote += (
            f" {len(isolates):,} organisation{'s' if many else ''} without ties "
            f"{'are' if many else 'is'} not drawn ({sample}{' …' if len(isolates) > 3 else ''})."
        )
    if dropped:
        rest = sum(len(members[k]) for k in dropped)
        footnote += f" {len(dropped):,} smaller groups ({rest:,} organisations) not drawn."
    unit = "cities" if by == "city" else "communities"
    view_text = f"{n:,} organisations as {len(shown):,} {unit}, {len(edges):,} links"
    legend = [
        _colour_legend(keys, colours, color_by if color_by == "country" else by),
        _size_legend(counts, sizes, "organisations"),
        _line_legend(cats, edges=edges),
    ]
    return MapData(
        view="aggregate",
        title=title or "Stakeholder network by " + ("city" if by == "city" else "community"),
        subtitle=_dataset_subtitle(dataset, view_text),
        nodes=nodes,
        edges=edges,
        info=info,
        edge_info=edge_info,
        legend=legend,
        footnote=footnote,
        shown=len(shown),
        total=n,
        search=search,
        groups=groups,
        group_unit=unit,
    )


def _groups(g: ig.Graph, by: str) -> tuple[list[str | None], dict[str, str], dict[str, str]]:
    """Group key per vertex, display name and (majority) country per group."""
    n = g.vcount()
    country_of = g.vs["country"]
    if by == "city":
        keys = list(g.vs["city_id"])
        names = {k: str(c) for k, c in zip(keys, g.vs["city"], strict=True) if k is not None}
    else:
        attr = next((a for a in ("gt_community", "gt_leiden") if a in g.vs.attributes()), None)
        if attr is None:
            raise GraphtwinError(
                "aggregate by community: the graph has no gt_community scores; run "
                "`graphtwin communities` first, or aggregate by city"
            )
        keys = [None if c is None else f"c{_fmt(c)}" for c in g.vs[attr]]
        names = {k: f"community {k[1:]}" for k in keys if k is not None}
    votes: dict[str, Counter[str]] = {}
    for v in range(n):
        if keys[v] is not None:
            votes.setdefault(keys[v], Counter())[str(country_of[v] or "?")] += 1
    countries = {k: c.most_common(1)[0][0] for k, c in votes.items()}
    return keys, names, countries


def _members(
    g: ig.Graph,
    shown: list[str],
    members: dict[str, list[int]],
    xy: np.ndarray,
    sizes: np.ndarray,
    rank: np.ndarray,
    color_by: str,
    size_score: str,
) -> dict[str, dict[str, Any]]:
    """Leading organisations of each group, in a sunflower around it, and their ties."""
    per_group = max(5, min(MEMBERS_PER_GROUP, MEMBERS_TOTAL // max(len(shown), 1)))
    vids: list[int] = []
    positions: list[tuple[float, float]] = []
    owner: dict[int, str] = {}
    step = 26.0
    for i, k in enumerate(shown):
        chosen = _rank_order(rank, g, members[k])[:per_group]
        for j, v in enumerate(chosen):
            r = step * math.sqrt(j + 0.5) if len(chosen) > 1 else 0.0
            a = j * 2.399963  # the golden angle: an even sunflower spiral
            vids.append(v)
            positions.append((float(xy[i, 0]) + r * math.cos(a), float(xy[i, 1]) + r * math.sin(a)))
            owner[v] = k
    if not vids:
        return {}
    nodes, info, _legend, search = _org_nodes(g, vids, positions, color_by, size_score, rank)
    edges, edge_info, _cats = _tie_edges(
        g, vids, _geo_category(g), prefix="m", keep=lambda u, v: owner[u] == owner[v]
    )
    ids = g.vs["id"]
    group_of_id = {str(ids[v]): owner[v] for v in vids}
    out: dict[str, dict[str, Any]] = {}
    for k in shown:
        out[f"group:{k}"] = {"nodes": [], "edges": [], "info": {}, "node_info": {}, "search": []}
    for node, entry in zip(nodes, search, strict=True):
        node["pr"] += 100_000  # labelled after the groups
        node["size"] = min(node["size"], 14.0)
        grp = out[f"group:{group_of_id[node['id']]}"]
        grp["nodes"].append(node)
        grp["node_info"][node["id"]] = info[node["id"]]
        grp["search"].append(entry)
    for edge in edges:
        a, b = group_of_id[edge["from"]], group_of_id[edge["to"]]
        if a == b:
            grp = out[f"group:{a}"]
            grp["edges"].append(edge)
            grp["info"][edge["id"]] = edge_info[edge["id"]]
    for i, k in enumerate(shown):
        n_members = len(out[f"group:{k}"]["nodes"])
        radius = max(float(sizes[i]), step * math.sqrt(n_members) + 16)
        out[f"group:{k}"]["radius"] = round(radius, 1)
    return out
