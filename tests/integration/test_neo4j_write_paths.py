"""Neo4j-only write paths: relationships by internal id (and the key fallback), checked
batches, and CREATE of new nodes guarded by the uniqueness constraints.

All on the real server of the ``neo4j_uri`` fixture; the tests change graphtwin's own
methods (never the database or the driver) to steer the load onto each path.
"""

from __future__ import annotations

import pytest

from graphtwin.errors import QueryError, StoreError
from graphtwin.model import NODE_SCHEMA, REL_TYPES, STRUCTURAL_RELS
from graphtwin.store import open_store
from graphtwin.store.neo4j import Neo4jStore
from tests.integration.conftest import wipe_neo4j
from tests.integration.test_store_load import expected_counts

pytestmark = pytest.mark.neo4j

EDGES = (
    "MATCH (a)-[r]->(b) RETURN coalesce(a.id, a.code) AS a, type(r) AS t, "
    "coalesce(b.id, b.code) AS b, properties(r) AS p ORDER BY a, t, b, p.kind"
)


def _edges(store) -> list[tuple]:
    return [(r["a"], r["t"], r["b"], sorted(r["p"].items())) for r in store.query(EDGES).records()]


@pytest.fixture
def empty_neo4j(neo4j_uri: str) -> str:
    wipe_neo4j(neo4j_uri)
    return neo4j_uri


def test_id_path_and_key_fallback_store_the_same_graph(empty_neo4j, bundle, monkeypatch):
    by_id_calls = []
    original = Neo4jStore._rel_create_by_id

    def spy(rel_type, columns):
        by_id_calls.append(rel_type)
        return original(rel_type, columns)

    monkeypatch.setattr(Neo4jStore, "_rel_create_by_id", staticmethod(spy))
    with open_store(empty_neo4j) as store:
        store.load(bundle)
        assert store.counts() == expected_counts(bundle)
        by_id = _edges(store)
    # every relationship type of the bundle went through the id path
    assert set(by_id_calls) == {r for r, n in expected_counts(bundle).items() if n} - set(
        NODE_SCHEMA
    )

    wipe_neo4j(empty_neo4j)

    def no_ids(self, labels):
        raise QueryError("id() is not supported")  # what an older/newer server would say

    monkeypatch.setattr(Neo4jStore, "_ids_by_key", no_ids)
    by_id_calls.clear()
    with open_store(empty_neo4j) as store:
        store.load(bundle)
        assert store.counts() == expected_counts(bundle)
        assert _edges(store) == by_id
    assert by_id_calls == []
    assert len(by_id) == len(bundle.ties) + sum(expected_counts(bundle)[r] for r in STRUCTURAL_RELS)


def test_batch_whose_node_vanished_rolls_back_with_a_clear_error(empty_neo4j, bundle, monkeypatch):
    victim = bundle.ties[0].source
    original = Neo4jStore._ids_by_key

    def ids_with_a_vanished_node(self, labels):
        lookups = original(self, labels)
        org = lookups["Organisation"]
        missing = int(org.id_array.max()) + 1_000_000  # an id no node has
        org.id_array[list(org.key_array).index(victim)] = missing
        return lookups

    monkeypatch.setattr(Neo4jStore, "_ids_by_key", ids_with_a_vanished_node)
    with open_store(empty_neo4j) as store:
        with pytest.raises(StoreError, match="deleted nodes during the load") as info:
            store.load(bundle)
        assert "run the load again" in str(info.value)
        # the load did not finish: reads are refused until it is run again
        with pytest.raises(StoreError, match=r"failed \(.*deleted nodes.*run the same"):
            store.query("MATCH (o:Organisation) RETURN count(o) AS n")
        store._load_checked = True  # look anyway at what the failed load left
        # the batches holding the victim were rolled back whole: no relationship of it
        rows = store.query(
            "MATCH (o:Organisation {id: $id})-[r]-() RETURN count(r) AS n", {"id": victim}
        ).rows
        assert rows == [[0]]


def test_nodes_created_meanwhile_fail_the_load_instead_of_duplicating(
    empty_neo4j, bundle, monkeypatch
):
    with open_store(empty_neo4j) as store:
        store.load(bundle)
        before = store.counts()
        # The plan believes the database empty (as if it read before another client
        # loaded the same organisations): its CREATE must hit the constraint.
        everything = frozenset([*NODE_SCHEMA, *STRUCTURAL_RELS, *REL_TYPES])
        monkeypatch.setattr(Neo4jStore, "_empty_types", lambda self: everything)
        with pytest.raises(QueryError, match="already exists"):
            store.load(bundle)
        with pytest.raises(StoreError, match=r"failed \(.*already exists"):
            store.counts()
        store._load_checked = True  # look anyway at what the failed load left
        assert store.counts() == before


def test_keyless_nodes_made_by_hand_do_not_shift_the_id_map(empty_neo4j, bundle):
    with open_store(empty_neo4j) as store:
        # Nodes of graphtwin's labels without a key, as a user's own Cypher might leave.
        store.query(
            "UNWIND range(1, 5) AS i CREATE (:Organisation {name: 'draft ' + i}), (:City)",
            write=True,
        )
        store.load(bundle)
        got = store.query(
            "MATCH (a:Organisation)-[r]->(b:Organisation) "
            "RETURN a.id AS a, b.id AS b, r.kind AS kind"
        ).rows
        located = store.query(
            "MATCH (o:Organisation)-[:LOCATED_IN]->(c:City) RETURN o.id AS o, c.id AS c"
        ).rows
    # (key=str: a misattached tie would carry a None id, which plain sorting refuses)
    want_ties = sorted(((t.source, t.target, t.kind) for t in bundle.ties), key=str)
    assert sorted(map(tuple, got), key=str) == want_ties
    want_located = sorted(((o.id, o.city_id) for o in bundle.organisations), key=str)
    assert sorted(map(tuple, located), key=str) == want_located
