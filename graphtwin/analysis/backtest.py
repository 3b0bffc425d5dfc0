"""Temporal backtest: fit and score with the past, measure against the future.

Protocol (docs/potential.md has the full text), for a split year S and a horizon H:

1. **Nested temporal validation.** Everything ``potential`` would do with the ties
   started before S is done (:func:`graphtwin.analysis.linkmodel.choose_scorer` with
   ``end = S``): the model is fitted on features before S − H and labels in [S − H, S)
   (and chosen against the alternatives on that window with a model fitted one horizon
   earlier). It never sees a tie from S on.
2. **Test pairs.** Candidates are unordered pairs of organisations that both have a tie
   before S and are not tied before S; by default in two different cities (what
   ``potential`` ranks; ``cross_city=False`` for every pair). Positives: candidates
   tied in [S, S + H). Ties touching an organisation with no earlier tie (cold start)
   or repeating an earlier pair are counted and left out; undated ties are past.
3. **Negatives**: all other candidates when there are at most ``negatives`` of them;
   else a seeded uniform sample, **re-weighted** by the inverse sampling rate, so that
   average precision, precision@K, recall@K, the base rate, the Brier score and the
   reliability table refer to all candidate pairs. Every positive is scored.
4. **Scorers**, side by side: ``combined`` (exactly what ``potential`` ranks by by
   default: the fitted probability, or its documented fall-back), ``fixed_weights``
   (the weights of weights.toml or ``--weights``, normalised by the maxima over the
   scored pairs), ``rank_combination``, every single signal of
   :data:`~graphtwin.analysis.signals.SINGLE_SIGNALS` and a seeded ``random`` baseline.
5. **Metrics**: ROC AUC by ranks (Mann–Whitney; ties counted half; unbiased under
   uniform negative sampling) with a 95% interval (Hanley & McNeil 1982); average
   precision; precision@K and recall@K as expectations over a random order of tied
   scores, K counted in (re-weighted) candidate pairs; for a probability, the Brier
   score and a reliability table over 10 quantile bins: mean predicted against observed
   rate with its 95% Wilson interval. The probabilities count as calibrated when the
   observed rate lies in the interval in at least 8 of the 10 bins.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": list("abcd"), "name": list("ABCD"), "kind": ["firm"] * 4,
    ...      "city": ["X"] * 4, "country": ["GB"] * 4},
    ...     {"source": ["a", "b", "a", "c"], "target": ["b", "c", "c", "d"],
    ...      "kind": ["project"] * 4, "start_year": [2010, 2011, 2020, 2012]})
    >>> r = backtest(g, 2015, top_k=1, cross_city=False, horizon=10)
    >>> r.counts["positives"], r.counts["negatives"]
    (1, 2)
    >>> float(r.table.set_index("scorer").loc["adamic_adar", "auc"])  # a–c beats a–d, ties b–d
    0.75
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
from scipy.stats import rankdata

from graphtwin.analysis.config import POTENTIAL_SCORES, Config, load_config
from graphtwin.analysis.linkmodel import (
    DEFAULT_HORIZON,
    choose_scorer,
    rank_reference,
    rank_score,
    single_score,
    window,
)
from graphtwin.analysis.potential import combine, normalise
from graphtwin.analysis.signals import SINGLE_SIGNALS
from graphtwin.errors import GraphtwinError
from graphtwin.progress import ProgressFn, no_progress

SCORERS: tuple[str, ...] = (
    "combined",
    "fixed_weights",
    "rank_combination",
    *SINGLE_SIGNALS,
    "random",
)
#: Quantile bins of the reliability table, and bins that must hold for "calibrated".
CALIBRATION_BINS, CALIBRATED_MIN = 10, 8
#: Fewer positives than this: the figures are too noisy to act on (said in the output).
FEW_POSITIVES = 20


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


def auc_interval(auc: float, n_pos: int, n_neg: int) -> tuple[float, float]:
    """95% interval of a ROC AUC (Hanley & McNeil 1982 standard error), clipped to [0, 1].

    >>> [round(x, 3) for x in auc_interval(0.8, 100, 1000)]
    [0.747, 0.853]
    """
    if math.isnan(auc) or n_pos == 0 or n_neg == 0:
        return (float("nan"), float("nan"))
    q1 = auc / (2 - auc)
    q2 = 2 * auc * auc / (1 + auc)
    var = (auc * (1 - auc) + (n_pos - 1) * (q1 - auc**2) + (n_neg - 1) * (q2 - auc**2)) / (
        n_pos * n_neg
    )
    se = math.sqrt(max(var, 0.0))
    return (max(0.0, auc - 1.96 * se), min(1.0, auc + 1.96 * se))


def hits_at_k(
    labels: np.ndarray, scores: np.ndarray, k: float, weights: np.ndarray | None = None
) -> float:
    """Expected positives among the top ``k`` when tied scores are ordered at random.

    With ``weights`` (re-weighted negatives), ``k`` counts weight: the top ``k`` pairs of
    the population the sample stands for.

    >>> hits_at_k(np.array([1, 0, 1, 0]), np.array([0.9, 0.5, 0.5, 0.5]), 2)
    1.3333333333333333
    """
    labels = np.asarray(labels, dtype=bool)
    scores = np.asarray(scores, dtype=float)
    w = np.ones(len(scores)) if weights is None else np.asarray(weights, dtype=float)
    if k <= 0 or len(scores) == 0:
        return 0.0
    values, group = np.unique(-scores, return_inverse=True)  # best group first
    gw = np.bincount(group, weights=w, minlength=len(values))
    gp = np.bincount(group, weights=w * labels, minlength=len(values))
    cum = np.cumsum(gw)
    last = int(np.searchsorted(cum, min(k, cum[-1]) - 1e-9))
    before = cum[last - 1] if last else 0.0
    frac = (min(k, cum[-1]) - before) / gw[last] if gw[last] else 0.0
    return float(gp[:last].sum() + frac * gp[last])


def average_precision(labels: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> float:
    """Weighted average precision (scikit-learn's step-wise definition)."""
    from sklearn.metrics import average_precision_score

    labels = np.asarray(labels, dtype=bool)
    if not labels.any() or labels.all():
        return float("nan")
    s = np.where(np.isfinite(scores), scores, np.finfo(float).min)
    return float(average_precision_score(labels, s, sample_weight=weights))


def wilson(k: float, n: float, z: float = 1.96) -> tuple[float, float]:
    """Wilson 95% interval of a binomial rate k / n.

    >>> [round(x, 3) for x in wilson(5, 100)]
    [0.022, 0.112]
    """
    if n <= 0:
        return (float("nan"), float("nan"))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def reliability(
    labels: np.ndarray, prob: np.ndarray, weights: np.ndarray, bins: int = CALIBRATION_BINS
) -> list[dict[str, Any]]:
    """Mean predicted against observed rate in ``bins`` weighted quantile bins of ``prob``.

    Each row: ``bin`` (1 = lowest), ``pairs`` (candidate pairs it stands for),
    ``positives``, ``mean_predicted``, ``observed``, ``low``/``high`` (95% Wilson
    interval of the observed rate, on the pairs it stands for) and ``inside``.
    """
    labels = np.asarray(labels, dtype=bool)
    order = np.argsort(prob, kind="stable")
    p, y, w = prob[order], labels[order], weights[order]
    cum = np.cumsum(w) - w / 2
    b = np.minimum((cum / w.sum() * bins).astype(int), bins - 1)
    rows = []
    for i in range(bins):
        m = b == i
        if not m.any():
            continue
        n = float(w[m].sum())
        k = float(w[m & y].sum())
        low, high = wilson(k, n)
        pred = float((p[m] * w[m]).sum() / n)
        rows.append(
            {
                "bin": i + 1,
                "pairs": n,
                "positives": int((m & y).sum()),
                "mean_predicted": pred,
                "observed": k / n,
                "low": low,
                "high": high,
                "inside": bool(low <= pred <= high),
            }
        )
    return rows


@dataclass
class BacktestResult:
    """``table``: one row per scorer (scorer, auc, auc_low, auc_high, average_precision,
    precision_at_k, recall_at_k, k, brier); ``counts``: the numbers behind it;
    ``calibration``: the reliability table of ``combined`` (empty when it is not a
    probability); ``scorer``: what ``combined`` was (method and why)."""

    table: pd.DataFrame
    counts: dict[str, Any] = field(default_factory=dict)
    calibration: list[dict[str, Any]] = field(default_factory=list)
    #: ``labels``, ``combined`` and ``weights`` of the scored pairs (for pooling runs).
    predictions: dict[str, np.ndarray] = field(default_factory=dict, repr=False)

    @property
    def calibrated(self) -> bool | None:
        """Whether ``combined`` is calibrated (None when it is not a probability)."""
        if not self.calibration:
            return None
        return sum(r["inside"] for r in self.calibration) >= CALIBRATED_MIN

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
            rec["calibrated"] = self.calibrated
            rec["calibration"] = self.calibration if rec["scorer"] == "combined" else None
            out.append(rec)
        return out


def backtest(
    g: ig.Graph,
    split: int,
    *,
    horizon: int = DEFAULT_HORIZON,
    top_k: int = 20,
    cross_city: bool = True,
    config: Config | None = None,
    negatives: int | None = None,
    seed: int | None = None,
    progress: ProgressFn | None = None,
) -> BacktestResult:
    """Fit on ties before ``split``, score, and measure against ties of [split, split + horizon).

    ``negatives`` and ``seed`` default to weights.toml ``[backtest]``. Raises
    GraphtwinError when the split leaves no earlier ties or no positives.
    """
    cfg = config or load_config()
    n_neg_max = negatives if negatives is not None else cfg.backtest.negatives
    seed = seed if seed is not None else cfg.backtest.seed
    if top_k < 1:
        raise GraphtwinError(f"--top must be at least 1, got {top_k}")
    if horizon < 1:
        raise GraphtwinError(f"--horizon must be at least 1 year, got {horizon}")
    progress = progress or no_progress
    years = g.es["start_year"] if g.ecount() else []
    dated = [y for y in years if y is not None]
    train_ties = sum(1 for y in years if y is None or y < split)
    if not train_ties:
        first = min(dated) if dated else None
        raise GraphtwinError(
            f"no ties started before {split} (earliest start year: {first}); choose a later --split"
        )
    if not any(split <= y < split + horizon for y in dated):
        last = max(dated) if dated else None
        raise GraphtwinError(
            f"no ties started in {split}–{split + horizon - 1} (latest start year: {last}); "
            "choose an earlier --split"
        )
    progress(0, 4, "backtest: test pairs")
    test = window(
        g,
        split,
        horizon,
        cfg.potential,
        cross_city=cross_city,
        max_positives=None,
        max_negatives=n_neg_max,
        seed=seed,
    )
    c = test.counts
    if c["positives"] == 0:
        raise GraphtwinError(
            f"no test pairs to predict: of {c['test_pairs']:,} pairs tied in "
            f"{split}–{split + horizon - 1}, {c['excluded_new_orgs']:,} involve an organisation "
            f"with no earlier tie, {c['excluded_already_tied']:,} were already tied"
            + (f", {c['excluded_same_city']:,} are within one city" if cross_city else "")
        )
    progress(1, 4, "backtest: fitting on the past")
    scorer = choose_scorer(g, cfg.potential, end=split, horizon=horizon, cross_city=cross_city)
    progress(2, 4, "backtest: scoring")
    f, y, w = test.features, test.labels, test.weights
    rng = np.random.default_rng(seed)
    reference = rank_reference(f)
    scores = {
        "combined": scorer.score(f, reference),
        "fixed_weights": _fixed_weights(f, cfg),
        "rank_combination": rank_score(f, reference),
    }
    scores.update({k: single_score(f, k) for k in SINGLE_SIGNALS})
    scores["random"] = rng.random(len(y))
    progress(3, 4, "backtest: metrics")
    n_pos = int(y.sum())
    n_neg = len(y) - n_pos
    pos_weight = float(w[y].sum())
    k = float(min(top_k, w.sum()))
    records = []
    for name in SCORERS:
        s = scores[name]
        auc = roc_auc(y, s)
        low, high = auc_interval(auc, n_pos, n_neg)
        hits = hits_at_k(y, s, k, w)
        is_prob = name == "combined" and scorer.method == "fitted"
        records.append(
            {
                "scorer": name,
                "auc": auc,
                "auc_low": low,
                "auc_high": high,
                "average_precision": average_precision(y, s, w),
                "precision_at_k": hits / k if k else float("nan"),
                "recall_at_k": hits / pos_weight if pos_weight else float("nan"),
                "k": round(k),
                "brier": float(np.average((s - y) ** 2, weights=w)) if is_prob else float("nan"),
            }
        )
    calibration = reliability(y, scores["combined"], w) if scorer.method == "fitted" else []
    counts = {
        "split": split,
        "horizon": horizon,
        "cross_city": cross_city,
        "train_ties": train_ties,
        "undated_ties": len(years) - len(dated),
        "test_ties": c["test_ties"],
        "test_pairs": c["test_pairs"],
        "excluded_new_orgs": c["excluded_new_orgs"],
        "excluded_already_tied": c["excluded_already_tied"],
        "excluded_same_city": c["excluded_same_city"],
        "organisations_in_training": c["organisations_in_training"],
        "candidates": c["candidates"],
        "positives": n_pos,
        "negatives": n_neg,
        "negatives_sampled": c["negatives_sampled"],
        "negative_sample_rate": c["negative_sample_rate"],
        "positive_rate": float(n_pos / len(y)),
        "base_rate": c["base_rate"],
        "seed": seed,
        "method": scorer.method,
        "method_why": scorer.why,
        "validation_bins_inside": scorer.bins_inside,
        "few_positives": n_pos < FEW_POSITIVES,
    }
    progress(4, 4, "backtest: metrics")
    predictions = {"labels": y, "combined": scores["combined"], "weights": w}
    return BacktestResult(pd.DataFrame.from_records(records), counts, calibration, predictions)


def _fixed_weights(f: dict[str, np.ndarray], cfg: Config) -> np.ndarray:
    """The fixed-weight score: each classic score over its maximum, weighted mean."""
    raw = {k: np.asarray(f[k], dtype=float) for k in POTENTIAL_SCORES}
    raw["adamic_adar"] = np.expm1(raw["adamic_adar"])
    raw["resource_allocation"] = np.expm1(raw["resource_allocation"])
    raw["preferential_attachment"] = np.log1p(np.asarray(f["degree_product"], dtype=float))
    maxima = {k: float(v.max()) if len(v) else 0.0 for k, v in raw.items()}
    return combine(normalise(raw, maxima), cfg.potential.weights)
