"""Known answers for graphtwin.analysis.twins."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from graphtwin.analysis.config import load_config
from graphtwin.analysis.projection import graph_from_columns
from graphtwin.analysis.twins import parse_population_band, twins
from graphtwin.errors import GraphtwinError
from graphtwin.model import city_id

KINDS = ["university", "firm", "firm", "firm", "council", "agency", "nonprofit", "investor"]
COMMON_SECTORS = ["s-energy", "s-health", "s-mobility", "s-digital", "s-finance", "s-tourism"]


def _planted(seed: int) -> tuple[object, tuple[str, str]]:
    """Five GB and five KR cities with random structure; G3–K4 planted as a twin pair.

    Every city: 25–45 organisations of random kinds, sectors drawn from a common pool,
    random ties inside the city, a few random ties to other cities. The planted pair
    also shares two specialised sectors nobody else has much of (quantum, marine), has
    complementary helix mixes (G3 academia-heavy, K4 business-heavy, both with a
    council) and three brokers in a third country tied to both.
    """
    rng = random.Random(seed)
    orgs: dict[str, list] = {k: [] for k in ("id", "name", "kind", "city", "country", "sectors")}
    ties: dict[str, list] = {"source": [], "target": [], "kind": []}
    members: dict[str, list[str]] = {}
    cities = [(f"G{i}", "GB") for i in range(1, 6)] + [(f"K{i}", "KR") for i in range(1, 6)]

    def add(oid: str, kind: str, city: str, country: str, sectors: list[str]) -> None:
        orgs["id"].append(oid)
        orgs["name"].append(f"Org {oid}")
        orgs["kind"].append(kind)
        orgs["city"].append(city)
        orgs["country"].append(country)
        orgs["sectors"].append(sectors)
        members.setdefault(city, []).append(oid)

    def tie(a: str, b: str) -> None:
        ties["source"].append(a)
        ties["target"].append(b)
        ties["kind"].append(rng.choice(["project", "collaboration", "mou", "meeting"]))

    for city, country in cities:
        for j in range(rng.randint(25, 45)):
            kind = rng.choice(KINDS)
            sectors = rng.sample(COMMON_SECTORS, rng.randint(1, 2))
            if city == "G3":
                kind = rng.choice(["university", "research_institute", "university", "firm"])
            if city == "K4":
                kind = rng.choice(["firm", "firm", "investor", "university"])
            if city in ("G3", "K4") and j % 2 == 0:
                sectors = [rng.choice(["s-quantum", "s-marine"]), *sectors[:1]]
            add(f"{city}-{j}", kind, city, country, sectors)
        if city in ("G3", "K4"):
            add(f"{city}-council", "council", city, country, ["s-quantum"])
        ids = members[city]
        for _ in range(2 * len(ids)):
            a, b = rng.sample(ids, 2)
            tie(a, b)
    all_ids = list(orgs["id"])
    for _ in range(30):  # random cross-city ties
        a, b = rng.sample(all_ids, 2)
        tie(a, b)
    for k in range(3):  # brokers elsewhere, tied to both planted cities
        add(f"broker-{k}", "catapult", "Paris", "FR", ["s-quantum"])
        for city in ("G3", "K4"):
            for target in rng.sample(members[city], 2):
                tie(f"broker-{k}", target)
    for _ in range(3):  # a few existing ties between the planted pair
        tie(rng.choice(members["G3"]), rng.choice(members["K4"]))
    return graph_from_columns(orgs, ties), ("G3", "K4")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_high_affinity_pair_ranks_first(seed):
    g, (a, b) = _planted(seed)
    df = twins(g, ("GB", "KR"), top=5)
    assert df.attrs["pairs"] == 25
    best = df.iloc[0]
    assert (best.city_a, best.city_b) == (a, b)
    assert best["rank"] == 1
    assert best.broker_count == 3
    assert {"s-quantum", "s-marine"} <= set(best.shared_specialisations)
    assert best.helix_complete
    assert best.rank_stability == 1.0
    assert best.rank_range == "1–1"
    assert "brokers" in best.drivers or "synergy" in best.drivers


def _small() -> object:
    """Two GB cities, two KR cities, a broker in Paris; figures checked by hand below."""
    orgs = {
        "id": ["a1", "a2", "a3", "b1", "b2", "k1", "k2", "m1", "x"],
        "name": ["A1", "A2", "A3", "B1", "B2", "K1", "K2", "M1", "X"],
        "kind": [
            "university",
            "firm",
            "council",
            "firm",
            "firm",
            "university",
            "council",
            "firm",
            "catapult",
        ],
        "city": ["A", "A", "A", "B", "B", "K", "K", "M", "Paris"],
        "country": ["GB", "GB", "GB", "GB", "GB", "KR", "KR", "KR", "FR"],
        "sectors": [["s1"], ["s1"], ["s2"], ["s2"], ["s2"], ["s1"], ["s2"], ["s2"], []],
    }
    ties = {
        "source": ["a1", "a1", "a2", "x", "x", "x", "b1", "a3"],
        "target": ["k1", "k1", "x", "k2", "b1", "m1", "b2", "a1"],
        "kind": [
            "project",
            "meeting",
            "collaboration",
            "mou",
            "project",
            "visit",
            "project",
            "mou",
        ],
    }
    cities = {city_id("A", "GB"): {"population": 300_000}, city_id("K", "KR"): {"population": 2e6}}
    return graph_from_columns(orgs, ties, cities=cities)


def test_components_by_hand():
    g = _small()
    df = twins(g, ("GB", "KR")).set_index(["city_a", "city_b"])
    ak = df.loc[("A", "K")]
    # Ties: a1-k1 twice (project 3 + meeting 0.5).
    assert (ak.ties, ak.tie_weight) == (2, 3.5)
    assert ak.ties_per_org == pytest.approx(3.5 / math.sqrt(3 * 2))
    # Brokers outside A and K tied to both: x (a2 and k2).
    assert ak.broker_count == 1 and ak.top_brokers == ["X"]
    # Two-step paths A–w–K: a2-x-k2; a3-a1-k1 (w = a1 in A counts too).
    assert ak.two_step_paths == 2
    # Untied cross pairs with a common partner: (a2, k2) via x (degree 4), (a3, k1) via a1
    # (degree 2): best Adamic–Adar 1/log 2.
    assert ak.best_adamic_adar == pytest.approx(1 / math.log(2))
    # LQ against each country: GB s1 2/5 orgs, s2 3/5; A: s1 2/3, s2 1/3.
    # KR: s1 1/3, s2 2/3; K: s1 1/2, s2 1/2.
    lq_a = np.array([(2 / 3) / (2 / 5), (1 / 3) / (3 / 5)])
    lq_k = np.array([(1 / 2) / (1 / 3), (1 / 2) / (2 / 3)])
    cos = lq_a @ lq_k / np.linalg.norm(lq_a) / np.linalg.norm(lq_k)
    assert ak.synergy_cosine == pytest.approx(cos)
    assert ak.shared_specialisations == ["s1"]  # LQ 1.67 and 1.5 >= 1.25
    assert not ak.helix_complete  # K has no business organisation
    assert df.loc[("A", "M"), "capacity"] < ak.capacity
    assert (ak.population_a, ak.population_b) == (300_000, 2_000_000)
    assert ak.orgs_per_100k_a == pytest.approx(1.0)
    bm = df.loc[("B", "M")]
    assert not bm.helix_complete and bm.ties == 0 and bm.broker_count == 1
    # Normalised components are in [0, 1] and each reaches both ends.
    for c in ("capacity", "synergy", "complementarity", "existing_ties", "proximity", "brokers"):
        assert df[c].between(0, 1).all()
        assert df[c].max() == pytest.approx(1) and df[c].min() == pytest.approx(0)
    w = load_config().twins.weights
    expected = sum(w[c] * df[c] for c in w)
    np.testing.assert_allclose(df.score, expected)


def test_rank_stability_counts_perturbations():
    g, _ = _planted(4)
    df = twins(g, ("GB", "KR"))
    assert df["rank"].tolist() == list(range(1, 26))
    lo_hi = df.rank_range.str.split("–", expand=True).astype(int)
    assert (lo_hi[0] <= df["rank"]).all() and (df["rank"] <= lo_hi[1]).all()
    # Share of 12 perturbations that keep the pair in the top 10.
    assert set((df.rank_stability * 12).round(9)) <= set(range(13))
    assert (df.loc[lo_hi[1] <= 10, "rank_stability"] == 1).all()
    assert (df.loc[lo_hi[0] > 10, "rank_stability"] == 0).all()


def test_filters_min_orgs_and_population_band():
    g = _small()
    df = twins(g, ("GB", "KR"), min_orgs=2)
    assert set(df.city_b) == {"K"}  # M has one organisation
    with pytest.raises(GraphtwinError, match="no city in KR passes the filters"):
        twins(g, ("GB", "KR"), population_band=(100_000, 1_000_000))
    df = twins(g, ("GB", "KR"), population_band=(None, 3_000_000))
    assert set(zip(df.city_a, df.city_b, strict=True)) == {("A", "K")}


def test_size_adjust_options(tmp_path):
    g = _small()
    df = twins(g, ("GB", "KR")).set_index(["city_a", "city_b"])
    # Expected tie weight under random mixing: strengths S_A = a1 5.5 + a2 3 + a3 2 = 10.5,
    # S_K = k1 3.5 + k2 2 = 5.5, total strength 2 x 17.5 = 35.
    assert df.loc[("A", "K"), "tie_weight_expected"] == pytest.approx(10.5 * 5.5 / 35)
    # Brokers expected: every organisation w outside A and K with degree k has a partner
    # in city x with probability 1 - (1 - K_x / 2M)^k (K: summed degrees, 2M = 14 on the
    # simple graph).
    deg = {"b1": 2, "b2": 1, "m1": 1, "x": 4}
    share_a, share_k = 4 / 14, 2 / 14
    expected = sum((1 - (1 - share_a) ** k) * (1 - (1 - share_k) ** k) for k in deg.values())
    assert df.loc[("A", "K"), "brokers_expected"] == pytest.approx(expected)
    # Every pair has exactly one broker (x); A-K are the largest cities, B-M the smallest.
    assert (df.broker_count == 1).all()
    assert df.loc[("B", "M"), "brokers"] == 1.0 and df.loc[("A", "K"), "brokers"] == 0.0
    f = tmp_path / "w.toml"
    f.write_text('[twins.options]\nsize_adjust = "per_org"\n')
    per_org = twins(g, ("GB", "KR"), config=load_config(f)).set_index(["city_a", "city_b"])
    assert per_org.loc[("B", "M"), "brokers"] == 1.0 and per_org.loc[("A", "K"), "brokers"] == 0
    f.write_text('[twins.options]\nsize_adjust = "none"\n')
    raw = twins(g, ("GB", "KR"), config=load_config(f))
    assert (raw.brokers == 0).all()  # the same count everywhere: no spread


def test_country_errors():
    g = _small()
    with pytest.raises(GraphtwinError, match=r"no organisations in country 'US'.*FR, GB, KR"):
        twins(g, ("GB", "US"))
    with pytest.raises(GraphtwinError, match="two different countries"):
        twins(g, ("GB", "gb"))


def test_parse_population_band():
    assert parse_population_band("100k-1M") == (100_000, 1_000_000)
    assert parse_population_band("50000-") == (50_000, None)
    assert parse_population_band(" - 2.5m") == (None, 2_500_000)
    for bad in ("abc", "-", "5M-1M", "1x-2"):
        with pytest.raises(GraphtwinError, match="bad population band"):
            parse_population_band(bad)
