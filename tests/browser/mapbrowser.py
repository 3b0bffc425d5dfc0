"""Helpers for the map browser tests: load a map offline and inspect what it did.

:func:`open_map` loads a map file with the network cut off for the page (offline
emulation and http/https/ws URLs blocked through the DevTools protocol) and returns
every request the page made, from Chrome's performance log and the Resource Timing API.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class PageLoad:
    """What happened while a map page loaded."""

    url: str
    seconds: float
    drawn_ms: float | None
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)
    console: list[dict[str, Any]] = field(default_factory=list)

    def outside(self) -> list[str]:
        """Requests to anything but the map file itself and inline data: URLs."""
        return [
            u for u in self.requests + self.resources if u != self.url and not u.startswith("data:")
        ]


def _drain(driver) -> None:
    driver.get_log("performance")
    driver.get_log("browser")


def open_map(driver, path: Path, timeout: float = 60.0) -> PageLoad:
    """Load ``path`` offline, wait until the network is drawn, report its requests."""
    driver.get("about:blank")
    _drain(driver)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.setBlockedURLs", {"urls": ["http://*", "https://*", "ws://*", "wss://*"]}
    )
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    url = path.resolve().as_uri()
    start = time.perf_counter()
    driver.get(url)
    deadline = start + timeout
    while not driver.execute_script("return document.body && document.body.dataset.drawn"):
        if time.perf_counter() > deadline:
            raise AssertionError(f"{path.name}: the network was not drawn within {timeout}s")
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    drawn_ms = driver.execute_script("return window.graphtwinDrawnAt || null")
    load = PageLoad(url=url, seconds=seconds, drawn_ms=drawn_ms)
    urls: dict[str, str] = {}
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        method, params = message["method"], message.get("params", {})
        if method == "Network.requestWillBeSent":
            req_url = params["request"]["url"]
            urls[params["requestId"]] = req_url
            load.requests.append(req_url)
        elif method == "Network.loadingFailed":
            load.failed.append(
                f"{urls.get(params['requestId'], params['requestId'])}: {params.get('errorText')}"
            )
    load.resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
    )
    load.console = driver.get_log("browser")
    return load


def canvas_ink(driver) -> tuple[int, int]:
    """(painted pixels, all pixels) of the network canvas: drawn means painted > 0."""
    return tuple(
        driver.execute_script(
            """
            var c = document.querySelector('#gt-network canvas');
            if (!c) { return [0, 0]; }
            var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            var ink = 0;
            for (var i = 3; i < d.length; i += 4) { if (d[i] > 0) { ink++; } }
            return [ink, c.width * c.height];
            """
        )
    )


def no_alert(driver) -> bool:
    """True if no JavaScript dialog is open."""
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert  # noqa: B018 - raises when there is none
    except NoAlertPresentException:
        return True
    return False


#: Reads, from the page, the label boxes the template drew, every visible node's box
#: (vis-network's getBoundingBox, converted to screen pixels) and the canvas size.
_LAYOUT_JS = """
var m = window.graphtwinMap, net = m.network, c = document.querySelector('#gt-network canvas');
var nodes = m.nodes.get({filter: function (n) { return !n.hidden && n.shape !== 'text'; }});
var boxes = nodes.map(function (n) {
  var bb = net.getBoundingBox(n.id);
  var a = net.canvasToDOM({x: bb.left, y: bb.top});
  var b = net.canvasToDOM({x: bb.right, y: bb.bottom});
  return {id: n.id, pr: n.pr, box: [a.x, a.y, b.x, b.y]};
});
var labels = m.labels().map(function (l) {
  return {id: l.id, text: l.text, px: l.px, pr: l.pr, box: l.box};
});
return {labels: labels, nodes: boxes, width: c.clientWidth, height: c.clientHeight};
"""


@dataclass
class LabelCheck:
    """What the first view shows: labels, and how many break the rules."""

    labels: list[dict[str, Any]]
    nodes: list[dict[str, Any]]
    width: float
    height: float
    label_overlaps: list[tuple[str, str]]
    node_overlaps: list[tuple[str, str]]
    outside: list[str]

    def top_labelled(self, k: int = 10) -> tuple[int, int]:
        """(labelled among the k most important nodes, how many there are)."""
        top = sorted(self.nodes, key=lambda n: n["pr"] if n["pr"] is not None else 1e9)[:k]
        done = {lab["id"] for lab in self.labels}
        return sum(1 for n in top if n["id"] in done), len(top)


def _overlap(a, b, slack: float = 0.5) -> bool:
    return (
        a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack
    )


def check_labels(driver) -> LabelCheck:
    """Label boxes against each other, against every node's box and the canvas edges."""
    data = driver.execute_script(_LAYOUT_JS)
    labels, nodes = data["labels"], data["nodes"]
    w, h = data["width"], data["height"]
    label_overlaps = [
        (a["id"], b["id"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if _overlap(a["box"], b["box"])
    ]
    node_overlaps = [
        (lab["id"], n["id"]) for lab in labels for n in nodes if _overlap(lab["box"], n["box"])
    ]
    outside = [
        lab["id"]
        for lab in labels
        if lab["box"][0] < 0 or lab["box"][1] < 0 or lab["box"][2] > w or lab["box"][3] > h
    ]
    return LabelCheck(labels, nodes, w, h, label_overlaps, node_overlaps, outside)
