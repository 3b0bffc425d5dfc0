"""``bridges London Oxford`` and ``twins GB KR`` on the real ROR GB/KR records (CC0)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphtwin.analysis.bridging import bridges
from graphtwin.analysis.projection import graph_from_bundle
from graphtwin.analysis.twins import twins
from graphtwin.ingest.ror import import_ror


@pytest.fixture(scope="module")
def ror_graph(shared_data: Path):
    result = import_ror(
        [
            shared_data / "ror_gb_kr_from_ror_records.csv",
            shared_data / "ror_relationships_gb_kr.csv",
        ]
    )
    return graph_from_bundle(result.bundle)


def test_london_oxford_ranks_by_share_of_paths(ror_graph) -> None:
    df = bridges(ror_graph, pair=("London", "Oxford"))
    shown = df[df["connects_pair"]]
    assert 20 < len(shown) == df.attrs["connecting"] < len(df)
    share = shown["cross_betweenness"].to_numpy()
    # no organisation at 0% of London–Oxford paths above one with more (near-ties aside)
    assert all(share[j] <= share[i] + 0.01 for i in range(len(share)) for j in range(i, len(share)))
    zero = shown[shown["cross_betweenness"] == 0]
    assert (zero["pair_two_paths"] > 0).all()
    assert shown.index.max() < df.index[~df["connects_pair"]].min()
    # the reasons name both cities for the organisations that carry paths
    for reason in shown["reason"].head(10):
        assert "London" in reason and "Oxford" in reason
    # a national funder tied to many cities but carrying few London–Oxford paths is not
    # lifted by its global position
    top3 = set(shown["name"].head(3))
    assert "University of Manchester" not in top3
    assert "Natural Environment Research Council" not in set(shown["name"].head(5))


def test_twins_gb_kr_top_ten_rests_on_evidence(ror_graph) -> None:
    df = twins(ror_graph, ("GB", "KR"))
    assert df.attrs["warnings"] and "no sectors" in df.attrs["warnings"][0]
    top = df.head(10)
    small = top[(top.orgs_a < 3) | (top.orgs_b < 3)]
    assert (small.ties > 0).all(), small[["city_a", "city_b", "orgs_a", "orgs_b", "ties"]]
    assert not top.thin.any()
    assert top.synergy.isna().all() and top.complementarity.isna().all()
    # one-organisation towns with nothing between them are flagged, not silently ranked
    towns = df[((df.orgs_a == 1) | (df.orgs_b == 1)) & (df.ties == 0)]
    assert len(towns) > 1000 and towns.thin.all()


def test_bracket_is_not_the_name_in_reasons(ror_graph) -> None:
    df = bridges(ror_graph, by="country", explain=5)
    assert not df["reason"].head(5).str.contains(r"\(South Korea[,)]").any()
    assert "Samsung Electronics" in " ".join(df["reason"].head(5))
