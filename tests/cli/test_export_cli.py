"""``graphtwin export``: GraphML and GEXF that other tools read without loss.

The demo (loaded and analysed by ``graphtwin demo``, so every ``gt_*`` score is written
back, some of them missing for some organisations) is exported through the CLI, then

* validated against the official schemas in tests/data/xsd (GraphML 1.0 XSD; GEXF 1.3
  RELAX NG for the whole file, and the GEXF 1.3 XSD for everything but the viz elements,
  which that XSD places in the wrong namespace: see :func:`_without_viz`);
* read back with networkx (GEXF and GraphML) and igraph (GraphML), comparing for every
  attribute the number of values present, and every value, with the projection the
  export was made from (plus the provenance columns of :func:`graphtwin.export.with_details`).
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import igraph as ig
import networkx as nx
import pytest
import xmlschema
from lxml import etree

from graphtwin.analysis.projection import graph_from_columns
from graphtwin.export import ExportError, with_details, write_gexf, write_graphml
from graphtwin.ingest import read_bundle
from graphtwin.store import open_store

#: The demo's ties, one per row of its ties.csv.
DEMO_TIES = len(
    read_bundle(Path(__file__).resolve().parents[2] / "graphtwin" / "data" / "demo").ties
)

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))
XSD = Path(__file__).resolve().parents[1] / "data" / "xsd"
#: Node keys the GraphML writer adds for Gephi/yEd (label, layout, colour): not data.
GRAPHML_VIEW = {"label", "x", "y", "r", "g", "b"}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the analysed demo store (graphtwin-demo/graphtwin.db) and both exports."""
    folder = tmp_path_factory.mktemp("export")
    r = run("-q", "demo", "-o", "graphtwin-demo", cwd=folder)
    assert r.returncode == 0, r.stderr
    for fmt in ("gexf", "graphml"):
        r = run(
            "--db",
            "graphtwin-demo/graphtwin.db",
            "export",
            "--format",
            fmt,
            "-o",
            f"net.{fmt}",
            cwd=folder,
        )
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == f"net.{fmt}"
    return folder


@pytest.fixture(scope="module")
def projection(demo: Path) -> ig.Graph:
    """What the export was made from: the projection plus the provenance columns."""
    with open_store(demo / "graphtwin-demo" / "graphtwin.db", read_only=True) as store:
        return with_details(store.projection(), store)


# --------------------------------------------------------------------------------------
# Counting helpers: {attribute: number of values present}
# --------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A projection value as the exports write it (lists joined with ';')."""
    if isinstance(value, list):
        return ";".join(map(str, value))
    return value


def projection_counts(g: ig.Graph) -> tuple[Counter, Counter]:
    nodes = Counter({a: sum(v is not None for v in g.vs[a]) for a in g.vs.attributes()})
    edges = Counter({a: sum(v is not None for v in g.es[a]) for a in g.es.attributes()})
    return +nodes, +edges


def networkx_counts(G: nx.MultiGraph, *, gexf: bool) -> tuple[Counter, Counter]:
    nodes: Counter = Counter()
    for _node_id, data in G.nodes(data=True):
        nodes["id"] += 1
        for k in data:
            if gexf and k == "viz":
                continue
            nodes["name" if gexf and k == "label" else k] += k not in GRAPHML_VIEW or gexf
    edges: Counter = Counter()
    for _u, _v, data in G.edges(data=True):
        for k in data:
            edges[k] += k != "id"  # the edge id is the file's, not an attribute
    return +nodes, +edges


def test_files_validate_against_the_official_schemas(demo: Path):
    graphml = xmlschema.XMLSchema(XSD / "graphml-1.0" / "graphml.xsd")
    graphml.validate(demo / "net.graphml")
    rng = etree.RelaxNG(etree.parse(str(XSD / "gexf-1.3" / "gexf.rng")))
    doc = etree.parse(str(demo / "net.gexf"))
    assert rng.validate(doc), rng.error_log
    gexf = xmlschema.XMLSchema(XSD / "gexf-1.3" / "gexf.xsd")
    gexf.validate(_without_viz((demo / "net.gexf").read_text(encoding="utf-8")))


def test_schemas_reject_what_they_should(demo: Path):
    """The validation above can fail: a misspelt viz element or a bad edge type is caught."""
    text = (demo / "net.gexf").read_text(encoding="utf-8")
    rng = etree.RelaxNG(etree.parse(str(XSD / "gexf-1.3" / "gexf.rng")))
    for bad in (
        text.replace("<viz:color ", "<viz:colour ", 1),
        text.replace("<edge ", '<edge type="sideways" ', 1),
    ):
        assert not rng.validate(etree.fromstring(bad.encode("utf-8")))
    graphml = xmlschema.XMLSchema(XSD / "graphml-1.0" / "graphml.xsd")
    bad = (
        (demo / "net.graphml")
        .read_text(encoding="utf-8")
        .replace('attr.type="double"', 'attr.type="decimal"', 1)
    )
    assert not graphml.is_valid(bad)


def _without_viz(text: str) -> str:
    """The GEXF text without viz elements, for the GEXF 1.3 XSD.

    The official gexf.xsd/viz.xsd (generated from the RELAX NG grammar) lost the viz
    namespace (http://gexf.net/1.3/viz) that gexf.rng gives those elements, and that Gephi
    and networkx read and write; the RELAX NG check validates them instead.
    """
    return re.sub(r"<viz:\w+[^>]*/>", "", text)


@pytest.mark.parametrize("fmt", ["gexf", "graphml"])
def test_into_networkx_keeps_every_attribute(demo: Path, projection: ig.Graph, fmt: str):
    gexf = fmt == "gexf"
    G = nx.read_gexf(demo / "net.gexf") if gexf else nx.read_graphml(demo / "net.graphml")
    assert isinstance(G, nx.MultiGraph) and not G.is_directed()
    assert networkx_counts(G, gexf=gexf) == projection_counts(projection)
    _same_values(projection, G, label_is_name=gexf)
    if not gexf:
        assert all(d["label"] == d["name"] for _, d in G.nodes(data=True))
        return
    # layout and colour by country (Gephi's viz): every node has both
    viz = [d["viz"] for _, d in G.nodes(data=True)]
    assert all({"position", "color"} <= set(v) for v in viz)
    by_country = {}
    for (_, d), v in zip(G.nodes(data=True), viz, strict=True):
        by_country.setdefault(d["country"], set()).add(tuple(v["color"][c] for c in "rgb"))
    assert all(len(c) == 1 for c in by_country.values()) and len(by_country) == 2


def test_graphml_into_igraph_keeps_every_attribute(demo: Path, projection: ig.Graph):
    h = ig.Graph.Read_GraphML(str(demo / "net.graphml"))
    assert (h.vcount(), h.ecount()) == (projection.vcount(), projection.ecount())
    assert set(h.vs.attributes()) - GRAPHML_VIEW == set(projection.vs.attributes())
    assert set(h.es.attributes()) - {"id"} == set(projection.es.attributes())
    # igraph fills a missing value with "" (text), NaN (numbers): compare what is present
    for attr in projection.vs.attributes():
        want = [_plain(v) for v in projection.vs[attr]]
        got = h.vs[attr]
        for w, x in zip(want, got, strict=True):
            if w is None:
                assert x in ("", None) or (isinstance(x, float) and math.isnan(x)), attr
            else:
                assert x == w or (isinstance(w, bool) and bool(x) == w), (attr, w, x)


def _same_values(g: ig.Graph, G: nx.MultiGraph, *, label_is_name: bool) -> None:
    """Every node and tie value of the projection equals the value read back."""
    for v in g.vs:
        data = G.nodes[v["id"]]
        for a in g.vs.attributes():
            if a == "id" or v[a] is None:
                continue
            key = "label" if label_is_name and a == "name" else a
            assert data[key] == _plain(v[a]), (v["id"], a, data.get(key), v[a])
    ids = g.vs["id"]
    read = Counter()
    for s, t, d in G.edges(data=True):
        key = (d["source_id"], t if d["source_id"] == s else s, d["kind"])
        read[key] += 1
        assert d["directed"] == (d["rel_type"] in ("FUNDS", "MEMBER_OF", "PART_OF", "SUCCEEDS"))
    want = Counter()
    for e in g.es:
        s = e["source_id"]
        t = ids[e.target] if ids[e.source] == s else ids[e.source]
        want[(s, t, e["kind"])] += 1
    assert read == want


def test_export_to_stdout_and_csv_refuses_it(demo: Path):
    r = run(
        "--db", "graphtwin-demo/graphtwin.db", "export", "--format", "graphml", "-o", "-", cwd=demo
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout == (demo / "net.graphml").read_text(encoding="utf-8")
    assert not (demo / "-").exists()
    r = run("--db", "graphtwin-demo/graphtwin.db", "export", "--format", "csv", "-o", "-", cwd=demo)
    assert r.returncode == 2 and "give a folder" in r.stderr
    assert "Traceback" not in r.stderr


def _small(name: str) -> ig.Graph:
    return graph_from_columns(
        {
            "id": ["a", "b"],
            "name": [name, "B"],
            "kind": ["firm"] * 2,
            "city": ["Belfast"] * 2,
            "country": ["GB"] * 2,
        },
        {"source": ["a"], "target": ["b"], "kind": ["mou"]},
    )


@pytest.mark.parametrize("writer", [write_gexf, write_graphml])
def test_control_character_is_refused_and_nothing_written(writer, tmp_path: Path):
    out = tmp_path / "g.xml"
    out.write_text("previous export", encoding="utf-8")
    with pytest.raises(ExportError, match=r"organisation 'a', attribute name: .*U\+000B"):
        writer(_small("Bad\x0bname"), out)
    assert out.read_text(encoding="utf-8") == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["g.xml"]  # no temporary file left


@pytest.mark.parametrize("writer", [write_gexf, write_graphml])
def test_markup_characters_round_trip(writer, tmp_path: Path):
    name = "A & B <\"Ltd\"> 'x' \t tab, ünïcödé, 부산"
    out = tmp_path / "g.xml"
    writer(_small(name), out)
    G = nx.read_gexf(out) if writer is write_gexf else nx.read_graphml(out)
    assert G.nodes["a"]["label" if writer is write_gexf else "name"] == name


def test_export_counts_for_the_report(demo: Path, projection: ig.Graph):
    """Print attribute and value counts before and after each round trip (pytest -s)."""
    rows = {"projection": projection_counts(projection)}
    rows["GEXF -> networkx"] = networkx_counts(nx.read_gexf(demo / "net.gexf"), gexf=True)
    rows["GraphML -> networkx"] = networkx_counts(nx.read_graphml(demo / "net.graphml"), gexf=False)
    h = ig.Graph.Read_GraphML(str(demo / "net.graphml"))
    present = lambda vals: sum(  # noqa: E731
        v is not None and v != "" and not (isinstance(v, float) and math.isnan(v)) for v in vals
    )
    # igraph reads a missing text value as "", so it cannot tell an empty sector list
    # from none: compare it with the projection's non-empty values.
    rows["projection, non-empty values"] = (
        +Counter({a: present(map(_plain, projection.vs[a])) for a in projection.vs.attributes()}),
        +Counter({a: present(map(_plain, projection.es[a])) for a in projection.es.attributes()}),
    )
    rows["GraphML -> igraph"] = (
        +Counter({a: present(h.vs[a]) for a in h.vs.attributes() if a not in GRAPHML_VIEW}),
        +Counter({a: present(h.es[a]) for a in h.es.attributes() if a != "id"}),
    )
    report = {
        k: {
            "node_attributes": len(n),
            "node_values": sum(n.values()),
            "edge_attributes": len(e),
            "edge_values": sum(e.values()),
        }
        for k, (n, e) in rows.items()
    }
    print("\n" + json.dumps(report, indent=1))
    assert report["GEXF -> networkx"] == report["projection"]
    assert report["GraphML -> networkx"] == report["projection"]
    assert report["GraphML -> igraph"] == report["projection, non-empty values"]


# --------------------------------------------------------------------------------------
# The real Gephi: org.gephi:gephi-toolkit:0.10.1 run headless by tools/gephi/gephi.sh
# --------------------------------------------------------------------------------------

GEPHI = Path(__file__).resolve().parents[2] / "tools" / "gephi" / "gephi.sh"


@pytest.fixture(scope="module")
def gephi(demo: Path) -> dict[str, Any]:
    """What Gephi made of both exports (fails under CI=true without Java or mvn)."""
    import os
    import shutil

    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        message = f"the Gephi check needs {' and '.join(missing)}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    r = subprocess.run(
        [str(GEPHI), "check", "net.gexf", "net.graphml"],
        cwd=demo,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def _file_layout(G: nx.MultiGraph) -> dict[str, tuple[float, float, tuple[int, ...]]]:
    """Node id -> (x, y, rgb) as written in the GEXF file, positions centred on their mean
    (Gephi's importer centres the layout it reads)."""
    pos = {n: d["viz"]["position"] for n, d in G.nodes(data=True)}
    mx = sum(p["x"] for p in pos.values()) / len(pos)
    my = sum(p["y"] for p in pos.values()) / len(pos)
    return {
        n: (pos[n]["x"] - mx, pos[n]["y"] - my, tuple(d["viz"]["color"][c] for c in "rgb"))
        for n, d in G.nodes(data=True)
    }


def _check_nodes(seen: dict[str, Any], g: ig.Graph, layout: dict) -> None:
    assert not [i for i in seen["issues"] if i.startswith(("SEVERE", "CRITICAL"))]
    nodes = {n["id"]: n for n in seen["nodes"]}
    assert set(nodes) == set(g.vs["id"])
    for v in g.vs:
        n = nodes[v["id"]]
        assert n["label"] == v["name"]
        x, y, rgb = layout[v["id"]]
        assert n["x"] == pytest.approx(x, abs=0.01) and n["y"] == pytest.approx(y, abs=0.01)
        assert tuple(n["color"]) == rgb
        assert n["attributes"].get("ror_id") == v["ror_id"]


def test_gephi_opens_the_gexf_with_every_tie(demo: Path, gephi, projection: ig.Graph):
    seen = gephi["net.gexf"]
    _check_nodes(seen, projection, _file_layout(nx.read_gexf(demo / "net.gexf")))
    edges = seen["edges"]
    assert len(edges) == projection.ecount() == DEMO_TIES
    ids = projection.vs["id"]
    want = Counter()
    for e in projection.es:
        s, t = ids[e.source], ids[e.target]
        want[(frozenset((s, t)), e["kind"], e["evidence"], e["source_url"])] += 1
    got = Counter(
        (
            frozenset((e["source"], e["target"])),
            e["type"],
            e["attributes"].get("evidence"),
            e["attributes"].get("source_url"),
        )
        for e in edges
    )
    assert got == want
    assert not any(e["directed"] for e in edges)
    directed = Counter(
        e["attributes"]["rel_type"] for e in edges if e["attributes"]["directed"] == "true"
    )
    assert set(directed) == {"FUNDS", "MEMBER_OF", "PART_OF"}  # the demo has no SUCCEEDS


def test_gephi_opens_the_graphml_with_labels_and_layout(demo: Path, gephi, projection):
    seen = gephi["net.graphml"]
    _check_nodes(seen, projection, _file_layout(nx.read_gexf(demo / "net.gexf")))
    # GraphML has no standard edge type, so Gephi merges parallel ties of different kinds
    # between two organisations into one edge (GEXF keeps them: use GEXF for Gephi).
    pairs = {frozenset(e.tuple) for e in projection.es}
    assert len(seen["edges"]) == len(pairs) < projection.ecount()


def test_csv_export_has_every_column(demo: Path, projection: ig.Graph):
    import csv

    r = run(
        "--db", "graphtwin-demo/graphtwin.db", "export", "--format", "csv", "-o", "csv", cwd=demo
    )
    assert r.returncode == 0, r.stderr
    with open(demo / "csv" / "nodes.csv", encoding="utf-8", newline="") as fh:
        nodes = list(csv.DictReader(fh))
    with open(demo / "csv" / "edges.csv", encoding="utf-8", newline="") as fh:
        edges = list(csv.DictReader(fh))
    assert set(nodes[0]) == set(projection.vs.attributes())
    assert set(edges[0]) == {"source", "target", *projection.es.attributes()}
    assert (len(nodes), len(edges)) == (projection.vcount(), projection.ecount())
    filled = sum(bool(e["evidence"]) for e in edges)
    assert filled == sum(v is not None for v in projection.es["evidence"]) > 0
