"""Benchmark ``potential``, ``twins`` and ``backtest`` at scale; prints seconds and memory.

1. ``potential`` between two cities of 5,000 organisations each (25M candidate pairs),
   on a generated graph of 20,000 organisations and 100,000 heavy-tailed ties (80%
   within a city), against networkx's Adamic–Adar on a sample of the same pairs
   (extrapolated) as the reference for a pair-by-pair Python loop.
2. ``twins`` over every GB × KR city pair of ``graphtwin.ingest.synthetic.generate``
   (46,000 organisations, 500,000 ties).
3. ``backtest`` AUC and precision@20 against the random baseline on generated data, for
   two seeds (all pairs and cross-city pairs).
4. The fitted model (issue #10): scoring the same 25M pairs with a fitted model against
   the fixed-weight path in the same run (budget: within 2x), and the fit itself
   (``choose_scorer``) on ``generate(46,000, 500,000)`` dated ties (budget: 30 s), then
   the same ``potential`` call with the fit passed in, as the CLI does with a cached fit.

Memory: ``py peak`` is the tracemalloc peak during the call (Python and numpy
allocations; igraph's C heap is not seen), ``max RSS`` the process high-water mark so far.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_potential.py           # full sizes
    OMP_NUM_THREADS=1 python benchmarks/bench_potential.py --quick   # small, for a check
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from graphtwin.analysis.backtest import backtest
from graphtwin.analysis.potential import potential, score_pairs
from graphtwin.analysis.projection import graph_from_bundle, graph_from_columns
from graphtwin.analysis.twins import twins


def measure(label: str, fn: Callable[[], Any], memory: bool = True) -> tuple[Any, float, float]:
    """Run ``fn``; print and return (result, seconds, tracemalloc peak MB).

    Seconds come from an untraced run (tracemalloc slows Python-heavy code several
    times); with ``memory`` a second, traced run gives the peak of Python and numpy
    allocations during the call.
    """
    t0 = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - t0
    peak_mb = float("nan")
    if memory:
        del result
        tracemalloc.start()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb = peak / 2**20
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<52} {seconds:8.2f} s   py peak {peak_mb:8.1f} MB   max RSS {rss:7.0f} MB")
    return result, seconds, peak_mb


def two_city_graph(per_city: int, others: int, ties: int, seed: int = 1):
    """Two cities of ``per_city`` organisations plus ``others`` elsewhere; heavy-tailed ties."""
    rng = np.random.default_rng(seed)
    n = 2 * per_city + others
    city = np.array(["Alpha"] * per_city + ["Beta"] * per_city + ["Elsewhere"] * others)
    country = np.array(["GB"] * per_city + ["KR"] * per_city + ["GB"] * others)
    kinds = np.array(["firm", "university", "council", "agency", "catapult", "nonprofit"])
    kind = kinds[rng.choice(len(kinds), n, p=[0.6, 0.1, 0.05, 0.05, 0.05, 0.15])]
    sectors = [f"s{i:02d}" for i in range(20)]
    org_sectors = [list(rng.choice(sectors, rng.integers(1, 4), replace=False)) for _ in range(n)]
    fitness = rng.lognormal(0, 1.2, n)
    p = fitness / fitness.sum()
    src = rng.choice(n, ties, p=p)
    dst = rng.choice(n, ties, p=p)
    # 80% of ties stay within the source's city: redraw the target there.
    local = rng.random(ties) < 0.8
    groups = {c: np.flatnonzero(city == c) for c in np.unique(city)}
    for c, members in groups.items():
        sel = local & (city[src] == c)
        w = fitness[members] / fitness[members].sum()
        dst[sel] = members[rng.choice(len(members), int(sel.sum()), p=w)]
    keep = src != dst
    ids = [f"o{i}" for i in range(n)]
    orgs = {
        "id": ids,
        "name": [f"Org {i}" for i in range(n)],
        "kind": kind.tolist(),
        "city": city.tolist(),
        "country": country.tolist(),
        "sectors": org_sectors,
    }
    tie_cols = {
        "source": [ids[i] for i in src[keep]],
        "target": [ids[i] for i in dst[keep]],
        "kind": ["project"] * int(keep.sum()),
    }
    return graph_from_columns(orgs, tie_cols)


def bench_potential(per_city: int, others: int, ties: int) -> None:
    print(f"\n== potential: two cities of {per_city:,} organisations ==")
    g, _, _ = measure(
        f"build graph ({2 * per_city + others:,} orgs, {ties:,} ties)",
        lambda: two_city_graph(per_city, others, ties),
        memory=False,
    )
    df, secs, _ = measure("potential Alpha Beta --top 20", lambda: potential(g, "Alpha", "Beta"))
    pairs = df.attrs["candidates"]
    rate = pairs / secs / 1e6
    print(f"  {pairs:,} candidate pairs; {rate:.1f}M pairs/s; top score {df.score[0]:.3f}")
    measure(
        "potential Alpha Beta --top 1000",
        lambda: potential(g, "Alpha", "Beta", top=1000),
    )
    measure(
        "potential Alpha Beta --kind university",
        lambda: potential(g, "Alpha", "Beta", kind="university"),
    )
    # Reference: networkx Adamic–Adar pair by pair on a sample, extrapolated.
    import networkx as nx

    h = nx.Graph()
    h.add_nodes_from(range(g.vcount()))
    h.add_edges_from(g.get_edgelist())
    rng = np.random.default_rng(0)
    a = rng.choice(per_city, 20_000)
    b = per_city + rng.choice(per_city, 20_000)
    sample = [(int(x), int(y)) for x, y in zip(a, b, strict=True) if not h.has_edge(x, y)]
    t0 = time.perf_counter()
    for _ in nx.adamic_adar_index(h, sample):
        pass
    nx_secs = (time.perf_counter() - t0) * pairs / len(sample)
    print(
        f"  networkx adamic_adar_index pair by pair (one of six scores), extrapolated: "
        f"{nx_secs:.0f} s -> potential is {nx_secs / secs:.0f}x faster for all six"
    )
    ids = g.vs["id"]
    t0 = time.perf_counter()
    score_pairs(g, [(ids[x], ids[y]) for x, y in sample])
    print(f"  score_pairs on the same {len(sample):,} pairs: {time.perf_counter() - t0:.2f} s")


def dated(g, seed: int = 2):
    """``g`` with seeded start years 2015–2024 on its ties (later years more ties)."""
    rng = np.random.default_rng(seed)
    g.es["start_year"] = (2015 + np.minimum(9, rng.exponential(4, g.ecount()))).astype(int).tolist()
    return g


def bench_model(per_city: int, others: int, ties: int, orgs: int, big_ties: int) -> None:
    from graphtwin.analysis.linkmodel import choose_scorer
    from graphtwin.ingest.synthetic import generate

    print(f"\n== fitted model vs fixed weights: two cities of {per_city:,} organisations ==")
    g = dated(two_city_graph(per_city, others, ties))
    scorer, fit_s, _ = measure("fit (choose_scorer) on this graph", lambda: choose_scorer(g),
                               memory=False)  # fmt: skip
    print(f"  {scorer.method}: {scorer.why}")
    if scorer.method != "fitted":  # time the fitted path anyway: fit the latest window
        from graphtwin.analysis.linkmodel import Scorer, fit_model, window

        model = fit_model(window(g, 2022, 3))
        scorer = Scorer("fitted", "fitted on 2022–2024 for timing", 3, model)
        print("  (timing a model fitted on the latest window instead)")
    _, fixed_s, fixed_mb = measure(
        "potential --top 20, fixed weights (today's path)",
        lambda: potential(g, "Alpha", "Beta", fixed_weights=True),
    )
    df, model_s, model_mb = measure(
        "potential --top 20, fitted model (fit passed in)",
        lambda: potential(g, "Alpha", "Beta", scorer=scorer),
    )
    print(
        f"  scoring {df.attrs['candidates']:,} pairs: fitted/fixed = {model_s / fixed_s:.2f}x "
        f"time, {model_mb / fixed_mb:.2f}x py peak; without a cached fit "
        f"{(model_s + fit_s) / fixed_s:.2f}x"
    )
    print(f"\n== fit on generate({orgs:,}, {big_ties:,}) dated ties ==")
    big, _, _ = measure("generate + graph", lambda: graph_from_bundle(generate(orgs, big_ties, 1)),
                        memory=False)  # fmt: skip
    s2, _, _ = measure("fit (choose_scorer), budget 30 s", lambda: choose_scorer(big),
                       memory=False)  # fmt: skip
    print(f"  {s2.method}: {s2.why}")


def bench_twins(orgs: int, ties: int) -> None:
    from graphtwin.ingest.synthetic import generate

    print(f"\n== twins: GB x KR on generate({orgs:,}, {ties:,}) ==")
    generated, _, _ = measure("generate", lambda: generate(orgs, ties, seed=1), memory=False)
    g, _, _ = measure("graph_from_bundle", lambda: graph_from_bundle(generated))
    df, secs, _ = measure("twins --countries GB KR (all pairs ranked)", lambda: twins(g))
    print(f"  {df.attrs['pairs']:,} city pairs; {df.attrs['pairs'] / secs:,.0f} pairs/s")
    top = df.head(5)
    for r in top.itertuples():
        print(
            f"  {r.rank:>2}. {r.city_a}–{r.city_b} {r.score:.3f} stability {r.rank_stability:.2f}"
        )
    measure(
        "twins --population-band 100k-1M",
        lambda: twins(g, population_band=(100_000, 1_000_000)),
    )


def bench_backtest(orgs: int, ties: int, seeds: tuple[int, ...]) -> None:
    from graphtwin.ingest.synthetic import generate

    print(f"\n== backtest on generate({orgs:,}, {ties:,}), split 2022, K = 20 ==")
    print(
        f"{'seed':>4} {'pairs':<10} {'positives':>9} {'combined AUC':>12} {'P@20':>6} "
        f"{'best single (AUC)':<32} {'random AUC':>10} {'P@20':>6} {'pos rate':>8} {'secs':>5}"
    )
    for seed in seeds:
        g = graph_from_bundle(generate(orgs, ties, seed=seed))
        for cross in (False, True):
            t0 = time.perf_counter()
            r = backtest(g, 2022, top_k=20, cross_city=cross)
            secs = time.perf_counter() - t0
            t = r.table.set_index("scorer")
            singles = t.drop(index=["combined", "random"])
            best = singles["auc"].idxmax()
            best_text = f"{best} ({singles.loc[best, 'auc']:.3f})"
            print(
                f"{seed:>4} {'cross-city' if cross else 'all':<10} {r.counts['positives']:>9,} "
                f"{t.loc['combined', 'auc']:>12.3f} {t.loc['combined', 'precision_at_k']:>6.2f} "
                f"{best_text:<32} "
                f"{t.loc['random', 'auc']:>10.3f} {t.loc['random', 'precision_at_k']:>6.2f} "
                f"{r.counts['positive_rate']:>8.4f} {secs:>5.1f}"
            )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    ap.add_argument("--only", choices=["potential", "model", "twins", "backtest"], default=None)
    args = ap.parse_args(argv)
    print(f"python {sys.version.split()[0]}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    if args.quick:
        sizes = {
            "potential": (500, 1_000, 10_000),
            "model": (500, 1_000, 10_000, 3_000, 15_000),
            "twins": (4_000, 20_000),
            "bt": (3_000, 15_000),
        }
    else:
        sizes = {
            "potential": (5_000, 10_000, 100_000),
            "model": (5_000, 10_000, 100_000, 46_000, 500_000),
            "twins": (46_000, 500_000),
            "bt": (10_000, 60_000),
        }
    if args.only in (None, "potential"):
        bench_potential(*sizes["potential"])
    if args.only in (None, "model"):
        bench_model(*sizes["model"])
    if args.only in (None, "twins"):
        bench_twins(*sizes["twins"])
    if args.only in (None, "backtest"):
        bench_backtest(*sizes["bt"], seeds=(1, 2))


if __name__ == "__main__":
    main()
