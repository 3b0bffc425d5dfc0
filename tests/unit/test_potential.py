"""Known answers for graphtwin.analysis.potential and graphtwin.analysis.config."""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pytest

from graphtwin.analysis.config import ConfigError, load_config
from graphtwin.analysis.potential import (
    LinkIndex,
    combine,
    normalise,
    potential,
    resolve_city,
    score_pairs,
    write_back_rows,
)
from graphtwin.analysis.projection import graph_from_columns, simple_view
from graphtwin.errors import GraphtwinError

# --------------------------------------------------------------------------------------
# A small graph computed by hand
#
#   X (GB): a1 university {ai, fintech}, a2 firm {fintech}
#   Y (KR): b1 firm {fintech, medtech}, b2 council {}
#   Z (GB): c catapult {ai}, d agency {}
#   ties: a1-c, a1-d, b1-c, b1-d, a2-d, a2-b2 (existing cross tie), c-d
#   degrees: a1 2, a2 2, b1 2, b2 1, c 3, d 4
# --------------------------------------------------------------------------------------

HAND_ORGS = {
    "id": ["a1", "a2", "b1", "b2", "c", "d"],
    "name": ["Uni A1", "Firm A2", "Firm B1", "Council B2", "Catapult C", "Agency D"],
    "kind": ["university", "firm", "firm", "council", "catapult", "agency"],
    "city": ["X", "X", "Y", "Y", "Z", "Z"],
    "country": ["GB", "GB", "KR", "KR", "GB", "GB"],
    "sectors": [["ai", "fintech"], ["fintech"], ["fintech", "medtech"], [], ["ai"], []],
}
HAND_TIES = {
    "source": ["a1", "a1", "b1", "b1", "a2", "a2", "c"],
    "target": ["c", "d", "c", "d", "d", "b2", "d"],
    "kind": ["project", "mou", "project", "meeting", "collaboration", "visit", "project"],
}
SECTOR_NAMES = {"ai": "Artificial intelligence", "fintech": "Fintech", "medtech": "Medtech"}


@pytest.fixture()
def hand() -> object:
    return graph_from_columns(HAND_ORGS, HAND_TIES, sectors=SECTOR_NAMES)


def _nx(g) -> nx.Graph:
    h = nx.Graph()
    h.add_nodes_from(g.vs["id"])
    h.add_edges_from((g.vs[e.source]["id"], g.vs[e.target]["id"]) for e in g.es)
    return h


HAND_RAW = {
    # pair: (common, AA, RA, Jaccard, PA, sector cosine, kind)
    ("a1", "b1"): (2, 1 / math.log(3) + 1 / math.log(4), 1 / 3 + 1 / 4, 1.0, 4, 0.5, 1.0),
    ("a1", "b2"): (0, 0.0, 0.0, 0.0, 2, 0.0, 0.7),
    ("a2", "b1"): (1, 1 / math.log(4), 1 / 4, 1 / 3, 4, 1 / math.sqrt(2), 0.3),
}
COLUMNS = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "preferential_attachment",
    "sector_similarity",
    "kind_complementarity",
)


def test_raw_scores_match_hand_computation(hand):
    df = score_pairs(hand, list(HAND_RAW))
    for row in df.itertuples(index=False):
        expected = HAND_RAW[(row.source, row.target)]
        got = tuple(getattr(row, c) for c in COLUMNS)
        assert got == pytest.approx(expected, abs=1e-12), (row.source, row.target)


def test_network_scores_match_networkx(hand):
    rng = random.Random(3)
    ids = [f"o{i}" for i in range(40)]
    orgs = {
        "id": ids,
        "name": ids,
        "kind": ["firm"] * 40,
        "city": ["X"] * 40,
        "country": ["GB"] * 40,
    }
    src, dst = zip(*(rng.sample(ids, 2) for _ in range(120)), strict=True)
    g = graph_from_columns(orgs, {"source": src, "target": dst, "kind": ["project"] * 120})
    h = _nx(g)
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :] if not h.has_edge(a, b)]
    df = score_pairs(g, pairs)
    refs = {
        "adamic_adar": nx.adamic_adar_index(h, pairs),
        "resource_allocation": nx.resource_allocation_index(h, pairs),
        "jaccard": nx.jaccard_coefficient(h, pairs),
        "preferential_attachment": nx.preferential_attachment(h, pairs),
    }
    for col, ref in refs.items():
        expected = np.array([s for _, _, s in ref], dtype=float)
        np.testing.assert_allclose(df[col].to_numpy(), expected, atol=1e-12, err_msg=col)
    assert df["adamic_adar"].gt(0).any()


def test_sector_jaccard_option(hand, tmp_path):
    f = tmp_path / "w.toml"
    f.write_text('[potential.options]\nsector_measure = "jaccard"\n')
    df = score_pairs(hand, [("a1", "b1"), ("a2", "b1")], config=load_config(f))
    assert df["sector_similarity"].tolist() == pytest.approx([1 / 3, 1 / 2])


def test_parallel_ties_merge_like_simple_view(hand):
    # A second tie between a1 and c must not count twice.
    ties = {k: [*v] for k, v in HAND_TIES.items()}
    ties["source"].append("c")
    ties["target"].append("a1")
    ties["kind"].append("meeting")
    g = graph_from_columns(HAND_ORGS, ties)
    ix = LinkIndex(g)
    h = simple_view(g)
    expected = np.array(h.get_adjacency().data, dtype=float)
    np.testing.assert_array_equal(ix.A.toarray(), expected)
    weights = np.zeros_like(expected)
    for e in h.es:
        weights[e.source, e.target] = weights[e.target, e.source] = e["weight"]
    np.testing.assert_allclose(ix.W.toarray(), weights)
    assert score_pairs(g, [("a1", "b1")])["adamic_adar"][0] == pytest.approx(
        HAND_RAW[("a1", "b1")][1]
    )


def test_potential_normalises_and_combines_by_hand(hand):
    cfg = load_config()
    w = cfg.potential.weights
    df = potential(hand, "X", "Y", top=10, fixed_weights=True)
    assert set(zip(df.source, df.target, strict=True)) == set(HAND_RAW)  # a2-b2 is tied
    assert df.attrs["candidates"] == 3
    raw = {p: dict(zip(COLUMNS, v, strict=True)) for p, v in HAND_RAW.items()}
    for p in raw.values():
        p["preferential_attachment"] = math.log1p(p["preferential_attachment"])
    maxima = {c: max(p[c] for p in raw.values()) for c in COLUMNS}
    for row in df.itertuples(index=False):
        r = raw[(row.source, row.target)]
        expected = {c: r[c] / maxima[c] for c in COLUMNS[1:]}
        for c, value in expected.items():
            assert getattr(row, c) == pytest.approx(value), c
        assert row.score == pytest.approx(sum(w[c] * expected[c] for c in expected))
    assert df.score.is_monotonic_decreasing
    assert df.iloc[0][["source", "target"]].tolist() == ["a1", "b1"]
    assert df.score.min() >= 0 and df.score.max() <= 1


def test_reasons_name_partners_sectors_kinds_and_bridge(hand):
    df = potential(hand, "X", "Y", top=10, fixed_weights=True).set_index(["source", "target"])
    bw = nx.betweenness_centrality(_nx(hand), normalized=False)
    name = dict(zip(HAND_ORGS["id"], HAND_ORGS["name"], strict=True))

    top = df.loc[("a1", "b1")]
    # Shared partners by summed tie weight: c (project 3 + project 3) before d (mou 2 + meeting .5)
    assert top.shared_partners == ["Catapult C", "Agency D"]
    assert top.shared_sectors == ["Fintech"]
    assert top.bridge == name[max(["c", "d"], key=bw.get)]
    text = " | ".join(top.reasons)
    assert "2 shared partners: Catapult C, Agency D" in text
    assert "shared sectors: Fintech" in text
    assert "university (academia) with firm (business)" in text
    assert f"bridge: {top.bridge}, a partner of both" in text

    lone = df.loc[("a1", "b2")]  # no common partner: best broker next to either side
    assert lone.shared_partners == []
    assert lone.bridge == name[max(["c", "d", "a2"], key=bw.get)]
    assert "no partner in common" in " ".join(lone.reasons)


def test_top_n_with_small_chunks_equals_brute_force():
    rng = random.Random(7)
    n = 120
    ids = [f"o{i}" for i in range(n)]
    kinds = ["university", "firm", "council", "agency", "catapult", "nonprofit", "investor"]
    sectors = ["s1", "s2", "s3", "s4", "s5"]
    orgs = {
        "id": ids,
        "name": ids,
        "kind": [rng.choice(kinds) for _ in ids],
        "city": [("A", "B", "C")[i % 3] for i in range(n)],
        "country": [("GB", "KR", "GB")[i % 3] for i in range(n)],
        "sectors": [rng.sample(sectors, rng.randint(0, 3)) for _ in ids],
    }
    src, dst = zip(*(rng.sample(ids, 2) for _ in range(400)), strict=True)
    g = graph_from_columns(orgs, {"source": src, "target": dst, "kind": ["project"] * 400})
    cfg = load_config()
    top = potential(g, "A", "B", top=15, chunk_elements=37, fixed_weights=True)
    whole = potential(g, "A", "B", top=15, fixed_weights=True)
    np.testing.assert_allclose(top.score, whole.score)
    h = _nx(g)
    kind_of = dict(zip(ids, orgs["kind"], strict=True))
    sectors_of = dict(zip(ids, orgs["sectors"], strict=True))
    business = {"firm", "investor"}
    checks = {
        "university": lambda x: kind_of[x] == "university",
        "s2": lambda x: "s2" in sectors_of[x],
        "s1": lambda x: "s1" in sectors_of[x],
        "business": lambda x: kind_of[x] in business,
    }
    a = [i for i in ids if int(i[1:]) % 3 == 0]
    b = [i for i in ids if int(i[1:]) % 3 == 1]
    for opts in ({"kind": "university"}, {"sector": "s2"}, {"kind": "business", "sector": "s1"}):
        chunked = potential(g, "A", "B", top=40, chunk_elements=37, **opts, fixed_weights=True)
        tests = [checks[v] for v in opts.values()]
        expected = [
            (x, y)
            for x in a
            for y in b
            if not h.has_edge(x, y) and all(t(x) or t(y) for t in tests)
        ]
        assert chunked.attrs["candidates"] == len(expected), opts
        assert set(zip(chunked.source, chunked.target, strict=True)) <= set(expected)
        np.testing.assert_allclose(
            chunked.score,
            potential(g, "A", "B", top=40, fixed_weights=True, **opts).score,
            err_msg=str(opts),
        )

    pairs = [(x, y) for x in a for y in b if not h.has_edge(x, y)]
    assert top.attrs["candidates"] == len(pairs)
    df = score_pairs(g, pairs)
    raw = {c: df[c].to_numpy(dtype=float) for c in COLUMNS}
    raw["preferential_attachment"] = np.log1p(raw["preferential_attachment"])
    maxima = {c: raw[c].max() for c in COLUMNS}
    brute = np.sort(combine(normalise(raw, maxima), cfg.potential.weights))[::-1][:15]
    np.testing.assert_allclose(top.score.to_numpy(), brute)


def test_cities_without_ties_still_get_recommendations():
    orgs = {
        "id": ["u", "f", "k", "x"],
        "name": ["Uni", "Firm", "KFirm", "KUni"],
        "kind": ["university", "firm", "firm", "university"],
        "city": ["Belfast", "Belfast", "Sejong", "Sejong"],
        "country": ["GB", "GB", "KR", "KR"],
        "sectors": [["medtech"], ["fintech"], ["medtech"], ["energy"]],
    }
    g = graph_from_columns(orgs, {})
    df = potential(g, "Belfast", "Sejong", top=4, fixed_weights=True)
    assert len(df) == 4
    # University and firm sharing medtech: both sector and kind fit are the best.
    assert df.iloc[0][["source", "target"]].tolist() == ["u", "k"]
    assert df.iloc[0].score == pytest.approx(
        load_config().potential.weights["sector_similarity"]
        + load_config().potential.weights["kind_complementarity"]
    )
    assert df.iloc[0].bridge is None
    assert "none in the data" in df.iloc[0].reasons[-1]
    assert (df.adamic_adar == 0).all()


def test_ties_at_the_cut_off_are_broken_by_name_not_graph_order():
    # No ties at all: scores come from sectors and kinds only, so many pairs tie.
    rng = random.Random(5)
    n = 60
    ids = [f"o{i:02d}" for i in range(n)]
    orgs = {
        "id": ids,
        "name": [f"Org {i:02d}" for i in range(n)],
        "kind": [rng.choice(["university", "firm", "council"]) for _ in ids],
        "city": [("A", "B")[i % 2] for i in range(n)],
        "country": [("GB", "KR")[i % 2] for i in range(n)],
        "sectors": [rng.sample(["s1", "s2", "s3"], 1) for _ in ids],
    }
    order = list(range(n))
    rng.shuffle(order)
    shuffled = {k: [v[i] for i in order] for k, v in orgs.items()}
    first = potential(
        graph_from_columns(orgs, {}), "A", "B", top=7, chunk_elements=50, fixed_weights=True
    )
    second = potential(
        graph_from_columns(shuffled, {}), "A", "B", top=7, chunk_elements=90, fixed_weights=True
    )
    assert first.score.nunique() < 7  # the cut-off falls inside a tie
    assert first[["source", "target"]].equals(second[["source", "target"]])
    for _, group in first.groupby("score", sort=False):
        assert list(group.source_name) == sorted(group.source_name)


def test_filters_keep_pairs_where_either_side_matches(hand):
    by_sector = potential(hand, "X", "Y", sector="Medtech", top=10, fixed_weights=True)
    assert set(by_sector.target) == {"b1"}  # only b1 is in medtech
    by_kind = potential(hand, "X", "Y", kind="government", top=10, fixed_weights=True)
    assert set(zip(by_kind.source, by_kind.target, strict=True)) == {("a1", "b2")}
    by_kind = potential(hand, "X", "Y", kind="university", top=10, fixed_weights=True)
    assert set(by_kind.source) == {"a1"}
    with pytest.raises(GraphtwinError, match=r"unknown sector 'medtek'; did you mean medtech"):
        potential(hand, "X", "Y", sector="medtek")
    with pytest.raises(GraphtwinError, match="unknown organisation kind"):
        potential(hand, "X", "Y", kind="spaceship")


def test_weights_file_changes_the_ranking(hand, tmp_path):
    f = tmp_path / "kinds-only.toml"
    f.write_text(
        "[potential]\nadamic_adar = 0\nresource_allocation = 0\njaccard = 0\n"
        "preferential_attachment = 0\nsector_similarity = 0\nkind_complementarity = 1\n"
    )
    df = potential(hand, "X", "Y", config=load_config(f), fixed_weights=True)
    assert df.score.tolist() == pytest.approx([1.0, 0.7, 0.3])
    assert df.source.tolist() == ["a1", "a1", "a2"]


def test_unknown_and_ambiguous_cities():
    orgs = {
        "id": ["a", "b", "c"],
        "name": ["A", "B", "C"],
        "kind": ["firm"] * 3,
        "city": ["Belfast", "Newport", "Newport"],
        "country": ["GB", "GB", "US"],
    }
    g = graph_from_columns(orgs, {})
    with pytest.raises(GraphtwinError, match=r"unknown city 'Belfst'.*did you mean: Belfast"):
        resolve_city(g, "Belfst")
    with pytest.raises(GraphtwinError, match="ambiguous: GB-newport, US-newport"):
        resolve_city(g, "newport")
    assert resolve_city(g, "gb-newport") == "GB-newport"
    with pytest.raises(GraphtwinError, match="two different cities"):
        potential(g, "Belfast", "GB-belfast")


def test_write_back_rows(hand):
    df = potential(hand, "X", "Y", top=2, fixed_weights=True)
    rows = write_back_rows(df)
    assert [set(r) for r in rows] == [{"source", "target", "score", "reasons", "city_pair"}] * 2
    assert rows[0]["city_pair"] == "GB-x|KR-y"
    assert rows[0]["reasons"] == "; ".join(df.iloc[0].reasons)
    assert isinstance(rows[0]["score"], float)


# --------------------------------------------------------------------------------------
# Weights files
# --------------------------------------------------------------------------------------


def test_default_weights_are_complete_and_normalised():
    cfg = load_config()
    assert sum(cfg.potential.weights.values()) == pytest.approx(1.0)
    assert sum(cfg.twins.weights.values()) == pytest.approx(1.0)
    m = cfg.potential.sphere_matrix()
    np.testing.assert_array_equal(m, m.T)
    c = cfg.potential.complementarity
    assert c("academia", "business") == max(m.ravel())
    for same in ("academia", "business", "government"):
        assert c(same, same) < c("business", "government") < c("academia", "business")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[potential]\nadamic = 1\n", r"w\.toml: potential\.adamic: unknown key.*adamic_adar"),
        ("[potential]\njaccard = -1\n", r"potential\.jaccard: a weight must be >= 0"),
        ("[twins]\nsynergy = 'high'\n", r"twins\.synergy: expected a number"),
        ("[twins.options]\nlq_reference = 'city'\n", r"lq_reference: expected one of"),
        ("[twins.options]\nperturbation = 1.5\n", r"perturbation: expected a number strictly"),
        ("[backtest]\nnegatives = 0\n", r"backtest\.negatives: expected a whole number >= 1"),
        ("[extra]\n", r"extra: unknown key"),
        ("[potential\n", r"not valid TOML"),
        (
            "[potential.kind_complementarity_matrix]\n'academia.busines' = 1\n",
            r"expected 'sphere\.sphere'",
        ),
        (
            "[potential.kind_complementarity_matrix]\n'academia.business' = 1\n"
            "'business.academia' = 0.5\n",
            "the same pair is also given",
        ),
    ],
)
def test_bad_weights_files_name_file_and_key(tmp_path, text, message):
    f = tmp_path / "w.toml"
    f.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_config(f)


def test_all_zero_weights_and_missing_file(tmp_path):
    f = tmp_path / "zero.toml"
    f.write_text("[twins]\n" + "".join(f"{k} = 0\n" for k in load_config().twins.weights))
    with pytest.raises(ConfigError, match=r"\[twins\]: all weights are zero"):
        load_config(f)
    with pytest.raises(ConfigError, match="weights file not found"):
        load_config(tmp_path / "nope.toml")


def test_partial_file_merges_over_defaults(tmp_path):
    f = tmp_path / "w.toml"
    f.write_text("[potential.kind_complementarity_matrix]\nbusiness.academia = 0.5\n")
    cfg = load_config(f)
    assert cfg.potential.complementarity("academia", "business") == 0.5
    assert cfg.potential.complementarity("business", "government") == 0.8
    assert cfg.potential.weights == load_config().potential.weights
    assert cfg.sources[-1] == str(f)
