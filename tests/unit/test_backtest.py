"""Known answers for graphtwin.analysis.backtest."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from graphtwin.analysis.backtest import backtest, hits_at_k, roc_auc
from graphtwin.analysis.linkindex import LinkIndex
from graphtwin.analysis.linkmodel import _sample_negatives
from graphtwin.analysis.projection import graph_from_columns
from graphtwin.errors import GraphtwinError


def _brute_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    pos = scores[labels.astype(bool)]
    neg = scores[~labels.astype(bool)]
    wins = sum(1.0 if p > q else 0.5 if p == q else 0.0 for p in pos for q in neg)
    return wins / (len(pos) * len(neg))


@pytest.mark.parametrize("seed", range(5))
def test_auc_equals_brute_force_pair_counting(seed):
    rng = np.random.default_rng(seed)
    n = 60
    labels = rng.random(n) < 0.3
    scores = rng.integers(0, 6, n).astype(float)  # many ties
    assert roc_auc(labels, scores) == pytest.approx(_brute_auc(labels, scores))
    cont = rng.random(n) + labels * 0.3
    assert roc_auc(labels, cont) == pytest.approx(_brute_auc(labels, cont))


def test_auc_edge_cases():
    assert roc_auc(np.array([1, 1, 0]), np.array([3.0, 2.0, 1.0])) == 1.0
    assert roc_auc(np.array([1, 0]), np.array([1.0, 1.0])) == 0.5
    assert np.isnan(roc_auc(np.array([1, 1]), np.array([1.0, 2.0])))


def test_hits_at_k_is_the_expectation_over_tie_orders():
    labels = np.array([1, 0, 1, 0, 0, 1])
    scores = np.array([5.0, 4.0, 4.0, 4.0, 1.0, 0.0])
    for k in range(1, 7):
        # Average over every order of the tied items.
        orders = [
            sorted(range(6), key=lambda i, p=p: (-scores[i], p.index(i)))
            for p in itertools.permutations(range(6))
        ]
        expected = np.mean([labels[o[:k]].sum() for o in orders])
        assert hits_at_k(labels, scores, k) == pytest.approx(expected), k
    assert hits_at_k(labels, scores, 100) == 3


def _triangle_graph(seed: int, n: int = 150, cities: int = 3):
    """Random past ties; future ties mostly close triangles of the past graph."""
    rng = random.Random(seed)
    ids = [f"o{i}" for i in range(n)]
    past: set[tuple[str, str]] = set()
    while len(past) < 3 * n:
        a, b = sorted(rng.sample(ids, 2))
        past.add((a, b))
    nbrs: dict[str, set[str]] = {i: set() for i in ids}
    for a, b in past:
        nbrs[a].add(b)
        nbrs[b].add(a)
    future: set[tuple[str, str]] = set()
    while len(future) < n:
        w = rng.choice(ids)
        if len(nbrs[w]) < 2:
            continue
        a, b = sorted(rng.sample(sorted(nbrs[w]), 2))
        if (a, b) not in past:
            future.add((a, b))
    src = [a for a, _ in past] + [a for a, _ in future]
    dst = [b for _, b in past] + [b for _, b in future]
    years = [rng.randint(2010, 2019) for _ in past] + [rng.randint(2020, 2023) for _ in future]
    orgs = {
        "id": ids,
        "name": ids,
        "kind": ["firm"] * n,
        "city": [f"C{i % cities}" for i in range(n)],
        "country": ["GB"] * n,
    }
    ties = {"source": src, "target": dst, "kind": ["project"] * len(src), "start_year": years}
    return graph_from_columns(orgs, ties), past, future


@pytest.mark.parametrize("seed", [1, 2])
def test_triangle_closing_future_is_predicted(seed):
    g, past, future = _triangle_graph(seed)
    r = backtest(g, 2020, top_k=20, cross_city=False, horizon=4)
    t = r.table.set_index("scorer")
    assert r.counts["positives"] == len(future)
    assert r.counts["train_ties"] == len(past)
    assert not r.counts["negatives_sampled"]
    n = g.vcount()
    assert r.counts["candidates"] == n * (n - 1) // 2 - len(past)
    assert r.counts["negatives"] == r.counts["candidates"] - len(future)
    assert t.loc["adamic_adar", "auc"] > 0.9
    # The past is random, only the future closes triangles: nothing in the history
    # teaches that, so the fixed weights (heavy on Adamic–Adar) win here.
    assert t.loc["fixed_weights", "auc"] > 0.8
    assert abs(t.loc["random", "auc"] - 0.5) < 0.08
    assert t.loc["adamic_adar", "precision_at_k"] > 5 * r.counts["positive_rate"]
    assert t.loc["combined", "recall_at_k"] == pytest.approx(
        t.loc["combined", "precision_at_k"] * 20 / len(future)
    )


def test_sampled_negatives_are_distinct_untied_and_seeded():
    g, past, future = _triangle_graph(5)
    ix = LinkIndex(g.subgraph_edges([e.index for e in g.es if e["start_year"] < 2020], False))
    pres = np.flatnonzero(ix.deg > 0)
    pos = np.array(sorted(int(ix.index[a]) * g.vcount() + ix.index[b] for a, b in future))
    codes = np.zeros(g.vcount(), dtype=np.int64)
    u, v = _sample_negatives(
        ix, pres, codes, False, pos, g.vcount(), 3000, np.random.default_rng(1)
    )
    keys = np.minimum(u, v) * g.vcount() + np.maximum(u, v)
    assert len(u) == 3000 and len(np.unique(keys)) == 3000
    assert not ix.tied(u, v).any() and not np.isin(keys, pos).any() and (u != v).all()
    ids = g.vs["id"]
    assert not {(ids[a], ids[b]) for a, b in zip(u, v, strict=True)} & past
    r = backtest(g, 2020, negatives=500, seed=9, cross_city=False, horizon=4)
    assert r.counts["negatives_sampled"] and r.counts["negatives"] == 500
    assert r.counts["negative_sample_rate"] == pytest.approx(
        500 / (r.counts["candidates"] - len(future))
    )
    again = backtest(g, 2020, negatives=500, seed=9, cross_city=False, horizon=4)
    assert again.table.equals(r.table)
    other = backtest(g, 2020, negatives=500, seed=10, cross_city=False, horizon=4)
    assert not other.table.equals(r.table)
    assert r.table.set_index("scorer").loc["adamic_adar", "auc"] > 0.9


def test_undated_ties_train_only_and_exclusions():
    orgs = {
        "id": list("abcdef"),
        "name": list("ABCDEF"),
        "kind": ["firm"] * 6,
        "city": ["X", "X", "Y", "Y", "X", "Y"],
        "country": ["GB"] * 6,
    }
    ties = {
        "source": ["a", "b", "c", "a", "a", "b", "d", "a"],
        "target": ["b", "c", "d", "c", "d", "d", "f", "e"],
        "kind": ["project"] * 8,
        # a-b 2015, b-c undated (train), c-d 2016; tests: a-c, a-d, b-d, d-f (f new), a-e (e new)
        "start_year": [2015, None, 2016, 2021, 2022, 2022, 2023, 2020],
    }
    g = graph_from_columns(orgs, ties)
    r = backtest(g, 2020, cross_city=False, horizon=4)
    c = r.counts
    assert (c["train_ties"], c["undated_ties"], c["test_ties"]) == (3, 1, 5)
    assert c["excluded_new_orgs"] == 2 and c["positives"] == 3
    # b-c tied only without a date: a later dated b-c tie would be "already tied".
    ties2 = {
        k: [*v, x] for (k, v), x in zip(ties.items(), ["b", "c", "project", 2024], strict=True)
    }
    c2 = backtest(graph_from_columns(orgs, ties2), 2020, cross_city=False, horizon=5).counts
    assert c2["excluded_already_tied"] == 1 and c2["positives"] == 3
    cross = backtest(g, 2020, horizon=4).counts
    # Cross-city: a-c, a-d and b-d are all X–Y pairs; candidates are X×Y pairs not tied.
    assert cross["positives"] == 3
    assert cross["candidates"] == 2 * 2 - 1  # {a,b} × {c,d} minus b-c


def test_split_errors():
    g, _, _ = _triangle_graph(1, n=30)
    with pytest.raises(GraphtwinError, match="no ties started before 2000"):
        backtest(g, 2000)
    with pytest.raises(GraphtwinError, match="no ties started in 2030–2032"):
        backtest(g, 2030)
