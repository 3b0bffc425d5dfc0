"""Does the fitted ``combined`` score match the best single signal in every regime?

For each temporal regime of :mod:`graphtwin.ingest.regimes` (closure, homophily,
gravity; stationary, synthetic, seeded) and each seed, ``backtest`` at split 2022 with a
3-year horizon on cross-city pairs, and prints per regime × seed: the number of test
positives, ROC AUC and average precision of ``combined`` (what ``potential`` ranks by),
the fixed default weights, the best single signal (chosen on the test years: an oracle)
and random; then per regime the mean AUCs, the worst seed's gap to the best single, and
the calibration of the pooled probabilities over seeds: bins (of 10 quantile bins)
whose observed rate is inside the 95% interval, and the expected calibration error
(weighted mean |predicted − observed| over the bins, relative to the base rate).

The issue's criteria: mean combined AUC ≥ mean best single − 0.01, no seed more than
0.03 below, calibration in ≥ 8 of 10 pooled bins.

Usage::

    OMP_NUM_THREADS=1 python benchmarks/bench_linkmodel.py            # 3 regimes × 5 seeds
    OMP_NUM_THREADS=1 python benchmarks/bench_linkmodel.py --quick    # small, 2 seeds
    python benchmarks/bench_linkmodel.py --write closure 1 DIR   # one regime as a bundle
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from graphtwin.analysis.backtest import backtest, reliability
from graphtwin.analysis.projection import graph_from_bundle
from graphtwin.ingest.regimes import REGIMES, temporal_regime

SINGLES_EXCLUDED = ("combined", "fixed_weights", "rank_combination", "random")


def run(seeds: list[int], orgs: int, ties_per_year: int) -> dict[str, dict]:
    """Print the regime × seed table; return the per-regime summary."""
    head = (
        f"{'regime':<10} {'seed':>4} {'pos':>4} {'method':<7} | {'combined':>15} | "
        f"{'fixed weights':>15} | {'best single (oracle)':>37} | {'random':>15} | {'secs':>4}"
    )
    print(head)
    print(f"{'':<28}| {'AUC    AP':>15} | {'AUC    AP':>15} | {'':>21}{'AUC    AP':>16} |")
    summary = {}
    for regime in REGIMES:
        rows = []
        pooled = {"labels": [], "combined": [], "weights": []}
        for seed in seeds:
            t0 = time.perf_counter()
            g = graph_from_bundle(
                temporal_regime(regime, seed, orgs=orgs, ties_per_year=ties_per_year)
            )
            r = backtest(g, 2022, horizon=3)
            secs = time.perf_counter() - t0
            t = r.table.set_index("scorer")
            singles = t.drop(index=list(SINGLES_EXCLUDED))
            best = singles["auc"].idxmax()
            rows.append((t.loc["combined", "auc"], singles.loc[best, "auc"]))
            if r.counts["method"] == "fitted":
                for k in pooled:
                    pooled[k].append(r.predictions[k])

            def pair(name: str, t=t) -> str:
                return f"{t.loc[name, 'auc']:.3f} {t.loc[name, 'average_precision']:.4f}"

            print(
                f"{regime:<10} {seed:>4} {r.counts['positives']:>4} {r.counts['method']:<7} | "
                f"{pair('combined')} | {pair('fixed_weights')} | {best:<24}{pair(best)} | "
                f"{pair('random')} | {secs:4.1f}"
            )
        comb = np.array([a for a, _ in rows])
        best = np.array([b for _, b in rows])
        cal = []
        if pooled["labels"]:
            y = np.concatenate(pooled["labels"])
            p = np.concatenate(pooled["combined"])
            w = np.concatenate(pooled["weights"])
            cal = reliability(y, p, w)
        summary[regime] = {
            "mean_combined": comb.mean(),
            "mean_best_single": best.mean(),
            "worst_gap": float((comb - best).min()),
            "bins_inside": sum(b["inside"] for b in cal),
            "bins": len(cal),
            "ece_rel": _ece(cal),
            "calibration": cal,
        }
    return summary


def _ece(cal: list[dict]) -> float:
    if not cal:
        return float("nan")
    n = sum(b["pairs"] for b in cal)
    err = sum(b["pairs"] * abs(b["mean_predicted"] - b["observed"]) for b in cal) / n
    base = sum(b["pairs"] * b["observed"] for b in cal) / n
    return err / base if base else float("nan")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="2 seeds, smaller networks")
    ap.add_argument(
        "--write",
        nargs=3,
        metavar=("REGIME", "SEED", "DIR"),
        default=None,
        help="write one regime network as a bundle folder (to load and try)",
    )
    args = ap.parse_args(argv)
    if args.write:
        from graphtwin.ingest.writer import write_bundle

        regime, seed, folder = args.write
        write_bundle(temporal_regime(regime, int(seed)), folder, overwrite=True)
        print(f"wrote {folder}/ (synthetic temporal regime {regime}, seed {seed})")
        return
    seeds = [1, 2] if args.quick else [1, 2, 3, 4, 5]
    orgs, per_year = (500, 200) if args.quick else (800, 300)
    print(
        f"temporal regimes (synthetic): {orgs} organisations, {per_year} ties a year, "
        f"split 2022, horizon 3, cross-city pairs, seeds {seeds}\n"
    )
    summary = run(seeds, orgs, per_year)
    print(
        f"\n{'regime':<10} {'mean combined':>13} {'mean best single':>16} {'worst seed gap':>14} "
        f"{'calibrated bins (pooled)':>24} {'ECE / base rate':>15}  verdict"
    )
    for regime, s in summary.items():
        ok_auc = s["mean_combined"] >= s["mean_best_single"] - 0.01 and s["worst_gap"] >= -0.03
        ok_cal = s["bins"] and s["bins_inside"] >= 8
        verdict = (
            ("AUC ok" if ok_auc else "AUC FAILS")
            + ", "
            + ("calibrated" if ok_cal else "UNCALIBRATED")
        )
        print(
            f"{regime:<10} {s['mean_combined']:>13.3f} {s['mean_best_single']:>16.3f} "
            f"{s['worst_gap']:>+14.3f} {s['bins_inside']:>18}/{s['bins']:<5} "
            f"{s['ece_rel']:>15.2f}  {verdict}"
        )
    for regime, s in summary.items():
        print(f"\nreliability, {regime} (pooled over seeds):")
        print(f"{'bin':>3} {'pos':>5} {'mean predicted':>14} {'observed':>9} {'95% interval':>21}")
        for b in s["calibration"]:
            print(
                f"{b['bin']:>3} {b['positives']:>5} {b['mean_predicted']:>14.5f} "
                f"{b['observed']:>9.5f}   [{b['low']:.5f}, {b['high']:.5f}] "
                f"{'' if b['inside'] else 'outside'}"
            )


if __name__ == "__main__":
    main()
