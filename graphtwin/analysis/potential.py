"""Collaboration potential: whom to introduce to whom between two cities, and why.

Every pair (a in city A, b in city B) with no tie yet is a candidate. Six scores are
computed on the simple undirected graph (parallel ties merged, loops dropped: the same
graph as :func:`graphtwin.analysis.projection.simple_view`, built here straight from the
edge list as a scipy sparse adjacency matrix):

``adamic_adar``
    sum over common partners w of 1 / log(degree(w)) (Adamic & Adar 2003).
``resource_allocation``
    sum over common partners w of 1 / degree(w) (Zhou, Lü & Zhang 2009).
``jaccard``
    common partners / all partners of either (|N(a) ∩ N(b)| / |N(a) ∪ N(b)|).
``preferential_attachment``
    degree(a) × degree(b) (Barabási–Albert); log(1 + x) before normalising, since
    degree products span orders of magnitude.
``sector_similarity``
    cosine (|S(a) ∩ S(b)| / sqrt(|S(a)| |S(b)|)) or Jaccard of the two sector sets.
``kind_complementarity``
    the documented matrix over triple-helix spheres (``model.HELIX``) in weights.toml:
    academia–business 1.0, business–government 0.8, academia–government 0.7, an
    intermediary with any of them 0.7, the same sphere 0.3 ...

Network scores are those of networkx's link-prediction functions (tested against them).
Each score is divided by its maximum over the candidate set (so the best candidate on a
score gets 1 and "no evidence" stays 0), and the combined score is the weighted mean of
the six, with weights from weights.toml (overridable). Sector and kind scores are
non-zero for pairs with no common partner, so two cities with no ties at all still get
recommendations.

All pairs of the two cities are scored in row chunks of sparse products
(``A[rows] @ D @ A[:, cols]``) and dense per-chunk arrays; the top N are kept with
``argpartition`` per chunk, so 5,000 × 5,000 = 25M pairs never exist at once.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": ["qub", "cpc", "skku"], "name": ["QUB", "CPC", "SKKU"],
    ...      "kind": ["university", "catapult", "university"],
    ...      "city": ["Belfast", "London", "Suwon"], "country": ["GB", "GB", "KR"]},
    ...     {"source": ["qub", "cpc"], "target": ["cpc", "skku"], "kind": ["project"] * 2})
    >>> df = potential(g, "Belfast", "Suwon")
    >>> df.loc[0, ["source", "target", "bridge"]].tolist()
    ['qub', 'skku', 'CPC']
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd

from graphtwin.analysis.config import (
    POTENTIAL_SCORES,
    SPHERES,
    Config,
    PotentialConfig,
    load_config,
)
from graphtwin.analysis.linkindex import CHUNK_ELEMENTS, LinkIndex
from graphtwin.analysis.lookup import resolve_city
from graphtwin.errors import GraphtwinError
from graphtwin.model import HELIX, ORG_KINDS, canonical_org_kind, slugify
from graphtwin.progress import ProgressFn, no_progress

#: Pairs tied with the N-th best score kept beyond N, so ties are broken by name.
TIE_ALLOWANCE = 10_000


# --------------------------------------------------------------------------------------
# Resolving user input: cities, sectors, kinds
# --------------------------------------------------------------------------------------


def city_table(g: ig.Graph) -> dict[str, dict[str, Any]]:
    """``{city_id: {name, country, orgs}}`` for every city with organisations in ``g``."""
    out: dict[str, dict[str, Any]] = {}
    for cid, name, country in zip(g.vs["city_id"], g.vs["city"], g.vs["country"], strict=True):
        if cid is None:
            continue
        entry = out.setdefault(cid, {"name": name, "country": country, "orgs": 0})
        entry["orgs"] += 1
    return out


def resolve_sector(g: ig.Graph, text: str) -> str:
    """The sector id meant by ``text`` (an id or a name, any case)."""
    names: dict[str, str] = dict(g["sectors"]) if "sectors" in g.attributes() else {}
    for sectors in g.vs["sectors"]:
        for s in sectors or ():
            names.setdefault(s, s)
    if text in names:
        return text
    low = text.strip().lower()
    for sid, name in names.items():
        if sid.lower() == low or str(name).lower() == low or slugify(str(name)) == slugify(text):
            return sid
    choices = sorted(set(names) | {str(n) for n in names.values()})
    close = difflib.get_close_matches(text, choices, n=5, cutoff=0.5)
    if close:
        raise GraphtwinError(f"unknown sector {text!r}; did you mean {', '.join(close)}?")
    known = ", ".join(sorted(names)) or "none (no organisation has a sector)"
    raise GraphtwinError(f"unknown sector {text!r}; known sectors: {known}")


def resolve_kind(text: str) -> tuple[str, str]:
    """``("sphere", s)`` for a helix sphere name, else ``("kind", k)`` for a kind or alias.

    Sphere names win over kind aliases ("government" is the sphere, not the alias of
    ``agency``).

    >>> resolve_kind("Company"), resolve_kind("academia"), resolve_kind("government")
    (('kind', 'firm'), ('sphere', 'academia'), ('sphere', 'government'))
    """
    low = text.strip().lower().replace("-", "_").replace(" ", "_")
    if low in SPHERES:
        return ("sphere", low)
    kind = canonical_org_kind(text)
    if kind is not None:
        return ("kind", kind)
    raise GraphtwinError(
        f"unknown organisation kind {text!r}; use a kind ({', '.join(ORG_KINDS)}) "
        f"or a sphere ({', '.join(SPHERES)})"
    )


# --------------------------------------------------------------------------------------
# Scoring helpers shared with backtest
# --------------------------------------------------------------------------------------


def normalise(raw: dict[str, np.ndarray], maxima: dict[str, float]) -> dict[str, np.ndarray]:
    """Each score divided by its maximum over the candidate set (0 stays 0).

    ``preferential_attachment`` must already be ``log(1 + deg a × deg b)``.
    """
    out = {}
    for k in POTENTIAL_SCORES:
        m = maxima.get(k, 0.0)
        out[k] = raw[k] / m if m > 0 else np.zeros_like(raw[k], dtype=float)
    return out


def combine(norm: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The weighted mean of normalised scores (weights sum to 1)."""
    total = sum(weights.values())
    out = np.zeros_like(next(iter(norm.values())), dtype=float)
    for k in POTENTIAL_SCORES:
        if weights.get(k):
            out += (weights[k] / total) * norm[k]
    return out


def score_pairs(
    g: ig.Graph, pairs: Sequence[tuple[str, str]], config: Config | None = None
) -> pd.DataFrame:
    """Raw scores of explicit organisation pairs (ids), e.g. to check a known answer.

    Columns: source, target, common_partners and the six raw scores
    (``preferential_attachment`` as the plain degree product).

    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": list("abc"), "name": list("ABC"),
    ...     "kind": ["firm", "university", "council"], "city": ["X"] * 3,
    ...     "country": ["GB"] * 3}, {"source": ["a", "b"], "target": ["b", "c"],
    ...     "kind": ["project"] * 2})
    >>> score_pairs(g, [("a", "c")])[["jaccard", "kind_complementarity"]].values.tolist()
    [[1.0, 0.8]]
    """
    ix = LinkIndex(g, (config or load_config()).potential)
    missing = [x for p in pairs for x in p if x not in ix.index]
    if missing:
        raise GraphtwinError(f"unknown organisation id(s): {', '.join(sorted(set(missing)))}")
    u = np.array([ix.index[a] for a, _ in pairs], dtype=np.int64)
    v = np.array([ix.index[b] for _, b in pairs], dtype=np.int64)
    raw = ix.pair_scores(u, v)
    df = pd.DataFrame({"source": [a for a, _ in pairs], "target": [b for _, b in pairs]})
    for k in ("common_partners", *POTENTIAL_SCORES):
        df[k] = raw[k]
    return df


# --------------------------------------------------------------------------------------
# Introductions between two cities
# --------------------------------------------------------------------------------------


def _candidate_mask(
    tied: np.ndarray,
    fa: list[np.ndarray | None],
    fb: list[np.ndarray | None],
) -> np.ndarray:
    mask = ~tied
    for ma, mb in zip(fa, fb, strict=True):
        if ma is not None:
            mask &= ma[:, None] | mb[None, :]
    return mask


def _filter_masks(
    ix: LinkIndex, rows: np.ndarray, cols: np.ndarray, sector: str | None, kind: tuple | None
) -> tuple[list[np.ndarray | None], list[np.ndarray | None]]:
    """Per filter, which rows and columns match it (a pair passes when either side does)."""
    fa: list[np.ndarray | None] = []
    fb: list[np.ndarray | None] = []
    if sector is not None:
        if sector in ix.sector_ids:
            col = ix.sector_ids.index(sector)
            has = np.asarray(ix.S[:, col].toarray()).ravel() > 0
        else:
            has = np.zeros(ix.n, dtype=bool)
        fa.append(has[rows])
        fb.append(has[cols])
    if kind is not None:
        what, value = kind
        if what == "kind":
            has = np.array([k == value for k in ix.kinds], dtype=bool)
        else:
            has = np.array([HELIX[k] == value for k in ix.kinds], dtype=bool)
        fa.append(has[rows])
        fb.append(has[cols])
    return fa, fb


def _slice(fs: list[np.ndarray | None], lo: int, hi: int) -> list[np.ndarray | None]:
    return [None if f is None else f[lo:hi] for f in fs]


class _TopN:
    """A running top ``n`` of scored pairs over row chunks, bounded in memory.

    Pairs tied with the n-th best are kept too (up to :data:`TIE_ALLOWANCE` more), so
    that the final order by score and then names does not depend on the order of
    organisations in the graph.
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.limit = n + TIE_ALLOWANCE
        self.s = np.zeros(0)
        self.r = np.zeros(0, dtype=np.int64)
        self.c = np.zeros(0, dtype=np.int64)

    def add(self, scores: np.ndarray, mask: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> None:
        """Offer a chunk: ``scores`` and ``mask`` are rows × cols arrays (row/col indices)."""
        flat = scores.ravel()
        keep = mask.ravel().copy()
        if len(self.s) >= self.n:
            keep &= flat >= _kth_largest(self.s, self.n)
        pick = np.flatnonzero(keep)
        if len(pick) > self.limit:
            pick = pick[np.argpartition(-flat[pick], self.limit - 1)[: self.limit]]
        if not len(pick):
            return
        r, c = np.divmod(pick, scores.shape[1])
        self.s = np.concatenate([self.s, flat[pick]])
        self.r = np.concatenate([self.r, rows[r]])
        self.c = np.concatenate([self.c, cols[c]])
        if len(self.s) > self.n:
            sel = np.flatnonzero(self.s >= _kth_largest(self.s, self.n))
            if len(sel) > self.limit:
                sel = sel[np.argpartition(-self.s[sel], self.limit - 1)[: self.limit]]
            self.s, self.r, self.c = self.s[sel], self.r[sel], self.c[sel]

    def result(self, ix: LinkIndex) -> tuple[np.ndarray, np.ndarray]:
        """Row and column indices of the top ``n``: by score, then names and ids."""
        order = sorted(
            range(len(self.s)),
            key=lambda j: (
                -self.s[j],
                ix.names[self.r[j]],
                ix.names[self.c[j]],
                ix.ids[self.r[j]],
                ix.ids[self.c[j]],
            ),
        )[: self.n]
        return self.r[order], self.c[order]


def potential(
    g: ig.Graph,
    city_a: str,
    city_b: str,
    *,
    sector: str | None = None,
    kind: str | None = None,
    top: int = 20,
    config: Config | None = None,
    chunk_elements: int = CHUNK_ELEMENTS,
    progress: ProgressFn | None = None,
    scorer: Any = None,
    fixed_weights: bool = False,
    horizon: int | None = None,
) -> pd.DataFrame:
    """The ``top`` recommended introductions between organisations of two cities.

    ``city_a``/``city_b``: names or city ids. ``sector`` (id or name) and ``kind`` (an
    organisation kind or a helix sphere) keep pairs where either side matches.

    By default pairs are ranked by what :func:`graphtwin.analysis.linkmodel.choose_scorer`
    picks for this network (``scorer`` passes one chosen before, e.g. a cached fit): the
    probability of a tie within ``horizon`` years from a model fitted on the network's
    own history, or its documented fall-back. ``fixed_weights`` ranks by the weighted
    mean of weights.toml (or ``--weights``) instead.

    Returns a DataFrame, best first, with columns ``source``, ``target`` (ids; source in
    city A), ``source_name``, ``target_name``, ``source_kind``, ``target_kind``,
    ``source_city``, ``target_city``, ``score`` (what the pairs are ranked by),
    ``probability`` (of a tie within the horizon; NaN when not fitted), ``lift``
    (probability / base rate), the six normalised scores, ``common_partners`` (count),
    ``shared_partners`` and ``shared_sectors`` (names), ``bridge`` (name or None),
    ``drivers`` (signals that pushed the probability up, in words) and ``reasons``
    (sentences). ``df.attrs`` holds ``candidates``, ``maxima``, the two city ids,
    ``method`` ("fitted", "rank", "single" or "fixed"), ``why`` (one line),
    ``horizon``, ``base_rate`` (mean probability over the candidates) and ``small``
    (a sentence when the network is too small to say much, else None).
    """
    cfg = (config or load_config()).potential
    progress = progress or no_progress
    ca, cb = resolve_city(g, city_a), resolve_city(g, city_b)
    if ca == cb:
        raise GraphtwinError(f"both cities are {ca}; give two different cities")
    sector_id = resolve_sector(g, sector) if sector is not None else None
    kind_sel = resolve_kind(kind) if kind is not None else None
    cids = np.array(g.vs["city_id"], dtype=object)
    rows = np.flatnonzero(cids == ca)
    cols = np.flatnonzero(cids == cb)
    # Bounded: never more than the pairs, and never more than MAX_TOP (memory and the
    # explanations grow with N; nobody reads 10,000 introductions).
    top = max(1, min(top, len(rows) * len(cols), MAX_TOP))
    if fixed_weights:
        df = _fixed_weight_potential(g, rows, cols, sector_id, kind_sel, top, cfg,
                                     chunk_elements, progress)  # fmt: skip
    else:
        df = _model_potential(g, rows, cols, sector_id, kind_sel, top, cfg, chunk_elements,
                              progress, scorer, horizon)  # fmt: skip
    df.attrs.update(city_a=ca, city_b=cb, small=too_small(g))
    return df


#: The most introductions one call ranks and explains (``--top`` is capped to it).
MAX_TOP = 10_000

#: Below these, ``potential`` says the network is too small to say much.
SMALL_ORGS, SMALL_TIES = 30, 50


def too_small(g: ig.Graph) -> str | None:
    """A sentence when ``g`` is too small for its rankings to mean much, else None.

    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> too_small(graph_from_columns({"id": ["a"], "name": ["A"], "kind": ["firm"],
    ...     "city": ["X"], "country": ["GB"]}, {"source": [], "target": [], "kind": []})
    ... ).split(";")[0]
    'too small to say much: 0 organisations with a tie and 0 ties (at least 30 and 50 needed)'
    """
    with_tie = int(np.count_nonzero(np.asarray(g.degree()) > 0)) if g.vcount() else 0
    if with_tie >= SMALL_ORGS and g.ecount() >= SMALL_TIES:
        return None
    return (
        f"too small to say much: {with_tie} organisations with a tie and {g.ecount()} ties "
        f"(at least {SMALL_ORGS} and {SMALL_TIES} needed); treat the order below as a list "
        "of possibilities, not a prediction"
    )


def _fixed_weight_potential(g, rows, cols, sector_id, kind_sel, top, cfg, chunk_elements,
                            progress) -> pd.DataFrame:  # fmt: skip
    """Today's fixed-weight ranking: each score over its maximum, weighted mean."""
    ix = LinkIndex(g, cfg)
    fa, fb = _filter_masks(ix, rows, cols, sector_id, kind_sel)
    total_chunks = max(1, -(-len(rows) // max(1, chunk_elements // max(len(cols), 1))))

    # Pass 1: the maximum of each score over the candidate set.
    maxima = dict.fromkeys(POTENTIAL_SCORES, 0.0)
    candidates = 0
    for i, block in enumerate(ix.block_chunks(rows, cols, chunk_elements)):
        hi = block.start + block.tied.shape[0]
        mask = _candidate_mask(block.tied, _slice(fa, block.start, hi), fb)
        candidates += int(mask.sum())
        _update_maxima(maxima, block.dense, block.network, mask)
        progress(i + 1, 2 * total_chunks, "potential: scoring")

    # Pass 2: combined score and a running top-N.
    scale = {k: (cfg.weights[k] / maxima[k] if maxima[k] > 0 else 0.0) for k in POTENTIAL_SCORES}
    best = _TopN(top)
    for i, block in enumerate(ix.block_chunks(rows, cols, chunk_elements)):
        hi = block.start + block.tied.shape[0]
        mask = _candidate_mask(block.tied, _slice(fa, block.start, hi), fb)
        combined = np.zeros(block.tied.shape)
        for k, x in block.dense.items():
            if scale[k]:
                combined += scale[k] * x
        for k, m in block.network.items():
            if scale.get(k):
                combined[m.row, m.col] += scale[k] * m.data
        best.add(combined, mask, rows[block.start : hi], cols)
        progress(total_chunks + i + 1, 2 * total_chunks, "potential: scoring")
    u, v = best.result(ix)
    df = _recommendation_table(g, ix, u, v, maxima, cfg)
    df.attrs.update(
        candidates=candidates,
        maxima=maxima,
        method="fixed",
        why="fixed weights of the weights file (not fitted; see `graphtwin backtest`)",
        horizon=None,
        base_rate=float("nan"),
    )
    return df


def _update_maxima(maxima: dict[str, float], dense: dict, network: dict, mask: np.ndarray) -> None:
    if not mask.any():
        return
    for k, x in dense.items():
        if k in maxima:
            maxima[k] = max(maxima[k], float((x * mask).max()))
    for k, m in network.items():
        if k in maxima and m.nnz:
            maxima[k] = max(maxima[k], float((m.data * mask[m.row, m.col]).max()))


def _model_potential(g, rows, cols, sector_id, kind_sel, top, cfg, chunk_elements, progress,
                     scorer, horizon) -> pd.DataFrame:  # fmt: skip
    """One pass: the chosen scorer on every candidate pair, a running top N."""
    from graphtwin.analysis.linkmodel import DEFAULT_HORIZON, choose_scorer, rank_reference
    from graphtwin.analysis.signals import SignalIndex

    if scorer is None:
        scorer = choose_scorer(g, cfg, horizon=horizon or DEFAULT_HORIZON)
    six = SignalIndex(g, cfg, horizon=scorer.horizon)
    ix = six.link
    fa, fb = _filter_masks(ix, rows, cols, sector_id, kind_sel)
    reference = None
    if scorer.method == "rank" and len(rows) and len(cols):
        rng = np.random.default_rng(cfg.seed)
        m = min(5_000, len(rows) * len(cols))
        reference = rank_reference(
            six.pair_features(rng.choice(rows, m), rng.choice(cols, m)), seed=cfg.seed
        )
    total_chunks = max(1, -(-len(rows) // max(1, chunk_elements // max(len(cols), 1))))
    maxima = dict.fromkeys(POTENTIAL_SCORES, 0.0)
    candidates = 0
    p_sum = 0.0
    best = _TopN(top)
    for i, chunk in enumerate(six.feature_chunks(rows, cols, chunk_elements)):
        hi = chunk.start + chunk.tied.shape[0]
        mask = _candidate_mask(chunk.tied, _slice(fa, chunk.start, hi), fb)
        candidates += int(mask.sum())
        _update_maxima(
            maxima,
            {k: x for k, x in chunk.raw.items() if isinstance(x, np.ndarray)},
            {k: x for k, x in chunk.raw.items() if not isinstance(x, np.ndarray)},
            mask,
        )
        s = _chunk_score(chunk, scorer, reference)
        if scorer.method == "fitted":
            p_sum += float(s[mask].sum())
        best.add(s, mask, rows[chunk.start : hi], cols)
        progress(i + 1, total_chunks, "potential: scoring")
    u, v = best.result(ix)
    df = _recommendation_table(g, ix, u, v, maxima, cfg)
    feats = six.pair_features(u, v)
    base = p_sum / candidates if candidates and scorer.method == "fitted" else float("nan")
    if scorer.method == "fitted":
        df["probability"] = scorer.model.probability(feats) if len(u) else []
        df["score"] = df["probability"]
        drivers = _drivers(scorer.model, feats)
    else:
        df["probability"] = np.nan
        df["score"] = scorer.score(feats, reference) if len(u) else []
        drivers = [[] for _ in range(len(u))]
    df["lift"] = df["probability"] / base if base > 0 else np.nan
    df["drivers"] = drivers
    df["reasons"] = [
        ([f"pushed up by: {', '.join(d)}"] if d else []) + r
        for d, r in zip(drivers, df["reasons"], strict=True)
    ]
    df.attrs.update(
        candidates=candidates,
        maxima=maxima,
        method=scorer.method,
        why=scorer.why,
        horizon=scorer.horizon,
        base_rate=base,
        scorer=scorer,
    )
    return df


def _chunk_score(chunk: Any, scorer: Any, reference: dict | None) -> np.ndarray:
    """The scorer's value for every pair of a feature chunk (rows × cols)."""
    shape = chunk.tied.shape
    if scorer.method == "fitted":
        model = scorer.model
        coef = dict(zip(model.features, model.coef, strict=True))
        fill = dict(zip(model.features, model.fill, strict=True))
        z = np.full(shape, model.intercept)
        for k, x in chunk.scalar.items():
            z += coef[k] * (fill[k] if np.isnan(x) else x)
        for k, x in chunk.dense.items():
            z += coef[k] * x
        for k, m in chunk.sparse.items():
            z[m.row, m.col] += coef[k] * m.data
        return model.calibrate(z)
    if scorer.method == "single":
        from graphtwin.analysis.signals import SINGLE_SIGNALS

        feature, sign = SINGLE_SIGNALS[scorer.signal]
        return sign * _dense_feature(chunk, feature, shape)
    out = np.zeros(shape)
    for k in POTENTIAL_SCORES:
        ref = reference[k]
        x = _dense_feature(chunk, k, shape)
        out += (np.searchsorted(ref, x, "left") + np.searchsorted(ref, x, "right")) / (
            2.0 * max(len(ref), 1)
        )
    return out / len(POTENTIAL_SCORES)


def _dense_feature(chunk: Any, name: str, shape: tuple[int, int]) -> np.ndarray:
    if name == "path_distance":
        return 2 * _dense_feature(chunk, "distance_2", shape) + chunk.dense["distance_3"]
    if name in chunk.dense:
        return chunk.dense[name]
    if name in chunk.scalar:
        return np.full(shape, chunk.scalar[name])
    return chunk.sparse[name].toarray()


def _drivers(model: Any, feats: dict[str, np.ndarray], most: int = 3) -> list[list[str]]:
    """Per pair, the signals that pushed its probability up most, in words.

    Contribution = coefficient × (value − the average candidate's value), in log-odds,
    summed over the features of one signal group (:data:`signals.REASON_GROUPS`: the
    four common-partner features move together, and their coefficients share the
    credit, so they are reported as one); city-level signals are left out (the same
    for every pair of one city pair).
    """
    from graphtwin.analysis.signals import REASON_GROUPS

    contrib = model.contributions(feats)
    n = len(next(iter(feats.values()))) if feats else 0
    groups = {
        words: sum((contrib[k] for k in members if k in contrib), np.zeros(n))
        for words, members in REASON_GROUPS.items()
    }
    out = []
    for i in range(n):
        ups = sorted(((c[i], w) for w, c in groups.items() if c[i] > 0.05), reverse=True)
        out.append([f"{w} (+{c:.1f})" for c, w in ups[:most]])
    return out


def _kth_largest(values: np.ndarray, k: int) -> float:
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _recommendation_table(
    g: ig.Graph,
    ix: LinkIndex,
    u: np.ndarray,
    v: np.ndarray,
    maxima: dict[str, float],
    cfg: PotentialConfig,
) -> pd.DataFrame:
    raw = ix.pair_scores(u, v)
    raw["preferential_attachment"] = np.log1p(raw["preferential_attachment"])
    norm = normalise(raw, maxima)
    score = combine(norm, cfg.weights)
    cities = list(g.vs["city"])
    df = pd.DataFrame(
        {
            "source": [ix.ids[i] for i in u],
            "target": [ix.ids[i] for i in v],
            "source_name": [ix.names[i] for i in u],
            "target_name": [ix.names[i] for i in v],
            "source_kind": [ix.kinds[i] for i in u],
            "target_kind": [ix.kinds[i] for i in v],
            "source_city": [cities[i] for i in u],
            "target_city": [cities[i] for i in v],
            "score": score,
        }
    )
    for k in POTENTIAL_SCORES:
        df[k] = norm[k]
    df["common_partners"] = raw["common_partners"].astype(int)
    explained = [explain_pair(ix, int(a), int(b)) for a, b in zip(u, v, strict=True)]
    df["shared_partners"] = [e["shared_partners"] for e in explained]
    df["shared_sectors"] = [e["shared_sectors"] for e in explained]
    df["bridge"] = [e["bridge"] for e in explained]
    df["reasons"] = [e["reasons"] for e in explained]
    return df


def shared_partners(ix: LinkIndex, a: int, b: int) -> list[int]:
    """Common partners of ``a`` and ``b``, strongest first.

    Order: summed tie weight to the two (stronger ties first), then lower degree (a more
    exclusive partner), then name.
    """
    wa, wb = ix.W, ix.W
    ia, da = wa.indices[wa.indptr[a] : wa.indptr[a + 1]], wa.data[wa.indptr[a] : wa.indptr[a + 1]]
    ib, db = wb.indices[wb.indptr[b] : wb.indptr[b + 1]], wb.data[wb.indptr[b] : wb.indptr[b + 1]]
    common, xa, xb = np.intersect1d(ia, ib, assume_unique=True, return_indices=True)
    strength = da[xa] + db[xb]
    order = sorted(
        range(len(common)),
        key=lambda i: (-strength[i], ix.deg[common[i]], ix.names[common[i]]),
    )
    return [int(common[i]) for i in order]


def _neighbours(ix: LinkIndex, a: int) -> np.ndarray:
    return ix.A.indices[ix.A.indptr[a] : ix.A.indptr[a + 1]]


def bridge_for(ix: LinkIndex, a: int, b: int) -> tuple[int | None, str]:
    """The organisation that could make the introduction, and how it relates to the pair.

    A common partner if there is one (the one with the highest betweenness); else the
    organisation with the highest betweenness among the partners of either side; else
    None (neither has a tie in the data).
    """
    bw = ix.betweenness()
    common = shared_partners(ix, a, b)
    if common:
        rank = {w: i for i, w in enumerate(common)}
        return min(common, key=lambda w: (-bw[w], rank[w])), "common"
    side = {int(w): "a" for w in _neighbours(ix, a)}
    for w in _neighbours(ix, b):
        side.setdefault(int(w), "b")
    if not side:
        return None, "none"
    best = min(side, key=lambda w: (-bw[w], -ix.deg[w], ix.names[w]))
    return best, side[best]


def explain_pair(ix: LinkIndex, a: int, b: int) -> dict[str, Any]:
    """Reasons in words for one candidate pair (vertex indices).

    Returns ``shared_partners`` (names, top 3), ``shared_sectors`` (names), ``bridge``
    (name or None) and ``reasons`` (sentences).
    """
    reasons: list[str] = []
    partners = shared_partners(ix, a, b)
    top3 = [ix.names[w] for w in partners[:3]]
    if partners:
        more = f" (+{len(partners) - 3} more)" if len(partners) > 3 else ""
        noun = "partner" if len(partners) == 1 else "partners"
        reasons.append(f"{len(partners)} shared {noun}: {', '.join(top3)}{more}")
    sa = set(ix.S.indices[ix.S.indptr[a] : ix.S.indptr[a + 1]].tolist())
    sb = set(ix.S.indices[ix.S.indptr[b] : ix.S.indptr[b + 1]].tolist())
    sectors = sorted(ix.sector_names[ix.sector_ids[s]] for s in sa & sb)
    if sectors:
        reasons.append(f"shared sectors: {', '.join(sectors)}")
    ka, kb = ix.kinds[a], ix.kinds[b]
    ha, hb = HELIX[ka], HELIX[kb]
    comp = float(ix.M[ix.sphere[a], ix.sphere[b]])
    if ha != hb:
        reasons.append(
            f"complementary kinds: {ka} ({ha}) with {kb} ({hb}), complementarity {comp:.1f}"
        )
    else:
        reasons.append(f"same sphere: {ka} and {kb} ({ha}), complementarity {comp:.1f}")
    bridge, how = bridge_for(ix, a, b)
    bridge_name = ix.names[bridge] if bridge is not None else None
    if how == "common":
        reasons.append(f"bridge: {bridge_name}, a partner of both")
    elif how in ("a", "b"):
        side = ix.names[a] if how == "a" else ix.names[b]
        reasons.append(
            f"bridge: {bridge_name}, a partner of {side} (no partner in common; "
            "the best-connected broker next to either side)"
        )
    else:
        reasons.append("bridge: none in the data (neither side has a tie yet)")
    return {
        "shared_partners": top3,
        "shared_sectors": sectors,
        "bridge": bridge_name,
        "reasons": reasons,
    }


def write_back_rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for ``store.write_potential``: source, target, score, reasons, city_pair.

    ``score`` is what the pairs were ranked by (the probability when fitted);
    ``reasons`` is one string (sentences joined by "; "), led by the probability and the
    horizon when there is one; ``city_pair`` is ``"<city id A>|<city id B>"``.
    """
    pair = f"{df.attrs.get('city_a', '')}|{df.attrs.get('city_b', '')}"
    horizon = df.attrs.get("horizon")
    out = []
    for r in df.itertuples(index=False):
        reasons = list(r.reasons)
        p = getattr(r, "probability", float("nan"))
        if p == p:
            reasons.insert(0, f"probability {p:.3g} of a tie within {horizon} years")
        out.append(
            {
                "source": r.source,
                "target": r.target,
                "score": float(r.score),
                "reasons": "; ".join(reasons),
                "city_pair": pair,
            }
        )
    return out
