"""Temporal backtest: score pairs with the past, measure against the future.

Protocol (docs/potential.md has the full text):

1. **Split** the ties at year Y: training ties started before Y; ties with no start year
   stay in training (they happened at some time we cannot place) and are never test
   ties; test ties started in or after Y.
2. **Candidates**: unordered pairs of organisations that both have a training tie
   (degree >= 1: scores need a past) and are not tied in training; with
   ``cross_city`` only pairs in two different cities.
3. **Positives**: candidate pairs that get a test tie. Test ties touching an
   organisation with no training tie (cold start) or repeating a training pair are
   counted and left out.
4. **Negatives**: all other candidates when there are at most ``negatives`` of them;
   else a uniform sample of ``negatives`` distinct pairs (seeded rejection sampling of
   random pairs). Every positive is always scored.
5. **Scores** on the training graph only: the combined ``potential`` score (each score
   normalised by its maximum over the scored pairs, weights from weights.toml), each
   single score, and a seeded uniform random baseline.
6. **Metrics**: ROC AUC by ranks (Mann–Whitney U / (n_pos n_neg), tied scores counted
   half), precision@K and recall@K as their expectation over a random order of tied
   scores (so a score that ties everything is not flattered or punished by an
   arbitrary order). With sampled negatives, AUC is unbiased, but precision@K refers
   to the sample (the positive rate is reported beside it).

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": list("abcd"), "name": list("ABCD"), "kind": ["firm"] * 4,
    ...      "city": ["X"] * 4, "country": ["GB"] * 4},
    ...     {"source": ["a", "b", "a", "c"], "target": ["b", "c", "c", "d"],
    ...      "kind": ["project"] * 4, "start_year": [2010, 2011, 2020, 2012]})
    >>> r = backtest(g, 2015, top_k=1)
    >>> r.counts["positives"], r.counts["negatives"]
    (1, 2)
    >>> float(r.table.set_index("scorer").loc["adamic_adar", "auc"])  # a–c beats a–d, ties b–d
    0.75
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
from scipy.stats import rankdata

from graphtwin.analysis.config import POTENTIAL_SCORES, Config, load_config
from graphtwin.analysis.potential import LinkIndex, combine, normalise
from graphtwin.errors import GraphtwinError
from graphtwin.progress import ProgressFn, no_progress

SCORERS: tuple[str, ...] = ("combined", *POTENTIAL_SCORES, "random")


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC from ranks: the probability that a random positive outscores a random
    negative, ties counted half (Mann–Whitney). NaN without both classes.

    >>> roc_auc(np.array([1, 0, 1, 0]), np.array([0.9, 0.1, 0.5, 0.5]))
    0.875
    """
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    n_pos = int(labels.sum())
    n_neg = len(labels) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = rankdata(scores, method="average")
    u = ranks[labels].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def hits_at_k(labels: np.ndarray, scores: np.ndarray, k: int) -> float:
    """Expected positives among the top ``k`` when tied scores are ordered at random.

    >>> hits_at_k(np.array([1, 0, 1, 0]), np.array([0.9, 0.5, 0.5, 0.5]), 2)
    1.3333333333333333
    """
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    k = min(k, len(scores))
    if k <= 0:
        return 0.0
    threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
    above = scores > threshold
    tied = scores == threshold
    need = k - int(above.sum())
    return float(labels[above].sum() + need * labels[tied].sum() / tied.sum())


@dataclass
class BacktestResult:
    """``table``: one row per scorer (scorer, auc, precision_at_k, recall_at_k, k);
    ``counts``: the numbers behind it (ties, organisations, positives, negatives ...)."""

    table: pd.DataFrame
    counts: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> list[dict[str, Any]]:
        """Rows for output: each scorer with the random baseline and the counts beside it."""
        base = self.table.set_index("scorer").loc["random"]
        out = []
        for rec in self.table.to_dict("records"):
            rec.update(
                random_auc=float(base["auc"]),
                random_precision_at_k=float(base["precision_at_k"]),
                random_recall_at_k=float(base["recall_at_k"]),
            )
            rec.update(self.counts)
            out.append(rec)
        return out


def _pair_keys(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    return lo.astype(np.int64) * n + hi.astype(np.int64)


def backtest(
    g: ig.Graph,
    split: int,
    *,
    top_k: int = 20,
    cross_city: bool = False,
    config: Config | None = None,
    negatives: int | None = None,
    seed: int | None = None,
    progress: ProgressFn | None = None,
) -> BacktestResult:
    """Score candidate pairs on ties before ``split`` and measure against ties from it on.

    ``negatives`` and ``seed`` default to weights.toml ``[backtest]``. Raises
    GraphtwinError when the split leaves no training ties or no positives.
    """
    cfg = config or load_config()
    n_neg_max = negatives if negatives is not None else cfg.backtest.negatives
    seed = seed if seed is not None else cfg.backtest.seed
    if top_k < 1:
        raise GraphtwinError(f"--top must be at least 1, got {top_k}")
    progress = progress or no_progress
    n = g.vcount()
    years = g.es["start_year"] if g.ecount() else []
    train_e = [i for i, y in enumerate(years) if y is None or y < split]
    test_e = [i for i, y in enumerate(years) if y is not None and y >= split]
    undated = sum(1 for y in years if y is None)
    dated = [y for y in years if y is not None]
    if not train_e:
        first = min(dated) if dated else None
        raise GraphtwinError(
            f"no ties started before {split} (earliest start year: {first}); choose a later --split"
        )
    if not test_e:
        last = max(dated) if dated else None
        raise GraphtwinError(
            f"no ties started in or after {split} (latest start year: {last}); "
            "choose an earlier --split"
        )
    progress(0, 4, "backtest: training graph")
    train = g.subgraph_edges(train_e, delete_vertices=False)
    ix = LinkIndex(train, cfg.potential)
    present = ix.deg > 0
    cities = np.array([c if c is not None else "" for c in g.vs["city_id"]], dtype=object)
    city_code = np.unique(cities, return_inverse=True)[1]
    has_city = cities != ""

    # Positives
    el = np.asarray(g.get_edgelist(), dtype=np.int64)[test_e]
    u, v = el[:, 0], el[:, 1]
    ok = u != v
    u, v = u[ok], v[ok]
    keys, first = np.unique(_pair_keys(u, v, n), return_index=True)
    u, v = u[first], v[first]
    new_org = ~(present[u] & present[v])
    if cross_city:
        same = ~(has_city[u] & has_city[v]) | (city_code[u] == city_code[v])
    else:
        same = np.zeros(len(u), dtype=bool)
    keep_pos = ~new_org & ~same
    already = np.zeros(len(u), dtype=bool)
    already[keep_pos] = ix.tied(u[keep_pos], v[keep_pos])
    keep_pos &= ~already
    pu, pv = u[keep_pos], v[keep_pos]
    pos_keys = keys[keep_pos]
    if len(pu) == 0:
        raise GraphtwinError(
            f"no test pairs to predict: of {len(keys):,} pairs tied from {split} on, "
            f"{int(new_org.sum()):,} involve an organisation with no earlier tie, "
            f"{int(already.sum()):,} were already tied"
            + (f", {int((same & ~new_org).sum()):,} are within one city" if cross_city else "")
        )

    # Candidate universe size
    pres = np.flatnonzero(present & has_city) if cross_city else np.flatnonzero(present)
    n_p = len(pres)
    if cross_city:
        sizes = np.bincount(city_code[pres])
        universe = (n_p * n_p - int((sizes.astype(np.int64) ** 2).sum())) // 2
        a = ix.A.tocoo()
        m = (a.row < a.col) & has_city[a.row] & has_city[a.col]
        m &= city_code[a.row] != city_code[a.col]
        train_pairs = int(m.sum())
    else:
        universe = n_p * (n_p - 1) // 2
        train_pairs = int(ix.A.nnz // 2)
    candidates = universe - train_pairs
    neg_total = candidates - len(pu)
    progress(1, 4, "backtest: negatives")

    rng = np.random.default_rng(seed)
    if neg_total <= n_neg_max:
        nu, nv = _all_negatives(ix, pres, city_code, cross_city, pos_keys, n)
        sampled = False
    else:
        nu, nv = _sample_negatives(ix, pres, city_code, cross_city, pos_keys, n, n_neg_max, rng)
        sampled = True
    progress(2, 4, "backtest: scoring")

    su = np.concatenate([pu, nu])
    sv = np.concatenate([pv, nv])
    labels = np.zeros(len(su), dtype=bool)
    labels[: len(pu)] = True
    raw = ix.pair_scores(su, sv)
    raw["preferential_attachment"] = np.log1p(raw["preferential_attachment"])
    maxima = {k: float(raw[k].max()) if len(raw[k]) else 0.0 for k in POTENTIAL_SCORES}
    scores = {"combined": combine(normalise(raw, maxima), cfg.potential.weights)}
    scores.update({k: raw[k] for k in POTENTIAL_SCORES})
    scores["random"] = rng.random(len(su))
    progress(3, 4, "backtest: metrics")

    n_pos = int(labels.sum())
    records = []
    for name in SCORERS:
        s = scores[name]
        hits = hits_at_k(labels, s, top_k)
        k = min(top_k, len(s))
        records.append(
            {
                "scorer": name,
                "auc": roc_auc(labels, s),
                "precision_at_k": hits / k if k else float("nan"),
                "recall_at_k": hits / n_pos,
                "k": k,
            }
        )
    counts = {
        "split": split,
        "cross_city": cross_city,
        "train_ties": len(train_e),
        "undated_ties": undated,
        "test_ties": len(test_e),
        "test_pairs": len(keys),
        "excluded_new_orgs": int(new_org.sum()),
        "excluded_already_tied": int(already.sum()),
        "excluded_same_city": int((same & ~new_org).sum()) if cross_city else 0,
        "organisations_in_training": int(present.sum()),
        "candidates": int(candidates),
        "positives": n_pos,
        "negatives": len(nu),
        "negatives_sampled": sampled,
        "negative_sample_rate": float(len(nu) / neg_total) if neg_total else 1.0,
        "positive_rate": float(n_pos / len(su)),
        "seed": seed,
    }
    progress(4, 4, "backtest: metrics")
    return BacktestResult(pd.DataFrame.from_records(records), counts)


def _all_negatives(
    ix: LinkIndex,
    pres: np.ndarray,
    city_code: np.ndarray,
    cross_city: bool,
    pos_keys: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate pair that is not a positive (small universes only)."""
    iu, iv = np.triu_indices(len(pres), k=1)
    u, v = pres[iu], pres[iv]
    keep = ~ix.tied(u, v)
    if cross_city:
        keep &= city_code[u] != city_code[v]
    u, v = u[keep], v[keep]
    keep = ~np.isin(_pair_keys(u, v, n), pos_keys)
    return u[keep], v[keep]


def _sample_negatives(
    ix: LinkIndex,
    pres: np.ndarray,
    city_code: np.ndarray,
    cross_city: bool,
    pos_keys: np.ndarray,
    n: int,
    count: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` distinct uniform random candidate pairs that are not positives.

    Two organisations drawn independently and uniformly from those with a training tie,
    rejected if equal, tied in training, a positive, in one city (``cross_city``) or
    already drawn: a uniform sample of unordered candidate pairs without replacement.
    """
    chosen = np.zeros(0, dtype=np.int64)
    for _ in range(1000):
        need = count - len(chosen)
        if need <= 0:
            break
        m = int(need * 1.3) + 100
        u = pres[rng.integers(0, len(pres), m)]
        v = pres[rng.integers(0, len(pres), m)]
        ok = u != v
        if cross_city:
            ok &= city_code[u] != city_code[v]
        u, v = u[ok], v[ok]
        ok = ~ix.tied(u, v)
        keys = _pair_keys(u[ok], v[ok], n)
        keys = keys[~np.isin(keys, pos_keys)]
        # Keep the draw order (first occurrence) so the sample does not favour small ids.
        keys = keys[~np.isin(keys, chosen)]
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]
        chosen = np.concatenate([chosen, keys[:need]])
    chosen = chosen[:count]
    return chosen // n, chosen % n
