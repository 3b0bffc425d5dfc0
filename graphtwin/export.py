"""Write the organisation graph to interchange formats: GraphML, GEXF 1.3 and CSV.

Nothing is dropped: every attribute of the analysis projection (organisation fields, all
written-back ``gt_*`` scores, tie fields) is written, plus the provenance the projection
leaves out (:func:`with_details`: ``ror_id``, ``website``, ``size``, ``founded``,
``source`` of organisations; ``evidence``, ``source_url``, ``start``, ``end`` of ties).
A missing value (None) is *absent* from the file, never an empty string, so readers
(networkx, igraph, Gephi, Cytoscape) do not mistake it for a value. Lists (sectors) are
joined with ``;`` (an empty list is the empty string).

Identity: node ids are the organisation ids, labels their names; edge ``kind`` (GEXF) and
the ``kind`` attribute are the tie kind, so parallel ties of different kinds between two
organisations stay separate edges (Gephi merges parallel edges of one kind).

Direction: the graph is written undirected, as graphtwin analyses it, with every tie
from its stored source to its target and a boolean ``directed`` attribute that is true for
the directed kinds (FUNDS, MEMBER_OF, PART_OF, SUCCEEDS; see ``rel_type``). A mixed file
(per-edge direction) is not written because no common reader takes one: networkx rejects
directed edges in an undirected GEXF or GraphML file, and the Gephi 0.10.1 importer
silently drops every edge whose type differs from the file's default.

GEXF additionally carries graphtwin's map layout (``viz:position``, the positions of
``graphtwin map``) and colours by country (``viz:color``), so Gephi opens the picture.

Files are written to a temporary file beside the target and renamed into place, so a
failure never leaves a partial file. Text that XML 1.0 cannot hold (control characters
other than tab, newline and carriage return) raises :class:`ExportError` naming the
organisation or tie and the attribute, before anything is written.

Example:
    >>> import tempfile, pathlib
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": ["a", "b"], "name": ["A", "B"], "kind": ["firm"] * 2,
    ...     "city": ["Belfast"] * 2, "country": ["GB"] * 2},
    ...     {"source": ["a"], "target": ["b"], "kind": ["mou"]})
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in write_csv(g, out)]
    ['nodes.csv', 'edges.csv']
    >>> write_gexf(g, out / "g.gexf")[0].read_text().count("<edge ")
    1
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

import igraph as ig

from graphtwin.errors import GraphtwinError
from graphtwin.escaping import csv_safe_text
from graphtwin.model import REL_TYPES

#: Organisation properties that the projection leaves out and the exports carry.
ORG_DETAILS: tuple[str, ...] = ("ror_id", "website", "size", "founded", "source")
#: Tie properties that the projection leaves out and the exports carry.
TIE_DETAILS: tuple[str, ...] = ("evidence", "source_url", "start", "end")

#: Characters XML 1.0 cannot contain, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

#: Writes into an open text stream.
Writer = Callable[[ig.Graph, IO[str]], None]


class ExportError(GraphtwinError):
    """The graph cannot be written in the chosen format."""


# --------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------


def with_details(g: ig.Graph, store: Any) -> ig.Graph:
    """A copy of projection ``g`` with :data:`ORG_DETAILS` and :data:`TIE_DETAILS` added.

    Read from ``store`` (any :class:`graphtwin.store.GraphStore`) with two queries. Ties
    are matched by (stored source, target, kind), their identity in the store.
    """
    h = g.copy()
    cols = ", ".join(f"o.`{c}` AS `{c}`" for c in ORG_DETAILS)
    orgs = store.query(f"MATCH (o:Organisation) RETURN o.id AS id, {cols}").records()
    by_id = {r["id"]: r for r in orgs}
    for c in ORG_DETAILS:
        h.vs[c] = [by_id.get(i, {}).get(c) for i in h.vs["id"]]
    rels = "|".join(REL_TYPES)
    cols = ", ".join(f"r.`{c}` AS `{c}`" for c in TIE_DETAILS)
    ties = store.query(
        f"MATCH (a:Organisation)-[r:{rels}]->(b:Organisation) "
        f"RETURN a.id AS a, b.id AS b, r.kind AS kind, {cols}"
    ).records()
    by_key = {(r["a"], r["b"], r["kind"]): r for r in ties}
    ids = h.vs["id"]
    for c in TIE_DETAILS:
        h.es[c] = [by_key.get(_tie_key(e, ids), {}).get(c) for e in h.es]
    return h


def write_csv(g: ig.Graph, folder: Path, safe: bool = True) -> list[Path]:
    """nodes.csv (one row per organisation) and edges.csv (source, target, tie attributes).

    ``safe``: text cells that a spreadsheet would run as a formula (starting with ``=``,
    ``+``, ``-``, ``@``, tab or CR) get a leading apostrophe (graphtwin.escaping); numbers
    stay numbers. ``safe=False`` (``--raw-csv``) writes cells exactly as stored.
    """
    cell = _csv_cell if safe else _raw_csv_cell
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vattrs = g.vs.attributes()
    eattrs = _edge_attrs(g)
    nodes, edges = folder / "nodes.csv", folder / "edges.csv"

    def write_nodes(_g: ig.Graph, fh: IO[str]) -> None:
        w = csv.writer(fh)
        w.writerow(vattrs)
        for row in zip(*(g.vs[a] for a in vattrs), strict=True):
            w.writerow([cell(v) for v in row])

    def write_edges(_g: ig.Graph, fh: IO[str]) -> None:
        w = csv.writer(fh)
        w.writerow(["source", "target", *eattrs])
        ids = g.vs["id"]
        for e in g.es:
            s, t = _endpoints(e, ids)
            w.writerow([cell(s), cell(t), *(cell(e[a]) for a in eattrs)])

    _write_atomic(g, nodes, write_nodes, newline="")
    _write_atomic(g, edges, write_edges, newline="")
    return [nodes, edges]


def write_graphml(g: ig.Graph, path: Path | IO[str]) -> list[Path]:
    """GraphML 1.0: typed keys for every attribute, organisation ids as node ids."""
    return _write_xml(g, path, _graphml)


def write_gexf(g: ig.Graph, path: Path | IO[str]) -> list[Path]:
    """GEXF 1.3 (Gephi): typed attributes, names as labels, layout and colours in viz."""
    return _write_xml(g, path, _gexf)


def check_xml_text(g: ig.Graph) -> None:
    """Raise ExportError if any id, name or text attribute holds a character XML forbids."""
    for a in g.vs.attributes():
        for i, value in enumerate(g.vs[a]):
            if bad := _not_xml(value):
                raise ExportError(f"organisation {g.vs[i]['id']!r}, attribute {a}: {bad}")
    ids = g.vs["id"]
    for a in g.es.attributes():
        for i, value in enumerate(g.es[a]):
            if bad := _not_xml(value):
                s, t = _endpoints(g.es[i], ids)
                raise ExportError(f"tie {s!r} -> {t!r}, attribute {a}: {bad}")


# --------------------------------------------------------------------------------------
# GraphML
# --------------------------------------------------------------------------------------

#: Node keys that Gephi and yEd read as the label, position and colour (the name, the
#: map layout and the country colour of GEXF's viz elements).
_GRAPHML_VIEW = {
    "label": "string",
    "x": "double",
    "y": "double",
    "r": "int",
    "g": "int",
    "b": "int",
}


def _graphml(g: ig.Graph, fh: IO[str]) -> None:
    vattrs = [a for a in g.vs.attributes() if a != "id"]
    vtypes, etypes = _column_types(g, vattrs, eattrs := _edge_attrs(g))
    positions, colours = _viz(g)
    fh.write(_XML_DECLARATION)
    fh.write(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    # Key ids are the attribute names (Gephi names its columns by key id); an edge
    # attribute whose name a node attribute already uses gets an "edge_" prefix.
    vkeys = {a: a for a in vattrs}
    ekeys = {a: f"edge_{a}" if a in vkeys or a in _GRAPHML_VIEW else a for a in eattrs}
    keys = [("node", k, k, t) for k, t in _GRAPHML_VIEW.items()]
    keys += [("node", vkeys[a], a, vtypes[a]) for a in vattrs]
    keys += [("edge", ekeys[a], a, etypes[a]) for a in eattrs]
    for domain, key, name, typ in keys:
        fh.write(
            f"  <key id={quoteattr(key)} for={quoteattr(domain)} "
            f"attr.name={quoteattr(name)} attr.type={quoteattr(typ)}/>\n"
        )
    fh.write('  <graph id="graphtwin" edgedefault="undirected">\n')
    for v, (x, y), rgb in zip(g.vs, positions, colours, strict=True):
        fh.write(f"    <node id={quoteattr(str(v['id']))}>")
        for key, value in zip(_GRAPHML_VIEW, (v["name"], x, y, *rgb), strict=True):
            _graphml_data(fh, key, value, _GRAPHML_VIEW[key])
        for a in vattrs:
            _graphml_data(fh, vkeys[a], v[a], vtypes[a])
        fh.write("</node>\n")
    ids = g.vs["id"]
    for e in g.es:
        s, t = _endpoints(e, ids)
        fh.write(
            f"    <edge id={quoteattr(f'e{e.index}')} source={quoteattr(s)} target={quoteattr(t)}>"
        )
        for a in eattrs:
            _graphml_data(fh, ekeys[a], e[a], etypes[a])
        fh.write("</edge>\n")
    fh.write("  </graph>\n</graphml>\n")


def _graphml_data(fh: IO[str], key: str, value: Any, typ: str) -> None:
    if value is not None:
        fh.write(f"<data key={quoteattr(key)}>{escape(_text(value, typ))}</data>")


# --------------------------------------------------------------------------------------
# GEXF
# --------------------------------------------------------------------------------------

#: Edge attributes carried by the GEXF edge element itself (not as attvalues).
_GEXF_EDGE_OWN = ("weight",)


def _gexf(g: ig.Graph, fh: IO[str]) -> None:
    vattrs = [a for a in g.vs.attributes() if a not in ("id", "name")]
    eattrs = [a for a in _edge_attrs(g) if a not in _GEXF_EDGE_OWN]
    vtypes, etypes = _column_types(g, vattrs, eattrs)
    positions, colours = _viz(g)
    fh.write(_XML_DECLARATION)
    fh.write(
        '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">\n'
    )
    fh.write("  <meta><creator>graphtwin</creator></meta>\n")
    fh.write('  <graph defaultedgetype="undirected" mode="static">\n')
    for cls, attrs, types in (("node", vattrs, vtypes), ("edge", eattrs, etypes)):
        fh.write(f'    <attributes class="{cls}">\n')
        for a in attrs:
            fh.write(
                f"      <attribute id={quoteattr(a)} title={quoteattr(a)} "
                f"type={quoteattr(types[a])}/>\n"
            )
        fh.write("    </attributes>\n")
    fh.write("    <nodes>\n")
    for v, (x, y), (r, gr, b) in zip(g.vs, positions, colours, strict=True):
        fh.write(f"      <node id={quoteattr(str(v['id']))} label={quoteattr(str(v['name']))}>")
        _gexf_attvalues(fh, [(a, v[a], vtypes[a]) for a in vattrs])
        fh.write(
            f'<viz:color r="{r}" g="{gr}" b="{b}"/>'
            f'<viz:position x="{x!r}" y="{y!r}" z="0.0"/></node>\n'
        )
    fh.write("    </nodes>\n    <edges>\n")
    ids = g.vs["id"]
    for e in g.es:
        s, t = _endpoints(e, ids)
        w = e["weight"]
        weight = f" weight={quoteattr(_text(w, 'double'))}" if w is not None else ""
        kind = f" kind={quoteattr(str(e['kind']))}" if e["kind"] is not None else ""
        fh.write(
            f"      <edge id={quoteattr(f'e{e.index}')} source={quoteattr(s)} "
            f"target={quoteattr(t)}{kind}{weight}>"
        )
        _gexf_attvalues(fh, [(a, e[a], etypes[a]) for a in eattrs])
        fh.write("</edge>\n")
    fh.write("    </edges>\n  </graph>\n</gexf>\n")


def _gexf_attvalues(fh: IO[str], values: list[tuple[str, Any, str]]) -> None:
    present = [(a, val, typ) for a, val, typ in values if val is not None]
    if not present:
        return
    fh.write("<attvalues>")
    for a, val, typ in present:
        fh.write(f"<attvalue for={quoteattr(a)} value={quoteattr(_text(val, typ))}/>")
    fh.write("</attvalues>")


def _viz(g: ig.Graph) -> tuple[list[tuple[float, float]], list[tuple[int, int, int]]]:
    """Positions (y up, as Gephi draws) and RGB colours, as ``graphtwin map`` draws them."""
    from graphtwin.viz.elements import _colour_keys, _palette
    from graphtwin.viz.layout import network_positions

    positions = [(round(x, 3), round(-y, 3)) for x, y in network_positions(g, seed=42)]
    vids = list(range(g.vcount()))
    keys = _colour_keys(g, vids, "country")
    palette = _palette(keys, "country")
    colours = [_rgb(palette[k]) for k in keys]
    return positions, colours


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


# --------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------


def _write_xml(g: ig.Graph, target: Path | IO[str], writer: Writer) -> list[Path]:
    check_xml_text(g)
    if not isinstance(target, (str, os.PathLike)):
        buffer = io.StringIO()  # build fully first: a failure writes nothing
        writer(g, buffer)
        target.write(buffer.getvalue())
        return []
    path = Path(target)
    _write_atomic(g, path, writer)
    return [path]


def _write_atomic(g: ig.Graph, path: Path, writer: Writer, newline: str | None = None) -> None:
    """Write through a temporary file in the same folder, renamed over ``path`` at the end."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(path) as tmp, tmp.open("w", encoding="utf-8", newline=newline) as fh:
        writer(g, fh)


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _column_types(
    g: ig.Graph, vattrs: Sequence[str], eattrs: Sequence[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """The value type of every node and edge attribute written."""
    return (
        {a: _value_type(g.vs[a]) for a in vattrs},
        {a: _value_type(g.es[a]) for a in eattrs},
    )


def _edge_attrs(g: ig.Graph) -> list[str]:
    return list(g.es.attributes())


def _tie_key(e: ig.Edge, ids: Sequence[str]) -> tuple[str, str, str]:
    s, t = _endpoints(e, ids)
    return s, t, e["kind"]


def _endpoints(e: ig.Edge, ids: Sequence[str]) -> tuple[str, str]:
    """(source, target) in the stored direction of the tie."""
    s, t = ids[e.source], ids[e.target]
    if "source_id" in e.attributes() and e["source_id"] == t:
        s, t = t, s
    return s, t


def _value_type(values: Sequence[Any]) -> str:
    """The one type of a column: boolean, long, double or string (None ignored)."""
    present = [v for v in values if v is not None]
    if present and all(isinstance(v, bool) for v in present):
        return "boolean"
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return "long"
    if present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present):
        return "double"
    return "string"


def _text(value: Any, typ: str) -> str:
    """One value as the text of its column type (exact round trip for numbers)."""
    if typ == "boolean":
        return "true" if value else "false"
    if typ in ("long", "int"):
        return str(int(value))
    if typ == "double":
        f = float(value)
        if math.isnan(f):
            return "NaN"
        if math.isinf(f):
            return "Infinity" if f > 0 else "-Infinity"
        return repr(f)
    flat = _flat(value)
    if isinstance(flat, bool):
        return "true" if flat else "false"
    return str(flat)


def _csv_cell(value: Any) -> Any:
    """One CSV cell: "" for a missing value, lists joined with ``;``, formula-like text
    neutralised (numbers, negative ones too, stay numbers)."""
    flat = _raw_csv_cell(value)
    return csv_safe_text(flat) if isinstance(flat, str) else flat


def _raw_csv_cell(value: Any) -> Any:
    """One CSV cell as stored: "" for a missing value, lists joined with ``;``."""
    return "" if value is None else _flat(value)


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return ";".join(str(v) for v in value)
    return value


def _not_xml(value: Any) -> str:
    """Why ``value`` cannot be written to XML 1.0, or "" if it can."""
    text = _flat(value)
    if isinstance(text, str) and (m := _NOT_XML.search(text)):
        return (
            f"the control character U+{ord(m.group()):04X} cannot be written to XML; "
            "correct it in the source data and load again"
        )
    return ""
