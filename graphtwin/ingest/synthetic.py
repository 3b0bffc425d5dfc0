"""Seeded synthetic stakeholder networks for tests, benchmarks and trying the tool at scale.

:func:`generate` builds a :class:`~graphtwin.model.Bundle` whose structure resembles a
real innovation network, so that centrality, bridging, potential and backtests have
something to find:

- **Cities**: the most populous places of each country in the package city table
  (``graphtwin/data/cities_geonames.csv``, GeoNames CC BY 4.0), at most
  ``cities_per_country`` of them (fewer for small networks, so every city has a few
  dozen organisations); organisations are placed with probability proportional to
  population.
- **Kinds**: mostly firms, then nonprofits, research institutes, universities,
  investors, hospitals, agencies, catapults, councils (:data:`KIND_SHARES`).
- **Sectors**: 1–3 per organisation from the Belfast–Sejong Statement of Intent areas
  (:data:`SECTORS`); each city has its own specialisation profile (a Dirichlet draw) and
  each kind its leanings (hospitals to medtech and health, investors to start-ups and
  fintech), so cities differ in what they are relatively strong in.
- **Ties**, year by year from 2015 to 2024 (8% more each year): a share of each year's
  candidates closes triangles of the network as it stood at the start of that year (a
  partner of a partner), rising from 15% in 2015 to 60% in 2024, and distant closures
  are kept less often; the other candidates pick a source by a heavy-tailed fitness
  (lognormal, larger for universities, agencies and catapults: preferential attachment
  by fitness) and a target by the same fitness within the same city (80%), another city
  of the same country (15%) or another country (5%). Every candidate is kept with a
  probability that rises with shared sectors and with complementary kinds
  (firm–university more than investor–investor). The result (46k/500k, seed 1): about
  82% of ties within a city, 14% across cities, 4% across countries; degree median 11,
  maximum about 1,800; transitivity 0.08 against 0.006 after degree-preserving
  rewiring; 76% of the ties of 2023–24 join organisations that already had a common
  partner before 2023.
- **Tie kinds**: mostly collaboration and project, some mou, agreement, meeting and
  copublication; funding from agencies and investors to those they fund; membership of
  catapults and agencies; cross-country ties lean to mou, meetings and visits.

There is at most one tie per pair of organisations; no self-ties. Everything comes from
one ``numpy.random.Generator`` seeded with ``seed``: the same arguments give the same
bundle. 46,000 organisations and 500,000 ties take a few seconds (see
benchmarks/bench_generate.py).

Example:
    >>> b = generate(200, 800, seed=1)
    >>> len(b.organisations), len(b.ties), b.organisations[0].synthetic
    (200, 800, True)
    >>> b.organisations[0].id
    'syn-000000'
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from graphtwin.errors import GraphtwinError
from graphtwin.model import HELIX, Bundle, City, Organisation, Sector, Tie
from graphtwin.progress import ProgressFn, no_progress

#: Sector ids and names: the Belfast–Sejong Statement of Intent areas and the Liverpool
#: City Region–Busan MoU areas (the same ids as the demo bundle's sectors.csv).
SECTORS: tuple[tuple[str, str], ...] = (
    ("smart-cities", "Smart cities"),
    ("cyber-security", "Cyber security"),
    ("fintech", "Fintech"),
    ("medtech", "Medtech"),
    ("regtech", "Regtech"),
    ("enabling-emerging-tech", "Enabling and emerging technologies"),
    ("regulatory-sandboxes", "Regulatory sandboxes"),
    ("mobility", "Mobility"),
    ("health-wellbeing", "Health and wellbeing"),
    ("advanced-manufacturing", "Advanced manufacturing"),
    ("net-zero", "Net zero"),
    ("innovation-ecosystems-procurement", "Innovation ecosystems and innovative procurement"),
    ("economic-development", "Economic development"),
    ("startup-sme-support", "Start-up and SME support"),
    ("academic-cultural-cooperation", "Academic, educational and cultural cooperation"),
    ("trade-investment", "Bilateral trade and investment"),
    ("digital", "Digital"),
    ("clean-energy", "Clean energy"),
    ("health", "Health"),
)

#: Share of each organisation kind (sums to 1).
KIND_SHARES: dict[str, float] = {
    "firm": 0.62,
    "nonprofit": 0.08,
    "research_institute": 0.07,
    "university": 0.06,
    "investor": 0.05,
    "hospital": 0.04,
    "agency": 0.025,
    "catapult": 0.02,
    "other": 0.02,
    "council": 0.015,
}

#: Mean fitness (expected number of ties) relative to a firm.
KIND_FITNESS: dict[str, float] = {
    "firm": 0.7,
    "nonprofit": 0.8,
    "research_institute": 1.6,
    "university": 4.0,
    "investor": 1.5,
    "hospital": 1.5,
    "agency": 3.0,
    "catapult": 3.0,
    "other": 0.6,
    "council": 2.5,
}

#: How readily two kinds work together (symmetric; pairs not listed: 0.4).
KIND_AFFINITY: dict[tuple[str, str], float] = {
    ("firm", "university"): 1.0,
    ("firm", "research_institute"): 1.0,
    ("firm", "catapult"): 1.0,
    ("firm", "investor"): 1.0,
    ("firm", "hospital"): 0.8,
    ("firm", "firm"): 0.6,
    ("firm", "council"): 0.6,
    ("firm", "agency"): 0.6,
    ("firm", "nonprofit"): 0.5,
    ("university", "research_institute"): 1.0,
    ("university", "hospital"): 1.0,
    ("university", "council"): 1.0,
    ("university", "agency"): 1.0,
    ("university", "catapult"): 1.0,
    ("university", "university"): 0.7,
    ("university", "nonprofit"): 0.6,
    ("research_institute", "agency"): 1.0,
    ("research_institute", "catapult"): 1.0,
    ("research_institute", "hospital"): 1.0,
    ("council", "agency"): 1.0,
    ("council", "catapult"): 1.0,
    ("council", "nonprofit"): 0.8,
    ("agency", "catapult"): 1.0,
    ("agency", "agency"): 0.5,
    ("investor", "catapult"): 1.0,
    ("investor", "investor"): 0.3,
    ("hospital", "hospital"): 0.5,
}

#: Kind leanings towards sectors (multipliers of the city's sector profile).
KIND_SECTOR_LEANING: dict[str, dict[str, float]] = {
    "university": {"academic-cultural-cooperation": 4, "enabling-emerging-tech": 2},
    "research_institute": {"enabling-emerging-tech": 3, "clean-energy": 2, "digital": 2},
    "hospital": {"medtech": 4, "health-wellbeing": 5, "health": 5},
    "investor": {"fintech": 3, "startup-sme-support": 4, "trade-investment": 2},
    "council": {
        "smart-cities": 4,
        "economic-development": 3,
        "net-zero": 2,
        "mobility": 2,
        "innovation-ecosystems-procurement": 2,
    },
    "agency": {
        "economic-development": 3,
        "trade-investment": 3,
        "regulatory-sandboxes": 2,
        "startup-sme-support": 2,
    },
    "catapult": {"innovation-ecosystems-procurement": 3, "startup-sme-support": 2},
    "firm": {"cyber-security": 1.5, "fintech": 1.5, "medtech": 1.5, "advanced-manufacturing": 1.5},
    "nonprofit": {"academic-cultural-cooperation": 2, "health-wellbeing": 2, "net-zero": 1.5},
}

FIRST_YEAR, LAST_YEAR = 2015, 2024
#: Share of each year's ties proposed by closing a triangle, first and last year.
CLOSURE_SHARE = (0.15, 0.60)
#: Where a non-closing tie looks for its target: same city, same country, other country.
SCOPE_SHARES = (0.80, 0.15, 0.05)
#: Probability of keeping a triangle-closing candidate in another city / country.
CLOSURE_ELSEWHERE, CLOSURE_ABROAD = 0.35, 0.2

_FUNDERS = ("agency", "investor")
_FUNDED = ("firm", "university", "research_institute", "catapult", "hospital", "nonprofit")
_BODIES = ("catapult", "agency")
_MEMBERS = ("firm", "university", "research_institute", "nonprofit", "hospital", "investor")
#: Undirected tie kinds and their shares, within a country and across countries.
_LOCAL_KINDS = (
    ("collaboration", 0.40),
    ("project", 0.30),
    ("mou", 0.08),
    ("agreement", 0.04),
    ("meeting", 0.10),
    ("copublication", 0.08),
)
_ABROAD_KINDS = (
    ("collaboration", 0.25),
    ("project", 0.20),
    ("mou", 0.20),
    ("meeting", 0.15),
    ("visit", 0.12),
    ("delegation", 0.08),
)


@dataclass(frozen=True, slots=True)
class _Cities:
    names: list[str]
    country: np.ndarray  # country index per city
    population: np.ndarray
    records: list[City]


def _read_city_table(countries: tuple[str, ...], per_country: int) -> _Cities:
    """The ``per_country`` most populous places of each country in the package table."""
    rows: dict[str, list[dict[str, str]]] = {c: [] for c in countries}
    table = resources.files("graphtwin") / "data" / "cities_geonames.csv"
    with table.open("r", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["country"] in rows:
                rows[row["country"]].append(row)
    names: list[str] = []
    country: list[int] = []
    population: list[int] = []
    records: list[City] = []
    for ci, code in enumerate(countries):
        found = rows[code]
        if not found:
            raise GraphtwinError(
                f"no cities for country {code!r} in the built-in city table; "
                f"choose among the countries it covers (e.g. GB, KR)"
            )
        found.sort(key=lambda r: -int(r["population"] or 0))
        for row in found[:per_country]:
            # qualified_name disambiguates names that occur twice (Gwangju (Gyeonggi)).
            name = row.get("qualified_name") or row["name"]
            names.append(name)
            country.append(ci)
            population.append(int(row["population"] or 0))
            records.append(
                City(
                    name=name,
                    country=code,
                    lat=float(row["lat"]),
                    lon=float(row["lon"]),
                    population=int(row["population"] or 0),
                    region=row.get("region") or None,
                )
            )
    return _Cities(names, np.array(country), np.array(population, dtype=float), records)


def max_ties(orgs: int) -> int:
    """The most ties :func:`generate` accepts for ``orgs`` organisations (30% of pairs).

    >>> max_ties(10)
    13
    """
    return int(orgs * (orgs - 1) // 2 * 0.3)


def generate(
    orgs: int,
    ties: int,
    seed: int,
    countries: tuple[str, ...] | list[str] = ("GB", "KR"),
    *,
    cities_per_country: int = 60,
    progress: ProgressFn | None = None,
) -> Bundle:
    """A seeded synthetic bundle of ``orgs`` organisations and exactly ``ties`` ties.

    See the module docstring for the structure. Raises :class:`GraphtwinError` for
    fewer than 2 organisations, a negative number of ties, more ties than
    :func:`max_ties` allows, or a country missing from the city table.

    Example:
        >>> b = generate(500, 2000, seed=7)
        >>> b.organisations[3].name.startswith("Synthetic "), b.ties[0].start[:2]
        (True, '20')
        >>> generate(500, 2000, seed=7).ties == b.ties
        True
    """
    progress = progress or no_progress
    countries = tuple(c.strip().upper() for c in countries)
    if not countries or len(set(countries)) != len(countries):
        raise GraphtwinError("give one or more distinct country codes, e.g. GB KR")
    if orgs < 2:
        raise GraphtwinError(f"--orgs must be at least 2 (got {orgs})")
    if ties < 0:
        raise GraphtwinError(f"--ties must not be negative (got {ties})")
    if ties > max_ties(orgs):
        raise GraphtwinError(
            f"{ties:,} ties are too many for {orgs:,} organisations; "
            f"at most {max_ties(orgs):,} (30% of all pairs)"
        )
    rng = np.random.default_rng(seed)
    progress(0, orgs, "organisations")
    per_country = max(1, min(cities_per_country, orgs // (25 * len(countries))))
    cities = _read_city_table(countries, per_country)
    net = _Network.build(orgs, cities, rng)
    progress(orgs, orgs, "organisations")
    src, dst, year = net.sample_ties(ties, rng, progress)
    return net.to_bundle(src, dst, year, seed, rng)


class _Network:
    """Arrays describing the organisations, and the tie sampler working on them."""

    def __init__(self) -> None:
        self.n = 0

    @classmethod
    def build(cls, n: int, cities: _Cities, rng: np.random.Generator) -> _Network:
        self = cls()
        self.n = n
        self.cities = cities
        kinds = list(KIND_SHARES)
        shares = np.array([KIND_SHARES[k] for k in kinds])
        self.kind_names = kinds
        # Organisation attributes, in id order.
        p_city = cities.population / cities.population.sum()
        self.city = rng.choice(len(p_city), size=n, p=p_city)
        self.kind = rng.choice(len(kinds), size=n, p=shares / shares.sum())
        self.country = cities.country[self.city]
        kind_fit = np.array([KIND_FITNESS[k] for k in kinds])
        self.fitness = rng.lognormal(0.0, 1.0, size=n) * kind_fit[self.kind]
        self.sectors, self.n_sectors = _sectors(self.city, self.kind, kinds, len(p_city), rng)
        self.mask = np.zeros(n, dtype=np.uint32)
        for j in range(3):
            has = self.n_sectors > j
            self.mask[has] |= np.left_shift(np.uint32(1), self.sectors[has, j].astype(np.uint32))
        affinity = np.full((len(kinds), len(kinds)), 0.4)
        for (a, b), v in KIND_AFFINITY.items():
            affinity[kinds.index(a), kinds.index(b)] = affinity[kinds.index(b), kinds.index(a)] = v
        self.affinity = affinity

        # Sampling structures: organisations sorted by city (cities are grouped by
        # country), cumulative fitness, and each city's and country's range in it.
        self.order = np.argsort(self.city, kind="stable")
        self.cum = np.cumsum(self.fitness[self.order])
        n_cities = len(p_city)
        bounds = np.searchsorted(self.city[self.order], np.arange(n_cities + 1))
        lo = np.concatenate(([0.0], self.cum))
        self.city_base = lo[bounds[:-1]]
        self.city_weight = lo[bounds[1:]] - self.city_base
        n_countries = int(cities.country.max()) + 1
        first_city = np.searchsorted(cities.country, np.arange(n_countries + 1))
        self.country_base = self.city_base[np.minimum(first_city[:-1], n_cities - 1)]
        ends = np.where(
            first_city[1:] >= n_cities,
            self.cum[-1],
            self.city_base[np.minimum(first_city[1:], n_cities - 1)],
        )
        self.country_weight = ends - self.country_base
        self.total = float(self.cum[-1])
        return self

    # ---------------------------------------------------------------- sampling helpers

    def _pick(self, r: np.ndarray) -> np.ndarray:
        """Organisations at cumulative-fitness positions ``r`` (0 <= r < total)."""
        pos = np.searchsorted(self.cum, r, side="right")
        return self.order[np.minimum(pos, self.n - 1)]

    def _random_candidates(self, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        src = self._pick(rng.random(m) * self.total)
        c = self.city[src]
        k = self.country[src]
        scope = np.searchsorted(np.cumsum(SCOPE_SHARES), rng.random(m), side="right")
        u = rng.random(m)
        # Same city.
        r = self.city_base[c] + u * self.city_weight[c]
        # Same country, another city: skip the source's own city range.
        rest = self.country_weight[k] - self.city_weight[c]
        r2 = self.country_base[k] + u * rest
        r2 = np.where(r2 >= self.city_base[c], r2 + self.city_weight[c], r2)
        use = (scope == 1) & (rest > 1e-9)
        r = np.where(use, r2, r)
        # Another country: skip the source's own country range.
        rest = self.total - self.country_weight[k]
        r3 = u * rest
        r3 = np.where(r3 >= self.country_base[k], r3 + self.country_weight[k], r3)
        use = (scope == 2) & (rest > 1e-9)
        r = np.where(use, r3, r)
        return src, self._pick(np.minimum(r, np.nextafter(self.total, 0)))

    @staticmethod
    def _closure_candidates(
        m: int, adj: tuple[np.ndarray, np.ndarray, np.ndarray], rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """``m`` open wedges u–v–w of the current network, as candidate ties (u, w)."""
        rows, cols, indptr = adj
        if len(cols) == 0:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        p = rng.integers(0, len(cols), size=m)
        u, v = rows[p], cols[p]
        deg = indptr[v + 1] - indptr[v]
        w = cols[indptr[v] + (rng.random(m) * deg).astype(np.int64)]
        return u, w

    def _accept(self, a: np.ndarray, b: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Keep a candidate with probability rising with shared sectors and kind fit."""
        shared = np.bitwise_count(self.mask[a] & self.mask[b])
        sector_factor = np.array([0.3, 0.7, 1.0, 1.0])[np.minimum(shared, 3)]
        p = sector_factor * self.affinity[self.kind[a], self.kind[b]]
        return rng.random(len(a)) < p

    def sample_ties(
        self, total: int, rng: np.random.Generator, progress: ProgressFn
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``total`` distinct ties (source, target, start year) grown year by year."""
        years = np.arange(FIRST_YEAR, LAST_YEAR + 1)
        growth = 1.08 ** np.arange(len(years))
        per_year = np.floor(total * growth / growth.sum()).astype(np.int64)
        per_year[-1] += total - per_year.sum()
        closure = np.linspace(*CLOSURE_SHARE, len(years))
        n = self.n
        keys = np.empty(0, dtype=np.int64)  # sorted keys lo*n+hi of ties so far
        src_all: list[np.ndarray] = []
        dst_all: list[np.ndarray] = []
        year_all: list[np.ndarray] = []
        done = 0
        progress(0, total, "ties")
        for y, need_y, share in zip(years, per_year, closure, strict=True):
            adj = _adjacency(keys, n)
            got_src: list[np.ndarray] = []
            got_dst: list[np.ndarray] = []
            year_keys = np.empty(0, dtype=np.int64)
            need = int(need_y)
            rate = 0.4
            stalled = 0
            while need > 0:
                m = int(need / rate * 1.15) + 64
                m_close = int(m * share) if len(adj[1]) else 0
                a1, b1 = self._closure_candidates(m_close, adj, rng)
                a2, b2 = self._random_candidates(m - m_close, rng)
                a = np.concatenate((a1, a2))
                b = np.concatenate((b1, b2))
                if stalled < 3:
                    ok = self._accept(a, b, rng)
                    # Partners of partners are mostly met locally: distant closures are
                    # kept less often, so that the shares of SCOPE_SHARES hold overall.
                    far = self.city[a1] != self.city[b1]
                    abroad = self.country[a1] != self.country[b1]
                    keep_far = np.where(abroad, CLOSURE_ABROAD, CLOSURE_ELSEWHERE)
                    ok[:m_close] &= ~far | (rng.random(m_close) < keep_far)
                else:  # nearly saturated: any distinct pair will do
                    a = rng.integers(0, n, size=m)
                    b = rng.integers(0, n, size=m)
                    ok = np.ones(m, dtype=bool)
                ok &= a != b
                a, b = a[ok], b[ok]
                perm = rng.permutation(len(a))
                a, b = a[perm], b[perm]
                k = np.minimum(a, b) * n + np.maximum(a, b)
                _, first = np.unique(k, return_index=True)
                first.sort()
                a, b, k = a[first], b[first], k[first]
                new = ~_isin_sorted(k, keys) & ~np.isin(k, year_keys)
                a, b, k = a[new][:need], b[new][:need], k[new][:need]
                rate = max(0.02, min(0.9, 0.5 * rate + 0.5 * len(a) / max(m, 1)))
                stalled = 0 if len(a) else stalled + 1
                if stalled > 10:
                    raise GraphtwinError(
                        f"could not place {total:,} distinct ties among {n:,} organisations; "
                        "ask for fewer ties"
                    )
                got_src.append(a)
                got_dst.append(b)
                year_keys = np.concatenate((year_keys, k))
                need -= len(a)
                progress(done + int(need_y) - need, total, "ties")
            done += int(need_y)
            src_all.extend(got_src)
            dst_all.extend(got_dst)
            year_all.append(np.full(int(need_y), y, dtype=np.int64))
            keys = np.sort(np.concatenate((keys, year_keys)))
        src = np.concatenate(src_all) if src_all else np.empty(0, dtype=np.int64)
        dst = np.concatenate(dst_all) if dst_all else np.empty(0, dtype=np.int64)
        year = np.concatenate(year_all) if year_all else np.empty(0, dtype=np.int64)
        return src, dst, year

    # ---------------------------------------------------------------- to records

    def to_bundle(
        self,
        src: np.ndarray,
        dst: np.ndarray,
        year: np.ndarray,
        seed: int,
        rng: np.random.Generator,
    ) -> Bundle:
        kinds = self.kind_names
        kind_arr = np.array(kinds, dtype=object)
        tie_kind, src, dst = _tie_kinds(src, dst, self.kind, self.country, kinds, rng)
        end = _tie_ends(tie_kind, year, rng)
        size = _sizes(self.kind, kinds, rng)
        founded = _founded(self.kind, kinds, rng)

        n = self.n
        width = max(5, len(str(n - 1)))
        city_names = self.cities.names
        sector_ids = [s for s, _ in SECTORS]
        labels = {k: k.replace("_", " ").title() for k in kinds}
        countries = [c.country for c in self.cities.records]
        source = f"synthetic (graphtwin generate, seed {seed})"
        ids = [f"syn-{i:06d}" for i in range(n)]
        org_kind = kind_arr[self.kind].tolist()
        org_city = self.city.tolist()
        n_sec = self.n_sectors.tolist()
        sec = self.sectors.tolist()
        organisations = [
            Organisation(
                id=ids[i],
                name=f"Synthetic {labels[org_kind[i]]} {i:0{width}d} ({city_names[org_city[i]]})",
                kind=org_kind[i],
                city=city_names[org_city[i]],
                country=countries[org_city[i]],
                sectors=tuple(sector_ids[s] for s in sec[i][: n_sec[i]]),
                size=size[i],
                founded=founded[i],
                source=source,
                synthetic=True,
            )
            for i in range(n)
        ]
        starts = [str(y) for y in range(FIRST_YEAR, LAST_YEAR + 1)]
        start_of = {y: s for y, s in zip(range(FIRST_YEAR, LAST_YEAR + 1), starts, strict=True)}
        end_text = {y: str(y) for y in np.unique(end[end > 0]).tolist()}
        tie_list = [
            Tie(ids[s], ids[t], k, None, start_of[y], end_text.get(e))
            for s, t, k, y, e in zip(
                src.tolist(),
                dst.tolist(),
                tie_kind.tolist(),
                year.tolist(),
                end.tolist(),
                strict=True,
            )
        ]
        used = sorted(set(org_city))
        return Bundle(
            organisations=organisations,
            ties=tie_list,
            cities=[self.cities.records[c] for c in used],
            sectors=[Sector(i, name) for i, name in SECTORS],
            origin=source,
        )


# ------------------------------------------------------------------------- helpers


def _sectors(
    city: np.ndarray, kind: np.ndarray, kinds: list[str], n_cities: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Up to three distinct sector indices per organisation, and how many it has.

    Each city draws a specialisation profile from a sparse Dirichlet; an organisation's
    sector probabilities are its city's profile times its kind's leanings. Three distinct
    sectors are drawn at once by the Gumbel-top-k trick.
    """
    n_sectors = len(SECTORS)
    profile = rng.dirichlet(np.full(n_sectors, 0.5), size=n_cities) + 0.01
    leaning = np.ones((len(kinds), n_sectors))
    index = {s: j for j, (s, _) in enumerate(SECTORS)}
    for k, boosts in KIND_SECTOR_LEANING.items():
        for s, v in boosts.items():
            leaning[kinds.index(k), index[s]] = v
    logp = np.log(profile[city] * leaning[kind])
    gumbel = -np.log(-np.log(rng.random(logp.shape)))
    top = np.argsort(-(logp + gumbel), axis=1)[:, :3]
    count = rng.choice(np.array([1, 2, 3]), size=len(city), p=[0.5, 0.35, 0.15])
    return top, count


def _isin_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``np.isin`` for a sorted haystack, by binary search."""
    if len(sorted_keys) == 0:
        return np.zeros(len(values), dtype=bool)
    pos = np.searchsorted(sorted_keys, values)
    pos = np.minimum(pos, len(sorted_keys) - 1)
    return sorted_keys[pos] == values


def _adjacency(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR adjacency (row of each entry, neighbour, row pointer) of undirected ties."""
    lo, hi = keys // n, keys % n
    rows = np.concatenate((lo, hi))
    cols = np.concatenate((hi, lo))
    order = np.argsort(rows, kind="stable")
    rows, cols = rows[order], cols[order]
    indptr = np.searchsorted(rows, np.arange(n + 1))
    return rows, cols, indptr


def _tie_kinds(
    src: np.ndarray,
    dst: np.ndarray,
    kind: np.ndarray,
    country: np.ndarray,
    kinds: list[str],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A tie kind per tie, and (source, target) oriented for the directed kinds."""
    m = len(src)
    ks, kt = kind[src], kind[dst]
    funder, funded, body, member = (
        np.isin(np.arange(len(kinds)), [kinds.index(g) for g in group])
        for group in (_FUNDERS, _FUNDED, _BODIES, _MEMBERS)
    )
    u = rng.random(m)
    out = np.empty(m, dtype=object)
    abroad = country[src] != country[dst]
    for mask, table in ((~abroad, _LOCAL_KINDS), (abroad, _ABROAD_KINDS)):
        names = np.array([k for k, _ in table], dtype=object)
        cum = np.cumsum([p for _, p in table])
        pick = np.searchsorted(cum / cum[-1], rng.random(m), side="right")
        out[mask] = names[np.minimum(pick, len(names) - 1)][mask]
    # Copublications only between academic organisations.
    academic = np.array([HELIX[k] == "academia" for k in kinds])
    out[(out == "copublication") & ~(academic[ks] & academic[kt])] = "collaboration"
    # Funding: a funder and an organisation it funds; the funder is the source.
    fund_st = funder[ks] & funded[kt] & (u < 0.45)
    fund_ts = funder[kt] & funded[ks] & (u < 0.45) & ~fund_st
    # Membership: a member and a body; the member is the source.
    free = ~(fund_st | fund_ts) & (u >= 0.45) & (u < 0.75)
    mem_st = member[ks] & body[kt] & free
    mem_ts = member[kt] & body[ks] & free & ~mem_st
    out[fund_st | fund_ts] = "funding"
    out[mem_st | mem_ts] = "membership"
    flip = fund_ts | mem_ts
    src2 = np.where(flip, dst, src)
    dst2 = np.where(flip, src, dst)
    return out, src2, dst2


def _tie_ends(tie_kind: np.ndarray, year: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """End year per tie (0: open-ended): projects run 1–4 years, funding 1–3."""
    end = np.zeros(len(year), dtype=np.int64)
    project = tie_kind == "project"
    end[project] = year[project] + rng.integers(1, 5, size=int(project.sum()))
    funding = tie_kind == "funding"
    end[funding] = year[funding] + rng.integers(1, 4, size=int(funding.sum()))
    return end


def _sizes(kind: np.ndarray, kinds: list[str], rng: np.random.Generator) -> list[str]:
    """Size band: firms 72% small, 15% medium, 13% large (Innovate UK KTN's network)."""
    bands = np.array(["small", "medium", "large"], dtype=object)
    firm_band = rng.choice(3, size=len(kind), p=[0.72, 0.15, 0.13])
    other_band = rng.choice(3, size=len(kind), p=[0.3, 0.4, 0.3])
    big = np.isin(kind, [kinds.index(k) for k in ("university", "hospital", "council")])
    band = np.where(kind == kinds.index("firm"), firm_band, other_band)
    band = np.where(big, 2, band)
    return bands[band].tolist()


def _founded(kind: np.ndarray, kinds: list[str], rng: np.random.Generator) -> list[int]:
    """Founding year: firms mostly recent, universities old, others in between."""
    n = len(kind)
    firm = LAST_YEAR - np.floor(rng.exponential(15.0, size=n)).astype(np.int64)
    old = rng.integers(1800, 1995, size=n)
    mid = rng.integers(1900, 2021, size=n)
    year = np.where(kind == kinds.index("firm"), firm, mid)
    year = np.where(kind == kinds.index("university"), old, year)
    return np.maximum(year, 1800).tolist()
