"""Benchmark: map build and write time, HTML size, and time until drawn in Chromium.

For synthetic networks of 500, 2,000 and 10,000 organisations (4 ties each on average)
the whole-network map is built with every organisation shown, written as HTML, and
opened in headless Chromium from Debian's package (offline). Printed per size:

* build: selection, layout (igraph Fruchterman–Reingold per component), styling;
* write: pyvis lists filled in bulk, JSON payload, template, file;
* size of the HTML file (the inlined vis-network bundle is ~0.47 MB of it);
* drawn: milliseconds from navigation start until vis-network's first ``afterDrawing``
  (the ``graphtwin-drawn`` performance mark set by the template), and the wall time of
  ``driver.get`` until then; redraw: one full redraw after load (interactivity).

Also: pyvis ``add_node``/``add_edge`` one by one against filling its lists in bulk
(why maps.py does the latter), and the other views at 2,000 organisations.

With ``--base /work/wt/base`` the same whole-network maps are also written by the code
of that checkout (its own virtualenv, same seed) and drawn in the same browser session,
so the cost of the new page (label placement, filters, evidence) shows as a ratio.
``--aggregate 5000`` times the aggregated view of a 5,000-organisation network;
``--store PATH`` times ``graphtwin --db PATH map --max-nodes 50000`` end to end (the
46,000-organisation store of the issue) and prints the file size and what it said.

Run:  OMP_NUM_THREADS=1 python benchmarks/bench_maps.py [--sizes 500 2000 10000]
          [--base /work/wt/base] [--aggregate 5000] [--store big.db]
Figures on a shared 2-core machine are noisy; ratios matter more than absolutes.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

CHROMIUM = os.environ.get("GRAPHTWIN_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("GRAPHTWIN_CHROMEDRIVER", "/usr/bin/chromedriver")


def synthetic_graph(orgs: int, seed: int = 1):
    from graphtwin.analysis.projection import graph_from_bundle
    from graphtwin.ingest.synthetic import generate

    g = graph_from_bundle(generate(orgs, 4 * orgs, seed=seed))
    g.vs["gt_pagerank"] = g.pagerank(weights="weight")
    return g


def timed(fn, repeat: int = 1):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def start_browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        print(f"(no browser figures: {CHROMIUM} or {CHROMEDRIVER} missing)")
        return None, None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1400,900",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options), profile


def browser_times(driver, path: Path, runs: int = 3) -> tuple[float, float, float]:
    """Median (ms to first draw after navigation start, wall s to drawn, ms per redraw)."""
    drawn, wall, redraw = [], [], []
    for _ in range(runs):
        driver.get("about:blank")
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
        )
        t = time.perf_counter()
        driver.get(path.resolve().as_uri())
        while not driver.execute_script("return document.body && document.body.dataset.drawn"):
            time.sleep(0.01)
            if time.perf_counter() - t > 120:
                raise RuntimeError(f"{path.name} not drawn in 120 s")
        wall.append(time.perf_counter() - t)
        drawn.append(
            driver.execute_script(
                "return performance.getEntriesByName('graphtwin-drawn')[0].startTime"
            )
        )
        redraw.append(
            driver.execute_script(
                "var n = window.graphtwinMap.network, t = performance.now();"
                "n.redraw(); return performance.now() - t;"
            )
        )
    return statistics.median(drawn), statistics.median(wall), statistics.median(redraw)


_BASE_SCRIPT = """
import sys
from graphtwin.analysis.projection import graph_from_bundle
from graphtwin.ingest.synthetic import generate
from graphtwin.viz.maps import network_map
n, out = int(sys.argv[1]), sys.argv[2]
g = graph_from_bundle(generate(n, 4 * n, seed=1))
g.vs["gt_pagerank"] = g.pagerank(weights="weight")
network_map(g, max_nodes=n).write(out)
"""


def base_map(base: Path, n: int, out: Path) -> Path:
    """The same whole-network map written by the code of another checkout."""
    python = base / ".venv" / "bin" / "python"
    subprocess.run([str(python), "-c", _BASE_SCRIPT, str(n), str(out)], check=True, cwd=str(base))
    return out


def store_map(store: str, out: Path) -> tuple[float, float, str]:
    """(seconds, MB, stderr) of `graphtwin --db STORE map --max-nodes 50000`."""
    cli = Path(sys.executable).with_name("graphtwin")
    t = time.perf_counter()
    done = subprocess.run(
        [str(cli), "--db", store, "map", "-o", str(out), "--max-nodes", "50000"],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - t, out.stat().st_size / 1e6, done.stderr.strip()


def pyvis_bulk_versus_add_node(n: int = 500) -> tuple[float, float]:
    from pyvis.network import Network

    nodes = [{"id": f"n{i}", "label": f"N{i}", "x": i, "y": i, "size": 10} for i in range(n)]
    edges = [{"from": f"n{i % n}", "to": f"n{(i * 7 + 1) % n}"} for i in range(2 * n)]

    def one_by_one():
        net = Network()
        for nd in nodes:
            net.add_node(nd["id"], label=nd["label"], x=nd["x"], y=nd["y"], size=nd["size"])
        for e in edges:
            net.add_edge(e["from"], e["to"])
        return net

    def bulk():
        net = Network()
        net.nodes = list(nodes)
        net.edges = list(edges)
        net.node_ids = [nd["id"] for nd in nodes]
        net.node_map = {nd["id"]: nd for nd in nodes}
        return net

    slow, _ = timed(one_by_one)
    fast, _ = timed(bulk, repeat=3)
    return slow, fast


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    parser.add_argument("--runs", type=int, default=3, help="browser loads per size")
    parser.add_argument("--base", type=Path, default=None, help="checkout to compare with")
    parser.add_argument("--aggregate", type=int, default=5000, help="aggregated view size")
    parser.add_argument("--store", default=None, help="store for the end-to-end CLI map")
    args = parser.parse_args()

    from graphtwin.viz.maps import cities_map, city_pair_map, ego_map, network_map

    out = Path(tempfile.mkdtemp(prefix="bench-maps-"))
    # Warm up: the first write imports pyvis (and networkx, IPython) and compiles the template.
    cold, _ = timed(lambda: network_map(synthetic_graph(60), max_nodes=60).write(out / "w.html"))
    driver, profile = start_browser()
    rows, base_rows, agg_rows = [], [], []
    labels_ms: dict[int, float] = {}
    try:
        for n in args.sizes:
            g = synthetic_graph(n)
            build, m = timed(
                lambda g=g, n=n: network_map(g, max_nodes=n, aggregate="none"), repeat=2
            )
            path = out / f"network-{n}.html"
            write, _ = timed(lambda m=m, path=path: m.write(path))
            size_mb = path.stat().st_size / 1e6
            if args.base and driver:
                # New and baseline pages loaded alternately, so that both see the same load
                # of a shared machine; medians of each.
                bpath = base_map(args.base, n, out / f"base-network-{n}.html")
                new_runs, base_runs, label_ms = [], [], []
                for _ in range(args.runs):
                    new_runs.append(browser_times(driver, path, 1))
                    label_ms.append(driver.execute_script("return window.graphtwinLabelMs"))
                    base_runs.append(browser_times(driver, bpath, 1))
                drawn = tuple(statistics.median(r[i] for r in new_runs) for i in range(3))
                based = tuple(statistics.median(r[i] for r in base_runs) for i in range(3))
                base_rows.append((n, bpath.stat().st_size / 1e6, *based))
                labels_ms[n] = statistics.median(label_ms)
            elif driver:
                drawn = browser_times(driver, path, args.runs)
            else:
                drawn = (None, None, None)
            rows.append((n, len(m.edges), build, write, size_mb, *drawn))
            if n == 2000:
                hub = max(range(g.vcount()), key=g.degree)
                others = {
                    "city pair London–Seoul (max 400)": lambda g=g: city_pair_map(
                        g, "London", "Seoul"
                    ),
                    "ego, 2 hops of the biggest hub (max 300)": lambda g=g, h=hub: ego_map(
                        g, g.vs[h]["id"]
                    ),
                    "cities": lambda g=g: cities_map(g),
                }
                other_rows = [(label, *timed(fn)) for label, fn in others.items()]
        if args.aggregate:
            g = synthetic_graph(args.aggregate)
            build, m = timed(lambda g=g: network_map(g, max_nodes=args.aggregate))
            path = out / f"aggregate-{args.aggregate}.html"
            m.write(path)
            drawn = browser_times(driver, path, args.runs) if driver else (None, None, None)
            agg_rows.append((args.aggregate, m.shown, build, path.stat().st_size / 1e6, *drawn))
    finally:
        if driver:
            driver.quit()
            shutil.rmtree(profile, ignore_errors=True)

    print("\nWhole-network map, every organisation shown (synthetic, 4 ties per organisation)")
    print(
        f"{'orgs':>7} {'lines':>7} {'build s':>8} {'write s':>8} {'HTML MB':>8} "
        f"{'drawn ms':>9} {'wall s':>7} {'redraw ms':>10}"
    )
    for n, e, build, write, mb, drawn, wall, redraw in rows:
        d = f"{drawn:9.0f} {wall:7.2f} {redraw:10.1f}" if drawn is not None else "  (no browser)"
        print(f"{n:>7,} {e:>7,} {build:8.3f} {write:8.3f} {mb:8.2f} {d}")
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        scale = last[0] / first[0]
        print(
            f"ratio {last[0]:,}/{first[0]:,} organisations ({scale:.0f}x): build "
            f"{last[2] / first[2]:.1f}x, write {last[3] / first[3]:.1f}x, size "
            f"{last[4] / first[4]:.1f}x"
            + (f", drawn {last[5] / first[5]:.1f}x" if last[5] and first[5] else "")
        )
        per_node = [(r[4] - rows[0][4]) / max(r[0] - rows[0][0], 1) * 1e6 for r in rows[1:]]
        print(f"HTML bytes per extra organisation: {', '.join(f'{b:.0f}' for b in per_node)}")
    if base_rows:
        print("\nSame maps written by the baseline checkout, loaded alternately with the new ones")
        print(
            f"{'orgs':>7} {'HTML MB':>8} {'drawn ms':>9} {'wall s':>7} {'redraw ms':>10}  new/base"
        )
        new = {r[0]: r for r in rows}
        for n, mb, drawn, wall, redraw in base_rows:
            ratio = new[n][5] / drawn if drawn else float("nan")
            print(f"{n:>7,} {mb:8.2f} {drawn:9.0f} {wall:7.2f} {redraw:10.1f}  drawn {ratio:.2f}x")
        for n, ms in labels_ms.items():
            print(f"label placement on the first view, {n:,} organisations: {ms:.1f} ms (median)")
    for n, groups, build, mb, drawn, _wall, redraw in agg_rows:
        d = f"drawn {drawn:.0f} ms, redraw {redraw:.1f} ms" if drawn is not None else ""
        print(
            f"\nAggregated whole network of {n:,} organisations: {groups:,} cities, build "
            f"{build:.2f} s, {mb:.2f} MB, {d}"
        )
    if args.store:
        secs, mb, said = store_map(args.store, out / "store-map.html")
        print(f"\n`graphtwin --db {args.store} map --max-nodes 50000`: {secs:.1f} s, {mb:.2f} MB")
        print("  it said: " + said.replace("\n", "\n  it said: "))
    if "other_rows" in locals():
        print("\nOther views at 2,000 organisations (build only)")
        for label, secs, m in other_rows:
            print(f"  {label:<44} {secs:6.3f} s  {m.summary()}")
    print(f"\nfirst map of a process (imports pyvis, compiles the template): {cold:.2f} s")
    slow, fast = pyvis_bulk_versus_add_node(500)
    print(
        f"\npyvis, 500 nodes + 1,000 edges: add_node/add_edge {slow:.3f} s, bulk lists "
        f"{fast * 1000:.2f} ms ({slow / max(fast, 1e-9):,.0f}x)"
    )
    print(f"files kept in {out}")


if __name__ == "__main__":
    main()
