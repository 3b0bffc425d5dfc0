"""``potential`` with a fitted model on both stores: the same probabilities from either
projection, and ``--write-back`` rows (probability as score, probability first in the
reasons) stored and read back on both."""

from __future__ import annotations

import pytest

from graphtwin.analysis.linkmodel import choose_scorer
from graphtwin.analysis.potential import potential, write_back_rows
from graphtwin.analysis.projection import graph_from_bundle
from graphtwin.ingest.regimes import temporal_regime


@pytest.fixture(scope="module")
def dated_bundle():
    return temporal_regime("homophily", 3, orgs=300, ties_per_year=120, years=10)


def test_fitted_potential_and_write_back_on_each_store(store, dated_bundle):
    store.load(dated_bundle)
    g = store.projection()
    reference = potential(graph_from_bundle(dated_bundle), "London", "Seoul", top=5)
    scorer = choose_scorer(g)
    assert scorer.method == reference.attrs["method"] == "fitted", scorer.why
    df = potential(g, "London", "Seoul", top=5, scorer=scorer)
    assert df.attrs["candidates"] == reference.attrs["candidates"]
    assert sorted(df["probability"].round(12)) == sorted(reference["probability"].round(12))
    assert store.write_potential(write_back_rows(df)) == 5
    rows = store.query(
        "MATCH (a:Organisation)-[p:POTENTIAL]->(b:Organisation) "
        "RETURN a.id AS s, b.id AS t, p.score AS score, p.reasons AS r ORDER BY score DESC"
    ).records()
    assert [r["score"] for r in rows] == pytest.approx(list(df["probability"]))
    assert all(r["r"].startswith("probability ") and "within 3 years" in r["r"] for r in rows)
    assert {(r["s"], r["t"]) for r in rows} == set(zip(df["source"], df["target"], strict=True))
