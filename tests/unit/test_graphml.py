"""GraphML/GEXF import: graphtwin's own exports round-trip; a real Gephi file is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphtwin.errors import GraphtwinError
from graphtwin.ingest import read_bundle
from graphtwin.ingest.graphml import import_graph, parse_assignments
from graphtwin.ingest.writer import write_bundle

GEPHI = Path(__file__).resolve().parents[1] / "data" / "real" / "gephi"
DEMO = Path(__file__).resolve().parents[2] / "graphtwin" / "data" / "demo"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_round_trip(fmt: str, tmp_path: Path) -> None:
    """graphtwin's own export of the demo (made now, by the current exporter) imports
    back to the same organisations and ties, directed kinds in their stored direction."""
    from graphtwin.export import with_details, write_gexf, write_graphml
    from graphtwin.model import TIE_KINDS
    from graphtwin.store import open_store

    demo = read_bundle(DEMO)
    with open_store(str(tmp_path / "demo.db")) as store:
        store.load(demo)
        g = with_details(store.projection(), store)
    path = tmp_path / f"demo.{fmt}"
    {"graphml": write_graphml, "gexf": write_gexf}[fmt](g, path)
    r = import_graph(path)
    write_bundle(r.bundle, tmp_path / "back")
    back = read_bundle(tmp_path / "back")
    assert {(o.id, o.name, o.kind, o.city, o.country) for o in back.organisations} == {
        (o.id, o.name, o.kind, o.city, o.country) for o in demo.organisations
    }

    def ties(b):  # undirected kinds in either order, directed kinds as stored
        return {
            (
                (t.source, t.target)
                if TIE_KINDS[t.kind].directed
                else frozenset((t.source, t.target)),
                t.kind,
                t.start_year,
            )
            for t in b.ties
        }

    assert ties(back) == ties(demo)
    assert r.kinds_defaulted == 0 and r.self_loops == 0


def test_real_gephi_file_node_errors_and_mapping(tmp_path: Path) -> None:
    path = GEPHI / "lesmiserables_gephi09.gexf"
    with pytest.raises(GraphtwinError) as err:
        import_graph(path)
    message = str(err.value)
    assert "77 node(s)/edge(s) cannot become a bundle; nothing was written" in message
    assert (
        f"{path}: node '11': no city (attribute 'city'; map another with --map city=ATTR)"
        in message
    )
    assert "... and 65 more" in message
    # With a city and country for every node it reads: labels become names, the Gephi
    # edge weights (co-appearances) become tie weights.
    r = import_graph(path, constants=parse_assignments(["city=Belfast,country=GB"], "--set"))
    assert (r.nodes, r.edges, len(r.bundle.organisations), len(r.bundle.ties)) == (77, 254, 77, 254)
    valjean = next(o for o in r.bundle.organisations if o.id == "11")
    assert valjean.name == "Valjean" and valjean.kind == "other"
    weights = [t.weight for t in r.bundle.ties]
    assert weights.count(None) == 254 - 157  # edges without a weight attribute
    assert max(w for w in weights if w is not None) == 31.0
    write_bundle(r.bundle, tmp_path)
    read_bundle(tmp_path)


def test_mapping_kinds_cities_and_errors(tmp_path: Path) -> None:
    graphml = tmp_path / "g.graphml"
    graphml.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns">
  <key id="l" for="node" attr.name="Label" attr.type="string"/>
  <key id="t" for="node" attr.name="Town" attr.type="string"/>
  <key id="y" for="node" attr.name="Type" attr.type="string"/>
  <key id="la" for="node" attr.name="Lat" attr.type="double"/>
  <key id="lo" for="node" attr.name="Lon" attr.type="double"/>
  <key id="r" for="edge" attr.name="Relation" attr.type="string"/>
  <graph edgedefault="undirected">
    <node id="a"><data key="l">Queen's University Belfast</data><data key="t">Belfast</data>
      <data key="y">University</data></node>
    <node id="b"><data key="l">Portrush Trust</data><data key="t">Portrush</data>
      <data key="y">charity</data><data key="la">55.2</data><data key="lo">-6.65</data></node>
    <node id="c"><data key="l">Spaceship Ltd</data><data key="t">Nowhere</data>
      <data key="y">spaceship</data></node>
    <edge source="a" target="b"><data key="r">MoU</data></edge>
    <edge source="a" target="a"/>
  </graph>
</graphml>""",
        encoding="utf-8",
    )
    mapping = parse_assignments(
        ["name=Label,city=Town", "kind=Type,lat=Lat,lon=Lon", "edge.kind=Relation"], "--map"
    )
    with pytest.raises(GraphtwinError) as err:
        import_graph(graphml, mapping=mapping, constants={"country": "GB"})
    assert "node 'c': unknown organisation kind 'spaceship'" in str(err.value)
    assert "1 node(s)/edge(s)" in str(err.value)
    mapping["kind"] = "Type"
    graphml.write_text(
        graphml.read_text().replace("spaceship", "company").replace("Nowhere", "Belfast")
    )
    r = import_graph(graphml, mapping=mapping, constants={"country": "GB"})
    kinds = {o.id: o.kind for o in r.bundle.organisations}
    assert kinds == {"a": "university", "b": "nonprofit", "c": "firm"}
    assert [(c.name, c.lat, c.lon) for c in r.bundle.cities] == [("Portrush", 55.2, -6.65)]
    assert [(t.source, t.target, t.kind) for t in r.bundle.ties] == [("a", "b", "mou")]
    assert r.self_loops == 1
    write_bundle(r.bundle, tmp_path / "out")
    read_bundle(tmp_path / "out")


def test_bad_files() -> None:
    with pytest.raises(GraphtwinError, match="no such file"):
        import_graph(GEPHI / "missing.graphml")
    with pytest.raises(GraphtwinError, match=r"not a \.graphml or \.gexf file"):
        import_graph(GEPHI / "README.md")
    with pytest.raises(GraphtwinError, match="give FIELD=VALUE"):
        parse_assignments(["colour=Red"], "--map")
