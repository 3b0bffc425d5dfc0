"""The introduction model: how signals combine into a probability, fitted on the network's past.

Temporal self-supervision. For a cut-off year C and a horizon H, a *window* is: the
features of candidate pairs computed from the ties before C only
(:class:`~graphtwin.analysis.signals.SignalIndex` never sees a later tie), and the label
"a tie between them started in [C, C + H)". Candidates are unordered pairs of
organisations that both have a tie before C and are not tied before C (by default in two
different cities, as ``potential`` ranks them). All positives (up to
:data:`FIT_POSITIVES`) and a seeded uniform sample of negatives are kept, each weighted
by the inverse of its sampling rate, so the fit and every rate refer to all candidates.

The model is scikit-learn's L2-regularised logistic regression on the standardised
:data:`~graphtwin.analysis.signals.FEATURES` (``C = 1``; with thousands of pairs it is
barely regularised, the penalty only keeps collinear signals such as Adamic–Adar and
resource allocation from diverging). A linear logit was chosen by measurement: scoring
25M pairs is a handful of fused array operations per chunk, within 2× of the fixed
weights; the fit on 46k organisations takes seconds; and on the regime benchmark
(benchmarks/bench_linkmodel.py) it matches the best single signal in every regime
(reliability measured by ``backtest``), where gradient boosting (scikit-learn's
HistGradientBoostingClassifier) scored 0–0.025 AUC lower and would need 10–100× the
scoring time (docs/potential.md has the figures). The logit is mapped to a probability by a
binned isotonic regression on the fit window (:func:`_isotonic_knots`), which fixes the
shape a single logistic curve cannot follow (e.g. a floor of random ties).

:func:`choose_scorer` decides what ``potential`` ranks by, given the data up to ``end``:

1. No dated ties, or fewer than :data:`MIN_POSITIVES` new pairs in the latest window
   [end − H, end): the **rank** combination (mean mid-rank of the six classic scores),
   uncalibrated, and the reason.
2. Else a model is fitted on the window before (cut-off end − 2H) and validated on the
   latest window against the rank combination and every single signal. It is kept
   unless an alternative beats its ROC AUC there by more than :data:`TOLERANCE` (then
   the better of the rank combination and the best single signal is used, and the
   output says so). Without enough positives in the earlier window the model is used
   unvalidated, and the output says that.
3. The kept model is refitted on the latest window (features before end − H, labels in
   [end − H, end)) and scores pairs with every tie up to ``end``: the probability of a
   tie within H years.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": list("ab"), "name": list("AB"), "kind": ["firm"] * 2,
    ...     "city": ["X", "Y"], "country": ["GB", "KR"]},
    ...     {"source": ["a"], "target": ["b"], "kind": ["project"]})
    >>> s = choose_scorer(g)
    >>> s.method, s.why.split(":")[0]
    ('rank', 'no tie has a start year, so nothing to learn from')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np

from graphtwin.analysis.config import POTENTIAL_SCORES, PotentialConfig, load_config
from graphtwin.analysis.signals import FEATURES, SINGLE_SIGNALS, SignalIndex, start_years

#: New pairs a window needs before a model is fitted on it.
MIN_POSITIVES = 50
#: Years ahead a probability refers to.
DEFAULT_HORIZON = 3
#: Most positives and negatives sampled per window for a fit.
FIT_POSITIVES = 8_000
FIT_NEGATIVES = 24_000
#: AUC by which an alternative must beat the fitted model on validation to replace it.
TOLERANCE = 0.01
#: Map the logit to a probability by a binned isotonic regression (else the sigmoid).
ISOTONIC = True
#: Reliability bins (of 10) that must hold the observed rate for "calibrated".
CALIBRATED_BINS = 8
#: Positives per bin of the isotonic probability map (see _isotonic_knots).
BIN_POSITIVES = 50
#: Signals of the rank-based combination (the six classic scores).
RANK_SIGNALS: tuple[str, ...] = POTENTIAL_SCORES


# --------------------------------------------------------------------------------------
# Windows: labelled candidate pairs of one cut-off
# --------------------------------------------------------------------------------------


@dataclass
class Window:
    """Sampled candidate pairs of cut-off ``cut``: features from before it, labels after.

    ``weights`` re-weight the sample to all candidates; ``counts`` has ``positives``
    (all, before any subsampling), ``candidates``, ``negatives_total``, and the
    exclusions (``excluded_new_orgs``, ``excluded_already_tied``, ``excluded_same_city``).
    """

    cut: int
    horizon: int
    index: SignalIndex
    u: np.ndarray
    v: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    features: dict[str, np.ndarray]
    counts: dict[str, Any] = field(default_factory=dict)


def pair_keys(u: np.ndarray, v: np.ndarray, n: int) -> np.ndarray:
    """One integer per unordered pair."""
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    return lo.astype(np.int64) * n + hi.astype(np.int64)


def window(
    g: ig.Graph,
    cut: int,
    horizon: int,
    config: PotentialConfig | None = None,
    *,
    cross_city: bool = True,
    max_positives: int | None = FIT_POSITIVES,
    max_negatives: int = FIT_NEGATIVES,
    seed: int = 0,
) -> Window:
    """Candidate pairs at ``cut`` labelled by ties started in [cut, cut + horizon)."""
    cfg = config or load_config().potential
    rng = np.random.default_rng(seed)
    six = SignalIndex(g, cfg, before=cut, horizon=horizon)
    ix = six.link
    n = g.vcount()
    present = ix.deg > 0
    code = six.city_code
    has_city = six.has_city

    years = start_years(g)
    test_e = np.flatnonzero((years >= cut) & (years < cut + horizon))
    el = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)[test_e]
    u, v = el[:, 0], el[:, 1]
    ok = u != v
    u, v = u[ok], v[ok]
    keys, first = np.unique(pair_keys(u, v, n), return_index=True)
    u, v = u[first], v[first]
    new_org = ~(present[u] & present[v])
    same = (~(has_city[u] & has_city[v]) | (code[u] == code[v])) if cross_city else (u < 0)
    keep = ~new_org & ~same
    already = np.zeros(len(u), dtype=bool)
    already[keep] = ix.tied(u[keep], v[keep])
    keep &= ~already
    pu, pv, pos_keys = u[keep], v[keep], keys[keep]

    pres = np.flatnonzero(present & has_city) if cross_city else np.flatnonzero(present)
    n_p = len(pres)
    if cross_city:
        sizes = np.bincount(code[pres])
        universe = (n_p * n_p - int((sizes.astype(np.int64) ** 2).sum())) // 2
        a = ix.A.tocoo()
        m = (a.row < a.col) & has_city[a.row] & has_city[a.col] & (code[a.row] != code[a.col])
        train_pairs = int(m.sum())
    else:
        universe = n_p * (n_p - 1) // 2
        train_pairs = int(ix.A.nnz // 2)
    candidates = universe - train_pairs
    n_pos = len(pu)
    neg_total = max(candidates - n_pos, 0)
    if neg_total <= max_negatives:
        nu, nv = _all_negatives(ix, pres, code, cross_city, pos_keys, n)
    else:
        nu, nv = _sample_negatives(ix, pres, code, cross_city, pos_keys, n, max_negatives, rng)
    pos_w = 1.0
    if max_positives is not None and n_pos > max_positives:
        pick = np.sort(rng.choice(n_pos, max_positives, replace=False))
        pu, pv = pu[pick], pv[pick]
        pos_w = n_pos / max_positives
    su = np.concatenate([pu, nu])
    sv = np.concatenate([pv, nv])
    labels = np.zeros(len(su), dtype=bool)
    labels[: len(pu)] = True
    weights = np.where(labels, pos_w, neg_total / max(len(nu), 1))
    counts = {
        "cut": cut,
        "horizon": horizon,
        "cross_city": cross_city,
        "test_ties": len(test_e),
        "test_pairs": len(keys),
        "excluded_new_orgs": int(new_org.sum()),
        "excluded_already_tied": int(already.sum()),
        "excluded_same_city": int((same & ~new_org).sum()) if cross_city else 0,
        "organisations_in_training": int(present.sum()),
        "candidates": int(candidates),
        "positives": n_pos,
        "negatives": len(nu),
        "negatives_total": int(neg_total),
        "negatives_sampled": bool(len(nu) < neg_total),
        "negative_sample_rate": float(len(nu) / neg_total) if neg_total else 1.0,
        "base_rate": float(n_pos / candidates) if candidates else float("nan"),
    }
    feats = six.pair_features(su, sv) if len(su) else {}
    return Window(cut, horizon, six, su, sv, labels, weights, feats, counts)


def _all_negatives(ix, pres, code, cross_city, pos_keys, n) -> tuple[np.ndarray, np.ndarray]:
    """Every candidate pair that is not a positive (small universes only)."""
    iu, iv = np.triu_indices(len(pres), k=1)
    u, v = pres[iu], pres[iv]
    keep = ~ix.tied(u, v)
    if cross_city:
        keep &= code[u] != code[v]
    u, v = u[keep], v[keep]
    keep = ~np.isin(pair_keys(u, v, n), pos_keys)
    return u[keep], v[keep]


def _sample_negatives(
    ix, pres, code, cross_city, pos_keys, n, count, rng
) -> tuple[np.ndarray, np.ndarray]:
    """``count`` distinct uniform random candidate pairs that are not positives.

    Two organisations drawn independently and uniformly from those with a past tie,
    rejected if equal, tied, a positive, in one city (``cross_city``) or already drawn:
    a uniform sample of unordered candidate pairs without replacement.
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
            ok &= code[u] != code[v]
        u, v = u[ok], v[ok]
        ok = ~ix.tied(u, v)
        keys = pair_keys(u[ok], v[ok], n)
        keys = keys[~np.isin(keys, pos_keys)]
        # Keep the draw order (first occurrence) so the sample does not favour small ids.
        keys = keys[~np.isin(keys, chosen)]
        _, first = np.unique(keys, return_index=True)
        keys = keys[np.sort(first)]
        chosen = np.concatenate([chosen, keys[:need]])
    chosen = chosen[:count]
    return chosen // n, chosen % n


# --------------------------------------------------------------------------------------
# The fitted model, the rank combination and single signals
# --------------------------------------------------------------------------------------


@dataclass
class LinkModel:
    """A logistic model on :data:`FEATURES`, with coefficients on the raw feature scale.

    ``fill``: the training mean of each feature (used for unknown values and as the
    reference of contributions); ``scale``: its standard deviation.
    """

    features: tuple[str, ...]
    coef: np.ndarray
    intercept: float
    fill: np.ndarray
    scale: np.ndarray
    horizon: int
    cut: int
    positives: int
    #: Isotonic map of the logit to a probability: knots (bin centres) and rates.
    iso_x: np.ndarray | None = None
    iso_y: np.ndarray | None = None

    def matrix(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        """The feature matrix, unknown values replaced by their training mean."""
        x = np.column_stack([np.asarray(feats[k], dtype=float) for k in self.features])
        return np.where(np.isnan(x), self.fill[None, :], x)

    def logit(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        return self.intercept + self.matrix(feats) @ self.coef

    def probability(self, feats: dict[str, np.ndarray]) -> np.ndarray:
        """Probability of a tie within ``horizon`` years."""
        return self.calibrate(self.logit(feats))

    def calibrate(self, z: np.ndarray) -> np.ndarray:
        """Probability of logits ``z``: the isotonic map when fitted, else the sigmoid.

        A tiny multiple of the sigmoid keeps the order of pairs in a flat isotonic step.
        """
        if self.iso_x is None or self.iso_y is None:
            return sigmoid(z)
        return np.interp(z, self.iso_x, self.iso_y) + 1e-9 * sigmoid(z)

    def contributions(self, feats: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Log-odds each feature adds against an average candidate: coef × (x − mean)."""
        x = self.matrix(feats)
        return {k: self.coef[i] * (x[:, i] - self.fill[i]) for i, k in enumerate(self.features)}

    def standardised(self) -> dict[str, float]:
        """Coefficient × standard deviation: log-odds per standard deviation of a feature."""
        return {
            k: float(c * s) for k, c, s in zip(self.features, self.coef, self.scale, strict=True)
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "coef": self.coef.tolist(),
            "intercept": self.intercept,
            "fill": self.fill.tolist(),
            "scale": self.scale.tolist(),
            "horizon": self.horizon,
            "cut": self.cut,
            "positives": self.positives,
            "iso_x": None if self.iso_x is None else self.iso_x.tolist(),
            "iso_y": None if self.iso_y is None else self.iso_y.tolist(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LinkModel:
        return cls(
            tuple(d["features"]),
            np.asarray(d["coef"], dtype=float),
            float(d["intercept"]),
            np.asarray(d["fill"], dtype=float),
            np.asarray(d["scale"], dtype=float),
            int(d["horizon"]),
            int(d["cut"]),
            int(d["positives"]),
            None if d.get("iso_x") is None else np.asarray(d["iso_x"], dtype=float),
            None if d.get("iso_y") is None else np.asarray(d["iso_y"], dtype=float),
        )


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))


def fit_model(w: Window, c: float = 1.0) -> LinkModel:
    """L2 logistic regression of the window's labels on its standardised features."""
    from sklearn.linear_model import LogisticRegression

    x = np.column_stack([np.asarray(w.features[k], dtype=float) for k in FEATURES])
    fill = np.array([np.nanmean(col) if np.any(~np.isnan(col)) else 0.0 for col in x.T])
    x = np.where(np.isnan(x), fill[None, :], x)
    scale = x.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    xs = (x - fill) / scale
    sw = w.weights / w.weights.mean()
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit(xs, w.labels, sample_weight=sw)
    coef = lr.coef_[0] / scale
    intercept = float(lr.intercept_[0] - coef @ fill)
    model = LinkModel(
        FEATURES, coef, intercept, fill, scale, w.horizon, w.cut, int(w.counts["positives"])
    )
    if ISOTONIC:
        model.iso_x, model.iso_y = _isotonic_knots(
            model.logit(w.features), w.labels, w.weights, BIN_POSITIVES
        )
    return model


def _isotonic_knots(
    z: np.ndarray, y: np.ndarray, w: np.ndarray, per_bin: int = BIN_POSITIVES
) -> tuple[np.ndarray, np.ndarray]:
    """Knots of a monotone map from logit ``z`` to probability, on binned rates.

    Bins hold ``per_bin`` positives each (between 2 and 20 bins; edges at quantiles of
    the positives' logits), so the lowest bin spans the many low-scored pairs among
    which positives are rare. Each bin's re-weighted observed rate is placed at its
    weighted mean logit, and the rates are made non-decreasing by pool-adjacent-
    violators. Bins of few positives each bias isotonic regression at both ends (the
    lowest bins keep their low noise, the highest their high noise): with 20 bins of
    equal weight the lowest decile came out about 2× too low and the top one too high.
    """
    from sklearn.isotonic import IsotonicRegression

    bins = int(min(20, max(2, y.sum() // per_bin)))
    zp = np.sort(z[y])
    cuts = np.unique(zp[(len(zp) * np.arange(1, bins)) // bins]) if len(zp) else zp
    b = np.searchsorted(cuts, z, side="right")
    n = np.bincount(b, weights=w, minlength=len(cuts) + 1)
    k = np.bincount(b, weights=w * y, minlength=len(cuts) + 1)
    centre = np.bincount(b, weights=w * z, minlength=len(cuts) + 1)
    keep = n > 0
    x, rate, n = centre[keep] / n[keep], k[keep] / n[keep], n[keep]
    iso = IsotonicRegression(y_min=0.0, y_max=1.0).fit(x, rate, sample_weight=n)
    return x, iso.predict(x)


def rank_reference(feats: dict[str, np.ndarray], size: int = 5_000, seed: int = 0) -> dict:
    """Sorted reference values of :data:`RANK_SIGNALS` (a seeded subsample of candidates)."""
    n = len(next(iter(feats.values()))) if feats else 0
    rng = np.random.default_rng(seed)
    pick = rng.choice(n, size, replace=False) if n > size else np.arange(n)
    return {k: np.sort(np.asarray(feats[k], dtype=float)[pick]) for k in RANK_SIGNALS}


def rank_score(feats: dict[str, np.ndarray], reference: dict[str, np.ndarray]) -> np.ndarray:
    """Mean over :data:`RANK_SIGNALS` of each value's mid-rank among the reference (0–1)."""
    out: np.ndarray | None = None
    for k in RANK_SIGNALS:
        ref = reference[k]
        x = np.asarray(feats[k], dtype=float)
        r = (np.searchsorted(ref, x, "left") + np.searchsorted(ref, x, "right")) / (
            2.0 * max(len(ref), 1)
        )
        out = r if out is None else out + r
    return (out if out is not None else np.zeros(0)) / len(RANK_SIGNALS)


def single_score(feats: dict[str, np.ndarray], signal: str) -> np.ndarray:
    """One signal of :data:`~graphtwin.analysis.signals.SINGLE_SIGNALS`, higher = likelier."""
    feature, sign = SINGLE_SIGNALS[signal]
    x = sign * np.asarray(feats[feature], dtype=float)
    return np.where(np.isnan(x), -np.inf, x)


# --------------------------------------------------------------------------------------
# Choosing what potential ranks by
# --------------------------------------------------------------------------------------


@dataclass
class Scorer:
    """What ``potential`` ranks by: ``method`` is "fitted", "rank" or "single".

    ``why`` is the one line the output shows; ``validation`` the ROC AUC of each option on
    the latest held-out window (when there was one); ``model`` the fitted model (refitted
    on the latest window); ``signal`` the single signal used.
    """

    method: str
    why: str
    horizon: int
    model: LinkModel | None = None
    signal: str | None = None
    validation: dict[str, float] = field(default_factory=dict)
    windows: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Reliability bins (of 10) of the validated model holding the held-out rate.
    bins_inside: int | None = None

    @property
    def calibrated(self) -> bool | None:
        """Whether the probabilities held on the held-out years (8 of 10 bins); None when
        not a probability or not checked (no earlier window to validate on)."""
        if self.method != "fitted" or self.bins_inside is None:
            return None
        return self.bins_inside >= CALIBRATED_BINS

    @property
    def probability_note(self) -> str:
        """One line on how far the probabilities can be trusted."""
        if self.method != "fitted":
            return "scores are a ranking, not probabilities"
        if self.bins_inside is None:
            return "probabilities not checked on held-out years (too little history)"
        verdict = "calibrated" if self.calibrated else "UNCALIBRATED (read them as a ranking)"
        return (
            f"probabilities {verdict} on the held-out years: the observed rate fell in the "
            f"95% interval in {self.bins_inside} of 10 bins"
        )

    def score(self, feats: dict[str, np.ndarray], reference: dict | None = None) -> np.ndarray:
        """The score of pairs: a probability (fitted), mid-rank mean (rank) or a signal."""
        if self.method == "fitted" and self.model is not None:
            return self.model.probability(feats)
        if self.method == "single" and self.signal is not None:
            return single_score(feats, self.signal)
        return rank_score(feats, reference if reference is not None else rank_reference(feats))

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "why": self.why,
            "horizon": self.horizon,
            "model": self.model.to_dict() if self.model else None,
            "signal": self.signal,
            "validation": self.validation,
            "windows": self.windows,
            "bins_inside": self.bins_inside,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Scorer:
        model = LinkModel.from_dict(d["model"]) if d.get("model") else None
        return cls(
            d["method"], d["why"], int(d["horizon"]), model, d.get("signal"),
            dict(d.get("validation") or {}), dict(d.get("windows") or {}),
            d.get("bins_inside"),
        )  # fmt: skip


def _auc(labels: np.ndarray, scores: np.ndarray) -> float:
    from graphtwin.analysis.backtest import roc_auc

    return roc_auc(labels, scores)


def choose_scorer(
    g: ig.Graph,
    config: PotentialConfig | None = None,
    *,
    end: int | None = None,
    horizon: int = DEFAULT_HORIZON,
    cross_city: bool = True,
    seed: int = 0,
) -> Scorer:
    """Fit, validate and choose what to rank by, from the ties started before ``end``.

    ``end`` defaults to the year after the latest start year. See the module docstring.
    """
    cfg = config or load_config().potential
    years = [y for y in (g.es["start_year"] if g.ecount() else []) if y is not None]
    if end is not None:
        years = [y for y in years if y < end]
    scope = "cross-city" if cross_city else "all"
    if not years:
        return Scorer(
            "rank",
            "no tie has a start year, so nothing to learn from: "
            "rank-based combination of the six scores (uncalibrated)",
            horizon,
        )
    end = end if end is not None else max(years) + 1
    latest = window(g, end - horizon, horizon, cfg, cross_city=cross_city, seed=seed)
    n_pos = latest.counts["positives"]
    windows = {"latest": latest.counts}
    if n_pos < MIN_POSITIVES:
        return Scorer(
            "rank",
            f"only {n_pos} new {scope} pairs started in {end - horizon}–{end - 1} "
            f"(at least {MIN_POSITIVES} needed to fit): rank-based combination of the six "
            "scores (uncalibrated)",
            horizon,
            windows=windows,
        )
    earlier = window(g, end - 2 * horizon, horizon, cfg, cross_city=cross_city, seed=seed)
    windows["earlier"] = earlier.counts
    final = fit_model(latest)
    if earlier.counts["positives"] < MIN_POSITIVES:
        return Scorer(
            "fitted",
            f"fitted on {n_pos:,} new {scope} pairs of {end - horizon}–{end - 1}; not "
            f"validated (only {earlier.counts['positives']} new pairs in the {horizon} years "
            f"before, at least {MIN_POSITIVES} needed)",
            horizon,
            final,
            windows=windows,
        )
    trial = fit_model(earlier)
    y = latest.labels
    f = latest.features
    from graphtwin.analysis.backtest import reliability

    trial_p = trial.probability(f)
    validation = {"fitted": _auc(y, trial_p)}
    bins_inside = sum(b["inside"] for b in reliability(y, trial_p, latest.weights))
    validation["rank"] = _auc(y, rank_score(f, rank_reference(f)))
    singles = {k: _auc(y, single_score(f, k)) for k in SINGLE_SIGNALS}
    best_single = max(singles, key=lambda k: (np.nan_to_num(singles[k], nan=-1.0), k))
    validation[f"single:{best_single}"] = singles[best_single]
    alt_name, alt_auc = max(
        (("rank", validation["rank"]), (best_single, singles[best_single])),
        key=lambda t: np.nan_to_num(t[1], nan=-1.0),
    )
    held = f"{end - horizon}–{end - 1}"
    if validation["fitted"] + TOLERANCE >= alt_auc or np.isnan(alt_auc):
        return Scorer(
            "fitted",
            f"fitted on the network's history ({n_pos:,} new {scope} pairs in {held}); "
            f"the same fit one horizon earlier scored AUC {validation['fitted']:.3f} on "
            f"{held} against {alt_auc:.3f} for the best alternative ({alt_name})",
            horizon,
            final,
            validation=validation,
            windows=windows,
            bins_inside=bins_inside,
        )
    method, signal = ("rank", None) if alt_name == "rank" else ("single", alt_name)
    label = "the rank-based combination" if signal is None else f"the single signal {signal}"
    return Scorer(
        method,
        f"the fitted model did worse on the held-out years {held} (AUC "
        f"{validation['fitted']:.3f}) than {label} ({alt_auc:.3f}): using {label} "
        "(uncalibrated; the network's mechanism may have changed)",
        horizon,
        None,
        signal,
        validation,
        windows,
    )
