"""Benchmark centrality, bridging and communities at scale; prints seconds, memory, ratios.

1. Every metric on a generated graph (``graphtwin.ingest.synthetic.generate``, default
   46,000 organisations and 500,000 ties), each in its own subprocess so that its peak
   memory can be read: ``peak MB`` is the high-water mark of resident memory (VmHWM in
   /proc/self/status, which sees igraph's C heap, unlike tracemalloc; reset to the
   current size just before the metric) minus the resident size before the metric, and
   ``RSS MB`` the resident size before it (graph loaded).
2. The whole analysis run (simple view + every centrality + bridges by city, and with a
   city pair) in one process, against the 30 s target; with ``--cli`` also end to end
   through the CLI on a Ladybug store (``graphtwin load``, then ``centrality`` and
   ``bridges``), projection from the store included.
3. The same metrics with networkx on generated graphs of 2,000 and 20,000 organisations
   (same density), in the same run, with the igraph/networkx time ratio. networkx runs
   get ``--nx-timeout`` seconds each (default 120); slower ones are reported as such.
   Path metrics use the same pivots as graphtwin where it samples (networkx
   ``betweenness_centrality(k=...)``, ``harmonic_centrality(sources=...)``).
4. ``--baseline GRAPHTWIN``: ``bridges A B`` and ``twins`` through this CLI and another
   graphtwin executable on the same store, alternating, with the median ratio.
5. ``--quality``: sampled against exact betweenness, harmonic closeness and cross-group
   betweenness on a generated 20,000-organisation graph: Spearman correlation and
   overlap of the top 100, for several numbers of pivots (docs/metrics.md).

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_analysis.py              # 1-3 at full size
    OMP_NUM_THREADS=1 python benchmarks/bench_analysis.py --cli        # + CLI end to end
    OMP_NUM_THREADS=1 python benchmarks/bench_analysis.py --quality    # 5 (slow: exact)
    OMP_NUM_THREADS=1 python benchmarks/bench_analysis.py --quick      # small, a check
    OMP_NUM_THREADS=1 python benchmarks/bench_analysis.py --baseline ../base/.venv/bin/graphtwin
        # bridges A B and twins, this CLI against another install, alternating
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

DENSITY = 500_000 / 46_000  # ties per organisation of the main benchmark graph


def _status(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def hwm_mb() -> float:
    """The process's peak resident memory so far (VmHWM), in MB."""
    return _status("VmHWM")


def reset_peak() -> float:
    """Reset VmHWM to the current resident size (Linux clear_refs 5); return that size."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        pass
    return _status("VmRSS")


# --------------------------------------------------------------------------------------
# Graphs
# --------------------------------------------------------------------------------------


def prepare(orgs: int, ties: int, folder: Path, seed: int = 1) -> Path:
    """Generate a bundle, build the analysis graph and pickle it (cached by size)."""
    from graphtwin.analysis.projection import graph_from_bundle
    from graphtwin.ingest.synthetic import generate

    path = folder / f"graph-{orgs}-{ties}-{seed}.pkl"
    if path.exists():
        return path
    t0 = time.perf_counter()
    bundle = generate(orgs, ties, seed=seed)
    t1 = time.perf_counter()
    g = graph_from_bundle(bundle)
    t2 = time.perf_counter()
    with open(path, "wb") as fh:
        pickle.dump(g, fh, protocol=pickle.HIGHEST_PROTOCOL)
    print(
        f"generated {orgs:,} organisations / {ties:,} ties in {t1 - t0:.1f}s, "
        f"analysis graph in {t2 - t1:.1f}s"
    )
    return path


def load(path: Path):
    with open(path, "rb") as fh:
        return pickle.load(fh)


def city_pair(h) -> tuple[str, str]:
    """Belfast and Sejong if the graph has them, else its largest GB and KR cities."""
    from collections import Counter

    counts = Counter(zip(h.vs["city"], h.vs["country"], strict=True))
    names = {c for c, _ in counts}
    if {"Belfast", "Sejong"} <= names:
        return "Belfast", "Sejong"
    best = {}
    for (city, country), _ in counts.most_common():
        best.setdefault(country, city)
    picks = list(best.values())
    return picks[0], picks[1]


def to_networkx(h):
    import networkx as nx

    G = nx.Graph()
    G.add_nodes_from(range(h.vcount()))
    G.add_weighted_edges_from(
        (e.source, e.target, w) for e, w in zip(h.es, h.es["weight"], strict=True)
    )
    for v, city in enumerate(h.vs["city"]):
        G.nodes[v]["city"] = city
    return G


# --------------------------------------------------------------------------------------
# One metric (run in a subprocess)
# --------------------------------------------------------------------------------------

IGRAPH_METRICS = [
    "degree+strength", "pagerank", "eigenvector", "harmonic", "betweenness", "coreness",
    "cross (city pair)", "cross (all cities)", "brokerage", "constraint", "effective size",
    "participation", "cut points", "bridge ties", "communities",
]  # fmt: skip
#: metrics networkx has (no Gould–Fernandez brokerage, no participation coefficient).
NX_METRICS = [
    "degree+strength", "pagerank", "eigenvector", "harmonic", "betweenness", "coreness",
    "cross (city pair)", "constraint", "effective size", "cut points", "bridge ties",
    "communities",
]  # fmt: skip


def run_igraph(metric: str, g) -> str:
    from graphtwin.analysis import bridging as B
    from graphtwin.analysis import centrality as C
    from graphtwin.analysis.communities import communities
    from graphtwin.analysis.projection import simple_view

    h = simple_view(g)
    labels = B.group_labels(h, "city")
    codes = np.unique(np.asarray(labels, dtype=object), return_inverse=True)[1]
    pair = None
    if metric == "cross (city pair)":
        a, b = city_pair(h)
        pair = (B.resolve_city(h, a)[1], B.resolve_city(h, b)[1])
    start_rss = reset_peak()
    t0 = time.perf_counter()
    info = ""
    if metric == "degree+strength":
        C.centrality(g, ["degree", "strength"], simple=h)
    elif metric in ("pagerank", "eigenvector", "coreness"):
        C.centrality(g, [metric], simple=h)
    elif metric == "harmonic":
        info = C.harmonic(h)[1].label()
    elif metric == "betweenness":
        info = C.betweenness(h)[1].label()
    elif metric == "cross (city pair)":
        info = B.cross_group_betweenness(h, codes, pair)[1].label()
    elif metric == "cross (all cities)":
        info = B.cross_group_betweenness(h, codes)[1].label()
    elif metric == "brokerage":
        B.brokerage(h, labels)
    elif metric == "constraint":
        h.constraint(weights="weight")
    elif metric == "effective size":
        B.effective_size(h)
    elif metric == "participation":
        B.participation(h, labels)
    elif metric == "cut points":
        B.cut_points(h)
    elif metric == "bridge ties":
        B.bridge_edges(h)
    elif metric == "communities":
        communities(g, simple=h, seed=0)
    seconds = time.perf_counter() - t0
    return json.dumps(
        {"seconds": seconds, "peak": hwm_mb() - start_rss, "hwm": start_rss, "info": info}
    )


def run_networkx(metric: str, g) -> str:
    import networkx as nx

    from graphtwin.analysis import bridging as B
    from graphtwin.analysis.centrality import EXACT_LIMIT, choose_pivots
    from graphtwin.analysis.projection import simple_view

    h = simple_view(g)
    G = to_networkx(h)
    n = h.vcount()
    pivots, info = choose_pivots(range(n), None, None, 0, EXACT_LIMIT, h.ecount())
    label = info.label() if metric in ("harmonic", "betweenness") else ""
    start_rss = reset_peak()
    t0 = time.perf_counter()
    if metric == "degree+strength":
        dict(G.degree())
        dict(G.degree(weight="weight"))
    elif metric == "pagerank":
        nx.pagerank(G, weight="weight")
    elif metric == "eigenvector":
        # the numpy (ARPACK) variant refuses disconnected graphs; power iteration works
        nx.eigenvector_centrality(G, weight="weight", max_iter=10_000, tol=1e-8)
    elif metric == "harmonic":
        nx.harmonic_centrality(G, sources=None if info.exact else pivots.tolist())
    elif metric == "betweenness":
        if info.exact:
            nx.betweenness_centrality(G)
        else:
            nx.betweenness_centrality(G, k=len(pivots), seed=0)
    elif metric == "coreness":
        nx.core_number(G)
    elif metric == "cross (city pair)":
        a, b = city_pair(h)
        ma, mb = B.resolve_city(h, a)[1], B.resolve_city(h, b)[1]
        if len(ma) > len(mb):
            ma, mb = mb, ma
        sources, pinfo = choose_pivots(
            ma, None if n > EXACT_LIMIT else True, None, 0, 0, h.ecount()
        )
        label = pinfo.label()
        nx.betweenness_centrality_subset(G, sources.tolist(), mb.tolist())
    elif metric == "constraint":
        nx.constraint(G, weight="weight")
    elif metric == "effective size":
        # networkx's default (vectorised) path builds dense n × n matrices (and, weighted,
        # is wrong in networkx 3.6: networkx PR #8906): used up to EXACT_LIMIT nodes;
        # above, the per-node path (O(deg³) per node when weighted).
        if n <= EXACT_LIMIT:
            nx.effective_size(G, weight="weight")
            label = "dense"
        else:
            nx.effective_size(G, nodes=list(G), weight="weight")
            label = "per node"
    elif metric == "cut points":
        list(nx.articulation_points(G))
    elif metric == "bridge ties":
        list(nx.bridges(G))
    elif metric == "communities":
        nx.community.louvain_communities(G, weight="weight", seed=0)
    seconds = time.perf_counter() - t0
    return json.dumps(
        {"seconds": seconds, "peak": hwm_mb() - start_rss, "hwm": start_rss, "info": label}
    )


def worker(engine: str, metric: str, graph: Path) -> None:
    g = load(graph)
    print((run_igraph if engine == "igraph" else run_networkx)(metric, g))


def in_subprocess(engine: str, metric: str, graph: Path, timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", engine, metric, "--graph", str(graph)]
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"seconds": float("inf"), "peak": float("nan"), "hwm": float("nan"), "info": ""}
    if r.returncode != 0:
        raise RuntimeError(f"{engine} {metric} failed:\n{r.stderr}")
    return json.loads(r.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------


def seconds_text(s: float, timeout: float | None = None) -> str:
    if s == float("inf"):
        return f">{timeout:.0f}" if timeout else "timeout"
    return f"{s:.2f}"


def bench_metrics(graph: Path, label: str) -> dict[str, dict[str, Any]]:
    print(f"\n## igraph, each metric in its own process: {label}")
    print(f"{'metric':<22}{'seconds':>9}{'peak MB':>9}{'RSS MB':>9}  sampling")
    out = {}
    for metric in IGRAPH_METRICS:
        r = in_subprocess("igraph", metric, graph, timeout=1800)
        out[metric] = r
        print(f"{metric:<22}{r['seconds']:9.2f}{r['peak']:9.0f}{r['hwm']:9.0f}  {r['info']}")
    return out


def bench_whole(graph: Path) -> None:
    from graphtwin.analysis.bridging import bridges
    from graphtwin.analysis.centrality import centrality
    from graphtwin.analysis.projection import simple_view

    g = load(graph)
    print("\n## whole run in one process (target: centrality + bridges <= 30 s)")
    t0 = time.perf_counter()
    h = simple_view(g)
    t1 = time.perf_counter()
    c = centrality(g, simple=h)
    t2 = time.perf_counter()
    b = bridges(g, by="city", simple=h)
    t3 = time.perf_counter()
    pair = city_pair(h)
    p = bridges(g, pair=pair, simple=h)
    t4 = time.perf_counter()
    print(f"simple view (parallel ties summed)     {t1 - t0:7.2f} s")
    print(
        f"centrality, all 7 metrics              {t2 - t1:7.2f} s  ({c.attrs['sampling'].label()})"
    )
    print(
        f"bridges by city (all groups)           {t3 - t2:7.2f} s  ({b.attrs['sampling'].label()})"
    )
    print(f"bridges {pair[0]}–{pair[1]:<24}{t4 - t3:7.2f} s  ({p.attrs['sampling'].label()})")
    print(f"centrality + bridges by city           {t3 - t0:7.2f} s  HWM {hwm_mb():.0f} MB")
    print(f"centrality + bridges {pair[0]}–{pair[1]:<12}{t2 - t0 + t4 - t3:7.2f} s")


def bench_cli(orgs: int, ties: int, folder: Path) -> None:
    from graphtwin.ingest.synthetic import generate
    from graphtwin.ingest.writer import write_bundle

    exe = str(Path(sys.executable).with_name("graphtwin"))
    bundle_dir = folder / f"bundle-{orgs}-{ties}"
    db = folder / f"store-{orgs}-{ties}.db"
    print("\n## CLI end to end on a Ladybug store (projection from the store included)")
    if not db.exists():
        write_bundle(generate(orgs, ties, seed=1), bundle_dir)
        t0 = time.perf_counter()
        r = subprocess.run([exe, "-q", "--db", str(db), "load", str(bundle_dir)],
                           capture_output=True, text=True, check=False)  # fmt: skip
        if r.returncode != 0:
            print(f"graphtwin load failed: {r.stderr.strip()[-500:]}")
            return
        print(f"graphtwin load                          {time.perf_counter() - t0:7.2f} s")
    from graphtwin.analysis.projection import graph_from_bundle

    pair = city_pair(graph_from_bundle(generate(min(orgs, 3000), 0, seed=1)))
    total = 0.0
    for args in (["centrality", "--top", "20"], ["bridges", *pair, "--top", "20"],
                 ["bridges", "--top", "20"]):  # fmt: skip
        t0 = time.perf_counter()
        r = subprocess.run([exe, "--db", str(db), *args, "--format", "csv"],
                           capture_output=True, text=True, check=False)  # fmt: skip
        dt = time.perf_counter() - t0
        notes = "; ".join(
            x for x in r.stderr.splitlines() if x.startswith(("projected", "computed"))
        )
        status = notes if r.returncode == 0 else f"exit {r.returncode}: {r.stderr[-300:]}"
        print(f"graphtwin {' '.join(args):<30}{dt:7.2f} s  {status}")
        if args[0] == "centrality" or len(args) > 3:
            total += dt
    print(f"graphtwin centrality + bridges {pair[0]} {pair[1]}: {total:.2f} s")


def bench_against(baseline: str, orgs: int, ties: int, folder: Path, rounds: int) -> None:
    """``bridges A B`` and ``twins`` through this CLI and a baseline CLI (another install,
    e.g. the code before a change) on the same store, alternating A B A B ... so that
    the machine's drift hits both; prints each run, the medians and the median of the
    per-round ratios."""
    exe = str(Path(sys.executable).with_name("graphtwin"))
    db = folder / f"store-{orgs}-{ties}.db"
    if not db.exists():
        bench_cli(orgs, ties, folder)  # builds and loads the store
    from graphtwin.analysis.projection import graph_from_bundle
    from graphtwin.ingest.synthetic import generate

    pair = city_pair(graph_from_bundle(generate(min(orgs, 3000), 0, seed=1)))
    print(f"\n## Against a baseline CLI ({baseline}), {rounds} alternating rounds")
    for args in (["bridges", *pair, "--top", "20"], ["twins", "--countries", "GB", "KR"]):
        times: dict[str, list[float]] = {"new": [], "baseline": []}
        for _ in range(rounds):
            for name, program in (("new", exe), ("baseline", baseline)):
                t0 = time.perf_counter()
                r = subprocess.run([program, "-q", "--db", str(db), *args, "--format", "csv"],
                                   capture_output=True, text=True, check=False)  # fmt: skip
                if r.returncode != 0:
                    print(f"{name} {' '.join(args)}: exit {r.returncode}: {r.stderr[-300:]}")
                    return
                times[name].append(time.perf_counter() - t0)
        ratios = [a / b for a, b in zip(times["new"], times["baseline"], strict=True)]
        print(
            f"graphtwin {' '.join(args):<32} new {np.median(times['new']):6.2f} s  "
            f"baseline {np.median(times['baseline']):6.2f} s  ratio {np.median(ratios):.2f} "
            f"(runs: new {', '.join(f'{t:.1f}' for t in times['new'])}; "
            f"baseline {', '.join(f'{t:.1f}' for t in times['baseline'])})"
        )


def bench_networkx(orgs: int, folder: Path, igraph_results: dict, timeout: float) -> None:
    ties = int(orgs * DENSITY)
    graph = prepare(orgs, ties, folder)
    print(f"\n## igraph vs networkx on {orgs:,} organisations / {ties:,} ties")
    print(f"{'metric':<22}{'igraph s':>10}{'networkx s':>12}{'ratio':>9}  sampling (igraph / nx)")
    for metric in NX_METRICS:
        i = in_subprocess("igraph", metric, graph, timeout=1800)
        x = in_subprocess("networkx", metric, graph, timeout=timeout)
        ratio = x["seconds"] / i["seconds"] if i["seconds"] > 0 else float("nan")
        if x["seconds"] == float("inf"):
            ratio_text = f">{timeout / i['seconds']:.0f}"
        else:
            ratio_text = f"{ratio:.1f}" if ratio < 10 else f"{ratio:.0f}"
        print(
            f"{metric:<22}{i['seconds']:10.3f}{seconds_text(x['seconds'], timeout):>12}"
            f"{ratio_text:>9}  {i['info'] or '-'} / {x['info'] or '-'}"
        )


# --------------------------------------------------------------------------------------
# Quality of sampling
# --------------------------------------------------------------------------------------


def top_overlap(a: np.ndarray, b: np.ndarray, k: int = 100) -> float:
    return len(set(np.argsort(-a)[:k]) & set(np.argsort(-b)[:k])) / k


def bench_quality(orgs: int, folder: Path, pivots: list[int], seeds: int) -> None:
    from scipy.stats import spearmanr

    from graphtwin.analysis import bridging as B
    from graphtwin.analysis import centrality as C
    from graphtwin.analysis.projection import simple_view

    ties = int(orgs * DENSITY)
    g = load(prepare(orgs, ties, folder))
    h = simple_view(g)
    codes = np.unique(np.asarray(B.group_labels(h, "city"), dtype=object), return_inverse=True)[1]
    print(f"\n## sampled vs exact on {orgs:,} organisations / {h.ecount():,} ties "
          f"(default pivots here: {C.default_pivots(h.ecount())})")  # fmt: skip
    metrics = {
        "betweenness": lambda **kw: C.betweenness(h, **kw)[0],
        "harmonic": lambda **kw: C.harmonic(h, **kw)[0],
        "cross (all cities)": lambda **kw: B.cross_group_betweenness(h, codes, **kw)[0],
    }
    print(f"{'metric':<20}{'pivots':>7}{'seconds':>9}{'Spearman':>10}{'top-100':>9}  (over seeds)")
    for name, fn in metrics.items():
        t0 = time.perf_counter()
        exact = fn(exact=True)
        print(f"{name:<20}{'exact':>7}{time.perf_counter() - t0:9.1f}", flush=True)
        for k in pivots:
            rho, top, secs = [], [], []
            for seed in range(seeds):
                t0 = time.perf_counter()
                est = fn(pivots=k, seed=seed, limit=0)
                secs.append(time.perf_counter() - t0)
                rho.append(spearmanr(exact, est).statistic)
                top.append(top_overlap(exact, est))
            print(
                f"{name:<20}{k:>7}{np.mean(secs):9.1f}{np.mean(rho):10.3f}{np.mean(top):9.2f}"
                f"  (Spearman {min(rho):.3f}–{max(rho):.3f}, "
                f"top-100 {min(top):.2f}–{max(top):.2f})",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orgs", type=int, default=46_000)
    ap.add_argument("--ties", type=int, default=500_000)
    ap.add_argument("--quick", action="store_true", help="small sizes, for a check")
    ap.add_argument("--quality", action="store_true", help="only the sampling quality (slow)")
    ap.add_argument("--quality-orgs", type=int, default=20_000)
    ap.add_argument("--pivots", type=int, nargs="+", default=[100, 250, 500, 1000])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--cli", action="store_true", help="also time the CLI on a Ladybug store")
    ap.add_argument(
        "--baseline",
        metavar="GRAPHTWIN",
        help="only time bridges A B and twins against this other graphtwin executable",
    )
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds for --baseline")
    ap.add_argument("--no-networkx", action="store_true")
    ap.add_argument("--nx-timeout", type=float, default=120.0)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "gt-bench")
    ap.add_argument("--worker", nargs=2, metavar=("ENGINE", "METRIC"), help=argparse.SUPPRESS)
    ap.add_argument("--graph", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], args.graph)
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.quick:
        args.orgs, args.ties, args.quality_orgs = 3_000, 30_000, 3_000
        args.pivots, args.seeds = [100, 250], 1
    print(f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    if args.quality:
        bench_quality(args.quality_orgs, args.cache, args.pivots, args.seeds)
        return
    if args.baseline:
        bench_against(args.baseline, args.orgs, args.ties, args.cache, args.rounds)
        return
    graph = prepare(args.orgs, args.ties, args.cache)
    results = bench_metrics(graph, f"{args.orgs:,} organisations / {args.ties:,} ties")
    bench_whole(graph)
    if args.cli:
        bench_cli(args.orgs, args.ties, args.cache)
    if not args.no_networkx:
        sizes = (300, 1_000) if args.quick else (2_000, 20_000)
        for orgs in sizes:
            bench_networkx(orgs, args.cache, results, args.nx_timeout)


if __name__ == "__main__":
    main()
