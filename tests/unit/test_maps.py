"""Maps: selection, styling, safety and layout, with known answers (no browser here).

The browser tests (tests/browser) check the rendered pages; these check what goes into
them: which organisations a view keeps, how they are coloured, sized and shaped, what
the tooltips say, that data cannot break out of the page, and that the CLI wires it up.
"""

from __future__ import annotations

import json
import math
import re

import igraph as ig
import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from graphtwin.analysis.projection import graph_from_columns
from graphtwin.errors import GraphtwinError
from graphtwin.viz import layout
from graphtwin.viz.elements import KIND_STYLE, LINE_STYLE, PALETTE, SIZE_MIN, size_max
from graphtwin.viz.html import render_page, safe_json, vis_css, vis_script
from graphtwin.viz.maps import (
    COLOR_BY,
    cities_map,
    city_pair_map,
    ego_map,
    network_map,
    resolve_city,
    resolve_org,
    write_map,
)
from graphtwin.viz.notebook import iframe_html, show

XSS = "<img src=x onerror=alert(1)>"

CITIES = {
    "GB-belfast": {"name": "Belfast", "country": "GB", "lat": 54.597, "lon": -5.93},
    "GB-london": {"name": "London", "country": "GB", "lat": 51.507, "lon": -0.128},
    "KR-sejong": {"name": "Sejong", "country": "KR", "lat": 36.48, "lon": 127.289},
    "KR-busan": {"name": "Busan", "country": "KR", "lat": 35.18, "lon": 129.075},
}


def small_graph() -> ig.Graph:
    """Belfast a1 a2 a3, Sejong b1 b2, broker x (London) tied to both, chain y–z
    (y tied to Belfast, z to Sejong), u unrelated in Busan; a1–b1 a direct cross tie
    (project and mou: two parallel ties)."""
    orgs = {
        "id": ["a1", "a2", "a3", "b1", "b2", "x", "y", "z", "u"],
        "name": ["Queen's", XSS, "Belfast Council", "ETRI", "Sejong City", "CPC", "Y", "Z", "U"],
        "kind": [
            "university",
            "firm",
            "council",
            "research_institute",
            "council",
            "catapult",
            "agency",
            "hospital",
            "investor",
        ],
        "city": ["Belfast"] * 3 + ["Sejong"] * 2 + ["London", "London", "Busan", "Busan"],
        "country": ["GB"] * 3 + ["KR"] * 2 + ["GB", "GB", "KR", "KR"],
        "sectors": [["smart-cities"], [], [], ["ai"], [], [], [], [], []],
        "gt_pagerank": [0.30, 0.05, 0.10, 0.20, 0.08, 0.12, 0.04, 0.03, 0.08],
        "gt_bridge_score": [0.0, 0.1, 0.0, 0.0, 0.0, 0.9, 0.4, 0.3, 0.0],
    }
    ties = {
        "source": ["a1", "a1", "a1", "a2", "x", "x", "y", "y", "z", "u", "b1"],
        "target": ["b1", "b1", "a2", "a3", "a3", "b2", "a2", "z", "b2", "u", "b2"],
        "kind": [
            "project",
            "mou",
            "collaboration",
            "meeting",
            "funding",
            "agreement",
            "visit",
            "delegation",
            "engagement",
            "meeting",
            "mou",
        ],
        "start_year": [2019, 2021, None, 2020, 2018, 2022, None, None, None, None, 2023],
    }
    # u–u is a self-loop and must not become a line.
    return graph_from_columns(orgs, ties, cities=CITIES, sectors={"smart-cities": "Smart cities"})


@pytest.fixture
def g() -> ig.Graph:
    return small_graph()


def node(m, nid):
    return next(n for n in m.nodes if n["id"] == nid)


# --------------------------------------------------------------------------------------
# HTML safety and self-containment
# --------------------------------------------------------------------------------------


def test_safe_json_cannot_close_a_script_and_round_trips():
    value = {"name": "</script><script>alert(1)</script>", "sep": "a\u2028b\u2029c", "n": math.nan}
    text = safe_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    back = json.loads(text)
    assert back == {"name": value["name"], "sep": value["sep"], "n": None}


def test_page_is_self_contained_and_escapes_data(g):
    m = network_map(g, title="<script>alert('t')</script>", dataset="a & b")
    html = m.to_html()
    assert XSS not in html  # the raw name never appears, only its JSON-escaped form
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "<script>alert('t')</script>" not in html
    assert "<title>&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;</title>" in html
    assert "a &amp; b" in html
    assert re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html, re.I) == []
    assert not re.search(r"<(?:link|img|iframe)\b", html, re.I)
    assert len(re.findall(r"^<script\b", html, re.M)) == 3  # data, vis-network, the page's own
    assert "<!--" not in html  # could otherwise turn a script block into "double-escaped"
    assert vis_script()[:200] in html  # vis-network inlined from the pyvis package
    assert "@version 9.1.2" in vis_script()
    assert "url(" not in vis_css() and ".vis-network" in vis_css()
    payload = re.search(r'<script type="application/json" id="gt-data">(.*?)</script>', html, re.S)
    data = json.loads(payload.group(1))
    assert data["info"]["a2"]["title"] == XSS
    assert {n["id"] for n in data["nodes"]} == set(g.vs["id"]) - {"u"}  # u: no tie, summarised


def test_render_page_escapes_title_and_subtitle():
    html = render_page("A <b>", "B & <i>", {"meta": {}})
    assert '<h1 id="gt-title">A &lt;b&gt;</h1>' in html
    assert "B &amp; &lt;i&gt;" in html


def test_write_needs_html_suffix_and_creates_folders(g, tmp_path):
    m = network_map(g)
    with pytest.raises(GraphtwinError, match=r"\.html"):
        m.write(tmp_path / "map.png")
    out = write_map(m, tmp_path / "deep" / "er" / "map.html")
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")


def test_notebook_iframe_escapes_the_page(g):
    page = network_map(g).to_html()
    frame = iframe_html(page, height=500)
    assert frame.startswith('<iframe srcdoc="&lt;!DOCTYPE html&gt;')
    assert 'sandbox="allow-scripts"' in frame and "height: 500px" in frame
    inner = re.search(r'srcdoc="([^"]*)"', frame).group(1)  # no raw quote ends it early
    assert "<script" not in inner
    assert network_map(g)._repr_html_().startswith("<iframe srcdoc=")
    shown = show(page, height=300)._repr_html_()
    assert 'height="300"' in shown and 'sandbox="allow-scripts"' in shown
    assert re.search(r'srcdoc="([^"]*)"', shown).group(1) == inner


# --------------------------------------------------------------------------------------
# Whole network
# --------------------------------------------------------------------------------------


def test_network_keeps_top_n_by_score_and_says_so(g):
    m = network_map(g, max_nodes=3)
    # pagerank 0.30, 0.20, 0.12: x has no tie to a1 or b1, so it is named, not drawn
    assert [n["id"] for n in m.nodes] == ["a1", "b1"]
    assert (m.shown, m.total) == (3, 9)
    assert m.footnote == (
        "Showing 3 of 9 organisations: the top 3 by pagerank. 1 of them has no tie among "
        "those shown and is not drawn: CPC."
    )
    ranked = network_map(g, max_nodes=2, rank_by="bridge_score", size_by="pagerank")
    assert [n["id"] for n in ranked.nodes] == ["x", "y"]
    assert "the top 2 by bridge score" in ranked.footnote
    full = network_map(g)
    assert full.footnote == (
        "All 9 organisations. 1 of them has no tie among those shown and is not drawn: U."
    )
    assert full.shown == 9 and len(full.nodes) == 8


def test_sizes_follow_the_score_and_shapes_follow_the_kind(g):
    m = network_map(g, size_by="gt_pagerank")
    sizes = {n["id"]: n["size"] for n in m.nodes}
    assert sizes["a1"] == pytest.approx(size_max(9))  # highest pagerank
    assert sizes["z"] == pytest.approx(SIZE_MIN)  # lowest
    assert sizes["a1"] > sizes["b1"] > sizes["x"] > sizes["a2"]
    assert node(m, "a1")["shape"] == "dot" and node(m, "a2")["shape"] == "square"
    assert node(m, "b1")["shape"] == KIND_STYLE["research_institute"][0] == "diamond"
    hospital = node(m, "z")
    assert hospital["shape"] == "diamond" and hospital["shapeProperties"]["borderDashes"]
    shapes = {i["label"]: i["shape"] for i in m.legend[1]["items"]}
    assert shapes["research institute"] == "diamond" and "nonprofit" not in shapes
    size_items = m.legend[2]["items"]
    assert [i["label"] for i in size_items] == ["0.03", "0.1", "0.3"]  # u (0.08) not drawn


def test_degree_is_the_fallback_size():
    g = graph_from_columns(
        {"id": list("abc"), "name": list("ABC"), "kind": ["firm"] * 3,
         "city": ["Leeds"] * 3, "country": ["GB"] * 3},
        {"source": ["a", "a"], "target": ["b", "c"], "kind": ["project", "mou"]},
    )  # fmt: skip
    m = network_map(g)
    assert m.legend[2]["title"] == "Size: ties"
    assert node(m, "a")["size"] > node(m, "b")["size"] == node(m, "c")["size"]


def test_colours_are_stable_per_country_and_kind(g):
    by_country = network_map(g, color_by="country")
    assert node(by_country, "a1")["color"] == PALETTE[0]  # GB before KR, alphabetically
    assert node(by_country, "b1")["color"] == PALETTE[1]
    legend = by_country.legend[0]["items"]
    assert [(i["label"], i["count"]) for i in legend] == [
        ("United Kingdom (GB)", 5),
        ("Republic of Korea (KR)", 3),  # u, with no tie, is not drawn
    ]
    by_kind = network_map(g, color_by="kind")
    assert node(by_kind, "a1")["color"] == PALETTE[0]  # university is the first kind
    by_sector = network_map(g, color_by="sector")
    labels = {i["label"] for i in by_sector.legend[0]["items"]}
    assert labels == {"Smart cities", "ai", "no sector"}


def test_many_categories_share_an_other_colour():
    n = 20
    g = graph_from_columns(
        {"id": [f"o{i}" for i in range(n)], "name": [f"O{i}" for i in range(n)],
         "kind": ["firm"] * n, "city": [f"City{i}" for i in range(n)], "country": ["GB"] * n},
        {},
    )  # fmt: skip
    m = network_map(g, color_by="city")
    colours = {n["color"] for n in m.nodes}
    assert len(colours) == len(PALETTE) + 1
    other = m.legend[0]["items"][-1]
    assert other["label"] == "other" and other["count"] == n - len(PALETTE)


def test_bad_choices_are_clear_errors(g):
    with pytest.raises(GraphtwinError, match=r"no score 'nope'.*gt_bridge_score, gt_pagerank"):
        network_map(g, size_by="nope")
    with pytest.raises(GraphtwinError, match="color_by: unknown choice 'shoe'"):
        network_map(g, color_by="shoe")
    with pytest.raises(GraphtwinError, match="graphtwin communities"):
        network_map(g, color_by="community")
    with pytest.raises(GraphtwinError, match="max_nodes"):
        network_map(g, max_nodes=0)


def test_community_colours_when_present(g):
    g.vs["gt_community"] = [0, 0, 0, 1, 1, 2, 2, 2, 3]
    m = network_map(g, color_by="community")
    assert node(m, "a1")["color"] == node(m, "a3")["color"] != node(m, "b1")["color"]
    assert {i["label"] for i in m.legend[0]["items"]} >= {"community 0", "community 2"}


def test_parallel_ties_become_one_line_with_a_readable_tooltip(g):
    m = network_map(g)
    a1_b1 = [e for e in m.edges if {e["from"], e["to"]} == {"a1", "b1"}]
    assert len(a1_b1) == 1
    rows = dict(m.edge_info[a1_b1[0]["id"]]["rows"])
    assert rows["ties"] == "2 (project 1, mou 1)"
    assert rows["weight"] == "5"  # 3 + 2 default weights
    assert rows["years"] == "2019–2021"
    assert a1_b1[0]["color"] == LINE_STYLE["international"][0]
    assert all(e["from"] != e["to"] for e in m.edges)  # the u–u loop is gone
    assert len(m.edges) == 9
    within = next(e for e in m.edges if {e["from"], e["to"]} == {"a2", "a3"})
    assert within["color"] == LINE_STYLE["tie"][0]
    domestic = next(e for e in m.edges if {e["from"], e["to"]} == {"x", "a3"})
    assert domestic["color"] == LINE_STYLE["domestic"][0]


def test_node_tooltip_has_name_kind_city_sectors_scores(g):
    info = network_map(g).info["a1"]
    rows = dict(info["rows"])
    assert info["title"] == "Queen's" and info["subtitle"] == "a1"
    assert rows["kind"] == "university"
    assert rows["city"] == "Belfast, United Kingdom"
    assert rows["sectors"] == "Smart cities"
    assert rows["ties"] == "3 with 2 partners"
    scores = dict(info["scores"])  # the short, labelled set, with ranks
    assert scores["PageRank (influence)"] == "0.3 (rank 1 of 9)"
    assert scores["bridge score"] == "0 (rank 5 of 9)"
    assert dict(info["more"]) == {"bridge score": "0", "pagerank": "0.3"}  # folded full list


def test_nodes_carry_label_text_and_importance():
    g = ig.Graph.Barabasi(400, 2, start_from=None)
    g = graph_from_columns(
        {"id": [str(i) for i in range(400)], "name": [f"Organisation {i}" for i in range(400)],
         "kind": ["firm"] * 400, "city": ["Leeds"] * 400, "country": ["GB"] * 400,
         "gt_pagerank": g.pagerank()},
        {"source": [str(a) for a, _ in g.get_edgelist()],
         "target": [str(b) for _, b in g.get_edgelist()], "kind": ["project"] * g.ecount()},
    )  # fmt: skip
    m = network_map(g, max_nodes=400)
    # The page places the labels (tests/browser measure them); it needs text and rank.
    ranks = sorted(n["pr"] for n in m.nodes)
    assert ranks == list(range(400))
    assert m.nodes[0]["pr"] == 0  # the top organisation comes first
    assert all(1 <= len(n["lb"]) <= 30 for n in m.nodes)
    assert "font" not in m.nodes[0]


# --------------------------------------------------------------------------------------
# City pair
# --------------------------------------------------------------------------------------


def test_city_pair_shows_both_cities_and_their_brokers(g):
    m = city_pair_map(g, "Belfast", "sejong")
    ids = {n["id"] for n in m.nodes}
    assert ids == {"a1", "a2", "a3", "b1", "b2", "x", "y", "z"}  # not u (Busan)
    xs = {n["id"]: n["x"] for n in m.nodes}
    assert max(xs[v] for v in ("a1", "a2", "a3")) < min(xs[v] for v in ("x", "y", "z"))
    assert max(xs[v] for v in ("x", "y", "z")) < min(xs[v] for v in ("b1", "b2"))
    cross = [e for e in m.edges if e["color"] == LINE_STYLE["cross"][0]]
    assert [{e["from"], e["to"]} for e in cross] == [{"a1", "b1"}]
    broker = {
        frozenset((e["from"], e["to"])) for e in m.edges if e["color"] == LINE_STYLE["broker"][0]
    }
    assert frozenset(("x", "a3")) in broker and frozenset(("y", "z")) in broker
    assert dict(m.info["x"]["rows"])["role"] == "connects the two cities"
    assert m.footnote.startswith("Belfast: 3 organisations (left); Sejong: 2 (right); 3 connecting")
    assert m.title == "Belfast and Sejong"


def test_city_pair_highlights_bridges_from_a_table(g):
    table = pd.DataFrame(
        {
            "id": ["x", "y", "a1", "b2"],
            "bridge_score": [0.9, 0.0, 0.5, 0.7],
            "reason": ["tied to both cities", None, None, "a <b>bold</b> claim"],
        }
    )
    m = city_pair_map(g, "Belfast", "Sejong", bridges=table, top_bridges=2)
    bordered = [n["id"] for n in m.nodes if n.get("borderWidth") == 4]
    assert sorted(bordered) == ["b2", "x"]  # top 2 by score; y scores 0, so no bridge
    rows = dict(m.info["b2"]["rows"])
    assert rows["bridge"] == "yes (rank 2)" and rows["why"] == "a <b>bold</b> claim"
    assert m.legend[-1]["items"][-1]["label"] == "bridge (top 2 by bridge score)"
    by_attr = city_pair_map(g, "Belfast", "Sejong", bridge_score="bridge_score", top_bridges=1)
    assert [n["id"] for n in by_attr.nodes if n.get("borderWidth") == 4] == ["x"]


def test_city_pair_draws_introductions_dashed(g):
    potential = pd.DataFrame(
        {
            "source": ["a2", "a3", "a1"],
            "target": ["b2", "b1", "nobody"],
            "score": [0.4, 0.9, 1.0],
            "reasons": [["shared partner X"], ["same sector", "complementary"], []],
        }
    )
    m = city_pair_map(g, "Belfast", "Sejong", potential=potential, max_introductions=5)
    dashed = [e for e in m.edges if e.get("dashes") == [8, 6]]
    assert [(e["from"], e["to"]) for e in dashed] == [("a3", "b1"), ("a2", "b2")]  # best first
    info = m.edge_info[dashed[0]["id"]]
    assert dict(info["rows"]) == {"score": "0.9", "reasons": "same sector; complementary"}
    assert info["title"] == "Suggested: Belfast Council – ETRI"
    assert "2 suggested introductions (dashed)" in m.footnote
    records = [{"source": "a2", "target": "b2", "score": 0.5, "reasons": "stored text"}]
    from_store = city_pair_map(g, "Belfast", "Sejong", potential=records)
    assert sum(1 for e in from_store.edges if e["id"].startswith("p")) == 1
    with pytest.raises(GraphtwinError, match="two id columns"):
        city_pair_map(g, "Belfast", "Sejong", potential=pd.DataFrame({"p": [1], "q": [2]}))


def test_city_pair_truncates_to_the_organisations_with_ties_across(g):
    m = city_pair_map(g, "Belfast", "Sejong", max_nodes=5)
    ids = {n["id"] for n in m.nodes}
    assert len(ids) == 5
    assert {"a1", "b1"} <= ids  # the direct cross tie is kept
    assert m.footnote.startswith("Showing 5 of 8 organisations")


def test_city_names_resolve_or_fail_clearly(g):
    assert resolve_city(g, "KR-sejong") == "KR-sejong"
    assert resolve_city(g, "belfast, gb") == "GB-belfast"
    with pytest.raises(GraphtwinError, match="did you mean: Belfast"):
        resolve_city(g, "Belfst")
    h = graph_from_columns(
        {"id": ["p", "q"], "name": ["P", "Q"], "kind": ["firm", "firm"],
         "city": ["Newport", "Newport"], "country": ["GB", "US"]},
        {},
    )  # fmt: skip
    with pytest.raises(GraphtwinError, match=r"ambiguous: GB-newport, US-newport; add the country"):
        resolve_city(h, "Newport")
    with pytest.raises(GraphtwinError, match="the same"):
        city_pair_map(g, "Belfast", "GB-belfast")


# --------------------------------------------------------------------------------------
# Ego network
# --------------------------------------------------------------------------------------


def test_ego_keeps_everything_within_hops_nearest_first(g):
    m = ego_map(g, "b2", hops=1)
    assert {n["id"] for n in m.nodes} == {"b2", "x", "z", "b1"}
    assert (m.nodes[0]["id"], m.nodes[0]["x"], m.nodes[0]["y"]) == ("b2", 0.0, 0.0)
    assert m.nodes[0]["borderWidth"] == 5
    assert m.footnote == "All 4 organisations within 1 tie of Sejong City."
    two = ego_map(g, "b2", hops=2)
    assert {n["id"] for n in two.nodes} == {"b2", "x", "z", "b1", "a3", "y", "a1"}
    dist = {n: dict(two.info[n]["rows"])["distance"] for n in ("b2", "x", "a1")}
    assert dist == {"b2": "centre", "x": "1 tie(s) away", "a1": "2 tie(s) away"}
    r = {n["id"]: math.hypot(n["x"], n["y"]) for n in two.nodes}
    assert max(r["x"], r["z"], r["b1"]) < min(r["a3"], r["y"], r["a1"])  # rings
    cut = ego_map(g, "b2", hops=2, max_nodes=5)
    assert {n["id"] for n in cut.nodes} >= {"b2", "x", "z", "b1"}
    assert cut.footnote.startswith("Showing 5 of 7 organisations within 2 ties")


def test_ego_resolves_ids_and_names(g):
    assert resolve_org(g, "a3") == 2
    assert resolve_org(g, "queen's") == 0
    with pytest.raises(GraphtwinError, match="no such id; did you mean a1"):
        ego_map(g, "a11")
    with pytest.raises(GraphtwinError, match="hops"):
        ego_map(g, "a1", hops=0)


# --------------------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------------------


def test_cities_at_their_coordinates_sized_by_organisations(g):
    m = cities_map(g)
    cities = {n["id"]: n for n in m.nodes if not n["id"].startswith("country:")}
    assert set(cities) == {"GB-belfast", "GB-london", "KR-sejong", "KR-busan"}
    assert cities["GB-belfast"]["x"] < cities["GB-london"]["x"] < cities["KR-sejong"]["x"]
    assert cities["GB-belfast"]["y"] < cities["GB-london"]["y"]  # north is up
    assert cities["KR-sejong"]["x"] < cities["KR-busan"]["x"]
    assert cities["GB-belfast"]["size"] > cities["GB-london"]["size"]  # 3 organisations vs 2
    assert all(c["fixed"] for c in cities.values())
    labels = {n["label"] for n in m.nodes if n["id"].startswith("country:")}
    assert labels == {"United Kingdom", "Republic of Korea"}
    pairs = {frozenset((e["from"], e["to"])): m.edge_info[e["id"]] for e in m.edges}
    bs = dict(pairs[frozenset(("GB-belfast", "KR-sejong"))]["rows"])
    assert bs["ties"] == "2 (project 1, mou 1)"
    assert dict(m.info["GB-belfast"]["rows"])["ties within"] == "2"
    assert dict(m.info["KR-busan"]["rows"])["ties within"] == "1"  # the self-loop u–u
    assert len(m.edges) == 5


def test_cities_sized_by_a_score_sum_and_missing_coordinates_listed(g):
    m = cities_map(g, size_by="pagerank")
    sizes = {n["id"]: n.get("size") for n in m.nodes}
    assert sizes["GB-belfast"] > sizes["KR-sejong"] > sizes["GB-london"]  # .45 > .28 > .16
    assert "pagerank (sum over organisations)" in m.legend[1]["title"]
    h = small_graph()
    h["cities"] = {k: v for k, v in CITIES.items() if k != "KR-busan"}
    m2 = cities_map(h)
    assert "Not shown (no coordinates): Busan." in m2.footnote
    assert m2.shown == 3 and m2.total == 4
    with pytest.raises(GraphtwinError, match="does not apply to the cities map"):
        cities_map(g, color_by="kind")


# --------------------------------------------------------------------------------------
# Layout
# --------------------------------------------------------------------------------------


def test_network_positions_are_seeded_and_components_do_not_overlap():
    g = ig.Graph.Ring(30) + ig.Graph.Ring(8) + ig.Graph(3)
    p1 = layout.network_positions(g, seed=5)
    assert p1 == layout.network_positions(g, seed=5)
    xy = np.array(p1)
    boxes = [xy[:30], xy[30:38]]
    big, small = ((b.min(axis=0), b.max(axis=0)) for b in boxes)
    separate = (big[1] < small[0]).any() or (small[1] < big[0]).any()
    assert separate


def test_geo_positions_insets_and_declutter():
    pos, labels = layout.geo_positions(CITIES)
    assert pos["GB-london"][0] < pos["KR-sejong"][0]
    assert pos["KR-sejong"][1] < pos["KR-busan"][1]  # Busan is further south
    assert labels["GB"][0] < labels["KR"][0]
    # Each country spans the same width by default: Busan–Sejong as wide as Belfast–London.
    gb = abs(pos["GB-london"][0] - pos["GB-belfast"][0])
    kr_box = max(
        abs(pos["KR-busan"][0] - pos["KR-sejong"][0]), abs(pos["KR-busan"][1] - pos["KR-sejong"][1])
    )
    gb_box = max(gb, abs(pos["GB-london"][1] - pos["GB-belfast"][1]))
    assert gb_box == pytest.approx(kr_box)
    out = layout.declutter(np.zeros((3, 2)), np.array([5.0, 5.0, 5.0]), margin=2.0)
    d = np.sqrt(((out[:, None] - out[None]) ** 2).sum(axis=2))
    assert d[np.triu_indices(3, 1)].min() >= 11.9


def test_banded_positions_respect_the_bands():
    g = ig.Graph.Erdos_Renyi(60, 0.1)
    bands = [i % 3 for i in range(60)]
    xy = np.array(layout.banded_positions(g, bands, seed=1))
    b = np.array(bands)
    assert xy[b == 0, 0].max() < xy[b == 1, 0].min()
    assert xy[b == 1, 0].max() < xy[b == 2, 0].min()


# --------------------------------------------------------------------------------------
# pyvis and the CLI
# --------------------------------------------------------------------------------------


def test_payload_goes_through_pyvis_in_bulk(g, monkeypatch):
    import pyvis.network

    def refuse(*args, **kwargs):
        raise AssertionError("add_node/add_edge are slow; fill the lists in one go")

    monkeypatch.setattr(pyvis.network.Network, "add_node", refuse)
    monkeypatch.setattr(pyvis.network.Network, "add_edge", refuse)
    payload = network_map(g).payload()
    assert len(payload["nodes"]) == 8 and len(payload["edges"]) == 9
    assert payload["options"]["physics"]["enabled"] is False
    assert payload["options"]["layout"]["improvedLayout"] is False


def test_cli_color_choices_match_the_library():
    from graphtwin.cli.maps import COLOR_CHOICES

    assert COLOR_CHOICES == COLOR_BY


def test_cli_rejects_two_views_and_one_city(tmp_path):
    from graphtwin.cli.main import cli

    runner = CliRunner()
    out = str(tmp_path / "m.html")
    r = runner.invoke(cli, ["map", "-o", out, "--cities", "--ego", "a1"])
    assert r.exit_code == 2 and "choose one view" in r.output
    r = runner.invoke(cli, ["map", "-o", out, "--city", "Belfast"])
    assert r.exit_code == 2 and "exactly two cities" in r.output


def test_cli_writes_each_view_from_the_store(tmp_path):
    from graphtwin.cli.main import cli
    from graphtwin.ingest import read_bundle
    from graphtwin.ingest.demo import demo_bundle_path
    from graphtwin.store import open_store

    db = str(tmp_path / "maps.db")
    with open_store(db) as store:
        store.load(read_bundle(demo_bundle_path()))
        g = store.projection()
        store.write_scores({"id": g.vs["id"], "gt_pagerank": g.pagerank(weights="weight")})
    runner = CliRunner()
    views = {
        "net.html": ["--max-nodes", "10", "--size-by", "pagerank"],
        "pair.html": ["--city", "Belfast", "--city", "Sejong", "--no-bridges"],
        "ego.html": ["--ego", "cpc", "--hops", "1", "--color-by", "kind"],
        "cities.html": ["--cities"],
    }
    for name, args in views.items():
        out = tmp_path / name
        r = runner.invoke(cli, ["--db", db, "--quiet", "map", "-o", str(out), *args])
        assert r.exit_code == 0, r.output
        assert r.stdout.strip() == str(out)
        assert out.read_text(encoding="utf-8").count('id="gt-data"') == 1
    net = (tmp_path / "net.html").read_text(encoding="utf-8")
    assert "Showing 10 of 35 organisations: the top 10 by pagerank." in net
    r = runner.invoke(cli, ["--db", db, "map", "-o", str(tmp_path / "x.html"), "--ego", "nobody"])
    assert r.exit_code != 0 and "no such id" in str(r.exception or r.output)
    # The evidence of the ties drawn comes from the store; an https source is data, not
    # markup.
    pair = (tmp_path / "pair.html").read_text(encoding="utf-8")
    assert "Innovation Twins" in pair or "Sejong" in pair
    data = _payload(pair)
    evidence = [t for i in data["edgeInfo"].values() for t in i.get("ties", []) if len(t) == 7]
    assert evidence and all(t[5] or t[6] for t in evidence)
    # A whole-network map of a small store aggregates only when asked.
    out = tmp_path / "agg.html"
    r = runner.invoke(cli, ["--db", db, "map", "-o", str(out), "--aggregate", "city"])
    assert r.exit_code == 0, r.output
    agg = _payload(out.read_text(encoding="utf-8"))
    assert agg["meta"]["view"] == "aggregate" and agg["meta"]["unit"] == "cities"
    # The file cap is its own option; a map within it is written as built.
    out = tmp_path / "capped.html"
    r = runner.invoke(
        cli, ["--db", db, "map", "-o", str(out), "--max-file-mb", "1", "--aggregate", "none"]
    )
    assert r.exit_code == 0, r.output
    assert "cap" not in r.stderr and out.stat().st_size <= 1_000_000


def _payload(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="gt-data">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


# --------------------------------------------------------------------------------------
# Evidence, filters, aggregation, basemap, file cap
# --------------------------------------------------------------------------------------


def test_lines_keep_their_ties_for_filters_and_evidence(g):
    m = network_map(g)
    a1_b1 = next(e for e in m.edges if {e["from"], e["to"]} == {"a1", "b1"})
    ties = m.edge_info[a1_b1["id"]]["ties"]
    assert sorted(t[:5] for t in ties) == [
        ["mou", 2021, None, 2.0, 1],
        ["project", 2019, None, 3.0, 1],
    ]
    for e in m.edges:  # dotted exactly when no tie of the line has a year
        dated = any(t[1] is not None or t[2] is not None for t in m.edge_info[e["id"]]["ties"])
        assert e.get("dashes") == (None if dated else [2, 4])
    assert any(e.get("dashes") for e in m.edges) and "dashes" not in a1_b1
    records = [
        {"source": "b1", "target": "a1", "kind": "mou", "start": "2021-05-01", "end": None,
         "evidence": "signed in Sejong", "source_url": "javascript:alert(1)"},
        {"source": "a1", "target": "b1", "kind": "mou", "start_year": 1999,
         "evidence": "wrong year: matches nothing", "source_url": None},
        {"source": "a1", "target": "zz", "kind": "mou", "evidence": "not drawn"},
    ]  # fmt: skip
    assert m.add_evidence(records) == 1
    mou = next(t for t in ties if t[0] == "mou")
    assert mou[5:] == ["signed in Sejong", "javascript:alert(1)"]  # text; the page decides


def test_aggregate_map_sums_ties_between_cities_and_keeps_members(g):
    m = network_map(g, aggregate="city")
    assert m.view == "aggregate" and m.unit == "cities"
    by_id = {n["id"]: n for n in m.nodes}
    assert set(by_id) == {
        "group:GB-belfast",
        "group:KR-sejong",
        "group:GB-london",
        "group:KR-busan",
    }
    assert by_id["group:GB-belfast"]["size"] > by_id["group:KR-busan"]["size"]  # 3 vs 1 orgs
    line = next(
        e for e in m.edges if {e["from"], e["to"]} == {"group:GB-belfast", "group:KR-sejong"}
    )
    assert m.edge_info[line["id"]]["rows"][0] == ["ties", "2 (project 1, mou 1)"]
    assert line["color"]["color"] == LINE_STYLE["international"][0]
    belfast = m.groups["group:GB-belfast"]
    assert [n["id"] for n in belfast["nodes"]] == ["a1", "a3", "a2"]  # by pagerank
    assert {frozenset((e["from"], e["to"])) for e in belfast["edges"]} == {
        frozenset(("a1", "a2")),
        frozenset(("a2", "a3")),
    }
    assert "u" not in {n["id"] for grp in m.groups.values() for n in grp["nodes"]}


def test_whole_network_aggregates_above_the_threshold(g, monkeypatch):
    import graphtwin.viz.maps as maps_module

    monkeypatch.setattr(maps_module, "AGGREGATE_ABOVE", 5)
    m = network_map(g, max_nodes=50)
    assert m.view == "aggregate"
    assert m.notes == [
        "9 organisations would be drawn (more than 5): drew their 4 cities instead "
        "(--aggregate none draws organisations)"
    ]
    assert network_map(g, max_nodes=50, aggregate="none").view == "network"
    assert network_map(g, max_nodes=5).view == "network"
    with pytest.raises(GraphtwinError, match="aggregate"):
        network_map(g, aggregate="county")


def test_cities_map_draws_country_outlines_in_insets(g):
    m = cities_map(g)
    frames = {f["country"]: f for f in m.basemap["frames"]}
    assert set(frames) == {"GB", "KR"}
    gb = frames["GB"]
    assert [s["country"] for s in gb["shapes"]][-1] == "GB" and gb["shapes"][-1]["main"]
    assert "IE" in {s["country"] for s in gb["shapes"]}  # a faint neighbour
    x0, y0, x1, y1 = gb["box"]
    belfast = node(m, "GB-belfast")
    assert x0 < belfast["x"] < x1 and y0 < belfast["y"] < y1
    assert x1 < frames["KR"]["box"][0]  # insets side by side, west to east
    assert "Natural Earth" in m.footnote


def test_fit_file_cap_trims_and_says_so():
    from graphtwin.cli.maps import fit_file_cap

    built = []

    class Fake:
        def __init__(self, n):
            self.shown, self.notes = n, []

        def to_html(self):
            return "x" * (self.shown * 1000)

    def build(n):
        built.append(n)
        return Fake(n)

    m, html = fit_file_cap(build, 100, 50_000, guess=False)
    assert built == [100, 45] and len(html) <= 50_000
    assert "over the 0.05 MB cap: trimmed to 45 organisations" in m.notes[0]
    built.clear()
    m, html = fit_file_cap(build, 100, 30_000)  # first guess: 30 kB / 3 kB per organisation
    assert built == [10] and "drawing at most 10" in m.notes[0]
