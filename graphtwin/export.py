"""Write the analysis graph to interchange formats (GraphML, GEXF 1.3, CSV).

List attributes (sectors) become ``;``-joined strings; ``None`` becomes empty/absent.

Example:
    >>> import tempfile, pathlib
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": ["a", "b"], "name": ["A", "B"], "kind": ["firm"] * 2,
    ...     "city": ["Belfast"] * 2, "country": ["GB"] * 2},
    ...     {"source": ["a"], "target": ["b"], "kind": ["mou"]})
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_csv(g, out)]
    ['nodes.csv', 'edges.csv']
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import igraph as ig

from graphtwin.escaping import csv_safe_text

EDGE_EXPORT = ("kind", "rel_type", "weight", "start_year", "end_year")


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def _vertex_attrs(g: ig.Graph) -> list[str]:
    return [a for a in g.vs.attributes() if a != "city_id"]


def _safe(value: object) -> object:
    """Text neutralised against spreadsheet formulas (graphtwin.escaping); numbers kept."""
    return csv_safe_text(value) if isinstance(value, str) else value


def write_csv(g: ig.Graph, folder: Path) -> list[Path]:
    """nodes.csv (one row per organisation) and edges.csv (source, target, tie attributes)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vattrs = _vertex_attrs(g)
    nodes, edges = folder / "nodes.csv", folder / "edges.csv"
    with nodes.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(vattrs)
        cols = [g.vs[a] for a in vattrs]
        for row in zip(*cols, strict=True):
            w.writerow(["" if v is None else _safe(_flat(v)) for v in row])
    ids = g.vs["id"]
    with edges.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["source", "target", *EDGE_EXPORT])
        cols = [g.es[a] for a in EDGE_EXPORT]
        for e, row in zip(g.es, zip(*cols, strict=True), strict=True):
            s, t = ids[e.source], ids[e.target]
            if e["source_id"] == t:  # keep the stored direction of directed kinds
                s, t = t, s
            w.writerow([_safe(s), _safe(t), *("" if v is None else _safe(v) for v in row)])
    return [nodes, edges]


def _plain_copy(g: ig.Graph) -> ig.Graph:
    h = g.copy()
    for a in list(h.attributes()):
        del h[a]
    for a in h.vs.attributes():
        h.vs[a] = ["" if v is None else _flat(v) for v in h.vs[a]]
    for a in h.es.attributes():
        vals = h.es[a]
        if all(v is None or isinstance(v, (int, float)) for v in vals) and a != "source_id":
            h.es[a] = [float("nan") if v is None else float(v) for v in vals]
        else:
            h.es[a] = ["" if v is None else str(v) for v in vals]
    return h


def write_graphml(g: ig.Graph, path: Path) -> list[Path]:
    """GraphML via igraph (lists joined with ``;``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _plain_copy(g).write_graphml(str(path))
    return [path]


def write_gexf(g: ig.Graph, path: Path) -> list[Path]:
    """GEXF 1.3 (Gephi) with organisation and tie attributes; all values XML-escaped."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    vattrs = [a for a in _vertex_attrs(g) if a not in ("id", "name")]

    def vtype(a: str) -> str:
        vals = [v for v in g.vs[a] if v is not None]
        if vals and all(isinstance(v, bool) for v in vals):
            return "boolean"
        if vals and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
            return "double"
        return "string"

    types = {a: vtype(a) for a in vattrs}
    ids = g.vs["id"]
    with path.open("w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        fh.write('<gexf xmlns="http://gexf.net/1.3" version="1.3">\n')
        fh.write('<graph defaultedgetype="undirected" mode="static">\n<attributes class="node">\n')
        for i, a in enumerate(vattrs):
            fh.write(
                f"<attribute id={quoteattr(str(i))} title={quoteattr(a)} "
                f"type={quoteattr(types[a])}/>\n"
            )
        fh.write('</attributes>\n<attributes class="edge">\n')
        for i, a in enumerate(EDGE_EXPORT):
            t = "string" if a in ("kind", "rel_type") else "double"
            fh.write(
                f"<attribute id={quoteattr(str(i))} title={quoteattr(a)} type={quoteattr(t)}/>\n"
            )
        fh.write("</attributes>\n<nodes>\n")
        for v in g.vs:
            fh.write(
                f"<node id={quoteattr(str(v['id']))} label={quoteattr(str(v['name']))}><attvalues>"
            )
            for i, a in enumerate(vattrs):
                val = v[a]
                if val is None:
                    continue
                text = str(val).lower() if isinstance(val, bool) else str(_flat(val))
                fh.write(f"<attvalue for={quoteattr(str(i))} value={quoteattr(text)}/>")
            fh.write("</attvalues></node>\n")
        fh.write("</nodes>\n<edges>\n")
        for e in g.es:
            s, t = ids[e.source], ids[e.target]
            if e["source_id"] == t:
                s, t = t, s
            fh.write(
                f"<edge id={quoteattr(str(e.index))} source={quoteattr(s)} target={quoteattr(t)} "
                f"weight={quoteattr(str(e['weight']))}><attvalues>"
            )
            for i, a in enumerate(EDGE_EXPORT):
                if e[a] is not None:
                    fh.write(f"<attvalue for={quoteattr(str(i))} value={quoteattr(str(e[a]))}/>")
            fh.write("</attvalues></edge>\n")
        fh.write("</edges>\n</graph>\n</gexf>\n")
    return [path]
