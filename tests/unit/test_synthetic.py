"""Synthetic generator: determinism, vocabulary, and the structure later analysis relies on."""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import igraph as ig
import numpy as np
import pytest
from scipy.stats import mannwhitneyu

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.synthetic import KIND_SHARES, SECTORS, generate, max_ties
from graphtwin.ingest.writer import write_bundle
from graphtwin.model import ORG_KINDS, TIE_KINDS, Bundle

N_ORGS, N_TIES, SEED = 3000, 20000, 11


@pytest.fixture(scope="module")
def bundle() -> Bundle:
    return generate(N_ORGS, N_TIES, seed=SEED)


@pytest.fixture(scope="module")
def arrays(bundle: Bundle) -> dict[str, np.ndarray]:
    index = {o.id: i for i, o in enumerate(bundle.organisations)}
    return {
        "src": np.array([index[t.source] for t in bundle.ties]),
        "dst": np.array([index[t.target] for t in bundle.ties]),
        "year": np.array([t.start_year for t in bundle.ties]),
        "city": np.array([o.city for o in bundle.organisations], dtype=object),
        "country": np.array([o.country for o in bundle.organisations], dtype=object),
    }


def _graph(n: int, src: np.ndarray, dst: np.ndarray) -> ig.Graph:
    return ig.Graph(n=n, edges=np.column_stack((src, dst)).tolist())


def test_same_seed_same_bundle_different_seed_different() -> None:
    a = generate(400, 2000, seed=5)
    b = generate(400, 2000, seed=5)
    c = generate(400, 2000, seed=6)
    assert a.organisations == b.organisations and a.ties == b.ties and a.cities == b.cities
    assert [(t.source, t.target) for t in a.ties] != [(t.source, t.target) for t in c.ties]
    assert [o.city for o in a.organisations] != [o.city for o in c.organisations]


def test_same_seed_same_files(tmp_path: Path) -> None:
    write_bundle(generate(300, 1500, seed=9), tmp_path / "a")
    write_bundle(generate(300, 1500, seed=9), tmp_path / "b")
    for name in ("organisations.csv", "ties.csv", "cities.csv", "sectors.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_counts_ids_names_and_markers(bundle: Bundle) -> None:
    assert len(bundle.organisations) == N_ORGS
    assert len(bundle.ties) == N_TIES
    for i, o in enumerate(bundle.organisations):
        assert o.id == f"syn-{i:06d}"
        label = o.kind.replace("_", " ").title()
        assert o.name == f"Synthetic {label} {i:05d} ({o.city})"
        assert o.synthetic is True
        assert o.source == f"synthetic (graphtwin generate, seed {SEED})"


def test_kinds_sectors_and_cities(bundle: Bundle) -> None:
    kinds = Counter(o.kind for o in bundle.organisations)
    assert set(kinds) <= set(ORG_KINDS)
    assert set(KIND_SHARES) == set(ORG_KINDS)
    assert kinds.most_common(1)[0][0] == "firm"
    assert 0.55 < kinds["firm"] / N_ORGS < 0.69
    assert kinds["university"] > 0 and kinds["council"] > 0 and kinds["catapult"] > 0
    sector_ids = {s for s, _ in SECTORS}
    assert {s.id for s in bundle.sectors} == sector_ids and 18 <= len(sector_ids) <= 22
    for o in bundle.organisations:
        assert 1 <= len(o.sectors) <= 3
        assert len(set(o.sectors)) == len(o.sectors)
        assert set(o.sectors) <= sector_ids
    cities = {(c.name, c.country): c for c in bundle.cities}
    assert {(o.city, o.country) for o in bundle.organisations} == set(cities)
    assert {o.country for o in bundle.organisations} == {"GB", "KR"}
    per_country = Counter(c.country for c in bundle.cities)
    assert max(per_country.values()) <= 60
    # Weighted by population: the largest city of each country has most organisations.
    by_city = Counter(o.city for o in bundle.organisations)
    for country in ("GB", "KR"):
        largest = max(
            (c for c in bundle.cities if c.country == country), key=lambda c: c.population
        )
        top = max((c for c in bundle.cities if c.country == country), key=lambda c: by_city[c.name])
        assert top == largest


def test_cities_differ_in_sector_profile(bundle: Bundle) -> None:
    """Per-city specialisation: the sector mixes of the two biggest cities differ."""
    counts: dict[str, Counter] = {"London": Counter(), "Seoul": Counter()}
    for o in bundle.organisations:
        if o.city in counts:
            counts[o.city].update(o.sectors)
    ids = [s for s, _ in SECTORS]
    p = np.array([counts["London"][s] for s in ids], float)
    q = np.array([counts["Seoul"][s] for s in ids], float)
    p, q = p / p.sum(), q / q.sum()
    assert 0.5 * np.abs(p - q).sum() > 0.15  # total variation distance


def test_ties_are_valid_distinct_and_dated(bundle: Bundle) -> None:
    kinds = {o.id: o.kind for o in bundle.organisations}
    pairs = set()
    for t in bundle.ties:
        assert t.source != t.target
        assert t.kind in TIE_KINDS
        pairs.add(frozenset((t.source, t.target)))
        assert 2015 <= t.start_year <= 2024
        assert t.end_year is None or t.end_year >= t.start_year
        if t.kind == "funding":
            assert kinds[t.source] in ("agency", "investor")
        if t.kind == "membership":
            assert kinds[t.target] in ("catapult", "agency")
        if t.kind == "copublication":
            assert {kinds[t.source], kinds[t.target]} <= {
                "university",
                "research_institute",
                "hospital",
            }
    assert len(pairs) == N_TIES  # no duplicate pair, whatever the kind
    years = Counter(t.start_year for t in bundle.ties)
    assert set(years) == set(range(2015, 2025))
    assert years[2024] > years[2015]
    kinds_seen = Counter(t.kind for t in bundle.ties)
    assert kinds_seen.most_common(2)[0][0] in ("collaboration", "project")
    assert {"mou", "funding", "membership", "meeting"} <= set(kinds_seen)


def test_mostly_within_a_city(arrays) -> None:
    src, dst, city, country = arrays["src"], arrays["dst"], arrays["city"], arrays["country"]
    same_city = city[src] == city[dst]
    abroad = country[src] != country[dst]
    assert 0.72 < same_city.mean() < 0.88
    assert 0.09 < (~same_city & ~abroad).mean() < 0.22
    assert 0.02 < abroad.mean() < 0.08


def test_heavy_tailed_degrees(arrays) -> None:
    degree = np.bincount(np.concatenate((arrays["src"], arrays["dst"])), minlength=N_ORGS)
    assert degree.max() >= 10 * np.median(degree)
    top = np.sort(degree)[::-1]
    assert top[: N_ORGS // 100].sum() > 0.08 * degree.sum()  # top 1% hold > 8% of tie ends


def test_more_triangles_than_degree_preserving_rewiring(arrays) -> None:
    g = _graph(N_ORGS, arrays["src"], arrays["dst"])
    rewired = g.copy()
    random.seed(0)  # igraph draws from Python's random module
    rewired.rewire(n=10 * g.ecount())
    assert rewired.degree() == g.degree()
    assert g.transitivity_undirected() > 3 * rewired.transitivity_undirected()


def _common_neighbours(past: ig.Graph, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    neigh = [set(x) for x in past.get_adjlist()]
    return np.array([len(neigh[x] & neigh[y]) for x, y in zip(a, b, strict=True)])


def _auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """Probability that a positive scores above a negative (ties count half)."""
    return mannwhitneyu(positive, negative).statistic / (len(positive) * len(negative))


def test_future_ties_close_past_triangles(arrays) -> None:
    """The signal a link-prediction backtest looks for: future ties join past partners.

    Score pairs by their number of common partners before 2023; ties formed in 2023-24
    must outscore random pairs by far, and random pairs of the same city (which share
    partners more often, cities being small and dense) clearly.
    """
    src, dst, year, city = arrays["src"], arrays["dst"], arrays["year"], arrays["city"]
    past = _graph(N_ORGS, src[year < 2023], dst[year < 2023])
    future = year >= 2023
    scores = _common_neighbours(past, src[future], dst[future])
    assert (scores > 0).mean() > 0.5
    rng = np.random.default_rng(0)
    a, b = rng.integers(0, N_ORGS, 20000), rng.integers(0, N_ORGS, 20000)
    ok = a != b
    assert _auc(scores, _common_neighbours(past, a[ok], b[ok])) > 0.8
    local = ok & (city[a] == city[b])
    assert _auc(scores, _common_neighbours(past, a[local], b[local])) > 0.65


def test_later_years_close_more_triangles(arrays) -> None:
    src, dst, year = arrays["src"], arrays["dst"], arrays["year"]
    share = {}
    for y in (2017, 2024):
        past = _graph(N_ORGS, src[year < y], dst[year < y])
        share[y] = (_common_neighbours(past, src[year == y], dst[year == y]) > 0).mean()
    assert share[2024] > share[2017] + 0.2


def test_ties_favour_shared_sectors(bundle: Bundle, arrays) -> None:
    """Tied pairs share more sectors than random pairs in the same city."""
    sectors = [set(o.sectors) for o in bundle.organisations]
    src, dst, city = arrays["src"], arrays["dst"], arrays["city"]
    local = city[src] == city[dst]
    tied = np.mean(
        [len(sectors[a] & sectors[b]) for a, b in zip(src[local], dst[local], strict=True)]
    )
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, N_ORGS, 20000), rng.integers(0, N_ORGS, 20000)
    keep = (city[a] == city[b]) & (a != b)
    random_pairs = np.mean(
        [len(sectors[x] & sectors[y]) for x, y in zip(a[keep], b[keep], strict=True)]
    )
    assert tied > 1.3 * random_pairs


def test_small_single_country_and_empty() -> None:
    tiny = generate(10, max_ties(10), seed=1)
    assert len(tiny.ties) == max_ties(10) == 13
    gb = generate(200, 600, seed=2, countries=["gb"])
    assert {o.country for o in gb.organisations} == {"GB"}
    assert len(gb.ties) == 600
    none = generate(50, 0, seed=3)
    assert none.ties == [] and len(none.organisations) == 50


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((1, 0, 0), "at least 2"),
        ((100, -1, 0), "must not be negative"),
        ((100, 2000, 0), "too many for 100 organisations; at most 1,485"),
        ((100, 10, 0, ("GB", "XX")), "no cities for country 'XX'"),
        ((100, 10, 0, ("GB", "GB")), "distinct country codes"),
    ],
)
def test_bad_arguments(args: tuple, message: str) -> None:
    with pytest.raises(GraphtwinError, match=re.escape(message)):
        generate(*args)


def test_generated_bundle_validates(tmp_path: Path) -> None:
    from graphtwin.ingest import read_bundle

    original = generate(1500, 8000, seed=4)
    write_bundle(original, tmp_path)
    back = read_bundle(tmp_path)
    assert len(back.organisations) == 1500 and len(back.ties) == 8000
    assert back.warnings == []
    assert {(t.source, t.target, t.kind) for t in back.ties} == {
        (t.source, t.target, t.kind) for t in original.ties
    }
    assert {o.city for o in back.organisations} == {o.city for o in original.organisations}
