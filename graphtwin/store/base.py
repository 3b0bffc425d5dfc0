"""The GraphStore protocol: what every backend (LadybugDB, Neo4j) provides.

The store is the system of record. Analysis never reads input files: it asks the store
for a fresh :meth:`GraphStore.projection`, so edits made with Cypher between runs count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import igraph as ig

    from graphtwin.model import Bundle
    from graphtwin.progress import ProgressFn


@dataclass
class QueryResult:
    """Columns and rows of a Cypher result; values are plain Python (nodes as dicts)."""

    columns: list[str]
    rows: list[list[Any]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]


@dataclass
class LoadReport:
    """What a load created and updated, per node label / relationship type."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> str:
        def fmt(d: dict[str, int]) -> str:
            return ", ".join(f"{k} {v:,}" for k, v in d.items() if v) or "nothing"

        return f"created {fmt(self.created)}; updated {fmt(self.updated)} in {self.seconds:.1f}s"


@runtime_checkable
class GraphStore(Protocol):
    """A graph store holding the graphtwin schema (see graphtwin.model)."""

    #: "ladybug" or "neo4j": used to pick per-backend Cypher variants.
    backend: str
    #: Human description of the target (path or URI without credentials).
    target: str

    def ensure_schema(self) -> None:
        """Create tables/constraints if missing (idempotent)."""

    def load(self, bundle: Bundle, progress: ProgressFn | None = None) -> LoadReport:
        """Upsert a validated bundle. Idempotent: loading twice changes nothing."""

    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        host_access: bool = False,
    ) -> QueryResult:
        """Run one Cypher statement with parameters; read-only unless ``write``.

        Every statement passes graphtwin.store.guard first: reads only unless
        ``write``; file, extension and database access only with ``host_access``.
        """

    def counts(self) -> dict[str, int]:
        """Node counts per label and relationship counts per type."""

    def projection(
        self,
        tie_kinds: Sequence[str] | None = None,
        countries: Sequence[str] | None = None,
        years: tuple[int | None, int | None] | None = None,
    ) -> ig.Graph:
        """The organisation/tie graph as an undirected igraph Graph (see projection.py)."""

    def write_scores(self, scores: Mapping[str, Sequence[Any]], id_column: str = "id") -> int:
        """Write per-organisation score columns as node properties in one batch."""

    def close(self) -> None:
        """Release the database / driver."""
