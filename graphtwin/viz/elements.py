"""Building blocks of maps: styling vocabulary, scores, colours, legends, nodes and lines.

:mod:`graphtwin.viz.maps` composes these into views. Everything here turns graph
attributes into vis-network records and display text; nothing here computes a metric
(``degree``, the number of distinct partners, is the only fallback size).

Example:
    >>> score_label("gt_bridge_score"), _fmt(0.123456), _fmt(12345)
    ('bridge score', '0.1235', '12,345')
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import igraph as ig
import numpy as np

from graphtwin.errors import GraphtwinError
from graphtwin.model import COUNTRY_NAMES, METRIC_PREFIX, ORG_KINDS
from graphtwin.viz.layout import declutter

# --------------------------------------------------------------------------------------
# Styling vocabulary
# --------------------------------------------------------------------------------------

#: Colour choices for organisations (``--color-by``).
COLOR_BY: tuple[str, ...] = ("country", "city", "kind", "community", "sector")

#: Categorical palette (Tableau 10 and its light companions), then grey for "other".
PALETTE: tuple[str, ...] = (
    "#4e79a7",
    "#e15759",
    "#59a14f",
    "#f28e2b",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#ff9da7",
    "#86bcb6",
    "#d4a6c8",
    "#8cd17d",
)
OTHER_COLOUR = "#bab0ac"

#: Shape (vis-network, label below) and dashed border per organisation kind.
KIND_STYLE: dict[str, tuple[str, bool]] = {
    "university": ("dot", False),
    "research_institute": ("diamond", False),
    "firm": ("square", False),
    "investor": ("hexagon", False),
    "council": ("triangle", False),
    "agency": ("triangleDown", False),
    "catapult": ("star", False),
    "hospital": ("diamond", True),
    "nonprofit": ("dot", True),
    "other": ("square", True),
}

#: Font stack of the page and its labels: system fonts, then CJK fonts for Korean names.
FONT_STACK = (
    'system-ui, -apple-system, "Segoe UI", Roboto, Arial, "Noto Sans CJK KR", '
    '"Noto Sans KR", "Apple SD Gothic Neo", "Malgun Gothic", sans-serif'
)

#: Line styles: (colour, label) per tie category.
LINE_STYLE: dict[str, tuple[str, str]] = {
    "tie": ("rgba(120,130,140,0.45)", "tie within a city"),
    "domestic": ("rgba(70,100,150,0.55)", "tie between cities of one country"),
    "international": ("rgba(142,68,173,0.75)", "tie between countries"),
    "cross": ("rgba(211,84,0,0.9)", "tie between the two cities"),
    "broker": ("rgba(91,80,160,0.38)", "tie with an organisation elsewhere"),
    "introduction": ("#1a9850", "suggested introduction"),
}

#: Node size range in pixels (radius) and label sizes.
SIZE_MIN, SIZE_MAX = 7.0, 34.0
#: The page labels at least this many of the most important organisations on the first
#: view (all of them when fewer), and cuts labels longer than LABEL_CHARS with "…".
LABELLED_TOP = 10
LABEL_CHARS = 30
#: Overlapping shapes are nudged apart up to this many nodes (grid-bucketed close pairs,
#: so the cost grows with the nodes and their overlaps, not n²; the cap bounds page time).
DECLUTTER_MAX_NODES = 2500
#: vis-network physics stays on (for a short stabilisation) only up to this many nodes.
PHYSICS_MAX_NODES = 200

#: Score preference when no ``size_by`` / ``rank_by`` is given.
_PREFERRED_SCORES = (
    "gt_pagerank",
    "gt_bridge_score",
    "gt_betweenness",
    "gt_strength",
    "gt_degree",
)


# --------------------------------------------------------------------------------------
# Shared helpers: scores, colours, text
# --------------------------------------------------------------------------------------


def score_names(g: ig.Graph) -> list[str]:
    """The ``gt_*`` vertex attributes of ``g`` (scores written back by the analysis).

    >>> import igraph as ig
    >>> g = ig.Graph(1); g.vs["gt_pagerank"] = [1.0]; g.vs["name"] = ["x"]
    >>> score_names(g)
    ['gt_pagerank']
    """
    return sorted(a for a in g.vs.attributes() if a.startswith(METRIC_PREFIX))


def score_label(name: str) -> str:
    """Human label of a score attribute: ``gt_bridge_score`` → ``bridge score``."""
    if name.startswith(METRIC_PREFIX):
        name = name[len(METRIC_PREFIX) :]
    return name.replace("_", " ")


def _resolve_score(g: ig.Graph, name: str | None, option: str = "size_by") -> str:
    """A usable score name: ``name`` checked, or the preferred score present, or degree."""
    available = score_names(g)
    if name is None:
        for preferred in _PREFERRED_SCORES:
            if preferred in available:
                return preferred
        return "degree"
    if name == "degree":
        return name
    candidates = [name] if name.startswith(METRIC_PREFIX) else [METRIC_PREFIX + name, name]
    for c in candidates:
        if c in available:
            return c
    choices = ", ".join(["degree", *available]) or "degree"
    raise GraphtwinError(
        f"{option}: no score {name!r} in the graph; available: {choices} "
        "(scores appear after `graphtwin centrality` / `graphtwin bridges` write them back)"
    )


def _score_values(g: ig.Graph, name: str) -> np.ndarray:
    """Score per vertex as floats (missing → NaN); ``degree`` counts distinct partners."""
    if name == "degree":
        return np.array([len(set(g.neighbors(v))) for v in range(g.vcount())], dtype=float)
    vals = g.vs[name]
    out = np.full(len(vals), np.nan)
    for i, v in enumerate(vals):
        try:
            if v is not None:
                out[i] = float(v)
        except (TypeError, ValueError):
            continue
    return out


def _normalise(values: np.ndarray) -> np.ndarray:
    """Square-root min–max scaling to 0..1 (area, not radius, follows the score)."""
    v = np.where(np.isfinite(values), values, np.nan)
    if not np.isfinite(v).any():
        return np.full(len(values), 0.3)
    lo, hi = np.nanmin(v), np.nanmax(v)
    if hi <= lo:
        return np.full(len(values), 0.5)
    return np.sqrt(np.clip((np.nan_to_num(v, nan=lo) - lo) / (hi - lo), 0.0, 1.0))


def _fmt(value: Any) -> str:
    """Display text for a value: thousands separators, four significant digits, '–'."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        f = float(value)
        if not math.isfinite(f):
            return "–"
        if f == int(f) and abs(f) < 1e15:
            return f"{int(f):,}"
        return f"{f:.4g}"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "–"
    return str(value)


def _truncate(text: str, limit: int = 32) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _community_attr(g: ig.Graph) -> str:
    names = score_names(g)
    for preferred in ("gt_community", "gt_leiden", "gt_leiden_community"):
        if preferred in names:
            return preferred
    for n in names:
        if "community" in n:
            return n
    raise GraphtwinError(
        "color_by community: the graph has no community scores (gt_community); "
        "run `graphtwin communities` first, or colour by country, city, kind or sector"
    )


def _colour_keys(g: ig.Graph, vids: Sequence[int], color_by: str) -> list[str]:
    """The category of each vertex for ``color_by``."""
    if color_by not in COLOR_BY:
        raise GraphtwinError(
            f"color_by: unknown choice {color_by!r}; choose one of {', '.join(COLOR_BY)}"
        )
    vs = g.vs
    if color_by == "country":
        return [str(vs[v]["country"] or "?") for v in vids]
    if color_by == "city":
        return [f"{vs[v]['city'] or '?'} ({vs[v]['country'] or '?'})" for v in vids]
    if color_by == "kind":
        return [str(vs[v]["kind"] or "other") for v in vids]
    if color_by == "sector":
        names = g["sectors"] if "sectors" in g.attributes() else {}
        out = []
        for v in vids:
            sectors = vs[v]["sectors"] or []
            out.append(str(names.get(sectors[0], sectors[0])) if sectors else "no sector")
        return out
    attr = _community_attr(g)
    return [f"community {_fmt(vs[v][attr])}" for v in vids]


def _palette(
    keys: Iterable[str], color_by: str = "", max_colours: int = len(PALETTE)
) -> dict[str, str]:
    """Colour per category; the rest share the 'other' grey.

    The most frequent categories get colours. Countries are then coloured in alphabetical
    order and kinds in vocabulary order, so that GB and KR, or universities, keep their
    colour from one map to the next.
    """
    counts = Counter(keys)
    ordered = sorted(counts, key=lambda k: (-counts[k], k))
    coloured, rest = ordered[:max_colours], ordered[max_colours:]
    if color_by == "country":
        coloured.sort()
    elif color_by == "kind":
        position = {k: i for i, k in enumerate(ORG_KINDS)}
        coloured.sort(key=lambda k: (position.get(k, len(position)), k))
    out = {k: PALETTE[i] for i, k in enumerate(coloured)}
    out.update({k: OTHER_COLOUR for k in rest})
    return out


def _colour_legend(keys: list[str], colours: dict[str, str], color_by: str) -> dict[str, Any]:
    counts = Counter(keys)
    items = []
    other = 0
    for k in sorted(counts, key=lambda k: (-counts[k], k)):
        if colours[k] == OTHER_COLOUR and len(colours) > len(PALETTE):
            other += counts[k]
            continue
        label = k
        if color_by == "country":
            label = f"{COUNTRY_NAMES.get(k, k)} ({k})" if k in COUNTRY_NAMES else k
        elif color_by == "kind":
            label = k.replace("_", " ")
        items.append({"label": label, "color": colours[k], "count": counts[k], "key": k})
    if other:
        items.append({"label": "other", "color": OTHER_COLOUR, "count": other, "key": "__other"})
    return {"type": "color", "title": f"Colour: {color_by}", "items": items}


def _shape_legend(kinds: Iterable[str]) -> dict[str, Any]:
    present = set(kinds)
    items = []
    for kind in (*ORG_KINDS, *sorted(present - set(ORG_KINDS))):
        if kind in present:
            shape, dashed = KIND_STYLE.get(kind, ("dot", True))
            items.append({"label": kind.replace("_", " "), "shape": shape, "dashed": dashed})
    return {"type": "shape", "title": "Shape: organisation kind", "items": items}


def _size_legend(raw: np.ndarray, sizes: np.ndarray, label: str) -> dict[str, Any]:
    finite = np.isfinite(raw)
    items = []
    if finite.any():
        order = np.argsort(raw[finite])
        r, s = raw[finite][order], sizes[finite][order]
        for q in (0.0, 0.5, 1.0):
            i = round(q * (len(r) - 1))
            items.append({"label": _fmt(float(r[i])), "size": float(s[i])})
        # Drop repeated steps (few distinct values).
        seen, uniq = set(), []
        for it in items:
            if it["label"] not in seen:
                seen.add(it["label"])
                uniq.append(it)
        items = uniq
    return {"type": "size", "title": f"Size: {label}", "items": items}


#: Dashes of a line whose ties are all undated (the page's "undated ties" toggle).
UNDATED_DASHES = [2, 4]


def _line_legend(
    categories: Iterable[str],
    extra: Sequence[dict[str, Any]] = (),
    edges: Sequence[dict[str, Any]] = (),
) -> dict:
    """Legend of the line styles present (and "undated" when a line of ``edges`` is)."""
    present = set(categories)
    items = []
    for cat, (colour, label) in LINE_STYLE.items():
        if cat in present:
            item = {"label": label, "color": colour, "width": 3 if cat == "cross" else 2}
            if cat == "introduction":
                item["dashes"] = True
            items.append(item)
    if any(e.get("dashes") == UNDATED_DASHES for e in edges):
        items.append(
            {"label": "no tie dated (dotted)", "color": "#7b8794", "width": 2, "dashes": "dotted"}
        )
    items.extend(extra)
    return {"type": "line", "title": "Lines", "items": items}


# --------------------------------------------------------------------------------------
# Organisation nodes and tie edges
# --------------------------------------------------------------------------------------


def size_max(n: int) -> float:
    """Largest node radius for a map of ``n`` organisations (smaller when crowded).

    >>> size_max(30), size_max(400), size_max(5000)
    (34.0, 26.0, 20.0)
    """
    return SIZE_MAX if n <= 100 else 26.0 if n <= 500 else 20.0


def _org_nodes(
    g: ig.Graph,
    vids: Sequence[int],
    positions: Sequence[tuple[float, float]],
    color_by: str,
    size_score: str,
    rank: np.ndarray,
    extra_rows: Mapping[int, list[list[str]]] | None = None,
) -> tuple[list[dict], dict[str, dict], list[dict], list[list[str]]]:
    """vis nodes, tooltip info, legend sections and search entries for ``vids``.

    A node carries its label text ``lb`` (names over :data:`LABEL_CHARS` characters cut
    with an ellipsis; the tooltip has the full name) and its importance ``pr`` (0 = the
    highest ``rank``): the page places labels itself, most important first.
    """
    vs = g.vs
    keys = _colour_keys(g, vids, color_by)
    colours = _palette(keys, color_by)
    raw_all = _score_values(g, size_score)
    raw = raw_all[list(vids)] if len(vids) else np.array([])
    norm = _normalise(raw) if len(vids) else np.array([])
    smax = size_max(len(vids))
    sizes = SIZE_MIN + norm * (smax - SIZE_MIN)
    if 1 < len(vids) <= DECLUTTER_MAX_NODES:
        # No organisation hidden under another: nudge overlapping shapes apart.
        xy = declutter(np.asarray(positions, dtype=float), sizes + 3.0)
        positions = [(float(x), float(y)) for x, y in xy]
    local_rank = rank[list(vids)] if len(vids) else np.array([])
    priority = np.argsort(-np.nan_to_num(local_rank, nan=-np.inf), kind="stable")
    importance = np.empty(len(vids), dtype=int)
    importance[priority] = np.arange(len(vids))
    scores = score_names(g)
    key_scores = _key_scores(g, scores)
    sector_names = g["sectors"] if "sectors" in g.attributes() else {}
    degree = g.degree()
    partners = [len(set(n)) for n in g.get_adjlist()]
    nodes, info, search = [], {}, []
    for i, v in enumerate(vids):
        vid = str(vs[v]["id"])
        name = str(vs[v]["name"] if vs[v]["name"] is not None else vid)
        kind = str(vs[v]["kind"] or "other")
        shape, dashed = KIND_STYLE.get(kind, ("dot", True))
        node = {
            "id": vid,
            "lb": _truncate(name, LABEL_CHARS),
            "pr": int(importance[i]),
            "x": round(positions[i][0], 1),
            "y": round(positions[i][1], 1),
            "size": round(float(sizes[i]), 1),
            "shape": shape,
            "color": colours[keys[i]],
            "ck": keys[i] if colours[keys[i]] != OTHER_COLOUR else "__other",
        }
        if dashed:
            node["shapeProperties"] = {"borderDashes": [3, 2]}
            node["borderWidth"] = 2
        nodes.append(node)
        city = vs[v]["city"] or "?"
        country = vs[v]["country"] or "?"
        sectors = [str(sector_names.get(s, s)) for s in (vs[v]["sectors"] or [])]
        rows = [
            ["kind", kind.replace("_", " ")],
            ["city", f"{city}, {COUNTRY_NAMES.get(country, country)}"],
            ["sectors", ", ".join(sectors) or "–"],
            ["ties", f"{_fmt(degree[v])} with {_fmt(partners[v])} partners"],
        ]
        if extra_rows and v in extra_rows:
            rows.extend(extra_rows[v])
        if vs[v]["synthetic"]:
            rows.append(["data", "synthetic"])
        entry: dict[str, Any] = {"title": name, "subtitle": vid, "rows": rows}
        if key_scores:
            entry["scores"] = [
                [label, _rank_text(vals, ranks, v)] for label, vals, ranks in key_scores
            ]
        if scores:
            entry["more"] = [[score_label(s), _fmt(vs[v][s])] for s in scores]
        info[vid] = entry
        search.append([vid, name, f"{city} ({country})"])
    legend = [
        _colour_legend(keys, colours, color_by),
        _shape_legend(str(vs[v]["kind"] or "other") for v in vids),
        _size_legend(raw, sizes, score_label(size_score) if size_score != "degree" else "ties"),
    ]
    return nodes, info, legend, search


#: The scores shown (labelled, with their rank) in a tooltip; the full list is folded.
KEY_SCORES: tuple[tuple[str, str], ...] = (
    ("gt_pagerank", "PageRank (influence)"),
    ("gt_betweenness", "betweenness (on paths)"),
    ("gt_bridge_score", "bridge score"),
    ("gt_brokerage", "brokerage"),
    ("gt_strength", "tie strength"),
    ("gt_community", "community"),
)


def _key_scores(g: ig.Graph, scores: Sequence[str]) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(label, values, rank per vertex) of the :data:`KEY_SCORES` present, at most four."""
    out = []
    for attr, label in KEY_SCORES:
        if attr not in scores or len(out) >= 4:
            continue
        vals = _score_values(g, attr)
        if attr == "gt_community":
            out.append((label, vals, np.zeros(len(vals), dtype=int)))
            continue
        order = np.argsort(-np.nan_to_num(vals, nan=-np.inf), kind="stable")
        ranks = np.empty(len(vals), dtype=int)
        ranks[order] = np.arange(1, len(vals) + 1)
        out.append((label, vals, ranks))
    return out


def _rank_text(values: np.ndarray, ranks: np.ndarray, v: int) -> str:
    if not math.isfinite(values[v]):
        return "–"
    if ranks[v] == 0:
        return _fmt(float(values[v]))
    return f"{_fmt(float(values[v]))} (rank {int(ranks[v]):,} of {len(values):,})"


def _tie_edges(
    g: ig.Graph,
    vids: Sequence[int],
    category: Any,
    prefix: str = "e",
    keep: Any = None,
) -> tuple[list[dict], dict[str, dict], list[str]]:
    """One line per connected pair among ``vids`` (parallel ties merged), with tooltip.

    ``category(u, v)`` names the line style of a pair (a key of :data:`LINE_STYLE`);
    ``keep(u, v)``, when given, says which pairs to draw at all.
    Each line keeps its ties as ``[kind, start year, end year, weight, 1, evidence,
    source]`` (evidence and source from the edge attributes ``evidence`` and
    ``source_url`` when the graph has them, else filled by :func:`attach_evidence`), so
    the page can filter by kind and year and show the evidence. A line whose ties are all
    undated is dotted.
    """
    order = sorted(vids)
    sub = g.induced_subgraph(order)
    kinds_attr, weights, starts, ends, evidence, sources = _edge_columns(
        sub, ("kind", "weight", "start_year", "end_year", "evidence", "source_url")
    )
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for e, (su, sv) in enumerate(sub.get_edgelist()):
        u, v = order[su], order[sv]
        if u == v:
            continue
        if keep is not None and not keep(u, v):
            continue
        key = (u, v) if u < v else (v, u)
        rec = pairs.setdefault(key, {"w": 0.0, "ties": []})
        w = float(weights[e] if weights[e] is not None else 1.0)
        rec["w"] += w
        tie = [kinds_attr[e] or "tie", starts[e], ends[e], round(w, 3), 1]
        if evidence[e] or sources[e]:
            tie += [evidence[e] or None, sources[e] or None]
        rec["ties"].append(tie)
    if not pairs:
        return [], {}, []
    wmax = max(r["w"] for r in pairs.values()) or 1.0
    edges, info, cats = [], {}, []
    ids = g.vs["id"]
    for i, ((u, v), rec) in enumerate(pairs.items()):
        cat = category(u, v)
        base = 2.0 if cat == "cross" else 1.0
        eid = f"{prefix}{i}"
        edge = {
            "id": eid,
            "from": str(ids[u]),
            "to": str(ids[v]),
            "width": round(base + 4.0 * math.sqrt(rec["w"] / wmax), 2),
            "color": LINE_STYLE[cat][0],
        }
        ties = rec["ties"]
        if all(t[1] is None and t[2] is None for t in ties):
            edge["dashes"] = UNDATED_DASHES
        edges.append(edge)
        # No title: the page writes "A – B" from the two nodes' titles (a third of the file
        # at 2,000 organisations was repeated names), and the line label from ``line``.
        info[eid] = {"rows": _tie_rows(ties), "line": cat, "ties": ties}
        cats.append(cat)
    return edges, info, cats


def _edge_columns(g: ig.Graph, names: Sequence[str]) -> list[list[Any]]:
    """Edge attribute lists by name (all None where the graph lacks the attribute)."""
    attrs = set(g.es.attributes())
    return [g.es[n] if n in attrs else [None] * g.ecount() for n in names]


def group_ties(
    g: ig.Graph, group_of: Sequence[str | None]
) -> tuple[Counter[str], dict[tuple[str, str], list[list[Any]]]]:
    """Ties summed between groups of organisations (cities, communities).

    ``group_of[v]`` is the group of vertex ``v`` (None: left out). Returns the number of
    ties within each group and, per pair of groups, its ties merged by kind and years as
    ``[kind, start year, end year, total weight, count]`` (the records a line carries).
    """
    kinds, weights, starts, ends = _edge_columns(g, ("kind", "weight", "start_year", "end_year"))
    within: Counter[str] = Counter()
    merged: dict[tuple[str, str], dict[tuple, list[Any]]] = {}
    for e, (u, v) in enumerate(g.get_edgelist()):
        cu, cv = group_of[u], group_of[v]
        if cu is None or cv is None:
            continue
        if cu == cv:
            within[cu] += 1
            continue
        key = (cu, cv) if cu < cv else (cv, cu)
        tkey = (kinds[e] or "tie", starts[e], ends[e])
        rec = merged.setdefault(key, {}).setdefault(tkey, [*tkey, 0.0, 0])
        rec[3] += float(weights[e] if weights[e] is not None else 1.0)
        rec[4] += 1
    pairs = {
        k: [[t[0], t[1], t[2], round(t[3], 3), t[4]] for t in d.values()] for k, d in merged.items()
    }
    return within, pairs


def group_lines(
    pairs: Mapping[tuple[str, str], list[list[Any]]],
    in_view: set[str],
    countries: Mapping[str, str | None],
    prefix: str = "c",
) -> tuple[list[dict], dict[str, dict], list[str]]:
    """Lines between groups from :func:`group_ties`: width by the number of ties (faint
    when few), purple and curved between countries, dotted when every tie is undated."""
    shown = [(k, t) for k, t in pairs.items() if k[0] in in_view and k[1] in in_view]
    shown.sort(key=lambda kv: -sum(t[4] for t in kv[1]))
    wmax = max((sum(t[4] for t in ties) for _k, ties in shown), default=1)
    edges, info, cats = [], {}, []
    for i, ((cu, cv), ties) in enumerate(shown):
        n = sum(t[4] for t in ties)
        cat = "international" if countries.get(cu) != countries.get(cv) else "domestic"
        eid = f"{prefix}{i}"
        strength = math.sqrt(n / wmax)
        edge = {
            "id": eid,
            "from": cu,
            "to": cv,
            "width": round(1.0 + 9.0 * strength, 2),
            # Faint when few ties, so that the strong links stand out of a dense map.
            "color": {"color": LINE_STYLE[cat][0], "opacity": round(0.25 + 0.75 * strength, 2)},
        }
        if cat == "international":
            edge["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": 0.12}
        if all(t[1] is None and t[2] is None for t in ties):
            edge["dashes"] = UNDATED_DASHES
        edges.append(edge)
        info[eid] = {"rows": _tie_rows(ties), "line": cat, "ties": ties, "summed": True}
        cats.append(cat)
    return edges, info, cats


def _tie_rows(ties: Sequence[Sequence[Any]]) -> list[list[str]]:
    """Tooltip rows of a line: ties by kind, total weight, years."""
    kinds: Counter[str] = Counter()
    for t in ties:
        kinds[t[0]] += t[4]
    n = sum(kinds.values())
    text = ", ".join(f"{k} {c}" for k, c in kinds.most_common())
    rows = [["ties", f"{n:,} ({text})"], ["weight", _fmt(sum(float(t[3]) for t in ties))]]
    years = [y for t in ties for y in (t[1], t[2]) if y is not None]
    undated = sum(t[4] for t in ties if t[1] is None and t[2] is None)
    if years:
        lo, hi = min(years), max(years)
        span = str(lo) if lo == hi else f"{lo}–{hi}"
        rows.append(["years", span + (f" ({undated:,} undated)" if undated else "")])
    else:
        rows.append(["years", "undated"])
    return rows


def attach_evidence(edge_info: Mapping[str, dict], edges: Sequence[dict], records: Any) -> int:
    """Fill the evidence and source of the ties of ``edges`` from tie ``records``.

    ``records``: dicts or objects with ``source``, ``target``, ``kind``, ``start`` /
    ``start_year``, ``end`` / ``end_year``, ``evidence`` and ``source_url`` (rows of the
    store, or :class:`graphtwin.model.Tie`). Each record fills the first tie of the line
    between its two organisations with the same kind and years that has no evidence yet.
    Returns the number of ties filled.
    """
    by_pair: dict[tuple[str, str], str] = {}
    for e in edges:
        a, b = str(e["from"]), str(e["to"])
        by_pair[(a, b) if a < b else (b, a)] = e["id"]
    filled = 0
    for r in records:
        get = r.get if isinstance(r, Mapping) else lambda k, r=r: getattr(r, k, None)
        text, src = get("evidence"), get("source_url")
        if not text and not src:
            continue
        a, b = str(get("source")), str(get("target"))
        eid = by_pair.get((a, b) if a < b else (b, a))
        if eid is None:
            continue
        start, end = _year(get("start_year") or get("start")), _year(get("end_year") or get("end"))
        for t in edge_info[eid].get("ties", []):
            if len(t) == 5 and t[0] == get("kind") and t[1] == start and t[2] == end:
                t += [text or None, src or None]
                filled += 1
                break
    return filled


def _year(value: Any) -> int | None:
    if value is None or value != value:
        return None
    try:
        return int(str(value)[:4])
    except ValueError:
        return None


def _geo_category(g: ig.Graph):
    cities = g.vs["city_id"]
    countries = g.vs["country"]

    def category(u: int, v: int) -> str:
        if countries[u] != countries[v]:
            return "international"
        if cities[u] != cities[v]:
            return "domestic"
        return "tie"

    return category


def _dataset_subtitle(dataset: str | None, view_text: str) -> str:
    return f"{dataset} · {view_text}" if dataset else view_text


def _rank_order(values: np.ndarray, g: ig.Graph, vids: Sequence[int] | None = None) -> list[int]:
    """Vertices by score (highest first), ties broken by number of ties, then id."""
    vids = list(range(g.vcount())) if vids is None else list(vids)
    degree = g.degree()
    ids = g.vs["id"]
    return sorted(
        vids,
        key=lambda v: (
            -(values[v] if math.isfinite(values[v]) else -math.inf),
            -degree[v],
            str(ids[v]),
        ),
    )


def _check_max_nodes(max_nodes: int) -> None:
    if max_nodes < 1:
        raise GraphtwinError(f"max_nodes must be at least 1 (got {max_nodes})")


def _positions(g: ig.Graph, vids: Sequence[int], layout: Any) -> list[tuple[float, float]]:
    """Positions for ``vids`` (in that order) from ``layout(subgraph, vertex order)``.

    The subgraph is induced on the sorted vertex ids, so its vertex ``i`` is
    ``sorted(vids)[i]``; the result is mapped back to the order of ``vids``.
    """
    order = sorted(vids)
    pos = layout(g.induced_subgraph(order), order)
    pos_of = dict(zip(order, pos, strict=True))
    return [pos_of[v] for v in vids]
