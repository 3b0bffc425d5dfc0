"""How much evidence lies behind a city pair: shrinkage, count bounds, evidence levels.

``twins`` scores every component of a pair twice: a *point* estimate from the figures as
observed, and a *conservative* estimate that discounts thin evidence. The default ranking
uses the conservative one; the gap between the two is the component's uncertainty.

- City profiles (the shares of organisation kinds and sectors behind capacity, synergy
  and complementarity) are shrunk towards their country's profile by empirical Bayes
  (:func:`prior_strength`, :func:`shrink`): a city with n organisations keeps the weight
  n / (n + m) on its own shares, m being fitted to how much the cities differ beyond
  chance (beta-binomial method of moments, all cities of the graph). A one-organisation
  town is pulled almost to the country average; a city of hundreds barely moves. This
  does not reward size: the shrunk profile of a small city is an average one, not a
  weak one.
- Counts (ties, two-step paths, brokers between the two cities) are replaced by a lower
  confidence bound (:func:`count_lower_bound`): the 15.9% quantile of the Gamma(k, 1)
  posterior of a Poisson rate after k events (one standard deviation below, one-sided).
  One tie counts 0.17, two 0.71, ten 6.9, a hundred 90: a single tie is weak evidence
  whatever the size of the cities, several ties between two small cities are strong.
- :func:`evidence_level` labels each pair and flags those below the documented level.

Example:
    >>> [round(float(x), 2) for x in count_lower_bound(np.array([0, 1, 2, 10]))]
    [0.0, 0.17, 0.71, 6.89]
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv

#: One-sided quantile of the conservative count: one standard deviation below.
LOWER_QUANTILE = 0.15865525393145707
#: Prior strength bounds (organisations' worth) for the fitted shrinkage.
MIN_PRIOR, MAX_PRIOR = 0.5, 200.0
#: Fewer cities than this with two or more organisations: nothing to fit the prior on.
MIN_FIT_CITIES = 3
#: A pair is flagged ``thin`` when a city has fewer organisations than this and the two
#: cities have no direct tie.
MIN_EVIDENCE_ORGS = 3


def count_lower_bound(counts: np.ndarray) -> np.ndarray:
    """Lower bound of a Poisson count's rate after observing ``counts`` events: the
    :data:`LOWER_QUANTILE` quantile of Gamma(k, 1) (0 for k = 0).

    >>> float(count_lower_bound(np.array([100]))[0]) > 89
    True
    """
    k = np.asarray(counts, dtype=float)
    out = np.zeros_like(k)
    pos = k > 0
    if pos.any():
        uniq, inverse = np.unique(k[pos], return_inverse=True)
        out[pos] = gammaincinv(uniq, LOWER_QUANTILE)[inverse]
    return out


def prior_strength(
    counts: np.ndarray, sizes: np.ndarray, groups: np.ndarray | None = None
) -> float:
    """Empirical-Bayes prior strength m of city shares, fitted jointly over the groups.

    ``counts`` is cities × categories (organisations of each kind, or sector
    memberships), ``sizes`` the cities' totals, ``groups`` their country (one group when
    None). Under a beta-binomial model with the country's pooled share p_k,
    Var(x_ck) = n_c p_k (1 - p_k) (1 + (n_c - 1) ρ) with ρ = 1 / (1 + m); ρ is estimated
    by the method of moments from the cities with at least two, each against the pooled
    shares of the other cities of its country (so that a dominant city is not compared
    with itself), pooled over the countries, and m = 1/ρ - 1, clamped to
    [:data:`MIN_PRIOR`, :data:`MAX_PRIOR`] (no spread beyond chance: the upper bound).
    With fewer than :data:`MIN_FIT_CITIES` such cities there is nothing to fit:
    :data:`MIN_PRIOR` (profiles kept as observed).

    >>> same = np.array([[5, 5], [10, 10], [2, 2]]); sizes = same.sum(1)
    >>> prior_strength(same, sizes)  # every city like the country: shrink fully
    200.0
    >>> apart = np.array([[10, 0], [0, 10], [10, 0], [0, 10]])
    >>> prior_strength(apart, apart.sum(1))  # cities differ completely: keep them
    0.5
    """
    x = np.asarray(counts, dtype=float)
    n = np.asarray(sizes, dtype=float)
    grp = np.zeros(len(n), dtype=np.int64) if groups is None else np.asarray(groups)
    keep = n >= 2
    if keep.sum() < MIN_FIT_CITIES or x.size == 0:
        return MIN_PRIOR
    num = den = 0.0
    for g in np.unique(grp[keep]):
        rows = keep & (grp == g)
        xg, ng = x[rows], n[rows]
        if len(ng) < 2:
            continue
        # each city against the pooled shares of the other cities of its country
        p = (xg.sum(axis=0)[None, :] - xg) / (ng.sum() - ng)[:, None]
        pq = p * (1 - p)
        num += float(((xg - ng[:, None] * p) ** 2 - ng[:, None] * pq).sum())
        den += float(((ng * (ng - 1))[:, None] * pq).sum())
    if den <= 0:
        return MAX_PRIOR
    rho = num / den
    if rho <= 1.0 / (1.0 + MAX_PRIOR):
        return MAX_PRIOR
    if rho >= 1.0 / (1.0 + MIN_PRIOR):
        return MIN_PRIOR
    return float(np.clip(1.0 / rho - 1.0, MIN_PRIOR, MAX_PRIOR))


def shrink(counts: np.ndarray, sizes: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, float]:
    """Shares shrunk towards each group's (country's) pooled shares:
    (x_ck + m p_gk) / (n_c + m), with m from :func:`prior_strength` fitted on all
    cities. Returns the shares (cities × categories) and m.

    >>> counts = np.array([[1, 0], [5, 5], [4, 6], [6, 4], [9, 1]])
    >>> shares, m = shrink(counts, counts.sum(1), np.zeros(5, dtype=int))
    >>> shares[:, 0].round(2).tolist(), round(m, 2)  # the one-organisation city moves most
    ([0.68, 0.53, 0.47, 0.6, 0.81], 4.5)
    """
    x = np.asarray(counts, dtype=float)
    n = np.asarray(sizes, dtype=float)
    out = np.zeros_like(x)
    m = prior_strength(x, n, groups)
    for grp in np.unique(groups):
        idx = np.flatnonzero(groups == grp)
        p = x[idx].sum(axis=0) / max(n[idx].sum(), 1.0)
        out[idx] = (x[idx] + m * p[None, :]) / (n[idx] + m)[:, None]
    return out, m


def evidence_level(
    ties: int, brokers: int, paths: int, orgs_a: int, orgs_b: int
) -> tuple[str, bool]:
    """(label, thin) of a city pair.

    label: ``direct`` (k ties between the cities), ``indirect`` (no tie, but brokers
    tied to both or two-step paths), or ``profile only`` (nothing relational: only the
    cities' own profiles). thin: a city with fewer than :data:`MIN_EVIDENCE_ORGS`
    organisations and no direct tie between the two.

    >>> evidence_level(0, 0, 0, 1, 30)
    ('profile only', True)
    >>> evidence_level(2, 0, 0, 2, 4)
    ('direct: 2 ties', False)
    """
    if ties > 0:
        label = f"direct: {ties:,} tie{'s' if ties != 1 else ''}"
    elif brokers > 0 or paths > 0:
        label = (
            f"indirect: {brokers:,} broker{'s' if brokers != 1 else ''}, {paths:,} two-step paths"
        )
    else:
        label = "profile only"
    thin = min(orgs_a, orgs_b) < MIN_EVIDENCE_ORGS and ties == 0
    return label, thin
