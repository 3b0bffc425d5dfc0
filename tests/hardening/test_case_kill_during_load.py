"""Cases: all-or-nothing loads (issue #12). A ``graphtwin load`` killed with SIGKILL in
the middle (made deterministic by the test-only hook GRAPHTWIN_TEST_KILL_LOAD_AFTER=N:
the process kills itself after N load steps have been written) leaves:

* Ladybug: the previous graph, exactly (the load is one transaction; the killed one
  never committed), readable by every command;
* Neo4j: a store every analysis command refuses with a clear message until the load
  is run again, after which the counts are exact.
"""

from __future__ import annotations

import json
import signal

import pytest

from graphtwin.ingest.writer import write_bundle
from graphtwin.store import open_store
from graphtwin.store.common import KILL_HOOK_ENV
from tests.hardening.cli import run
from tests.integration.conftest import make_bundle

FIRST = make_bundle(seed=3, per_city=6, ties=40)
SECOND = make_bundle(seed=9, per_city=40, ties=900)
BOTH = len({o.id for o in FIRST.organisations} | {o.id for o in SECOND.organisations})


def _org_count(db: str) -> int:
    res = run(db, "query", "MATCH (o:Organisation) RETURN count(o) AS n", "--format", "json")
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)[0]["n"]


def _killed_load(db: str, folder) -> None:
    res = run(db, "--quiet", "load", str(folder), env={KILL_HOOK_ENV: "3"})
    assert res.returncode == -signal.SIGKILL, (res.returncode, res.stderr)


@pytest.fixture
def bundles(tmp_path):
    write_bundle(FIRST, tmp_path / "first")
    write_bundle(SECOND, tmp_path / "second")
    return tmp_path / "first", tmp_path / "second"


def test_case_kill9_ladybug_keeps_previous_graph(tmp_path, bundles) -> None:
    first, second = bundles
    db = str(tmp_path / "graph.db")
    assert run(db, "--quiet", "load", str(first)).returncode == 0
    with open_store(db, read_only=True) as s:
        before = s.counts()
    _killed_load(db, second)
    # read-only commands see the previous graph exactly
    assert _org_count(db) == len(FIRST.organisations)
    res = run(db, "centrality", "--format", "json", "--top", "5")
    assert res.returncode == 0, res.stderr
    with open_store(db, read_only=True) as s:
        assert s.counts() == before
    # the load run again completes, with exact counts
    assert run(db, "--quiet", "load", str(second)).returncode == 0
    assert _org_count(db) == BOTH


def test_case_kill9_ladybug_first_load_leaves_empty_store(tmp_path, bundles) -> None:
    _, second = bundles
    db = str(tmp_path / "graph.db")
    _killed_load(db, second)
    assert _org_count(db) == 0
    assert run(db, "--quiet", "load", str(second)).returncode == 0
    assert _org_count(db) == len(SECOND.organisations)


@pytest.mark.neo4j
def test_case_kill9_neo4j_refuses_until_reloaded(neo4j_uri, bundles, tmp_path) -> None:
    from tests.integration.conftest import wipe_neo4j

    first, second = bundles
    wipe_neo4j(neo4j_uri)
    assert run(neo4j_uri, "--quiet", "load", str(first)).returncode == 0
    assert _org_count(neo4j_uri) == len(FIRST.organisations)
    _killed_load(neo4j_uri, second)
    for args in (
        ("query", "MATCH (o:Organisation) RETURN count(o) AS n"),
        ("centrality", "--top", "5"),
        ("bridges", "Belfast", "Sejong"),
        ("export", "--format", "gexf", "-o", str(tmp_path / "g.gexf")),
    ):
        res = run(neo4j_uri, *args)
        assert res.returncode == 1, (args, res.stderr)
        assert "did not finish" in res.stderr or "has not finished" in res.stderr, res.stderr
        assert res.stderr.count("\n") == 1, res.stderr
    assert run(neo4j_uri, "--quiet", "load", str(second)).returncode == 0
    assert _org_count(neo4j_uri) == BOTH
    with open_store(neo4j_uri, read_only=True) as s:
        counts = s.counts()
    assert counts["City"] == len(FIRST.cities)


def test_case_ladybug_concurrent_readers_see_old_or_new(tmp_path) -> None:
    """Readers running while a load writes see the previous graph or the new one, never
    a half-built one (a read-only open during the checkpoint after the commit waits)."""
    import subprocess

    from graphtwin.ingest.synthetic import generate
    from tests.hardening.cli import GRAPHTWIN

    write_bundle(FIRST, tmp_path / "first")
    write_bundle(generate(4000, 40_000, seed=2), tmp_path / "big")
    db = str(tmp_path / "graph.db")
    assert run(db, "--quiet", "load", str(tmp_path / "first")).returncode == 0
    count = "MATCH (o:Organisation) WITH count(o) AS n MATCH ()-[t]->() RETURN n, count(t) AS t"
    before = run(db, "query", count, "--format", "json").stdout
    loader = subprocess.Popen([GRAPHTWIN, "--db", db, "--quiet", "load", str(tmp_path / "big")])
    seen = []
    while loader.poll() is None:
        res = run(db, "query", count, "--format", "json")
        seen.append(res.stdout if res.returncode == 0 else f"error: {res.stderr}")
    assert loader.wait() == 0
    after = run(db, "query", count, "--format", "json").stdout
    assert before != after
    assert seen and set(seen) <= {before, after}, set(seen) - {before, after}
