"""``graphtwin centrality``, ``bridges`` and ``communities`` through the installed entry point,
on the demo bundle loaded into a temporary Ladybug store with ``graphtwin load``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from graphtwin.ingest.demo import demo_bundle_path

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))


def run(db: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, "--db", str(db), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("analysis") / "demo.db"
    r = run(db, "-q", "load", demo_bundle_path())
    assert r.returncode == 0, r.stderr
    return db


def demo_networkx() -> nx.Graph:
    """The demo ties as a simple networkx graph, read straight from the bundle's CSV."""
    import csv

    G = nx.Graph()
    with open(demo_bundle_path() / "organisations.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            G.add_node(row["id"], city=row["city"])
    with open(demo_bundle_path() / "ties.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            G.add_edge(row["source"], row["target"])
    return G


def test_bridges_belfast_sejong_json(demo_db: Path) -> None:
    r = run(demo_db, "bridges", "Belfast", "Sejong", "--format", "json", "--top", "0")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert rows, "no bridging organisations"
    keys = {"id", "name", "city", "country", "kind", "bridge_score", "cross_betweenness",
            "liaison", "gatekeeper", "representative", "z_liaison", "constraint",
            "effective_size", "participation", "articulation", "bridge_ties", "reason",
            "sampling", "connects_pair"}  # fmt: skip
    assert keys <= set(rows[0])
    scores = [row["bridge_score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(row["connects_pair"] for row in rows)
    assert rows[0]["sampling"] == "exact"
    # The sourced Belfast–Sejong partners carry the pair (docs: twinning facts).
    top6 = {row["id"] for row in rows[:6]}
    assert {"belfast-city-council", "qub", "invest-ni"} <= top6
    # cross_betweenness is the share of Belfast–Sejong shortest paths through each
    G = demo_networkx()
    belfast = [v for v in G if G.nodes[v]["city"] == "Belfast"]
    sejong = [v for v in G if G.nodes[v]["city"] == "Sejong"]
    ref = nx.betweenness_centrality_subset(G, belfast, sejong, normalized=False)
    for row in rows:
        want = 2 * ref[row["id"]] / (len(belfast) * len(sejong))
        assert row["cross_betweenness"] == pytest.approx(want, abs=1e-12)
    top = rows[0]
    assert "Belfast" in top["reason"] and "Sejong" in top["reason"]


def test_bridges_table_has_reasons_and_sampling(demo_db: Path) -> None:
    r = run(demo_db, "bridges", "belfast", "sejong", "--top", "5")
    assert r.returncode == 0, r.stderr
    assert "Why (between Belfast and Sejong):" in r.stdout
    assert "  1. " in r.stdout and "  6. " not in r.stdout
    assert "cross-group betweenness: exact" in r.stdout
    assert "projected 35 organisations" in r.stderr
    # how many carry the pair, the pair evidence columns, partners on both sides
    assert "7 of 35 organisations carry Belfast–Sejong connections" in r.stdout
    assert "top 5 shown" in r.stdout
    assert "paths" in r.stdout and "sole route" in r.stdout and "A–B pairs brokered" in r.stdout
    assert "1. Belfast City Council: links Belfast (" in r.stdout
    assert "between Belfast (" in r.stdout and ") and Sejong (" in r.stdout


def test_centrality_reports_progress_on_stderr(demo_db: Path) -> None:
    r = run(demo_db, "centrality", "--metric", "betweenness", "--top", "2")
    assert r.returncode == 0, r.stderr
    assert "betweenness: 35/35 (100%)" in r.stderr and "35/35" not in r.stdout
    quiet = run(demo_db, "-q", "centrality", "--metric", "betweenness", "--top", "2")
    assert quiet.stderr == ""


def test_unknown_city_is_one_clear_line(demo_db: Path) -> None:
    r = run(demo_db, "bridges", "Belfst", "Sejong")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1].startswith("error: unknown city 'Belfst'")
    assert "did you mean: Belfast" in r.stderr
    assert "Traceback" not in r.stderr
    usage = run(demo_db, "bridges", "Belfast")
    assert usage.returncode == 2 and "two cities" in usage.stderr


def test_bridges_by_country_and_groups(demo_db: Path) -> None:
    r = run(demo_db, "bridges", "--by", "country", "--top", "3", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 3 and "connects_pair" not in rows[0]
    g = run(demo_db, "bridges", "--groups", "--by", "country", "--format", "csv")
    assert g.returncode == 0, g.stderr
    lines = g.stdout.splitlines()
    assert lines[0] == "group,organisations,internal_ties,external_ties,ei_index"
    assert {line.split(",")[0] for line in lines[1:]} == {"GB", "KR"}


def test_bridges_edges_match_networkx(demo_db: Path) -> None:
    r = run(demo_db, "bridges", "--edges", "--top", "0", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    G = demo_networkx()
    ties = {frozenset((x["source_id"], x["target_id"])) for x in rows if x["type"] == "bridge_tie"}
    assert ties == {frozenset(e) for e in nx.bridges(G)}
    points = {x["id"] for x in rows if x["type"] == "articulation_point"}
    assert points == set(nx.articulation_points(G))


def test_centrality_json_filters_and_order(demo_db: Path) -> None:
    r = run(demo_db, "centrality", "--metric", "betweenness", "--metric", "degree",
            "--top", "3", "--format", "json")  # fmt: skip
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 3
    assert set(rows[0]) == {"id", "name", "city", "country", "kind", "betweenness", "degree",
                            "sampling"}  # fmt: skip
    ref = nx.betweenness_centrality(demo_networkx())
    assert [x["id"] for x in rows] == sorted(ref, key=lambda v: -ref[v])[:3]
    for x in rows:
        assert x["betweenness"] == pytest.approx(ref[x["id"]], abs=1e-12)
    city = run(demo_db, "centrality", "--city", "sejong", "--top", "0", "--format", "json")
    assert {x["city"] for x in json.loads(city.stdout)} == {"Sejong"}
    kr = run(demo_db, "centrality", "--country", "kr", "--format", "csv", "--top", "0")
    assert len(kr.stdout.splitlines()) == 1 + 17


def test_centrality_write_back_is_readable_from_the_store(demo_db: Path) -> None:
    from graphtwin.store import open_store

    r = run(demo_db, "centrality", "--metric", "pagerank", "--write-back", "--top", "1")
    assert r.returncode == 0, r.stderr
    assert "wrote gt_pagerank on 35 organisations" in r.stderr
    b = run(demo_db, "bridges", "Belfast", "Sejong", "--write-back", "--format", "json")
    assert b.returncode == 0, b.stderr
    with open_store(str(demo_db), read_only=True) as store:
        res = store.query(
            "MATCH (o:Organisation) WHERE o.id = $id "
            "RETURN o.gt_pagerank AS pr, o.gt_bridge_score AS score, o.gt_bridge_context AS ctx",
            {"id": "belfast-city-council"},
        )
    pr, score, ctx = res.rows[0]
    assert pr == pytest.approx(nx.pagerank(demo_weighted())["belfast-city-council"], abs=1e-6)
    assert score == pytest.approx(json.loads(b.stdout)[0]["bridge_score"])
    assert ctx == "Belfast–Sejong by city"


def demo_weighted() -> nx.Graph:
    """Demo ties with the default tie-kind weights, parallel ties summed."""
    import csv

    from graphtwin.model import TIE_KINDS, canonical_tie_kind

    G = nx.Graph()
    with open(demo_bundle_path() / "organisations.csv", encoding="utf-8") as fh:
        G.add_nodes_from(row["id"] for row in csv.DictReader(fh))
    with open(demo_bundle_path() / "ties.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kind = canonical_tie_kind(row["kind"])
            w = float(row["weight"]) if row.get("weight") else TIE_KINDS[kind].weight
            u, v = row["source"], row["target"]
            G.add_edge(u, v, weight=G[u][v]["weight"] + w if G.has_edge(u, v) else w)
    return G


def test_communities_are_seeded(demo_db: Path) -> None:
    a = run(demo_db, "communities", "--seed", "3", "--format", "json", "--top", "0")
    b = run(demo_db, "communities", "--seed", "3", "--format", "json", "--top", "0")
    assert a.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    rows = json.loads(a.stdout)
    assert sum(x["size"] for x in rows) == 35
    assert "modularity" in a.stderr
    m = run(demo_db, "communities", "--members", "--format", "json", "--top", "0")
    assert len(json.loads(m.stdout)) == 35


def test_tie_kind_and_tie_weights_options(demo_db: Path, tmp_path: Path) -> None:
    bad = run(demo_db, "centrality", "--tie-kind", "spaceship")
    assert bad.returncode == 1 and "unknown tie kind(s) 'spaceship'" in bad.stderr
    only = run(demo_db, "centrality", "--tie-kind", "funding", "--metric", "degree",
               "--format", "json", "--top", "1")  # fmt: skip
    assert only.returncode == 0, only.stderr
    assert json.loads(only.stdout)[0]["id"] == "cpc"  # CPC is funded by BEIS, UKRI, ...
    weights = tmp_path / "w.toml"
    weights.write_text("[tie_weights]\nmeeting = 10\n", encoding="utf-8")
    heavy = run(demo_db, "centrality", "--metric", "strength", "--tie-weights", weights,
                "--format", "json", "--top", "0")  # fmt: skip
    light = run(demo_db, "centrality", "--metric", "strength", "--format", "json", "--top", "0")
    assert sum(x["strength"] for x in json.loads(heavy.stdout)) > sum(
        x["strength"] for x in json.loads(light.stdout)
    )
    weights.write_text("[tie_weights]\nmeting = 10\n", encoding="utf-8")
    typo = run(demo_db, "centrality", "--tie-weights", weights)
    assert typo.returncode == 1 and "unknown tie kind 'meting'" in typo.stderr


def test_help_has_examples_and_metric_names_agree() -> None:
    from graphtwin.analysis.centrality import CENTRALITY_METRICS
    from graphtwin.cli.analysis import METRICS

    assert METRICS == CENTRALITY_METRICS
    for command in ("centrality", "bridges", "communities"):
        r = subprocess.run([GRAPHTWIN, command, "--help"], capture_output=True, text=True,
                           check=False)  # fmt: skip
        assert r.returncode == 0 and "Examples:" in r.stdout
