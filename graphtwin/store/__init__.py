"""Graph stores: embedded LadybugDB (a path) or Neo4j (a bolt:// / neo4j:// URI).

:func:`open_store` is the one selector used by the CLI (``--db`` / ``GRAPHTWIN_DB``) and
by notebooks; both stores implement graphtwin.store.base.GraphStore and are context
managers.

Example:
    >>> from graphtwin.store import open_store, is_neo4j_uri
    >>> is_neo4j_uri("neo4j+s://xyz.databases.neo4j.io"), is_neo4j_uri("graphtwin.db")
    (True, False)

A store is a context manager::

    with open_store("graphtwin.db") as store:
        print(store.counts()["Organisation"])

Safety, the same on both stores: ``store.query(cypher)`` runs one statement that the
allow-list of graphtwin.store.guard classifies as a read (``write=True`` for writes,
``host_access=True`` as well for file, extension or database access); loads are all or
nothing (Ladybug: one transaction; Neo4j: an unfinished load is marked in the graph and
reads refuse the store until the load is run again); URIs are printed without their
credentials (graphtwin.store.redact).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from graphtwin.store.base import GraphStore, LoadReport, QueryResult
from graphtwin.store.redact import looks_like_neo4j

if TYPE_CHECKING:
    from graphtwin.store.embedded import LadybugStore
    from graphtwin.store.neo4j import Neo4jStore

__all__ = [
    "DEFAULT_DB",
    "GraphStore",
    "LoadReport",
    "QueryResult",
    "is_neo4j_uri",
    "open_store",
]

#: The default store: an embedded Ladybug database in the working directory.
DEFAULT_DB = "graphtwin.db"

NEO4J_SCHEMES: tuple[str, ...] = (
    "bolt://",
    "bolt+s://",
    "bolt+ssc://",
    "neo4j://",
    "neo4j+s://",
    "neo4j+ssc://",
)


def is_neo4j_uri(target: str) -> bool:
    """True if ``target`` is (or is meant as) a Neo4j URI rather than a filesystem path.

    Misspelt schemes such as ``bolt:/host`` or ``bolt+routing://`` count: the Neo4j
    store then refuses them with a clear error that does not print the password.
    """
    return looks_like_neo4j(target)


def open_store(target: str | os.PathLike | None = None, read_only: bool = False) -> GraphStore:
    """Open the store named by ``target``: a path → LadybugDB, a URI → Neo4j.

    ``target`` None means ``GRAPHTWIN_DB``, else ``NEO4J_URI``, else ``./graphtwin.db``.
    Neo4j credentials come from NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE (no
    password: no authentication). ``read_only`` opens Ladybug read-only and never
    creates the schema; on Neo4j it refuses ``write=True`` queries and loads.
    Raises StoreError (one clear line) if the store cannot be opened or reached.

    with open_store("bolt://127.0.0.1:7687", read_only=True) as s:
        s.query("MATCH (o:Organisation) RETURN count(o) AS n").rows
    """
    if target is None:
        target = os.environ.get("GRAPHTWIN_DB") or os.environ.get("NEO4J_URI") or DEFAULT_DB
    target = os.fspath(target)
    if is_neo4j_uri(target):
        from graphtwin.store.neo4j import Neo4jStore

        return Neo4jStore(target, read_only=read_only)
    from graphtwin.store.embedded import LadybugStore

    return LadybugStore(target, read_only=read_only)


def __getattr__(name: str) -> type[LadybugStore] | type[Neo4jStore]:
    if name == "LadybugStore":
        from graphtwin.store.embedded import LadybugStore

        return LadybugStore
    if name == "Neo4jStore":
        from graphtwin.store.neo4j import Neo4jStore

        return Neo4jStore
    raise AttributeError(name)
