"""Read-only enforcement and the one-line errors users see, on both stores."""

from __future__ import annotations

import subprocess
import sys

import pytest

from graphtwin.errors import QueryError, StoreError
from graphtwin.store import open_store
from graphtwin.store.queries import get_query, run_named

CREATE = "CREATE (:Organisation {id: 'intruder', name: 'X'})"


def org_count(store) -> int:
    return store.query("MATCH (o:Organisation) RETURN count(o) AS n").rows[0][0]


def test_queries_are_read_only_unless_write(store, bundle):
    store.load(bundle)
    n = org_count(store)
    with pytest.raises(QueryError, match=r"writes to the store.*run it with --write"):
        store.query(CREATE)
    assert org_count(store) == n
    store.query(CREATE, write=True)
    assert org_count(store) == n + 1


def test_read_only_store_refuses_writes(store_target, bundle):
    with open_store(store_target) as s:
        s.load(bundle)
    with open_store(store_target, read_only=True) as ro:
        with pytest.raises(QueryError, match="--write"):
            ro.query(CREATE)
        with pytest.raises(QueryError, match="opened read-only"):
            ro.query(CREATE, write=True)
        with pytest.raises(StoreError, match="read-only"):
            ro.write_scores({"id": ["x"], "gt_x": [1.0]})
        assert org_count(ro) == len(bundle.organisations)


def test_cypher_errors_are_one_line(store):
    for bad in ("MATCH (n RETURN n", "MATCH (o:Organisation) RETURN o.id +* 2"):
        with pytest.raises(QueryError) as err:
            store.query(bad)
        message = str(err.value)
        assert "\n" not in message and len(message) > 10


def test_query_results_are_plain_values(store, bundle):
    store.load(bundle)
    o = bundle.organisations[0]
    rec = store.query(
        "MATCH (o:Organisation {id: $id})-[l:LOCATED_IN]->(c:City) RETURN o, l, c.name AS city",
        {"id": o.id},
    ).records()[0]
    assert rec["o"]["_labels"] == ["Organisation"] and rec["o"]["id"] == o.id
    assert rec["o"]["name"] == o.name and None not in rec["o"].values()
    assert rec["l"] == {"_type": "LOCATED_IN"}
    assert rec["city"] == o.city
    counted = store.query(
        "MATCH (o:Organisation) RETURN sum(CASE WHEN o.country = 'GB' THEN 1 ELSE 0 END) AS n"
    ).rows[0][0]
    assert type(counted) is int and counted == 16


def test_named_query_parameter_errors():
    with pytest.raises(QueryError, match="did you mean org_profile"):
        get_query("org_profil")
    q = get_query("ties_between_cities")
    with pytest.raises(QueryError, match="needs parameter city_b"):
        q.bind({"city_a": "Belfast"}, "ladybug")
    with pytest.raises(QueryError, match="has no parameter town"):
        q.bind({"city_a": "Belfast", "city_b": "Busan", "town": "x"}, "ladybug")
    with pytest.raises(QueryError, match="year must be INT"):
        get_query("new_ties_since_year").bind({"year": "twenty"}, "neo4j")
    text, params = get_query("paths_between_orgs").bind({"org_a": "a", "org_b": "b"}, "ladybug")
    assert "ACYCLIC" in text and params == {"org_a": "a", "org_b": "b", "max_hops": 3, "limit": 25}


def test_named_query_on_store_checks_before_running(store):
    with pytest.raises(QueryError, match="needs parameter org_id"):
        run_named(store, "org_profile", {})


def test_ladybug_locked_by_another_process(tmp_path):
    path = tmp_path / "locked.db"
    with open_store(str(path)):
        pass
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, ladybug\n"
            "db = ladybug.Database(sys.argv[1]); c = ladybug.Connection(db)\n"
            "c.execute('MATCH (n) RETURN count(n)')\n"
            "print('ready', flush=True); time.sleep(60)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as err:
            open_store(str(path))
        assert f"locked by process {holder.pid}" in str(err.value)
        assert str(path) in str(err.value) and "\n" not in str(err.value)
    finally:
        holder.kill()
        holder.wait()


def test_ladybug_read_only_needs_an_existing_database(tmp_path):
    with pytest.raises(StoreError, match="no graphtwin database"):
        open_store(str(tmp_path / "missing.db"), read_only=True)


def test_neo4j_unreachable_shows_uri_not_password(monkeypatch):
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    with pytest.raises(StoreError) as err:
        open_store("bolt://127.0.0.1:1")
    message = str(err.value)
    assert "cannot reach Neo4j at bolt://127.0.0.1:1" in message
    assert "s3cret" not in message and "\n" not in message
    with pytest.raises(StoreError) as err:
        open_store("bolt://neo4j:hunter22@127.0.0.1:1")
    assert "hunter22" not in str(err.value) and "bolt://127.0.0.1:1" in str(err.value)


def test_neo4j_auth_failure_message(monkeypatch):
    """The server's refusal becomes one line naming the user, never the password."""
    import neo4j
    from neo4j import exceptions as nx

    class RefusingDriver:
        def verify_connectivity(self):
            raise nx.AuthError("The client is unauthorized due to authentication failure.")

        def close(self):
            pass

    seen = {}

    def fake_driver(uri, auth=None, **kwargs):
        seen["auth"] = auth
        return RefusingDriver()

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", fake_driver)
    monkeypatch.setenv("NEO4J_USERNAME", "analyst")
    monkeypatch.setenv("NEO4J_PASSWORD", "wrong-password")
    with pytest.raises(StoreError) as err:
        open_store("neo4j+s://example.databases.neo4j.io")
    message = str(err.value)
    assert message == (
        "Neo4j at neo4j+s://example.databases.neo4j.io refused the credentials of user "
        "'analyst': check NEO4J_USERNAME and NEO4J_PASSWORD"
    )
    assert seen["auth"] == ("analyst", "wrong-password")
