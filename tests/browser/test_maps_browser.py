"""Every map view in headless Chromium: offline, drawn, safe, readable.

The maps are built from the real UK–Korea demo bundle plus two hostile records: an
organisation named ``<img src=x onerror=alert(1)>`` and a city named
``<script>alert(2)</script>``. Pages load with the network cut off; screenshots and the
HTML files are kept in tests/artifacts/maps/ for people to look at.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from mapbrowser import canvas_ink, check_labels, no_alert, open_map

from graphtwin.analysis.projection import graph_from_bundle
from graphtwin.ingest import read_bundle
from graphtwin.ingest.demo import demo_bundle_path
from graphtwin.model import City, Organisation, Tie
from graphtwin.viz.maps import cities_map, city_pair_map, ego_map, network_map

pytestmark = pytest.mark.browser

XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_CITY = "<script>alert(2)</script>"
XSS_REASON = "<b onmouseover=alert(3)>shared</b> partner"
JS_SOURCE = "javascript:alert(5)"
KOREAN = "세종테크노파크"
VIEWS = (
    "network",
    "network-large",
    "city-pair",
    "ego",
    "cities",
    "large-city-pair",
    "large-ego",
    "large-cities",
    "large-aggregate",
)


@pytest.fixture(scope="module")
def graph():
    """Demo data + an XSS-named organisation in Belfast tied across to Sejong, + an
    XSS-named city, with PageRank as the gt_pagerank score."""
    bundle = read_bundle(demo_bundle_path())
    by_city: dict[str, list[str]] = {}
    for o in bundle.organisations:
        by_city.setdefault(o.city, []).append(o.id)
    belfast, sejong = by_city["Belfast"], by_city["Sejong"]
    bundle.organisations.append(
        Organisation("xss-org", XSS_NAME, "firm", "Belfast", "GB", sectors=("smart-cities",))
    )
    bundle.cities.append(City(XSS_CITY, "GB", lat=52.5, lon=-1.5, population=1000))
    bundle.organisations.append(
        Organisation("xss-city-org", "Harmless Ltd", "firm", XSS_CITY, "GB")
    )
    bundle.organisations.append(
        Organisation("kr-name", f"{KOREAN} (Sejong Technopark)", "agency", "Sejong", "KR")
    )
    bundle.ties += [
        Tie("xss-org", belfast[0], "project", start="2021", source_url="https://example.org/p"),
        Tie("xss-org", sejong[0], "mou", start="2022", evidence=XSS_NAME, source_url=JS_SOURCE),
        Tie("xss-city-org", "xss-org", "meeting"),
        Tie("kr-name", sejong[0], "meeting", start="2023", evidence="met at Sejong"),
    ]
    g = graph_from_bundle(bundle)
    g.vs["gt_pagerank"] = g.pagerank(weights="weight")
    g["test_ties"] = bundle.ties
    return g


@pytest.fixture(scope="module")
def big_graph():
    """2,000 synthetic organisations (top 300 shown) plus the XSS organisation."""
    from graphtwin.ingest.synthetic import generate

    bundle = generate(2000, 8000, seed=11)
    first = bundle.organisations[0]
    bundle.organisations.append(
        Organisation("xss-org", XSS_NAME, "firm", first.city, first.country)
    )
    hubs = [o.id for o in bundle.organisations[:40]]
    bundle.ties += [Tie("xss-org", h, "project") for h in hubs]
    g = graph_from_bundle(bundle)
    g["test_ties"] = bundle.ties
    g.vs["gt_pagerank"] = g.pagerank(weights="weight")
    return g


@pytest.fixture(scope="module")
def map_files(graph, big_graph, artifacts) -> dict[str, Path]:
    folder = artifacts / "maps"
    folder.mkdir(parents=True, exist_ok=True)
    ids = np.array(graph.vs["id"])
    belfast = [i for i, c in zip(ids, graph.vs["city"], strict=True) if c == "Belfast"]
    sejong = [i for i, c in zip(ids, graph.vs["city"], strict=True) if c == "Sejong"]
    bridges = pd.DataFrame({"id": ["xss-org", belfast[1]], "bridge_score": [0.9, 0.5]})
    bridges["reason"] = [XSS_REASON, "tied to both cities"]
    potential = pd.DataFrame(
        {
            "source": ["xss-org", belfast[2]],
            "target": [sejong[1], sejong[2]],
            "score": [0.8, 0.6],
            "reasons": [[XSS_REASON], ["same sector"]],
        }
    )
    maps = {
        "network": network_map(graph, dataset="demo + hostile names"),
        "network-large": network_map(big_graph, max_nodes=300, dataset="synthetic 2,000"),
        "city-pair": city_pair_map(
            graph, "Belfast", "Sejong", bridges=bridges, potential=potential, dataset="demo"
        ),
        "ego": ego_map(graph, "xss-org", hops=2, dataset="demo"),
        "cities": cities_map(graph, dataset="demo"),
        "large-city-pair": city_pair_map(big_graph, "London", "Seoul", dataset="synthetic"),
        "large-ego": ego_map(big_graph, "xss-org", dataset="synthetic 2,000"),
        "large-cities": cities_map(big_graph, dataset="synthetic 2,000"),
        "large-aggregate": network_map(big_graph, max_nodes=2001, dataset="synthetic 2,000"),
    }
    assert maps["large-aggregate"].view == "aggregate"
    for view, m in maps.items():
        m.add_evidence(
            (big_graph if view.startswith(("large", "network-")) else graph)["test_ties"]
        )
    return {view: m.write(folder / f"{view}.html") for view, m in maps.items()}


def test_every_view_is_built(map_files):
    assert sorted(map_files) == sorted(VIEWS)


@pytest.mark.parametrize("view", VIEWS)
def test_loads_offline_and_draws(browser, map_files, artifacts, view):
    path = map_files[view]
    html = path.read_text(encoding="utf-8")
    external = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", html, re.I)
    assert external == [], f"external URLs in src/href: {external}"
    assert not re.search(r"<(?:link|iframe|img|object|embed)\b", html, re.I)

    load = open_map(browser, path)
    assert load.outside() == [], f"requests beyond the file: {load.outside()}"
    assert load.failed == [], f"failed requests: {load.failed}"
    severe = [m for m in load.console if m.get("level") == "SEVERE"]
    assert severe == [], f"console errors: {severe}"
    dom_urls = browser.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href]'))"
        ".map(function (e) { return e.getAttribute('src') || e.getAttribute('href'); })"
    )
    assert [u for u in dom_urls if re.match(r"\s*(https?:)?//", u or "")] == []

    ink, total = canvas_ink(browser)
    assert total > 0, "no network canvas"
    assert ink > 0.005 * total, f"canvas nearly blank: {ink} of {total} pixels painted"
    legend = browser.find_element("id", "gt-legend").text
    assert "Colour" in legend and "Size" in legend and "Lines" in legend
    if "cities" in view:
        assert browser.execute_script("return window.graphtwinMap.data.basemap.frames.length") == 2
    title = browser.find_element("id", "gt-title").text
    assert title and browser.find_element("id", "gt-subtitle").text
    footnote = browser.find_element("id", "gt-footnote").text
    if view == "network-large":
        assert footnote.startswith("Showing 300 of 2,001 organisations")
    assert browser.find_element("id", "gt-counts").text.endswith("ties shown.")
    time.sleep(0.2)
    shot = artifacts / "maps" / f"{view}.png"
    browser.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    print(f"{view}: drawn at {load.drawn_ms:.0f} ms after navigation start; {footnote}")


def _node_for(view: str) -> tuple[str, str]:
    """(node id, text that must appear verbatim) for the hostile record of each view."""
    if view == "cities":
        return "GB-script-alert-2-script", XSS_CITY
    return "xss-org", XSS_NAME


SHOTS = Path("/work/wt/maps-shots")


@pytest.mark.parametrize("view", VIEWS)
def test_first_view_labels_are_readable(browser, map_files, artifacts, view):
    """Measured on the page: the top organisations are labelled, no label box overlaps
    another or any node's box (vis-network's getBoundingBox), none leaves the canvas."""
    open_map(browser, map_files[view])
    check = check_labels(browser)
    labelled, top = check.top_labelled(10)
    print(
        f"{view}: {len(check.labels)} labels on {len(check.nodes)} nodes "
        f"({check.width}x{check.height} px canvas); top 10 labelled {labelled}/{top}; "
        f"label overlaps {len(check.label_overlaps)}, label-node overlaps "
        f"{len(check.node_overlaps)}, outside {len(check.outside)}"
    )
    assert check.label_overlaps == []
    assert check.node_overlaps == []
    assert check.outside == []
    assert labelled == top == min(10, len(check.nodes))
    assert min(lab["px"] for lab in check.labels) >= 12
    browser.save_screenshot(str(artifacts / "maps" / f"{view}-first-view.png"))
    if SHOTS.is_dir():
        browser.save_screenshot(str(SHOTS / f"{view}.png"))


def test_korean_names_are_labelled_on_real_glyphs(browser, map_files):
    open_map(browser, map_files["network"])
    labels = {lab["id"]: lab for lab in check_labels(browser).labels}
    assert labels["kr-name"]["text"].startswith(KOREAN)
    # Missing glyphs are drawn as identical boxes: the name must not look like seven
    # private-use characters (which no font has) in the page's label font.
    differs = browser.execute_script(
        """
        function ink(text) {
          var c = document.createElement('canvas'); c.width = 220; c.height = 40;
          var x = c.getContext('2d');
          x.font = '20px ' + getComputedStyle(document.documentElement).getPropertyValue('--font');
          x.fillText(text, 2, 28);
          return x.getImageData(0, 0, 220, 40).data;
        }
        var a = ink(arguments[0]), b = ink('\\ue000'.repeat(7)), n = 0;
        for (var i = 3; i < a.length; i += 4) { if (a[i] !== b[i]) { n++; } }
        return n;
        """,
        KOREAN,
    )
    print(f"Korean name vs missing-glyph boxes: {differs} pixels differ")
    assert differs > 200


def _edge_with(browser, text: str) -> str:
    return browser.execute_script(
        "var m = window.graphtwinMap, q = arguments[0]; return m.edges.getIds()"
        ".filter(function (id) {"
        " var t = m.tooltipFor('edge', id, true); return t && t.textContent.indexOf(q) >= 0;"
        "})[0] || null;",
        text,
    )


def test_tie_tooltip_shows_its_evidence(browser, map_files):
    open_map(browser, map_files["network"])
    text = "Innovation Twins is delivered by Connected Places Catapult"
    eid = _edge_with(browser, text)
    assert eid, "no line tooltip carries the demo evidence"
    tip = browser.execute_script(
        "return window.graphtwinMap.tooltipFor('edge', arguments[0]).textContent", eid
    )
    # The demo tie cites the programme's public page, drawn as a link.
    page = "https://cp.catapult.org.uk/project/uk-and-republic-of-korea-launch-new-innovation"
    assert "funding" in tip and "source:" in tip and page in tip
    hrefs = browser.execute_script(
        "return Array.from(window.graphtwinMap.tooltipFor('edge', arguments[0])"
        ".querySelectorAll('a[href]')).map(function (a) { return a.href; })",
        eid,
    )
    assert any(h.startswith(page) for h in hrefs)
    assert "weight" in tip and "years" in tip


def test_only_http_sources_become_links(browser, map_files):
    open_map(browser, map_files["city-pair"])
    eid = _edge_with(browser, JS_SOURCE)
    assert eid
    browser.execute_script("window.graphtwinMap.showDetails('edge', arguments[0])", eid)
    details = browser.find_element("id", "gt-details")
    assert JS_SOURCE in details.text  # shown, as text
    hrefs = browser.execute_script(
        "return Array.from(document.querySelectorAll('a')).map(function (a) {"
        " return a.getAttribute('href'); })"
    )
    assert not [h for h in hrefs if h and not h.startswith("https://")], hrefs
    https = _edge_with(browser, "https://example.org/p")
    browser.execute_script("window.graphtwinMap.showDetails('edge', arguments[0])", https)
    link = browser.find_element("css selector", "#gt-details a")
    assert link.get_attribute("href") == "https://example.org/p"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert no_alert(browser)


def _expected(data: dict, lo: int, hi: int, undated: bool, skip: str = "") -> tuple[int, int]:
    """(lines, ties) that should pass a year range, from the page's own data."""
    lines = ties = 0
    for info in data["edgeInfo"].values():
        ok = 0
        for t in info.get("ties", []):
            kind, s, e, n = t[0], t[1], t[2], t[4]
            if kind == skip:
                continue
            if s is None and e is None:
                ok += n if undated else 0
            elif (s if s is not None else e) <= hi and (e if e is not None else s) >= lo:
                ok += n
        lines += ok > 0
        ties += ok
    return lines, ties


def test_year_and_kind_filters_hide_ties_and_update_counts(browser, map_files, artifacts):
    open_map(browser, map_files["network"])
    data = browser.execute_script("return window.graphtwinMap.data")
    counts = "return window.graphtwinCounts"
    everything = browser.execute_script(counts)
    assert everything["lines"] == everything["linesAll"] == len(data["edges"])
    browser.execute_script("window.graphtwinMap.setYears(2022, 2022)")
    assert browser.find_element("id", "gt-year-to-out").text == "2022"
    c = browser.execute_script(counts)
    assert (c["lines"], c["ties"]) == _expected(data, 2022, 2022, True)
    browser.execute_script("window.graphtwinMap.setUndated(false)")
    c = browser.execute_script(counts)
    lines, ties = _expected(data, 2022, 2022, False)
    assert (c["lines"], c["ties"]) == (lines, ties) and 0 < lines < everything["lines"]
    hidden = browser.execute_script(
        "return window.graphtwinMap.edges.get().filter(function (e) { return e.hidden; }).length"
    )
    assert hidden == len(data["edges"]) - lines
    footer = browser.find_element("id", "gt-counts").text
    assert f"{lines} of {everything['linesAll']} lines" in footer
    browser.save_screenshot(str(artifacts / "maps" / "network-2022-only.png"))
    browser.execute_script("window.graphtwinMap.setUndated(true)")
    browser.execute_script("window.graphtwinMap.setYears(2000, 2030)")
    browser.execute_script("window.graphtwinMap.setKind('meeting', false)")
    c = browser.execute_script(counts)
    assert (c["lines"], c["ties"]) == _expected(data, 2000, 2030, True, skip="meeting")
    assert c["ties"] < everything["ties"]


def test_play_steps_through_the_years(browser, map_files):
    open_map(browser, map_files["network"])
    lo, hi = browser.execute_script(
        "var f = document.getElementById('gt-year-from'); return [+f.min, +f.max]"
    )
    browser.find_element("id", "gt-play").click()
    to_year = "return +document.getElementById('gt-year-to').value"
    assert browser.execute_script(to_year) == lo  # starts at the first year
    seen = {lo}
    for _ in range(60):
        time.sleep(0.25)
        seen.add(browser.execute_script(to_year))
        if hi in seen:
            break
    assert seen >= {lo, lo + 1, hi}
    counts = browser.execute_script("return window.graphtwinCounts")
    assert counts["ties"] == counts["tiesAll"]  # at the last year every tie is back


def test_png_export_is_twice_the_screen(browser, map_files, artifacts):
    import base64
    import struct

    open_map(browser, map_files["city-pair"])
    url = browser.execute_script("return window.graphtwinMap.exportPNG(2)")
    assert url.startswith("data:image/png;base64,")
    png = base64.b64decode(url.split(",", 1)[1])
    width, height = struct.unpack(">II", png[16:24])
    css = browser.execute_script(
        "var c = document.querySelector('#gt-network canvas');"
        "return [c.clientWidth, c.clientHeight]"
    )
    assert (width, height) == (2 * css[0], 2 * css[1])
    assert len(png) > 20_000
    (artifacts / "maps" / "city-pair-export.png").write_bytes(png)
    # The page is back to its own resolution afterwards.
    ratio = browser.execute_script("return window.graphtwinMap.network.canvas.pixelRatio")
    assert ratio == 1


def test_a_group_opens_into_its_organisations(browser, map_files):
    open_map(browser, map_files["large-aggregate"])
    before = browser.execute_script("return window.graphtwinCounts")
    gid = browser.execute_script("return window.graphtwinMap.nodes.getIds()[0]")
    browser.execute_script("window.graphtwinMap.openGroup(arguments[0])", gid)
    after = browser.execute_script("return window.graphtwinCounts")
    assert after["nodes"] == before["nodes"]  # the group stays, as a ring
    assert after["members"] > 0 == before["members"] and after["lines"] > before["lines"]
    assert "organisations of open groups" in browser.find_element("id", "gt-counts").text
    check = check_labels(browser)
    assert check.label_overlaps == [] and check.outside == []
    # Search finds an organisation of another group and opens that group for it.
    member = browser.execute_script(
        "var g = window.graphtwinMap.data.groups; var ids = Object.keys(g);"
        "return g[ids[ids.length - 1]].nodes[0].id"
    )
    browser.execute_script("window.graphtwinMap.focusNode(arguments[0])", member)
    assert browser.execute_script("return !!window.graphtwinMap.nodes.get(arguments[0])", member)


@pytest.mark.parametrize("view", VIEWS[:5])
def test_hostile_names_stay_text(browser, map_files, artifacts, view):
    load = open_map(browser, map_files[view])
    assert no_alert(browser)
    assert (
        browser.execute_script("return document.querySelectorAll('img, script[src]').length") == 0
    )
    node_id, text = _node_for(view)

    # Search list: the name appears as text, and is a result for a search on it.
    box = browser.find_element("id", "gt-search")
    box.clear()
    box.send_keys(text[:12])
    items = browser.find_elements("css selector", "#gt-results li")
    assert any(text in li.text for li in items), [li.text for li in items]

    # Tooltip builder: readable text, no element made from the name.
    tip_text, tip_html_elements = browser.execute_script(
        "var c = window.graphtwinMap.tooltipFor('node', arguments[0]);"
        "return [c.textContent, c.querySelectorAll('img, script, b').length];",
        node_id,
    )
    assert text in tip_text
    assert tip_html_elements == 0

    # A real hover: focus the node, move the mouse onto it, read the tooltip.
    browser.execute_script("window.graphtwinMap.focusNode(arguments[0]);", node_id)
    where = (
        "var n = window.graphtwinMap.network; var id = arguments[0];"
        "var p = n.canvasToDOM(n.getPositions([id])[id]); return [p.x, p.y];"
    )
    x, y = browser.execute_script(where, node_id)
    for _ in range(100):  # wait until the focus animation has settled
        time.sleep(0.1)
        x1, y1 = browser.execute_script(where, node_id)
        if abs(x1 - x) < 0.5 and abs(y1 - y) < 0.5:
            break
        x, y = x1, y1
    from selenium.webdriver.common.action_chains import ActionChains

    stage = browser.find_element("id", "gt-network")
    w, h = stage.size["width"], stage.size["height"]
    # Start from a corner: focusing centres the node where the last test left the mouse.
    ActionChains(browser).move_to_element_with_offset(stage, 5 - w // 2, 5 - h // 2).perform()
    ActionChains(browser).move_to_element_with_offset(
        stage, int(x - w / 2), int(y - h / 2)
    ).perform()
    tooltip = browser.find_element("id", "gt-tooltip")
    for _ in range(40):
        if tooltip.is_displayed():
            break
        time.sleep(0.05)
    assert tooltip.is_displayed(), "hovering the node showed no tooltip"
    browser.save_screenshot(str(artifacts / "maps" / f"{view}-tooltip.png"))
    shown = tooltip.text
    assert text in shown
    first_row = "country" if view == "cities" else "kind"
    assert first_row in shown and (
        "organisations" in shown if view == "cities" else "city" in shown
    )
    details = browser.find_element("id", "gt-details").text
    assert text in details, "selecting the node should show its details"
    assert no_alert(browser)
    assert load.failed == []


def test_introduction_reasons_are_text(browser, map_files):
    open_map(browser, map_files["city-pair"])
    texts = browser.execute_script(
        "var m = window.graphtwinMap; return m.edges.getIds()"
        ".filter(function (id) { return id.charAt(0) === 'p'; })"
        ".map(function (id) { return m.tooltipFor('edge', id).textContent; });"
    )
    assert len(texts) == 2
    assert any(XSS_REASON in t for t in texts)
    dashed = browser.execute_script(
        "return window.graphtwinMap.edges.get().filter(function (e) {"
        " return e.id.charAt(0) === 'p' && e.dashes; }).length"
    )
    assert dashed == 2
    assert no_alert(browser)


def test_legend_colour_hides_and_shows_nodes(browser, map_files):
    open_map(browser, map_files["network"])
    visible = (
        "return window.graphtwinMap.nodes.get().filter(function (n) { return !n.hidden; }).length"
    )
    before = browser.execute_script(visible)
    item = browser.find_elements("css selector", ".gt-legend-section.color .gt-legend-item")[0]
    item.click()
    after = browser.execute_script(visible)
    assert 0 < after < before
    item.click()
    assert browser.execute_script(visible) == before


def test_line_tooltips_name_both_ends(browser, map_files):
    open_map(browser, map_files["city-pair"])
    texts = browser.execute_script(
        "var m = window.graphtwinMap; return m.edges.getIds()"
        ".filter(function (id) { return id.charAt(0) === 'e'; })"
        ".map(function (id) { return m.tooltipFor('edge', id).textContent; });"
    )
    xss_lines = [t for t in texts if t.startswith(XSS_NAME + " – ") or (" – " + XSS_NAME) in t]
    assert xss_lines, texts[:3]
    assert all("ties" in t and "line" in t for t in texts)
    assert any("tie between the two cities" in t for t in xss_lines)
