"""``graphtwin load``, ``query`` and ``queries`` through the installed entry point.

Runs on both stores: an embedded Ladybug database in a temporary folder and the Neo4j
server of the ``neo4j_uri`` fixture (wiped first). Expected values come from reading
the bundle with graphtwin.ingest.read_bundle, not from the store.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from graphtwin.ingest import read_bundle
from graphtwin.store import open_store

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))
DATA = Path(__file__).resolve().parents[1] / "data"
VALID = DATA / "valid_small"
BAD = DATA / "malformed" / "dangling_tie_endpoint"


def run(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRAPHTWIN_DB": db}
    return subprocess.run(
        [GRAPHTWIN, *args], capture_output=True, text=True, env=env, timeout=300, check=False
    )


def query_json(db: str, cypher: str, *params: str) -> list[dict]:
    r = run(db, "query", cypher, *params, "--format", "json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "ladybug":
        return str(tmp_path / "cli.db")
    uri = request.getfixturevalue("neo4j_uri")
    with open_store(uri) as s:
        s.query("MATCH (n) DETACH DELETE n", write=True)
    return uri


@pytest.fixture(scope="module")
def bundle():
    return read_bundle(VALID)


def test_load_reports_created_then_nothing_on_reload(db, bundle):
    r = run(db, "load", str(VALID), "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = {row["item"]: row for row in json.loads(r.stdout)}
    assert rows["Organisation"]["created"] == len(bundle.organisations)
    assert rows["Organisation"]["total"] == len(bundle.organisations)
    ties = sum(
        rows[t]["created"]
        for t in rows
        if t not in ("Organisation", "City", "Country", "Sector")
        and t not in ("LOCATED_IN", "IN_COUNTRY", "ACTIVE_IN", "POTENTIAL")
    )
    assert ties == len(bundle.ties)
    assert "11 organisations" in r.stderr and "loaded into" in r.stderr

    again = run(db, "load", str(VALID), "--format", "json")
    assert again.returncode == 0, again.stderr
    for row in json.loads(again.stdout):
        assert row["created"] == 0 and row["updated"] == 0
        assert row["total"] == rows[row["item"]]["total"]


def test_invalid_bundle_writes_nothing(db):
    assert run(db, "load", str(VALID)).returncode == 0
    before = query_json(db, "MATCH (o:Organisation) RETURN count(o) AS n")
    r = run(db, "load", str(BAD))
    assert r.returncode == 1
    assert "nothing was written" in r.stderr
    assert r.stderr.count("\n") >= 2  # the problems, then the count line
    assert query_json(db, "MATCH (o:Organisation) RETURN count(o) AS n") == before


def test_invalid_bundle_creates_no_database(tmp_path):
    path = tmp_path / "never.db"
    r = run(str(path), "load", str(BAD))
    assert r.returncode == 1 and not path.exists()


def test_query_json_nodes_and_parameters(db, bundle):
    run(db, "load", str(VALID))
    org = next(o for o in bundle.organisations if o.id == "bel-uni")
    rows = query_json(
        db,
        "MATCH (o:Organisation {id: $id})-[:LOCATED_IN]->(c:City) "
        "RETURN o, c.name AS city, o.founded + $n AS later",
        "-p",
        "id=bel-uni",
        "-p",
        "n:int=5",
    )
    assert len(rows) == 1 and list(rows[0]) == ["o", "city", "later"]
    assert rows[0]["o"]["_labels"] == ["Organisation"]
    assert rows[0]["o"]["name"] == org.name and rows[0]["city"] == org.city
    assert rows[0]["later"] == org.founded + 5


def test_query_is_read_only_unless_write(db):
    run(db, "load", str(VALID))
    create = "CREATE (:Organisation {id: 'cli-new', name: 'New'})"
    r = run(db, "query", create)
    assert r.returncode == 1
    assert r.stderr.startswith("error: refused: CREATE writes to the store")
    assert "run it with --write" in r.stderr
    assert r.stderr.count("\n") == 1
    assert run(db, "query", "--write", create).returncode == 0
    rows = query_json(db, "MATCH (o:Organisation {id: 'cli-new'}) RETURN o.name AS name")
    assert rows == [{"name": "New"}]


def test_cypher_error_is_one_line(db):
    run(db, "load", str(VALID))
    r = run(db, "query", "MATCH (n RETURN n")
    assert r.returncode == 1 and r.stderr.startswith("error: ") and r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr


def test_named_query_matches_the_bundle(db, bundle):
    run(db, "load", str(VALID))
    orgs = {o.id: o for o in bundle.organisations}
    city_a, city_b = orgs["bel-uni"].city, orgs["sej-inst"].city
    want = set()
    for t in bundle.ties:
        for a, b in ((t.source, t.target), (t.target, t.source)):
            if orgs[a].city == city_a and orgs[b].city == city_b:
                want.add((a, b, t.kind))
    r = run(
        db,
        "query",
        "--name",
        "ties_between_cities",
        "-p",
        f"city_a={city_a}",
        "-p",
        f"city_b={city_b}",
        "--format",
        "json",
    )
    assert r.returncode == 0, r.stderr
    got = {(x["org_a"], x["org_b"], x["kind"]) for x in json.loads(r.stdout)}
    assert want and got == want


def test_named_query_errors(tmp_path):
    db = str(tmp_path / "none.db")
    r = run(db, "query", "--name", "org_profil")
    assert r.returncode == 1 and "did you mean org_profile?" in r.stderr
    r = run(db, "query", "--name", "org_profile")
    assert r.returncode == 1 and "needs parameter org_id" in r.stderr
    r = run(db, "query", "--name", "new_ties_since_year", "-p", "year=soon")
    assert r.returncode == 1 and "year must be INT" in r.stderr
    r = run(db, "query")
    assert r.returncode == 2


def test_queries_lists_the_library(tmp_path):
    r = run(str(tmp_path / "x.db"), "queries", "--format", "json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    names = {row["name"] for row in rows}
    assert len(names) >= 12 and {"org_profile", "paths_between_orgs"} <= names
    paths = next(row for row in rows if row["name"] == "paths_between_orgs")
    assert paths["variants"] == ["ladybug", "neo4j"]
    table = run(str(tmp_path / "x.db"), "queries")
    assert "org_profile:" in table.stdout and "-p org_id STRING (e.g. qub)" in table.stdout


def test_neo4j_unreachable_is_one_line(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "do-not-print-me")
    r = run("bolt://127.0.0.1:1", "query", "RETURN 1 AS x")
    assert r.returncode == 1
    assert r.stderr.startswith("error: cannot reach Neo4j at bolt://127.0.0.1:1")
    assert "do-not-print-me" not in r.stderr and r.stderr.count("\n") == 1


@pytest.mark.parametrize("command", ["load", "query", "queries"])
def test_help_has_examples(command, tmp_path):
    r = run(str(tmp_path / "x.db"), command, "--help")
    assert r.returncode == 0 and "Examples:" in r.stdout and f"graphtwin {command}" in r.stdout


def test_neo4j_status_of_a_stopped_server(tmp_path):
    env = {**os.environ, "NEO4J_HOME_DIR": str(tmp_path / "home"), "GRAPHTWIN_NEO4J_PORT": "7799"}
    r = subprocess.run(
        [GRAPHTWIN, "neo4j", "status", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert r.returncode == 3, r.stderr
    [info] = json.loads(r.stdout)
    assert info["running"] is False and info["pid"] is None
    assert info["bolt_uri"] == "bolt://127.0.0.1:7799"
    assert info["home"] == str(tmp_path / "home")


def test_neo4j_group_help_has_examples(tmp_path):
    r = run(str(tmp_path / "x.db"), "neo4j", "--help")
    assert r.returncode == 0 and "graphtwin neo4j start" in r.stdout
    for sub in ("start", "stop", "status"):
        assert "Example" in run(str(tmp_path / "x.db"), "neo4j", sub, "--help").stdout
