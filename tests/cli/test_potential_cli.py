"""``graphtwin potential``, ``twins`` and ``backtest`` through the installed entry point,
on the demo bundle and a small generated bundle loaded into temporary Ladybug stores."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graphtwin.analysis.backtest import SCORERS
from graphtwin.analysis.potential import potential
from graphtwin.analysis.projection import graph_from_bundle
from graphtwin.ingest import read_bundle
from graphtwin.ingest.demo import demo_bundle_path

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))

POTENTIAL_KEYS = {
    "source", "target", "source_name", "target_name", "score", "adamic_adar",
    "resource_allocation", "jaccard", "preferential_attachment", "sector_similarity",
    "kind_complementarity", "reasons", "bridge", "shared_partners", "shared_sectors",
}  # fmt: skip
TWINS_KEYS = {
    "city_a", "country_a", "city_b", "country_b", "score", "capacity", "synergy",
    "complementarity", "existing_ties", "proximity", "brokers", "rank_stability",
    "rank_range", "drivers", "rank",
}  # fmt: skip
BACKTEST_KEYS = {
    "scorer", "auc", "precision_at_k", "recall_at_k", "random_auc", "random_precision_at_k",
    "positives", "negatives", "candidates", "train_ties", "test_ties",
}  # fmt: skip


def run(db: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, "--db", str(db), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("potential") / "demo.db"
    r = run(db, "-q", "load", demo_bundle_path())
    assert r.returncode == 0, r.stderr
    return db


@pytest.fixture(scope="module")
def generated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("generated")
    r = run(root / "x.db", "-q", "generate", "--orgs", "800", "--ties", "4000", "--seed", "3",
            "-o", root / "bundle")  # fmt: skip
    assert r.returncode == 0, r.stderr
    r = run(root / "gen.db", "-q", "load", root / "bundle")
    assert r.returncode == 0, r.stderr
    return root / "gen.db"


def _demo_ties() -> set[frozenset[str]]:
    with open(demo_bundle_path() / "ties.csv", encoding="utf-8") as fh:
        return {frozenset((r["source"], r["target"])) for r in csv.DictReader(fh)}


def test_potential_json_matches_library_on_the_bundle(demo_db: Path) -> None:
    r = run(demo_db, "potential", "Belfast", "Sejong", "--top", "10", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 10
    assert set(rows[0]) >= POTENTIAL_KEYS
    ties = _demo_ties()
    for row in rows:
        assert frozenset((row["source"], row["target"])) not in ties
        assert isinstance(row["reasons"], list) and row["reasons"]
        assert 0 <= row["score"] <= 1
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    # The store's projection gives the same answer as the bundle itself.
    expected = potential(graph_from_bundle(read_bundle(demo_bundle_path())), "Belfast", "Sejong")
    assert scores == pytest.approx(expected.score[:10].tolist())
    # Ties at the cut-off are broken by name, so the same pairs in the same order.
    assert [(x["source"], x["target"]) for x in rows] == list(
        zip(expected.source[:10], expected.target[:10], strict=True)
    )
    assert "scored" in r.stderr and "GB-belfast and KR-sejong" in r.stderr


def test_potential_table_lists_reasons(demo_db: Path) -> None:
    r = run(demo_db, "potential", "belfast", "KR-sejong", "--top", "3", "--kind", "university")
    assert r.returncode == 0, r.stderr
    assert "Reasons:" in r.stdout
    reasons = r.stdout.split("Reasons:")[1].strip().splitlines()
    assert len(reasons) == 3 and reasons[0].lstrip().startswith("1. ")
    assert "bridge:" in r.stdout and "university" in r.stdout


def test_potential_user_errors_are_one_line(demo_db: Path, tmp_path: Path) -> None:
    r = run(demo_db, "potential", "Belfst", "Sejong")
    assert r.returncode == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: unknown city 'Belfst'")
    assert "Belfast" in errors[0] and "Traceback" not in r.stderr
    bad = tmp_path / "w.toml"
    bad.write_text("[potential]\nadamic_adr = 1\n")
    r = run(demo_db, "potential", "Belfast", "Sejong", "--weights", bad)
    assert r.returncode == 1
    assert f"{bad}: potential.adamic_adr: unknown key" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_potential_write_back_stores_relationships(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    if demo_db.is_dir():
        shutil.copytree(demo_db, db)
    else:
        shutil.copy(demo_db, db)
    for _ in range(2):  # writing twice replaces, never duplicates
        r = run(db, "potential", "Belfast", "Sejong", "--top", "5", "--write-back",
                "--format", "json")  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert "wrote 5 POTENTIAL relationships" in r.stderr
    rows = json.loads(r.stdout)
    q = run(db, "--format", "json", "query",
            "MATCH (a:Organisation)-[p:POTENTIAL]->(b:Organisation) "
            "RETURN a.id AS source, b.id AS target, p.score AS score, p.reasons AS reasons, "
            "p.city_pair AS city_pair")  # fmt: skip
    assert q.returncode == 0, q.stderr
    stored = {(x["source"], x["target"]): x for x in json.loads(q.stdout)}
    assert len(stored) == 5
    for row in rows:
        s = stored[(row["source"], row["target"])]
        assert s["score"] == pytest.approx(row["score"])
        assert s["reasons"] == "; ".join(row["reasons"])
        assert s["city_pair"] == "GB-belfast|KR-sejong"


def test_twins_json_and_csv(demo_db: Path) -> None:
    r = run(demo_db, "twins", "--countries", "GB", "KR", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert set(rows[0]) >= TWINS_KEYS
    assert [x["rank"] for x in rows] == list(range(1, len(rows) + 1))
    assert {x["country_a"] for x in rows} == {"GB"} and {x["country_b"] for x in rows} == {"KR"}
    assert all(0 <= x["rank_stability"] <= 1 for x in rows)
    # The programme's own lighthouse pair leads on the demo data.
    assert (rows[0]["city_a"], rows[0]["city_b"]) == ("Belfast", "Sejong")
    r = run(demo_db, "twins", "--top", "3", "--min-orgs", "2", "--format", "csv")
    assert r.returncode == 0, r.stderr
    table = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(table) == 3 and "drivers" in table[0]
    r = run(demo_db, "twins", "--top", "3")
    assert r.returncode == 0 and "Drivers:" in r.stdout


def test_twins_errors(demo_db: Path) -> None:
    r = run(demo_db, "twins", "--population-band", "big")
    assert r.returncode == 1 and "bad population band 'big'" in r.stderr
    r = run(demo_db, "twins", "--countries", "GB", "FR")
    assert r.returncode == 1 and "no organisations in country 'FR'" in r.stderr


def test_backtest_beats_random_on_generated_data(generated_db: Path) -> None:
    r = run(generated_db, "backtest", "--split", "2022", "--top", "20", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {x["scorer"]: x for x in json.loads(r.stdout)}
    assert set(rows) == set(SCORERS) and {"combined", "fixed_weights", "random"} <= set(rows)
    assert set(rows["combined"]) >= BACKTEST_KEYS
    c = rows["combined"]
    assert c["cross_city"] is True and c["horizon"] == 3
    assert c["auc"] > c["random_auc"] + 0.15
    assert c["auc_low"] < c["auc"] < c["auc_high"]
    assert c["precision_at_k"] > c["base_rate"] and c["positives"] > 0
    if c["method"] == "fitted":
        assert len(c["calibration"]) == 10 and c["brier"] < c["base_rate"]
    r = run(generated_db, "backtest", "--split", "2021", "--all-pairs", "--negatives", "2000")
    assert r.returncode == 0, r.stderr
    assert "lift@20" in r.stdout and "auc 95% CI" in r.stdout and "within one city" not in r.stderr
    r = run(generated_db, "backtest", "--split", "2022", "--cross-city", "--negatives", "2000")
    assert r.returncode == 0, r.stderr
    assert "within one city" in r.stderr and "calibration" in r.stdout
    r = run(generated_db, "backtest", "--split", "1990")
    assert r.returncode == 1 and "no ties started before 1990" in r.stderr


def test_potential_fitted_probabilities_cache_and_write_back(
    generated_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    db = tmp_path / "copy.db"
    shutil.copytree(generated_db, db) if generated_db.is_dir() else shutil.copy(generated_db, db)
    first = run(db, "potential", "London", "Birmingham", "--top", "5", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert "ranked by: fitted on the network's history" in first.stderr, first.stderr
    assert "base rate over these candidates" in first.stderr
    assert "reused the fit" not in first.stderr
    rows = json.loads(first.stdout)
    assert all(0 < r["probability"] < 1 and r["method"] == "fitted" for r in rows)
    assert [r["probability"] for r in rows] == sorted(
        (r["probability"] for r in rows), reverse=True
    )
    assert all(r["reasons"][0].startswith("pushed up by:") for r in rows if r["drivers"])
    second = run(db, "potential", "London", "Birmingham", "--top", "5", "--format", "json")
    assert "reused the fit cached for this data" in second.stderr
    assert json.loads(second.stdout) == rows
    w = run(db, "potential", "London", "Birmingham", "--top", "3", "--write-back")
    assert w.returncode == 0, w.stderr
    q = run(db, "query", "MATCH (a)-[p:POTENTIAL]->(b) RETURN p.score AS s, p.reasons AS r "
            "ORDER BY s DESC", "--format", "json")  # fmt: skip
    stored = json.loads(q.stdout)
    assert len(stored) == 3 and stored[0]["s"] == pytest.approx(rows[0]["probability"])
    assert stored[0]["r"].startswith("probability ")


def test_potential_on_the_demo_says_too_small_and_lists_sectors(demo_db: Path) -> None:
    r = run(demo_db, "potential", "Belfast", "Sejong", "--top", "3")
    assert r.returncode == 0, r.stderr
    assert "too small to say much" in r.stderr and "(uncalibrated)" in r.stderr
    r = run(demo_db, "potential", "Belfast", "Sejong", "--sector", "quantum")
    assert r.returncode == 1 and "known sectors: " in r.stderr and "smart-cities" in r.stderr
    assert "Traceback" not in r.stderr
    r = run(demo_db, "potential", "Belfast", "Sejong", "--top", "1000000000", "--format", "json")
    assert r.returncode == 0 and len(json.loads(r.stdout)) <= 54


@pytest.mark.parametrize("command", ["potential", "twins", "backtest"])
def test_help_has_examples(command: str, tmp_path: Path) -> None:
    r = run(tmp_path / "none.db", command, "--help")
    assert r.returncode == 0
    assert "Examples:" in r.stdout and f"graphtwin {command}" in r.stdout
