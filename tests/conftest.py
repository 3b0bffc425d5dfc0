"""Shared fixtures.

Neo4j: tests marked ``neo4j`` use the server at GRAPHTWIN_TEST_NEO4J_URI (default
bolt://127.0.0.1:7687, started by scripts/test.sh). Under CI=true an unreachable server
is a test failure, never a skip; on a developer machine those tests are skipped with a
message saying how to start it (``graphtwin neo4j start``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
#: Real ROR and GeoNames files, copied into the repository (tests/data/real/README.md).
SHARED_DATA = REPO / "tests" / "data" / "real"
TEST_DATA = REPO / "tests" / "data"
ARTIFACTS = REPO / "tests" / "artifacts"

NEO4J_URI = os.environ.get("GRAPHTWIN_TEST_NEO4J_URI", "bolt://127.0.0.1:7687")


def _neo4j_reachable(uri: str) -> str | None:
    """None if a Bolt server answers at ``uri``, else the reason it does not."""
    try:
        from neo4j import GraphDatabase

        user = os.environ.get("NEO4J_USERNAME", "neo4j")
        password = os.environ.get("NEO4J_PASSWORD", "")
        with GraphDatabase.driver(uri, auth=(user, password) if password else None) as d:
            d.verify_connectivity()
        return None
    except Exception as exc:  # any failure means: not usable
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def neo4j_uri() -> str:
    """The Bolt URI of a running Neo4j 5 server (fails under CI=true if there is none)."""
    reason = _neo4j_reachable(NEO4J_URI)
    if reason is not None:
        message = (
            f"Neo4j is not reachable at {NEO4J_URI} ({reason}); "
            "start it with `graphtwin neo4j start` or run scripts/test.sh"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return NEO4J_URI


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """tests/data/real: real ROR and GeoNames files, required by importer tests."""
    assert SHARED_DATA.is_dir(), f"missing {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Folder for test artefacts (screenshots, rendered maps); kept after the run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
