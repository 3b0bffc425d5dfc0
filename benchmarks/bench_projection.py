"""Benchmark: the cost of the canonical projection (organisations by id, ties sorted).

Both stores and ``graph_from_bundle`` build the analysis graph with ``canonical=True``
so that order-sensitive analysis (seeded Leiden, sampled negatives, the fitted
introduction model) gives the same answer on LadybugDB, Neo4j and files. This times
``graph_from_columns`` on a seeded SYNTHETIC 46,000-organisation / 500,000-tie bundle whose
organisation rows are shuffled (as a store may return them), with and without
``canonical``, alternating in one process, and prints the figures and their ratio.

    python benchmarks/bench_projection.py [--orgs 46000 --ties 500000 --rounds 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from graphtwin.analysis.projection import graph_from_columns
from graphtwin.ingest.synthetic import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=46_000)
    parser.add_argument("--ties", type=int, default=500_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bundle = generate(args.orgs, args.ties, 1)
    cols = ("id", "name", "kind", "city", "country")
    orgs = {c: [getattr(o, c) for o in bundle.organisations] for c in cols}
    orgs["sectors"] = [list(o.sectors) for o in bundle.organisations]
    order = list(range(len(bundle.organisations)))
    random.Random(3).shuffle(order)
    orgs = {c: [v[i] for i in order] for c, v in orgs.items()}
    ties = {
        "source": [t.source for t in bundle.ties],
        "target": [t.target for t in bundle.ties],
        "kind": [t.kind for t in bundle.ties],
        "start_year": [t.start_year for t in bundle.ties],
    }
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.rounds):
        for canonical in (False, True):
            t0 = time.perf_counter()
            graph_from_columns(orgs, ties, canonical=canonical)
            times[canonical].append(time.perf_counter() - t0)
    plain, canon = (statistics.median(times[k]) for k in (False, True))
    print(f"SYNTHETIC {args.orgs:,} organisations, {args.ties:,} ties, {args.rounds} rounds")
    print(f"graph_from_columns, rows as given: median {plain:.2f} s")
    print(f"graph_from_columns, canonical:     median {canon:.2f} s  (ratio {canon / plain:.2f})")


if __name__ == "__main__":
    main()
