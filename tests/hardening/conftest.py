"""Fixtures of the hardening cases: the store fixtures of the integration tests (both
backends: embedded Ladybug in a temporary folder, and the Neo4j test server)."""

from tests.integration.conftest import backend, bundle, store, store_target  # noqa: F401
