"""Benchmark: read and validate a generated 46k-organisation / 500k-tie bundle.

Generates the bundle with the seeded synthetic generator, writes it as CSV files (and,
with --json, as one JSON file too), then times :func:`graphtwin.ingest.read_bundle`
``--repeat`` times and prints the best and median wall times, rows per second, and the
split between reading the CSV (bundle.py) and checking the values (validate.py).

With ``--baseline REPO`` (a checkout with its own .venv, e.g. /work/wt/base) it also
times read_bundle of the same folder with the baseline's code and this code in
alternating processes (benchmarks/baseline.py) and prints the ratio: the cost of the
input checks added since (control characters, NFC ids, ASCII digits, size caps).

\b
    python benchmarks/bench_validate.py                 # 46,000 / 500,000, seed 1
    python benchmarks/bench_validate.py --orgs 5000 --ties 50000 --repeat 5
    python benchmarks/bench_validate.py --baseline /work/wt/base --repeat 1
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from graphtwin.ingest import read_bundle
from graphtwin.ingest.bundle import read_raw
from graphtwin.ingest.synthetic import generate
from graphtwin.ingest.writer import write_bundle


def _timed(fn, repeat: int) -> tuple[list[float], object, float]:
    """Wall times of ``repeat`` calls, the last result, and the least CPU time of a call.

    CPU time is printed beside wall time because the benchmark machines are shared: when
    other processes hold the cores, wall time grows and CPU time much less.
    """
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return times, result, min(cpu)


def _read_only(path: Path) -> int:
    """Parse every row of every table without checking values (the reading share).

    The garbage collector is off, as read_bundle keeps it off while it reads.
    """
    gc.disable()
    try:
        raw = read_raw(path)
        return sum(1 for t in raw.tables.values() for _ in t.rows())
    finally:
        gc.enable()


#: Run by each process of the baseline comparison: time read_bundle of a folder.
_READ_ONE = """
import json, sys, time
from graphtwin.ingest import read_bundle
started = time.perf_counter()
bundle = read_bundle(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - started, "ties": len(bundle.ties)}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description="Time read_bundle on a generated bundle.")
    parser.add_argument("--orgs", type=int, default=46_000)
    parser.add_argument("--ties", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also time the JSON form")
    parser.add_argument("--baseline", type=Path, help="compare with this checkout's code")
    parser.add_argument("--baseline-rounds", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    bundle = generate(args.orgs, args.ties, seed=args.seed)
    print(f"generate({args.orgs}, {args.ties}, seed={args.seed}): {time.perf_counter() - t0:.2f} s")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bundle"
        t0 = time.perf_counter()
        write_bundle(bundle, folder)
        size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        print(f"write_bundle: {time.perf_counter() - t0:.2f} s, {size:.1f} MB of CSV")

        rows = len(bundle.organisations) + len(bundle.ties)
        rows += len(bundle.cities) + len(bundle.sectors)
        read_times, n, _ = _timed(lambda: _read_only(folder), args.repeat)
        times, result, cpu = _timed(lambda: read_bundle(folder), args.repeat)
        assert len(result.organisations) == len(bundle.organisations)
        assert len(result.ties) == len(bundle.ties)
        assert n == rows, (n, rows)
        best, median = min(times), statistics.median(times)
        print(
            f"read_bundle (CSV folder): best {best:.2f} s, median {median:.2f} s "
            f"over {args.repeat} runs; {rows / best:,.0f} rows/s; CPU time {cpu:.2f} s"
        )
        share = min(read_times) / best
        print(
            f"  reading CSV only: {min(read_times):.2f} s ({share:.0%}); "
            f"checking values: {best - min(read_times):.2f} s ({1 - share:.0%})"
        )

        if args.baseline:
            from baseline import alternate

            alternate(_READ_ONE, [str(folder)], args.baseline, args.baseline_rounds, "read_bundle")

        if args.json:
            doc = {
                "organisations": [asdict(o) for o in bundle.organisations],
                "ties": [asdict(t) for t in bundle.ties],
                "cities": [asdict(c) for c in bundle.cities],
                "sectors": [asdict(s) for s in bundle.sectors],
            }
            for org in doc["organisations"]:
                org["sectors"] = list(org["sectors"])
            path = Path(tmp) / "bundle.json"
            path.write_text(json.dumps(doc), encoding="utf-8")
            jtimes, _, _ = _timed(lambda: read_bundle(path), args.repeat)
            jbest = min(jtimes)
            print(
                f"read_bundle (JSON file, {path.stat().st_size / 1e6:.1f} MB): best {jbest:.2f} s; "
                f"{rows / jbest:,.0f} rows/s; JSON/CSV time ratio {jbest / best:.2f}"
            )


if __name__ == "__main__":
    main()
