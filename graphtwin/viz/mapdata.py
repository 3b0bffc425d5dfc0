"""What a map page shows, and how it becomes one self-contained HTML file.

:class:`MapData` is what every view of :mod:`graphtwin.viz.maps` returns: vis-network
nodes and edges (pyvis builds the network data from them), tooltips, legend, footnote,
and for some views country outlines (:mod:`graphtwin.viz.basemap`) or the members of
aggregated groups (:mod:`graphtwin.viz.aggregate`). :meth:`MapData.write` renders the
page with :func:`graphtwin.viz.html.render_page`.

Example:
    >>> m = MapData("network", "T", "S", [], [], {}, {}, [], "", 0, 0)
    >>> m.summary(), m.unit
    ('network map: 0 organisations, 0 lines', 'organisations')
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError
from graphtwin.viz.elements import (
    FONT_STACK,
    LABELLED_TOP,
    LINE_STYLE,
    PHYSICS_MAX_NODES,
    attach_evidence,
)

# --------------------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------------------


@dataclass
class MapData:
    """Everything a map page shows; :meth:`write` turns it into one HTML file.

    ``nodes`` and ``edges`` are vis-network records (ids, positions, colours, shapes);
    ``info`` / ``edge_info`` hold tooltip text per node / edge id as
    ``{"title", "subtitle", "rows": [[label, value], ...]}`` (a line without a title gets
    "A – B" from its ends, and the label of its ``line`` style); ``legend`` lists legend
    sections. ``shown`` and ``total`` count organisations (cities in the cities view).
    In a notebook a MapData displays itself inline (an iframe with the page as srcdoc).
    """

    view: str
    title: str
    subtitle: str
    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    info: dict[str, dict[str, Any]]
    edge_info: dict[str, dict[str, Any]]
    legend: list[dict[str, Any]]
    footnote: str
    shown: int
    total: int
    physics: bool = False
    search: list[list[str]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
    #: Cities view: country outlines and inset frames in canvas coordinates.
    basemap: dict[str, Any] | None = None
    #: Canvas boxes ``[x0, y0, x1, y1]`` that labels must avoid (e.g. inset titles).
    obstacles: list[list[float]] = field(default_factory=list)
    #: Aggregated view: members (nodes, edges) of each group, drawn when opened.
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: What was left out or summarised, for the CLI to say (one sentence each).
    notes: list[str] = field(default_factory=list)
    #: Aggregated view: what a node is ("cities" or "communities").
    group_unit: str = ""

    def add_evidence(self, records: Any) -> int:
        """Attach the evidence text and source of tie ``records`` to the lines drawn.

        ``records`` are rows with ``source``, ``target``, ``kind``, ``start``, ``end``,
        ``evidence`` and ``source_url`` (store rows or :class:`graphtwin.model.Tie`);
        returns the number of ties that got evidence.
        """
        records = list(records)
        n = attach_evidence(self.edge_info, self.edges, records)
        for group in self.groups.values():
            n += attach_evidence(group["info"], group["edges"], records)
        return n

    def summary(self) -> str:
        """One line for the CLI: view, nodes and edges."""
        return f"{self.view} map: {self.shown:,} {self.unit}, {len(self.edges):,} lines"

    @property
    def unit(self) -> str:
        """What a node is: organisations, cities or groups."""
        if self.group_unit:
            return self.group_unit
        return "cities" if self.view == "cities" else "organisations"

    def vis_options(self) -> dict[str, Any]:
        """vis-network options: precomputed positions, physics only for small maps."""
        big = len(self.nodes) > PHYSICS_MAX_NODES or len(self.edges) > 4 * PHYSICS_MAX_NODES
        options: dict[str, Any] = {
            "autoResize": True,
            "layout": {"improvedLayout": False, "randomSeed": 7},
            "nodes": {
                "borderWidth": 1,
                "borderWidthSelected": 3,
                # Labels are placed and drawn by the page (no overlaps, none cut at the
                # edge); vis-network draws only the shapes.
                "font": {"size": 12, "face": FONT_STACK, "color": "#1f2933"},
            },
            "edges": {
                "smooth": False,
                "color": {"inherit": False},
                "selectionWidth": 1.5,
                "hoverWidth": 1.0,
            },
            "physics": {
                "enabled": bool(self.physics),
                "solver": "barnesHut",
                "barnesHut": {
                    "gravitationalConstant": -3000,
                    "springLength": 90,
                    "springConstant": 0.02,
                    "damping": 0.3,
                    "avoidOverlap": 0.2,
                },
                "stabilization": {"enabled": True, "iterations": 120, "fit": True},
            },
            "interaction": {
                "hover": True,
                "tooltipDelay": 80,
                "hideEdgesOnDrag": big,
                "hideEdgesOnZoom": big,
                "navigationButtons": False,
                "keyboard": False,
                "multiselect": False,
            },
        }
        _deep_update(options, self.options)
        return options

    def payload(self) -> dict[str, Any]:
        """The JSON payload embedded in the page (built into vis data with pyvis)."""
        from pyvis.network import Network

        net = Network(height="100%", width="100%", directed=False, cdn_resources="in_line")
        # Fill pyvis' lists in one go: its add_node/add_edge take 0.25 s per 500 nodes.
        net.nodes = self.nodes
        net.edges = self.edges
        net.node_ids = [n["id"] for n in self.nodes]
        net.node_map = {n["id"]: n for n in self.nodes}
        net.options = self.vis_options()
        nodes, edges, _heading, _height, _width, _options = net.get_network_data()
        payload = {
            "meta": {
                "view": self.view,
                "title": self.title,
                "subtitle": self.subtitle,
                "footnote": self.footnote,
                "shown": self.shown,
                "total": self.total,
                "physics": bool(self.physics),
                "unit": self.unit,
                "mustLabel": LABELLED_TOP,
            },
            "nodes": nodes,
            "edges": edges,
            "options": net.options,
            "info": dict(self.info),
            "edgeInfo": _compact_lines(self.edge_info),
            "legend": self.legend,
            "lines": {cat: label for cat, (_colour, label) in LINE_STYLE.items()},
            "search": self.search,
        }
        if self.basemap:
            payload["basemap"] = self.basemap
        if self.obstacles:
            payload["obstacles"] = self.obstacles
        if self.groups:
            # Members of a group become nodes and lines when the group is opened.
            payload["groups"] = {
                gid: {"nodes": grp["nodes"], "edges": grp["edges"], "radius": grp["radius"]}
                for gid, grp in self.groups.items()
            }
            for grp in self.groups.values():
                payload["info"].update(grp["node_info"])
                payload["edgeInfo"].update(_compact_lines(grp["info"]))
            payload["search"] = self.search + [
                s for grp in self.groups.values() for s in grp["search"]
            ]
        return payload

    def to_html(self) -> str:
        """The complete, self-contained HTML document."""
        from graphtwin.viz.html import render_page

        return render_page(self.title, self.subtitle, self.payload())

    def write(self, path: str | os.PathLike[str], html: str | None = None) -> Path:
        """Write the map to ``path`` (parent folders created) and return the path;
        ``html``: the page if already rendered by :meth:`to_html`."""
        out = Path(path)
        if out.suffix.lower() not in (".html", ".htm"):
            raise GraphtwinError(f"{out}: a map is an HTML file; give a name ending in .html")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(html if html is not None else self.to_html(), encoding="utf-8")
        except OSError as exc:
            raise GraphtwinError(f"cannot write {out}: {exc.strerror or exc}") from exc
        return out

    def _repr_html_(self) -> str:
        from graphtwin.viz.notebook import iframe_html

        return iframe_html(self.to_html())


def write_map(map_data: MapData, path: str | os.PathLike[str]) -> Path:
    """Write ``map_data`` as one HTML file; same as ``map_data.write(path)``.

    Example:
        >>> import tempfile, igraph as ig
        >>> from graphtwin.analysis.projection import graph_from_columns
        >>> from graphtwin.viz.maps import network_map
        >>> g = graph_from_columns({"id": ["a"], "name": ["A"], "kind": ["firm"],
        ...                         "city": ["Leeds"], "country": ["GB"]}, {})
        >>> p = write_map(network_map(g), Path(tempfile.mkdtemp()) / "m.html")
        >>> p.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        True
    """
    return map_data.write(path)


def _compact_lines(edge_info: Mapping[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Line tooltips for the page: a line that carries its ties drops the rows the page
    writes from them (ties by kind, weight, years), a fifth of a large map's file."""
    out = {}
    for eid, info in edge_info.items():
        if info.get("ties"):
            info = {k: v for k, v in info.items() if k != "rows"}
        out[eid] = info
    return out


def _deep_update(base: dict[str, Any], extra: Mapping[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            _deep_update(base[key], value)
        else:
            base[key] = value
