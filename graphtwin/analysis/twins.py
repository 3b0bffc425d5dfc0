"""City twins: rank every city pair across two countries for a twinning programme.

Six components, each computed for every pair (city A in the first country, city B in the
second) twice: as observed (*point*) and *conservative* (thin evidence discounted, see
:mod:`graphtwin.analysis.twins_evidence`: city profiles shrunk towards the country by
empirical Bayes, counts replaced by a Poisson lower bound). Each is divided by the best
pair's point estimate and combined with the weights of weights.toml ``[twins]``; the
ranking uses the conservative composite. Without sectors, synergy and complementarity
are missing and the other weights are renormalised.

``capacity``
    Can both sides act? Weighted parts (``[twins.capacity_parts]``): triple-helix share
    (academia, business and government present, out of 6 slots for the two cities),
    kind diversity (organisation kinds present / all kinds, mean of the two), size
    (log(1 + organisations) of the *smaller* city / log(1 + the largest city's count):
    a pair is as able as its weaker side, and the log keeps big cities from winning on
    size), and centrality per organisation (the city's mean PageRank against the network
    average, capped at 2, mean of the two). Raw counts are reported beside it.
``synergy``
    Smart specialisation: cosine similarity of the two cities' specialisation profiles
    LQ - 1, LQ(c, s) = (share of the city's sector memberships in s) / (the same share
    in the reference: the city's country by default, or the whole graph), clipped at 0;
    conservatively multiplied by the reliability of the two profiles.
``complementarity``
    What one side has that the other lacks, as the mean of three shares: the helix-mix
    fit ``p_A · M · p_B`` (sphere shares of the two cities through the
    kind-complementarity matrix of ``potential``), the share of the union of their
    specialisations (LQ >= ``specialisation_lq``) that only one holds, and the share of
    the union of their organisation kinds that only one has (expected shares from the
    shrunk profiles, conservatively).
``existing_ties``
    summed weight of the ties between the two cities (size-adjusted, see below).
``proximity``
    Mean of the (size-adjusted) two-step paths between the cities (paths a–w–b with a in A, b in
    B, w anywhere: ``(A·C)ᵀ(A·C)`` with C the organisation × city incidence) and the best
    Adamic–Adar score of an untied pair across the two cities (the network part of
    ``potential``; its sector and kind parts are in synergy and complementarity).
``brokers``
    Organisations outside both cities that are tied to both (size-adjusted): who can
    introduce them. ``Zᵀ Z`` with Z = [organisation has a partner in the city], minus the members.

Size: tie weight, two-step paths and brokers grow with the two cities' sizes, so by
default (``size_adjust = "expected"``) each is scored as log(1 + observed / (expected +
1)), the expectation taken under random mixing that keeps every organisation's number
of partners: a pair scores high when it is more connected than its size predicts, none
at all scores 0, and the +1 keeps tiny expectations from exploding. The raw counts and
expectations are reported beside the scores.
``"per_org"`` divides by the geometric mean of the organisation counts instead, ``"none"``
uses log(1 + observed).

Rank stability: each weight is multiplied by ``1 - p`` and ``1 + p`` (p = 0.25) one at a
time (the others kept, all renormalised); ``rank_range`` is the best and worst rank over
the base and those 12 runs, ``rank_stability`` the share of the 12 runs that keep the
pair within the top N. ``drivers`` names the two components that contribute most
(weight × conservative score) in words; ``evidence`` and ``thin`` say what the pair
rests on (:func:`~graphtwin.analysis.twins_evidence.evidence_level`).

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns(
    ...     {"id": list("abcd"), "name": list("ABCD"),
    ...      "kind": ["university", "firm", "council", "firm"],
    ...      "city": ["Belfast", "Leeds", "Sejong", "Busan"],
    ...      "country": ["GB", "GB", "KR", "KR"]},
    ...     {"source": ["a"], "target": ["c"], "kind": ["mou"]})
    >>> twins(g)[["city_a", "city_b"]].iloc[0].tolist()
    ['Belfast', 'Sejong']
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp

from graphtwin.analysis.config import (
    TWINS_COMPONENTS,
    Config,
    load_config,
)
from graphtwin.analysis.linkindex import LinkIndex
from graphtwin.analysis.twins_evidence import count_lower_bound, evidence_level
from graphtwin.analysis.twins_figures import (
    CityFigures,
    adjusted,
    best_adamic_adar,
    broker_names,
    capacity,
    complementarity,
    expected_counts,
    synergy,
    tie_matrices,
)
from graphtwin.errors import GraphtwinError
from graphtwin.model import HELIX, TRIPLE_HELIX
from graphtwin.progress import ProgressFn, no_progress

#: Common non-ISO country codes and the ISO 3166 alpha-2 code meant.
ISO_HINTS: dict[str, str] = {"UK": "GB", "EL": "GR", "ROK": "KR", "KOR": "KR", "GBR": "GB"}

#: Components that need sectors; reported missing when the data has none.
SECTOR_COMPONENTS: tuple[str, ...] = ("synergy", "complementarity")


def parse_population_band(text: str) -> tuple[int | None, int | None]:
    """Parse ``MIN-MAX`` (either side may be empty; ``k`` and ``M`` suffixes allowed).

    >>> parse_population_band("100k-1M"), parse_population_band("-500000")
    ((100000, 1000000), (None, 500000))
    """
    m = re.fullmatch(r"\s*([0-9.]*[kKmM]?)\s*-\s*([0-9.]*[kKmM]?)\s*", text or "")
    if not m or not (m.group(1) or m.group(2)):
        raise GraphtwinError(
            f"bad population band {text!r}; use MIN-MAX, e.g. 100k-1M, 50000-, -500k"
        )

    def num(s: str) -> int | None:
        if not s:
            return None
        mult = {"k": 1_000, "m": 1_000_000}.get(s[-1].lower(), 1)
        digits = s[:-1] if mult != 1 else s
        try:
            return int(float(digits) * mult)
        except ValueError:
            raise GraphtwinError(f"bad population band {text!r}: {s!r} is not a number") from None

    lo, hi = num(m.group(1)), num(m.group(2))
    if lo is not None and hi is not None and lo > hi:
        raise GraphtwinError(f"bad population band {text!r}: minimum above maximum")
    return lo, hi


def twins(
    g: ig.Graph,
    countries: Sequence[str] = ("GB", "KR"),
    *,
    top: int | None = None,
    config: Config | None = None,
    min_orgs: int = 1,
    population_band: tuple[int | None, int | None] | None = None,
    progress: ProgressFn | None = None,
) -> pd.DataFrame:
    """Rank every city pair (city in ``countries[0]``, city in ``countries[1]``).

    ``top`` limits the rows returned (all pairs are scored and ranked; rank stability
    counts the top ``top`` places, else ``stability_top`` from the config).
    ``min_orgs`` drops cities with fewer organisations; ``population_band`` (min, max)
    keeps cities whose known population lies in the band (unknown populations drop).

    Returns a DataFrame, best first: ``rank``, ``city_a``, ``country_a``, ``city_b``,
    ``country_b``, ``score``, the six normalised components, ``rank_range``,
    ``rank_stability``, ``drivers``, then raw figures (``orgs_a`` ... ``top_brokers``;
    see docs/potential.md). ``df.attrs["pairs"]`` is the number of pairs scored.
    """
    full_cfg = config or load_config()
    cfg = full_cfg.twins
    progress = progress or no_progress
    if len(countries) != 2:
        raise GraphtwinError(f"give two countries, got {len(countries)}: {' '.join(countries)}")
    c1, c2 = (c.strip().upper() for c in countries)
    if c1 == c2:
        raise GraphtwinError(f"give two different countries, got {c1} twice")
    present = sorted({c for c in g.vs["country"] if c})
    for c in (c1, c2):
        if c not in present:
            hint = ISO_HINTS.get(c)
            did_you_mean = f"; did you mean {hint}?" if hint in present else ""
            raise GraphtwinError(
                f"no organisations in country {c!r}; countries in the graph: "
                f"{', '.join(present) or 'none'} (ISO 3166 codes){did_you_mean}"
            )
    if min_orgs < 1:
        raise GraphtwinError(f"--min-orgs must be at least 1, got {min_orgs}")

    progress(0, 5, "twins: preparing")
    ix = LinkIndex(g, full_cfg.potential)
    ct = CityFigures(g, ix, cfg)
    progress(1, 5, "twins: cities")

    def selected(country: str) -> np.ndarray:
        out = []
        for i, cid in enumerate(ct.all_ids):
            if ct.country[cid] != country or ct.n_orgs[i] < min_orgs:
                continue
            if population_band is not None:
                pop = ct.population.get(cid)
                lo, hi = population_band
                if pop is None or (lo is not None and pop < lo) or (hi is not None and pop > hi):
                    continue
            out.append(i)
        return np.array(out, dtype=np.int64)

    ia, ib = selected(c1), selected(c2)
    if len(ia) == 0 or len(ib) == 0:
        empty = c1 if len(ia) == 0 else c2
        raise GraphtwinError(f"no city in {empty} passes the filters (min orgs, population band)")

    # Pairwise raw figures (|A| × |B| matrices).
    na, nb = ct.n_orgs[ia], ct.n_orgs[ib]
    geo = np.sqrt(na[:, None] * nb[None, :])

    # Existing ties: count (multi-edges) and summed weight.
    tie_count, tie_weight = tie_matrices(g, ct)
    ties = tie_count[np.ix_(ia, ib)]
    weight = tie_weight[np.ix_(ia, ib)]

    # Two-step paths and brokers.
    ac = (ix.A @ ct.C).tocsc()  # n × cities: partners of each org in each city
    paths = np.asarray((ac[:, ia].T @ ac[:, ib]).todense())
    z = ac.copy()
    z.data[:] = 1.0
    z = z.tocsc()
    za, zb = z[:, ia], z[:, ib]
    full = np.asarray((za.T @ zb).todense())
    inner_a = sp.csr_matrix(ct.C[:, ia].multiply(za)).T @ zb  # members of A tied to B
    inner_b = za.T @ sp.csr_matrix(ct.C[:, ib].multiply(zb))  # members of B tied to A
    inner_a, inner_b = inner_a.toarray(), inner_b.toarray()
    brokers = full - inner_a - inner_b
    progress(2, 5, "twins: paths and brokers")

    best_aa = best_adamic_adar(ix, ct, ia, ib)
    progress(3, 5, "twins: best untied pairs")

    # Every component twice: point (as observed) and conservative (thin evidence discounted).
    has_sectors = bool(ct.sector_counts[np.concatenate([ia, ib])].sum() > 0)
    expected = expected_counts(g, ix, ct, ia, ib)
    na_, nb_ = na[:, None], nb[None, :]
    largest = max(float(np.max(np.concatenate([na, nb]))), 1.0)
    size = np.log1p(np.minimum(na_, nb_)) / math.log1p(largest)
    lower_ties = np.divide(
        count_lower_bound(ties), ties, out=np.zeros_like(ties, dtype=float), where=ties > 0
    )
    lower_paths = count_lower_bound(paths)
    aa_factor = np.divide(lower_paths, paths, out=np.zeros_like(lower_paths), where=paths > 0)
    observed = {
        "point": {"ties": weight, "paths": paths, "brokers": brokers, "aa": best_aa},
        "conservative": {
            "ties": weight * lower_ties,
            "paths": lower_paths,
            "brokers": count_lower_bound(brokers),
            "aa": best_aa * aa_factor,
        },
    }
    raw: dict[str, dict[str, np.ndarray]] = {}
    for version, prof in (("point", ct.raw), ("conservative", ct.shrunk)):
        rel = {
            k: adjusted(observed[version][k], expected[k], geo, cfg.size_adjust)
            for k in ("ties", "paths", "brokers")
        }
        raw[version] = {
            "capacity": capacity(prof, ia, ib, size, cfg.capacity_parts),
            "synergy": synergy(prof, ia, ib),
            "complementarity": complementarity(prof, ix.M, ia, ib),
            "existing_ties": rel["ties"],
            "brokers": rel["brokers"],
            "paths": rel["paths"],
            "aa": observed[version]["aa"],
        }
    scale = {k: float(np.max(v)) if v.size else 0.0 for k, v in raw["point"].items()}

    def normalised(version: str) -> dict[str, np.ndarray]:
        r = raw[version]

        def by_max(k: str) -> np.ndarray:
            top = scale[k]
            x = r[k].ravel() / top if top > 0 else np.zeros(r[k].size)
            return np.clip(x, 0.0, 1.0)

        out = {k: by_max(k) for k in ("capacity", "synergy", "complementarity")}
        out["existing_ties"], out["brokers"] = by_max("existing_ties"), by_max("brokers")
        out["proximity"] = 0.5 * by_max("paths") + 0.5 * by_max("aa")
        return out

    comps, points = normalised("conservative"), normalised("point")
    active = [k for k in TWINS_COMPONENTS if has_sectors or k not in SECTOR_COMPONENTS]
    warnings: list[str] = []
    if not has_sectors:
        warnings.append(
            "no sectors in the data for these cities: synergy and complementarity are "
            "missing and left out of the score (the other weights are renormalised)"
        )
    progress(4, 5, "twins: ranking")

    # Composite (conservative, used for the ranking, and point), rank and stability
    weights = dict(cfg.weights)
    w = np.array([weights[k] for k in active])
    if w.sum() <= 0:
        raise GraphtwinError(
            "every weight left is 0 (synergy and complementarity are missing without "
            "sectors); give capacity, existing_ties, proximity or brokers a weight"
        )
    matrix = np.column_stack([comps[k] for k in active])
    score = matrix @ (w / w.sum())
    score_point = np.column_stack([points[k] for k in active]) @ (w / w.sum())
    na_names = [ct.name[ct.all_ids[i]] for i in ia]
    nb_names = [ct.name[ct.all_ids[i]] for i in ib]
    pair_a = np.repeat(np.arange(len(ia)), len(ib))
    pair_b = np.tile(np.arange(len(ib)), len(ia))
    rank_a = np.argsort(np.argsort(np.array(na_names, dtype=object), kind="stable"))
    rank_b = np.argsort(np.argsort(np.array(nb_names, dtype=object), kind="stable"))
    name_key = rank_a[pair_a] * len(ib) + rank_b[pair_b]
    n_top = top if top is not None else cfg.stability_top
    base_rank = _ranks(score, name_key)
    ranks = [base_rank]
    in_top = []
    for k in range(len(active)):
        for f in (1 - cfg.perturbation, 1 + cfg.perturbation):
            wp = w.copy()
            wp[k] *= f
            r = _ranks(matrix @ (wp / wp.sum()), name_key)
            ranks.append(r)
            in_top.append(r <= n_top)
    ranks_arr = np.vstack(ranks)
    stability = np.mean(np.vstack(in_top), axis=0)
    rmin, rmax = ranks_arr.min(axis=0), ranks_arr.max(axis=0)

    order = np.argsort(base_rank)
    if top is not None:
        order = order[:top]
    rows: list[dict[str, Any]] = []
    sector_names = [ix.sector_names.get(s, s) for s in ix.sector_ids]
    prof = ct.shrunk
    helix_sets = [
        {HELIX[k] for k in ct.kinds[i]} & set(TRIPLE_HELIX) for i in range(len(ct.n_orgs))
    ]
    for p in order:
        i, j = int(pair_a[p]), int(pair_b[p])
        ca, cb = int(ia[i]), int(ib[j])
        ida, idb = ct.all_ids[ca], ct.all_ids[cb]
        spec_a, spec_b = prof["specialised"][ca], prof["specialised"][cb]
        lq_a, lq_b = prof["lq"][ca], prof["lq"][cb]
        shared = _strongest(spec_a & spec_b, np.minimum(lq_a, lq_b), sector_names)
        only_a = _strongest(spec_a & ~spec_b, lq_a, sector_names)
        only_b = _strongest(spec_b & ~spec_a, lq_b, sector_names)
        top_brokers = broker_names(ix, ct, z, ca, cb)
        level, thin = evidence_level(
            int(ties[i, j]), int(brokers[i, j]), int(paths[i, j]), int(na[i]), int(nb[j])
        )
        row: dict[str, Any] = {
            "rank": int(base_rank[p]),
            "city_a": ct.name[ida],
            "country_a": c1,
            "city_b": ct.name[idb],
            "country_b": c2,
            "score": float(score[p]),
            "score_point": float(score_point[p]),
            "evidence": level,
            "thin": thin,
        }
        for k in TWINS_COMPONENTS:
            row[k] = float(comps[k][p]) if k in active else None
        for k in TWINS_COMPONENTS:
            row[f"{k}_point"] = float(points[k][p]) if k in active else None
        row["rank_range"] = f"{int(rmin[p])}–{int(rmax[p])}"
        row["rank_stability"] = float(stability[p])
        facts = {
            "orgs_a": int(na[i]),
            "orgs_b": int(nb[j]),
            "helix_a": sorted(helix_sets[ca]),
            "helix_b": sorted(helix_sets[cb]),
            "helix_complete": bool(len(helix_sets[ca]) == 3 and len(helix_sets[cb]) == 3),
            "shared_specialisations": shared,
            "only_a": only_a,
            "only_b": only_b,
            "synergy_cosine": float(raw["point"]["synergy"][i, j]),
            "ties": int(ties[i, j]),
            "tie_weight": float(weight[i, j]),
            "two_step_paths": int(paths[i, j]),
            "best_adamic_adar": float(best_aa[i, j]),
            "broker_count": int(brokers[i, j]),
            "brokers_expected": float(expected["brokers"][i, j]),
            "tie_weight_expected": float(expected["ties"][i, j]),
            "top_brokers": top_brokers,
        }
        contrib = {k: w[n] / w.sum() * comps[k][p] for n, k in enumerate(active)}
        top2 = [k for k in sorted(contrib, key=lambda k: -contrib[k])[:2] if contrib[k] > 0]
        row["drivers"] = "; ".join(_driver_words(k, facts, row) for k in top2)
        pop_a, pop_b = ct.population.get(ida), ct.population.get(idb)
        row.update(
            {
                "orgs_a": facts["orgs_a"],
                "orgs_b": facts["orgs_b"],
                "population_a": pop_a,
                "population_b": pop_b,
                "orgs_per_100k_a": _per_100k(na[i], pop_a),
                "orgs_per_100k_b": _per_100k(nb[j], pop_b),
                "kinds_a": len(ct.kinds[ca]),
                "kinds_b": len(ct.kinds[cb]),
                "helix_complete": facts["helix_complete"],
                "centrality_a": float(100 * ct.pr_sum[ca]),
                "centrality_b": float(100 * ct.pr_sum[cb]),
                "centrality_per_org_a": float(ct.raw["pr_per_org"][ca]),
                "centrality_per_org_b": float(ct.raw["pr_per_org"][cb]),
                "synergy_cosine": facts["synergy_cosine"] if has_sectors else None,
                "shared_specialisations": shared,
                "ties": facts["ties"],
                "tie_weight": facts["tie_weight"],
                "ties_per_org": float(weight[i, j] / geo[i, j]) if geo[i, j] else 0.0,
                "tie_weight_expected": float(expected["ties"][i, j]),
                "two_step_paths": facts["two_step_paths"],
                "best_adamic_adar": facts["best_adamic_adar"],
                "broker_count": facts["broker_count"],
                "brokers_expected": float(expected["brokers"][i, j]),
                "top_brokers": top_brokers,
                "city_id_a": ida,
                "city_id_b": idb,
            }
        )
        rows.append(row)
    progress(5, 5, "twins: ranking")
    df = pd.DataFrame(rows)
    df.attrs["pairs"] = len(score)
    df.attrs["warnings"] = warnings
    df.attrs["components"] = active
    df.attrs["prior_strength"] = {k: round(m, 2) for k, m in ct.shrunk["prior"].items()}
    return df


def _strongest(mask: np.ndarray, lq: np.ndarray, names: list[str]) -> list[str]:
    """Names of the sectors in ``mask``, highest location quotient first."""
    idx = np.flatnonzero(mask)
    return [names[s] for s in idx[np.lexsort((idx, -lq[idx]))]]


def _listed(items: list[str], n: int = 4) -> str:
    more = f" (+{len(items) - n} more)" if len(items) > n else ""
    return ", ".join(items[:n]) + more


def _per_100k(orgs: float, population: Any) -> float | None:
    if population is None or not population:
        return None
    return float(orgs) * 100_000 / float(population)


def _ranks(score: np.ndarray, tiebreak: np.ndarray) -> np.ndarray:
    """1-based ranks by score (descending), ties broken by the name key."""
    order = np.lexsort((tiebreak, -score))
    ranks = np.empty(len(score), dtype=np.int64)
    ranks[order] = np.arange(1, len(score) + 1)
    return ranks


def _driver_words(component: str, f: dict[str, Any], row: dict[str, Any]) -> str:
    """One component's contribution in words, with the figures behind it."""
    a, b = row["city_a"], row["city_b"]
    if component == "capacity":
        helix = (
            "triple helix complete in both"
            if f["helix_complete"]
            else f"helix: {a} {'/'.join(f['helix_a']) or 'none'}, "
            f"{b} {'/'.join(f['helix_b']) or 'none'}"
        )
        return f"capacity ({helix}; {f['orgs_a']} and {f['orgs_b']} organisations)"
    if component == "synergy":
        if f["shared_specialisations"]:
            return f"synergy (shared specialisations: {_listed(f['shared_specialisations'])})"
        return f"synergy (similar sector profiles, cosine {f['synergy_cosine']:.2f})"
    if component == "complementarity":
        parts = []
        if f["only_a"]:
            parts.append(f"{a} brings {_listed(f['only_a'], 3)}")
        if f["only_b"]:
            parts.append(f"{b} brings {_listed(f['only_b'], 3)}")
        detail = "; ".join(parts) or "academia/business/government mixes fit together"
        return f"complementarity ({detail})"
    if component == "existing_ties":
        noun = "tie" if f["ties"] == 1 else "ties"
        return (
            f"existing ties ({f['ties']} {noun}, weight {f['tie_weight']:g}; "
            f"{f['tie_weight_expected']:,.1f} expected from size alone)"
        )
    if component == "proximity":
        return (
            f"proximity ({f['two_step_paths']} two-step paths; best untied pair "
            f"Adamic–Adar {f['best_adamic_adar']:.2f})"
        )
    if component == "brokers":
        names = ", ".join(f["top_brokers"])
        eg = f", e.g. {names}" if names else ""
        noun = "organisation" if f["broker_count"] == 1 else "organisations"
        exp = f"; {f['brokers_expected']:,.1f} expected from size alone"
        return f"brokers ({f['broker_count']:,} {noun} tied to both{eg}{exp})"
    return component
