"""Known answers for the signals, the fitted link model, its fall-backs and the model path
of ``potential`` (graphtwin.analysis.signals, linkmodel, potential)."""

from __future__ import annotations

import numpy as np
import pytest

from graphtwin.analysis.backtest import average_precision, hits_at_k, reliability
from graphtwin.analysis.linkmodel import MIN_POSITIVES, choose_scorer, fit_model, window
from graphtwin.analysis.potential import potential, too_small
from graphtwin.analysis.projection import graph_from_bundle, graph_from_columns
from graphtwin.analysis.signals import FEATURES, SignalIndex
from graphtwin.ingest.demo import demo_bundle_path
from graphtwin.ingest.regimes import temporal_regime


@pytest.fixture(scope="module")
def homophily():
    return graph_from_bundle(temporal_regime("homophily", 3, orgs=300, ties_per_year=120, years=10))


def _columns(edges: list[tuple[str, str, int | None]], cities: dict[str, str]):
    ids = sorted(cities)
    orgs = {
        "id": ids,
        "name": ids,
        "kind": ["firm"] * len(ids),
        "city": [cities[i] for i in ids],
        "country": ["GB" if cities[i] == "X" else "KR" for i in ids],
    }
    ties = {
        "source": [a for a, _, _ in edges],
        "target": [b for _, b, _ in edges],
        "kind": ["project"] * len(edges),
        "start_year": [y for _, _, y in edges],
    }
    return graph_from_columns(orgs, ties)


def test_no_leakage_planted_future_ties_are_not_seen():
    """Future ties a–w and w–b would give a–b a common partner: a leaky feature sees it."""
    cities = {"a": "X", "w": "X", "c": "X", "b": "Y", "d": "Y"}
    past = [("a", "c", 2010), ("b", "d", 2011), ("c", "d", None)]
    future = [("a", "w", 2020), ("w", "b", 2021), ("a", "d", 2022)]
    g = _columns(past + future, cities)
    clean = _columns(past, cities)
    ids = g.vs["id"]
    u = np.array([ids.index("a"), ids.index("a"), ids.index("c")])
    v = np.array([ids.index("b"), ids.index("d"), ids.index("b")])
    seen = SignalIndex(g, before=2020).pair_features(u, v)
    truth = SignalIndex(clean, before=2020).pair_features(u, v)
    for k in FEATURES:
        np.testing.assert_array_equal(seen[k], truth[k], err_msg=k)
    # a–b: 3 hops in the past (a–c–d–b), 2 hops only with the planted future ties.
    assert seen["distance_2"][0] == 0 and seen["distance_3"][0] == 1
    assert seen["adamic_adar"][0] == 0 and seen["activity"][0] == truth["activity"][0]
    leaky = SignalIndex(g).pair_features(u, v)
    assert leaky["distance_2"][0] == 1  # what the planted ties would have leaked


def test_window_features_never_see_the_labels(homophily):
    w = window(homophily, 2019, 3, seed=1)
    keep = [i for i, y in enumerate(homophily.es["start_year"]) if y is None or y < 2019]
    past = homophily.subgraph_edges(keep, delete_vertices=False)
    again = SignalIndex(past, before=2019).pair_features(w.u, w.v)
    for k in FEATURES:
        np.testing.assert_allclose(w.features[k], again[k], err_msg=k)
    assert w.counts["positives"] >= MIN_POSITIVES and w.labels.sum() > 0


def test_planted_signal_gets_the_largest_contribution(homophily):
    """Ties driven by shared sectors only: sector similarity must lead the fitted model."""
    model = fit_model(window(homophily, 2021, 3, seed=1))
    std = model.standardised()
    assert max(std, key=lambda k: abs(std[k])) == "sector_similarity", std
    assert std["sector_similarity"] > 0


def test_fall_back_without_dates_and_with_few_positives():
    cities = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    undated = _columns([("a", "b", None), ("b", "c", None)], cities)
    s = choose_scorer(undated)
    assert s.method == "rank" and "no tie has a start year" in s.why
    few = _columns([("a", "b", 2019), ("b", "c", 2020), ("a", "d", 2021)], cities)
    s = choose_scorer(few)
    assert s.method == "rank" and f"at least {MIN_POSITIVES} needed" in s.why
    assert "uncalibrated" in s.why


def test_fall_back_when_the_mechanism_changes(homophily):
    """Sector-driven years, then the last horizon closes triangles only: the model fitted
    on the earlier years loses on the held-out years, and a single signal is used."""
    g = homophily.copy()
    years = np.array([-1 if y is None else y for y in g.es["start_year"]])
    g.delete_edges(np.flatnonzero(years >= 2022).tolist())
    rng = np.random.default_rng(0)
    adj = [set(g.neighbors(i)) for i in range(g.vcount())]
    new = set()
    while len(new) < 300:
        w = int(rng.integers(g.vcount()))
        if len(adj[w]) < 2:
            continue
        a, b = sorted(int(x) for x in rng.choice(sorted(adj[w]), 2, replace=False))
        if b not in adj[a] and g.vs[a]["city_id"] != g.vs[b]["city_id"]:
            new.add((a, b))
    start = g.ecount()
    g.add_edges(sorted(new))
    for e in range(start, g.ecount()):
        g.es[e].update_attributes(
            start_year=2022 + e % 3, weight=1.0, kind="collaboration", weight_given=None
        )
    s = choose_scorer(g, end=2025)
    assert s.method in ("single", "rank"), s.why
    assert "did worse on the held-out years 2022–2024" in s.why
    assert s.validation["fitted"] < max(v for k, v in s.validation.items() if k != "fitted")


def test_small_bundle_is_told_so():
    demo = graph_from_bundle(__import__("graphtwin.ingest", fromlist=["x"]).read_bundle(
        demo_bundle_path()
    ))  # fmt: skip
    assert "too small to say much" in too_small(demo)
    df = potential(demo, "Belfast", "Sejong", top=3)
    assert df.attrs["method"] == "rank" and "too small" in df.attrs["small"]


def test_model_path_chunks_equal_pair_by_pair(homophily):
    """Scoring all pairs in small chunks gives the same top pairs and probabilities as
    scoring every pair one by one with pair_features."""
    g = homophily
    scorer = choose_scorer(g, end=2025)
    assert scorer.method == "fitted"
    cities = sorted({c for c in g.vs["city_id"] if c})
    a, b = cities[0], cities[2]
    df = potential(g, a, b, top=15, chunk_elements=977, scorer=scorer)
    six = SignalIndex(g, horizon=scorer.horizon)
    rows = np.array([v.index for v in g.vs if v["city_id"] == a])
    cols = np.array([v.index for v in g.vs if v["city_id"] == b])
    u, v = np.repeat(rows, len(cols)), np.tile(cols, len(rows))
    untied = ~six.link.tied(u, v)
    u, v = u[untied], v[untied]
    p = scorer.model.probability(six.pair_features(u, v))
    assert df.attrs["candidates"] == len(u)
    assert df.attrs["base_rate"] == pytest.approx(p.mean())
    best = np.sort(p)[::-1][:15]
    np.testing.assert_allclose(df["probability"].to_numpy(), best, rtol=1e-9)
    assert (df["lift"] > 1).all()
    assert all(r[0].startswith("pushed up by:") for r in df["reasons"] if df["drivers"].iloc[0])


def test_top_is_capped_to_the_candidates(homophily):
    df = potential(homophily, *sorted({c for c in homophily.vs["city_id"] if c})[:2],
                   top=10**12, fixed_weights=True)  # fmt: skip
    assert len(df) == df.attrs["candidates"]


def test_top_is_capped_to_max_top_whatever_is_asked(homophily, monkeypatch):
    import graphtwin.analysis.potential as pot

    monkeypatch.setattr(pot, "MAX_TOP", 7)
    cities = sorted({c for c in homophily.vs["city_id"] if c})[:2]
    df = potential(homophily, *cities, top=10**9, fixed_weights=True)
    assert df.attrs["candidates"] > 7 and len(df) == 7


def test_reweighted_metrics_equal_replicated_negatives():
    rng = np.random.default_rng(4)
    y = rng.random(200) < 0.2
    s = np.round(rng.random(200) + 0.3 * y, 1)  # ties
    w = np.where(y, 1.0, rng.integers(1, 4, 200).astype(float))
    rep = np.repeat(np.arange(200), w.astype(int))
    for k in (5, 17, 60):
        assert hits_at_k(y, s, k, w) == pytest.approx(hits_at_k(y[rep], s[rep], k))
    assert average_precision(y, s, w) == pytest.approx(
        average_precision(y[rep], s[rep], np.ones(len(rep)))
    )
    table = reliability(y, s, w, bins=4)
    assert sum(b["pairs"] for b in table) == pytest.approx(w.sum())
    assert sum(b["positives"] for b in table) == y.sum()
