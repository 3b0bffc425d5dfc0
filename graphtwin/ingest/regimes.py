"""Seeded synthetic *dated* networks whose new ties follow one stationary mechanism.

Each regime grows a network of organisations in four cities (the two most populous
places of GB and KR in the package city table) year by year, from a random seed network,
with the same number of new ties every year and the same rule every year, so that the
past can teach the future. Half of each year's new ties join two cities. The regimes
are built so that a different single signal predicts best in each:

``closure``
    pure triadic closure: a new tie closes an open wedge u–w–v of the network as it
    stood at the start of the year, the middle w drawn with probability ∝ 1/degree
    (exclusive partners introduce more): Adamic–Adar and resource allocation win.
``homophily``
    sector homophily across cities with no shared partners: a new tie joins two
    organisations that share a sector, drawn with no regard to the network: sector
    similarity wins; network scores carry no information.
``gravity``
    degree/size-driven gravity: both ends drawn ∝ a heavy-tailed (lognormal) size: the
    big get the ties, so preferential attachment and activity win.

In every regime a share :data:`NOISE` of ties joins uniformly random pairs (no signal).
Everything comes from one ``numpy.random.Generator`` seeded with ``seed``; every
organisation is marked synthetic and named "Synthetic ...".

Example:
    >>> b = temporal_regime("closure", seed=1, orgs=200, ties_per_year=40, years=6)
    >>> len(b.organisations), len(b.ties), b.organisations[0].synthetic
    (200, 280, True)
    >>> b.origin
    'synthetic (graphtwin temporal regime closure, seed 1)'
"""

from __future__ import annotations

import numpy as np

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.synthetic import _read_city_table
from graphtwin.model import Bundle, Organisation, Sector, Tie

REGIMES: tuple[str, ...] = ("closure", "homophily", "gravity")
#: Share of each year's ties between uniformly random pairs.
NOISE = 0.15
#: Share of each year's ties joining two different cities.
CROSS_CITY = 0.5
#: Sectors of the regime networks (ids and names).
REGIME_SECTORS: tuple[tuple[str, str], ...] = (
    ("fintech", "Fintech"),
    ("medtech", "Medtech"),
    ("mobility", "Mobility"),
    ("net-zero", "Net zero"),
    ("cyber-security", "Cyber security"),
    ("smart-cities", "Smart cities"),
    ("advanced-manufacturing", "Advanced manufacturing"),
    ("digital", "Digital"),
    ("health", "Health"),
    ("clean-energy", "Clean energy"),
)
_KINDS = ("firm", "university", "research_institute", "council", "catapult", "nonprofit")
_KIND_P = (0.6, 0.12, 0.1, 0.06, 0.06, 0.06)


def temporal_regime(
    regime: str,
    seed: int,
    *,
    orgs: int = 800,
    ties_per_year: int = 300,
    years: int = 16,
    last_year: int = 2024,
) -> Bundle:
    """A dated synthetic network of ``orgs`` organisations grown by one mechanism.

    The seed network (``ties_per_year`` uniformly random ties dated ``last_year −
    years``) is followed by ``years`` years of ``ties_per_year`` new ties each, so the
    bundle has ``ties_per_year × (years + 1)`` ties, all distinct pairs.
    """
    if regime not in REGIMES:
        raise GraphtwinError(f"unknown regime {regime!r}; choose one of {', '.join(REGIMES)}")
    rng = np.random.default_rng(seed)
    cities = _read_city_table(("GB", "KR"), 2)
    n_cities = len(cities.names)
    city = rng.integers(0, n_cities, orgs)
    kind = rng.choice(len(_KINDS), orgs, p=_KIND_P)
    n_sec = len(REGIME_SECTORS)
    sectors = [
        tuple(sorted(rng.choice(n_sec, rng.integers(1, 3), replace=False))) for _ in range(orgs)
    ]
    size = rng.lognormal(0.0, 1.2, orgs)
    by_sector = [np.array([i for i in range(orgs) if s in sectors[i]]) for s in range(n_sec)]
    by_city = [np.flatnonzero(city == c) for c in range(n_cities)]

    keys: set[int] = set()
    src: list[int] = []
    dst: list[int] = []
    year: list[int] = []
    first = last_year - years
    adj: list[set[int]] = [set() for _ in range(orgs)]

    def add(a: int, b: int, y: int) -> bool:
        if a == b:
            return False
        k = min(a, b) * orgs + max(a, b)
        if k in keys:
            return False
        keys.add(k)
        src.append(a)
        dst.append(b)
        year.append(y)
        return True

    # Seed network: uniformly random pairs.
    while len(src) < ties_per_year:
        add(int(rng.integers(orgs)), int(rng.integers(orgs)), first)
    for a, b in zip(src, dst, strict=True):
        adj[a].add(b)
        adj[b].add(a)
    p_size = size / size.sum()
    for y in range(first + 1, last_year + 1):
        snapshot = [sorted(x) for x in adj]  # the network at the start of the year
        deg = np.array([len(x) for x in snapshot], dtype=float)
        new: list[tuple[int, int]] = []
        tries = 0
        while len(new) < ties_per_year:
            tries += 1
            if tries > 200 * ties_per_year:
                raise GraphtwinError("could not place the ties; ask for fewer")
            cross = rng.random() < CROSS_CITY
            if rng.random() < NOISE:
                a = int(rng.integers(orgs))
                b = _other(rng, a, city, by_city, cross, None)
            elif regime == "closure":
                w = _pick_middle(rng, deg)
                nb = snapshot[w]
                if len(nb) < 2:
                    continue
                a, b = (int(x) for x in rng.choice(nb, 2, replace=False))
                if (city[a] != city[b]) != cross:
                    continue
            elif regime == "homophily":
                a = int(rng.integers(orgs))
                s = sectors[a][int(rng.integers(len(sectors[a])))]
                b = _other(rng, a, city, by_city, cross, by_sector[s])
            else:  # gravity
                a = int(rng.choice(orgs, p=p_size))
                b = _other(rng, a, city, by_city, cross, None, size)
            if b is None or b in adj[a] or a == b:
                continue
            if add(a, b, y):
                new.append((a, b))
        for a, b in new:
            adj[a].add(b)
            adj[b].add(a)
    return _bundle(regime, seed, cities, city, kind, sectors, src, dst, year)


def _pick_middle(rng: np.random.Generator, deg: np.ndarray) -> int:
    """A middle organisation for a wedge, ∝ 1/degree among those with 2+ partners."""
    w = np.where(deg >= 2, 1.0 / np.maximum(deg, 1), 0.0)
    return int(rng.choice(len(deg), p=w / w.sum()))


def _other(
    rng: np.random.Generator,
    a: int,
    city: np.ndarray,
    by_city: list[np.ndarray],
    cross: bool,
    pool: np.ndarray | None,
    size: np.ndarray | None = None,
) -> int | None:
    """A partner for ``a``: in another city (``cross``) or its own, from ``pool``."""
    if cross:
        options = np.concatenate([m for c, m in enumerate(by_city) if c != city[a]])
    else:
        options = by_city[city[a]]
    if pool is not None:
        options = np.intersect1d(options, pool)
    options = options[options != a]
    if len(options) == 0:
        return None
    if size is None:
        return int(rng.choice(options))
    p = size[options] / size[options].sum()
    return int(rng.choice(options, p=p))


def _bundle(regime, seed, cities, city, kind, sectors, src, dst, year) -> Bundle:
    origin = f"synthetic (graphtwin temporal regime {regime}, seed {seed})"
    n = len(city)
    organisations = [
        Organisation(
            id=f"reg-{i:05d}",
            name=f"Synthetic {_KINDS[kind[i]].replace('_', ' ').title()} {i:05d} "
            f"({cities.names[city[i]]})",
            kind=_KINDS[kind[i]],
            city=cities.names[city[i]],
            country=cities.records[city[i]].country,
            sectors=tuple(REGIME_SECTORS[s][0] for s in sectors[i]),
            source=origin,
            synthetic=True,
        )
        for i in range(n)
    ]
    ties = [
        Tie(f"reg-{a:05d}", f"reg-{b:05d}", "collaboration", None, str(y))
        for a, b, y in zip(src, dst, year, strict=True)
    ]
    return Bundle(
        organisations=organisations,
        ties=ties,
        cities=list(cities.records),
        sectors=[Sector(i, name) for i, name in REGIME_SECTORS],
        origin=origin,
    )
