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
    SPHERES,
    TWINS_COMPONENTS,
    Config,
    TwinsConfig,
    load_config,
)
from graphtwin.analysis.potential import LinkIndex
from graphtwin.analysis.twins_evidence import count_lower_bound, evidence_level, shrink
from graphtwin.errors import GraphtwinError
from graphtwin.model import HELIX, ORG_KINDS, TRIPLE_HELIX
from graphtwin.progress import ProgressFn, no_progress

#: Vertex attribute read for city centrality when present (written by ``centrality``).
PAGERANK_ATTR = "gt_pagerank"

#: Common non-ISO country codes and the ISO 3166 alpha-2 code meant.
ISO_HINTS: dict[str, str] = {"UK": "GB", "EL": "GR", "ROK": "KR", "KOR": "KR", "GBR": "GB"}

#: Components that need sectors; reported missing when the data has none.
SECTOR_COMPONENTS: tuple[str, ...] = ("synergy", "complementarity")

#: Rows of the untied-pair Adamic–Adar product processed at once.
AA_CHUNK_ROWS = 2_000


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


def _cosine_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Cosine similarity between every row of x and every row of y (0 for zero rows)."""
    nx_ = np.linalg.norm(x, axis=1)
    ny_ = np.linalg.norm(y, axis=1)
    dot = x @ y.T
    denom = nx_[:, None] * ny_[None, :]
    return np.divide(dot, denom, out=np.zeros_like(dot), where=denom > 0)


class _Cities:
    """Per-city counts for the cities of the graph (all cities, for the incidence)."""

    def __init__(self, g: ig.Graph, ix: LinkIndex, cfg: TwinsConfig) -> None:
        n = g.vcount()
        city_ids = [c for c in g.vs["city_id"]]
        countries = list(g.vs["country"])
        self.all_ids = sorted({c for c in city_ids if c is not None})
        pos = {c: i for i, c in enumerate(self.all_ids)}
        self.col = np.array([pos.get(c, -1) if c is not None else -1 for c in city_ids])
        has = np.flatnonzero(self.col >= 0)
        self.C = sp.csr_matrix(
            (np.ones(len(has)), (has, self.col[has])), shape=(n, max(len(self.all_ids), 1))
        )
        self.n_orgs = np.asarray(self.C.sum(axis=0)).ravel()
        self.country = {}
        self.name = {}
        for v, c in enumerate(city_ids):
            if c is not None and c not in self.country:
                self.country[c] = countries[v]
                self.name[c] = g.vs[v]["city"]
        codes = {c: i for i, c in enumerate(sorted({str(x) for x in self.country.values()}))}
        self.country_code = np.array([codes[str(self.country[c])] for c in self.all_ids])
        self.country_names = {i: c for c, i in codes.items()}
        info = g["cities"] if "cities" in g.attributes() else {}
        self.population = {c: (info.get(c) or {}).get("population") for c in self.all_ids}
        # Kinds per city (counts over ORG_KINDS) and their triple-helix spheres
        kind_pos = {k: i for i, k in enumerate(ORG_KINDS)}
        self.kind_counts = np.zeros((len(self.all_ids), len(ORG_KINDS)))
        for v in has:
            self.kind_counts[self.col[v], kind_pos.get(ix.kinds[v], kind_pos["other"])] += 1
        self.kinds: dict[int, set[str]] = {
            i: {ORG_KINDS[k] for k in np.flatnonzero(row)} for i, row in enumerate(self.kind_counts)
        }
        sphere_of = {s: i for i, s in enumerate(SPHERES)}
        self.kind_sphere = np.zeros((len(ORG_KINDS), len(SPHERES)))
        for k, kind in enumerate(ORG_KINDS):
            self.kind_sphere[k, sphere_of[HELIX[kind]]] = 1.0
        # Centrality: PageRank on the simple weighted graph (or the written-back score).
        pr = self._pagerank(g, ix)
        self.pr_sum = np.asarray(self.C.T @ pr).ravel()
        self.total_orgs = max(n, 1)
        # Sectors: each city's sector memberships (an organisation active in two sectors
        # counts in both) and the reference composition (its country's, or the graph's).
        self.sector_counts = np.asarray((self.C.T @ ix.S).todense())  # cities × sectors
        self.sector_totals = self.sector_counts.sum(axis=1)
        if cfg.lq_reference == "graph":
            ref = self.sector_counts.sum(axis=0) / max(self.sector_totals.sum(), 1)
            self.reference = np.tile(ref, (len(self.all_ids), 1))
        else:
            self.reference = np.zeros_like(self.sector_counts, dtype=float)
            for grp in np.unique(self.country_code):
                idxs = np.flatnonzero(self.country_code == grp)
                tot = self.sector_totals[idxs].sum()
                self.reference[idxs] = self.sector_counts[idxs].sum(axis=0) / max(tot, 1)
        self.raw = self.profile(cfg, shrunk=False)
        self.shrunk = self.profile(cfg, shrunk=True)

    def profile(self, cfg: TwinsConfig, shrunk: bool) -> dict[str, Any]:
        """Per-city shares behind capacity, synergy and complementarity: as observed, or
        shrunk towards the country's (:func:`~graphtwin.analysis.twins_evidence.shrink`).

        ``presence`` (kinds) and ``helix`` (spheres) are the chance that the city has an
        organisation of that kind or sphere: 0/1 as observed, 1 - (1 - share)^n shrunk.
        """
        n = self.n_orgs
        if shrunk:
            kind_share, m_kind = shrink(self.kind_counts, n, self.country_code)
            composition, m_sector = shrink(
                self.sector_counts, self.sector_totals, self.country_code
            )
            m_city = np.full(len(n), m_kind)
            presence = 1.0 - (1.0 - kind_share) ** n[:, None]
            sphere_share = kind_share @ self.kind_sphere
            sphere_presence = 1.0 - (1.0 - sphere_share) ** n[:, None]
            pr_per_org = (self.pr_sum * self.total_orgs + m_city) / (n + m_city)
            m_sec = np.full(len(n), m_sector)
            reliability = {
                "kinds": n / (n + m_city),
                "sectors": self.sector_totals / (self.sector_totals + m_sec),
            }
        else:
            m_kind = m_sector = 0.0
            nn = np.maximum(n, 1)[:, None]
            kind_share = self.kind_counts / nn
            composition = self.sector_counts / np.maximum(self.sector_totals, 1)[:, None]
            presence = (self.kind_counts > 0).astype(float)
            sphere_share = kind_share @ self.kind_sphere
            sphere_presence = (self.kind_counts @ self.kind_sphere > 0).astype(float)
            pr_per_org = np.divide(
                self.pr_sum * self.total_orgs, n, out=np.zeros_like(self.pr_sum), where=n > 0
            )
            reliability = {"kinds": np.ones_like(n), "sectors": np.ones_like(n)}
        ref = self.reference
        lq = np.divide(composition, ref, out=np.ones_like(composition), where=ref > 0)
        lq[self.sector_totals == 0] = 1.0  # no sector: no profile (flat), not "below all"
        specialised = (lq >= cfg.specialisation_lq) & (self.sector_counts > 0)
        helix_cols = [SPHERES.index(s) for s in TRIPLE_HELIX]
        return {
            "presence": presence,
            "sphere_share": sphere_share,
            "helix": sphere_presence[:, helix_cols],
            "pr_per_org": pr_per_org,
            "lq": lq,
            "specialised": specialised,
            "prior": {"kinds": m_kind, "sectors": m_sector},
            "reliability": reliability,
        }

    @staticmethod
    def _pagerank(g: ig.Graph, ix: LinkIndex) -> np.ndarray:
        if PAGERANK_ATTR in g.vs.attributes():
            vals = np.array([np.nan if x is None else float(x) for x in g.vs[PAGERANK_ATTR]])
            if not np.all(np.isnan(vals)) and np.nansum(vals) > 0:
                vals = np.nan_to_num(vals, nan=0.0)
                return vals / vals.sum()
        if ix.n == 0:
            return np.zeros(0)
        upper = sp.triu(ix.W, k=1).tocoo()
        h = ig.Graph(n=ix.n, edges=np.column_stack([upper.row, upper.col]).tolist())
        return np.asarray(h.pagerank(weights=upper.data.tolist() or None), dtype=float)


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
    ct = _Cities(g, ix, cfg)
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
    tie_count, tie_weight = _tie_matrices(g, ct)
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

    best_aa = _best_adamic_adar(ix, ct, ia, ib)
    progress(3, 5, "twins: best untied pairs")

    # Every component twice: point (as observed) and conservative (thin evidence discounted).
    has_sectors = bool(ct.sector_counts[np.concatenate([ia, ib])].sum() > 0)
    expected = _expected(g, ix, ct, ia, ib)
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
            k: _adjusted(observed[version][k], expected[k], geo, cfg.size_adjust)
            for k in ("ties", "paths", "brokers")
        }
        raw[version] = {
            "capacity": _capacity(prof, ia, ib, size, cfg.capacity_parts),
            "synergy": _synergy(prof, ia, ib),
            "complementarity": _complementarity(prof, ix.M, ia, ib),
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
        broker_names = _broker_names(ix, ct, z, ca, cb)
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
            "top_brokers": broker_names,
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
                "top_brokers": broker_names,
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


def _capacity(
    prof: dict[str, Any], ia: np.ndarray, ib: np.ndarray, size: np.ndarray, parts: dict[str, float]
) -> np.ndarray:
    """Capacity of every pair from the cities' profiles (see the module docstring)."""
    helix = prof["helix"]
    presence = prof["presence"]
    helix_share = (helix[ia].sum(1)[:, None] + helix[ib].sum(1)[None, :]) / (2 * len(TRIPLE_HELIX))
    diversity = (presence[ia].sum(1)[:, None] + presence[ib].sum(1)[None, :]) / (2 * len(ORG_KINDS))
    cent = np.minimum(prof["pr_per_org"], 2.0) / 2.0
    centrality = (cent[ia][:, None] + cent[ib][None, :]) / 2
    return (
        parts["helix"] * helix_share
        + parts["diversity"] * diversity
        + parts["size"] * size
        + parts["centrality"] * centrality
    )


def _synergy(prof: dict[str, Any], ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Cosine of the two cities' specialisation profiles LQ - 1 (0 when either is flat
    or they point apart): a city like its country average has no profile to share."""
    lq = prof["lq"]
    cosine = np.clip(_cosine_rows(lq[ia] - 1.0, lq[ib] - 1.0), 0.0, 1.0)
    return cosine * _attenuation(prof["reliability"]["sectors"], ia, ib)


def _attenuation(reliability: np.ndarray, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """sqrt(r_A r_B): how far a comparison of two noisy profiles can be trusted, with r
    the share of a city's profile that is its own (n / (n + m), 1 as observed); the
    attenuation of a correlation between two measures of reliability r_A and r_B
    (Spearman 1904)."""
    return np.sqrt(np.outer(reliability[ia], reliability[ib]))


def _complementarity(
    prof: dict[str, Any], sphere_matrix: np.ndarray, ia: np.ndarray, ib: np.ndarray
) -> np.ndarray:
    """Mean of the helix-mix fit, the exclusive share of specialisations and the expected
    exclusive share of organisation kinds."""
    share = prof["sphere_share"]
    mix_fit = share[ia] @ sphere_matrix @ share[ib].T
    sa = prof["specialised"][ia].astype(float)
    sb = prof["specialised"][ib].astype(float)
    shared_spec = sa @ sb.T
    union_spec = sa.sum(1)[:, None] + sb.sum(1)[None, :] - shared_spec
    spec_comp = np.divide(
        union_spec - shared_spec, union_spec, out=np.zeros_like(union_spec), where=union_spec > 0
    )
    pa, pb = prof["presence"][ia], prof["presence"][ib]
    both = pa @ pb.T
    union_k = pa.sum(1)[:, None] + pb.sum(1)[None, :] - both
    kind_comp = np.divide(union_k - both, union_k, out=np.zeros_like(union_k), where=union_k > 0)
    kinds = _attenuation(prof["reliability"]["kinds"], ia, ib)
    sectors = _attenuation(prof["reliability"]["sectors"], ia, ib)
    return ((mix_fit + kind_comp) * kinds + spec_comp * sectors) / 3


def _adjusted(observed: np.ndarray, expected: np.ndarray, geo: np.ndarray, how: str) -> np.ndarray:
    """A relational figure scored against size (see ``size_adjust`` in weights.toml)."""
    if how == "expected":
        return np.log1p(observed / (expected + 1.0))
    if how == "per_org":
        return np.log1p(observed / np.maximum(geo, 1e-12))
    return np.log1p(observed)


def _expected(
    g: ig.Graph, ix: LinkIndex, ct: _Cities, ia: np.ndarray, ib: np.ndarray
) -> dict[str, np.ndarray]:
    """Expected tie weight, two-step paths and brokers between every two cities under
    random mixing: every tie end lands on city x with probability K_x / 2M, where K_x is
    the summed degree (strength for weights) of its organisations and 2M the sum over all.

    ties: S_a S_b / 2W (strengths); paths: sum_w k_w (k_w - 1) K_a K_b / (2M)^2;
    brokers: sum over w outside a and b of P(w has a partner in a) P(w has a partner in
    b), with P = 1 - (1 - K_x / 2M)^k_w.
    """
    strength = np.asarray(ix.W.sum(axis=1)).ravel()
    s_city = np.asarray(ct.C.T @ strength).ravel()
    k_city = np.asarray(ct.C.T @ ix.deg).ravel()
    two_w, two_m = max(strength.sum(), 1e-12), max(ix.deg.sum(), 1e-12)
    ties = np.outer(s_city[ia], s_city[ib]) / two_w
    d2 = float((ix.deg * (ix.deg - 1)).sum())
    paths = d2 * np.outer(k_city[ia], k_city[ib]) / two_m**2
    share_a = np.clip(k_city[ia] / two_m, 0, 1)
    share_b = np.clip(k_city[ib] / two_m, 0, 1)
    # Group organisations by degree (few distinct values) and by city.
    has = ix.deg > 0
    degs, inverse = np.unique(ix.deg[has], return_inverse=True)
    counts = np.bincount(inverse, minlength=len(degs)).astype(float)
    members = np.flatnonzero(has)
    in_city = ct.col[members] >= 0
    by_city = sp.csr_matrix(
        (np.ones(int(in_city.sum())), (ct.col[members][in_city], inverse[in_city])),
        shape=(len(ct.all_ids), len(degs)),
    ).toarray()  # cities × distinct degrees
    pa = 1 - (1 - share_a[None, :]) ** degs[:, None]  # distinct degrees × cities A
    pb = 1 - (1 - share_b[None, :]) ** degs[:, None]
    brokers = (pa * counts[:, None]).T @ pb
    brokers -= (by_city[ia] * pa.T) @ pb  # members of A are not brokers
    brokers -= pa.T @ (by_city[ib].T * pb)  # nor members of B
    brokers = np.maximum(brokers, 0.0)
    return {"ties": ties, "paths": paths, "brokers": brokers}


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


def _tie_matrices(g: ig.Graph, ct: _Cities) -> tuple[np.ndarray, np.ndarray]:
    """Tie count (parallel ties counted) and summed weight between every two cities."""
    m = len(ct.all_ids)
    if g.ecount() == 0 or m == 0:
        return np.zeros((m, m)), np.zeros((m, m))
    el = np.asarray(g.get_edgelist(), dtype=np.int64)
    w = np.asarray(g.es["weight"], dtype=float)
    cs, cd = ct.col[el[:, 0]], ct.col[el[:, 1]]
    keep = (cs >= 0) & (cd >= 0) & (cs != cd)
    cs, cd, w = cs[keep], cd[keep], w[keep]
    rows, cols = np.concatenate([cs, cd]), np.concatenate([cd, cs])
    count = sp.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m)).toarray()
    weight = sp.coo_matrix((np.concatenate([w, w]), (rows, cols)), shape=(m, m)).toarray()
    return count, weight


def _best_adamic_adar(ix: LinkIndex, ct: _Cities, ia: np.ndarray, ib: np.ndarray) -> np.ndarray:
    """Best Adamic–Adar of an untied organisation pair, for every (city A, city B)."""
    best = np.zeros((len(ia), len(ib)))
    pos_a = np.full(len(ct.all_ids), -1)
    pos_a[ia] = np.arange(len(ia))
    pos_b = np.full(len(ct.all_ids), -1)
    pos_b[ib] = np.arange(len(ib))
    rows = np.flatnonzero((ct.col >= 0) & (pos_a[np.maximum(ct.col, 0)] >= 0))
    cols = np.flatnonzero((ct.col >= 0) & (pos_b[np.maximum(ct.col, 0)] >= 0))
    if len(rows) == 0 or len(cols) == 0:
        return best
    row_city = pos_a[ct.col[rows]]
    col_city = pos_b[ct.col[cols]]
    bt = ix.A[cols].T.tocsr()
    weighted = ix.A.multiply(ix.aa_w[None, :]).tocsr()
    for lo in range(0, len(rows), AA_CHUNK_ROWS):
        r = rows[lo : lo + AA_CHUNK_ROWS]
        aa = (weighted[r] @ bt).tocsr()
        tied = ix.A[r][:, cols]
        if tied.nnz:
            aa = aa - aa.multiply(tied)
        aa = aa.tocoo()
        keep = aa.data > 0
        if not keep.any():
            continue
        np.maximum.at(best, (row_city[lo + aa.row[keep]], col_city[aa.col[keep]]), aa.data[keep])
    return best


def _broker_names(ix: LinkIndex, ct: _Cities, z: sp.csc_matrix, ca: int, cb: int) -> list[str]:
    """Up to three organisations outside both cities tied to both, best-connected first."""
    tied_a = z.indices[z.indptr[ca] : z.indptr[ca + 1]]
    tied_b = z.indices[z.indptr[cb] : z.indptr[cb + 1]]
    cand = np.intersect1d(tied_a, tied_b, assume_unique=True)
    cand = cand[(ct.col[cand] != ca) & (ct.col[cand] != cb)]
    best = sorted(cand.tolist(), key=lambda v: (-ix.deg[v], ix.names[v]))
    return [ix.names[v] for v in best[:3]]


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
