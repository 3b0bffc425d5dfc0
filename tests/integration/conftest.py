"""Fixtures for store integration tests: both backends, fixture bundles built from records.

Every store test runs on an embedded Ladybug database in a temporary folder and on the
Neo4j server of the ``neo4j_uri`` fixture (wiped before each test). The bundles are
built here from graphtwin.model records with a seeded generator, so expected answers
can be computed independently from the records in the tests.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest

from graphtwin.model import TIE_KINDS, Bundle, City, Organisation, Sector, Tie
from graphtwin.store import open_store

CITIES = [
    City("Belfast", "GB", 54.597, -5.93, 345_418, "Northern Ireland"),
    City("Liverpool", "GB", 53.41, -2.98, 864_122, "North West"),
    City("Sejong", "KR", 36.48, 127.29, 383_591, None),
    City("Busan", "KR", 35.18, 129.08, 3_349_016, None),
]
SECTORS = [
    Sector("fintech", "Fintech"),
    Sector("ai", "Artificial intelligence"),
    Sector("health", "Health and life sciences"),
    Sector("energy", "Net zero energy"),
    Sector("maritime", "Maritime"),
]
KINDS = ["university", "firm", "council", "research_institute", "agency", "catapult"]


def make_bundle(seed: int = 7, per_city: int = 8, ties: int = 90) -> Bundle:
    """A deterministic, valid bundle: 4 cities, ``per_city`` organisations each, mixed ties.

    Ties follow the validator's rules: no self-ties, an undirected (pair, kind) once,
    a directed (source, target, kind) once.
    """
    rng = random.Random(seed)
    orgs: list[Organisation] = []
    for c in CITIES:
        for i in range(per_city):
            sectors = tuple(sorted(rng.sample([s.id for s in SECTORS], rng.randint(0, 2))))
            orgs.append(
                Organisation(
                    id=f"{c.country.lower()}-{c.name[:3].lower()}-{i:02d}",
                    name=f"{c.name} Org {i}",
                    kind=KINDS[(i + len(orgs)) % len(KINDS)],
                    city=c.name,
                    country=c.country,
                    sectors=sectors,
                    founded=rng.choice([None, rng.randint(1850, 2020)]),
                    size=rng.choice([None, "small", "large"]),
                )
            )
    seen: set = set()
    out: list[Tie] = []
    kinds = list(TIE_KINDS)
    while len(out) < ties:
        a, b = rng.sample(orgs, 2)
        if rng.random() < 0.6:  # mostly within a country, to leave some orgs without
            pool = [o for o in orgs if o.country == a.country and o.id != a.id]
            b = rng.choice(pool)
        kind = rng.choice(kinds)
        key = (a.id, b.id, kind) if TIE_KINDS[kind].directed else (frozenset((a.id, b.id)), kind)
        if key in seen:
            continue
        seen.add(key)
        year = rng.choice([None, *range(2012, 2025)])
        out.append(
            Tie(
                a.id,
                b.id,
                kind,
                weight=rng.choice([None, None, 0.5, 2.0, 4.0]),
                start=None if year is None else rng.choice([str(year), f"{year}-03-15"]),
                evidence=rng.choice([None, "press release"]),
            )
        )
    return Bundle(organisations=orgs, ties=out, cities=list(CITIES), sectors=list(SECTORS))


def wipe_neo4j(uri: str) -> None:
    """Delete every node and relationship (constraints stay; the store re-creates them)."""
    with open_store(uri) as s:
        s.query(
            "MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 20000 ROWS", write=True
        )
        s.query("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS OF 20000 ROWS", write=True)


BACKENDS = ["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store_target(backend: str, tmp_path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty store of the parametrised backend (a path or a Bolt URI)."""
    if backend == "ladybug":
        return str(tmp_path / "graph.db")
    uri = request.getfixturevalue("neo4j_uri")
    wipe_neo4j(uri)
    return uri


@pytest.fixture
def store(store_target: str) -> Iterator:
    with open_store(store_target) as s:
        yield s


@pytest.fixture(scope="session")
def bundle() -> Bundle:
    return make_bundle()
