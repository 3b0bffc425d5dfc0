"""Benchmark: synthetic generation and bundle writing at the issue's scale.

Times :func:`graphtwin.ingest.synthetic.generate` for 46,000 organisations and 500,000
ties (the size of the Innovate UK KTN network) and :func:`write_bundle` for the result,
and prints seconds, throughput and the ratio to the one-minute budget. Optionally also
times reading the written bundle back through the validator (``--validate``).

Usage:
    python benchmarks/bench_generate.py                 # 46k / 500k, seed 1
    python benchmarks/bench_generate.py --orgs 5000 --ties 50000 --repeat 3 --validate
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from graphtwin.ingest.synthetic import generate
from graphtwin.ingest.writer import write_bundle

BUDGET_SECONDS = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=46_000)
    parser.add_argument("--ties", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    parser.add_argument("--validate", action="store_true", help="also time read_bundle")
    args = parser.parse_args()

    gen_times, write_times, read_times = [], [], []
    for run in range(args.repeat):
        t0 = time.perf_counter()
        bundle = generate(args.orgs, args.ties, seed=args.seed + run)
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            paths = write_bundle(bundle, folder)
            t2 = time.perf_counter()
            size_mb = sum(p.stat().st_size for p in paths.values()) / 1e6
            if args.validate:
                from graphtwin.ingest import read_bundle

                read_bundle(folder)
                read_times.append(time.perf_counter() - t2)
        gen_times.append(t1 - t0)
        write_times.append(t2 - t1)

    gen, write = statistics.median(gen_times), statistics.median(write_times)
    print(f"synthetic bundle: {args.orgs:,} organisations, {args.ties:,} ties, {size_mb:.1f} MB")
    print(f"generate      {gen:7.2f} s  ({args.ties / gen:,.0f} ties/s)")
    print(f"write_bundle  {write:7.2f} s  ({args.ties / write:,.0f} ties/s)")
    total = gen + write
    if read_times:
        read = statistics.median(read_times)
        print(f"read_bundle   {read:7.2f} s  ({args.ties / read:,.0f} ties/s, validation)")
    print(
        f"generate + write {total:.2f} s = {total / BUDGET_SECONDS:.1%} of the "
        f"{BUDGET_SECONDS:.0f} s budget ({BUDGET_SECONDS / total:.0f}x headroom)"
    )


if __name__ == "__main__":
    main()
