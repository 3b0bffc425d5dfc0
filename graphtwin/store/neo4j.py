"""Neo4jStore: a Neo4j 5 server (local, remote or Aura) through the official driver.

Schema: uniqueness constraints on every node key (graphtwin.model.NODE_KEYS); labels and
relationship types as in graphtwin.model; scores are plain ``gt_*`` properties.

Loading: batched ``UNWIND`` statements (10,000 rows a batch), each batch its own managed
write transaction; nodes first (``CREATE`` for the keys the load plan found absent, the
uniqueness constraints refusing a duplicate; ``MERGE ... SET`` for changed ones), then
relationships (``CREATE`` between nodes found by internal id, ``MATCH ... SET`` for
changed ones). Each batch sends one list per column, which is much cheaper to encode than
one map per row. Batches run on two sessions at once (``Neo4jStore.workers``): one Cypher
transaction uses one server core, and new relationships are sorted so that concurrent
batches rarely wait for each other's node locks. A load assumes no other client writes
the same graph meanwhile (it plans from one read); if one deletes a node the load needs,
the batch rolls back and the load stops with an error. Install ``neo4j-rust-ext`` (same
version as ``neo4j``) for ~15x faster Bolt encoding of the batches. Figures and what was
tried: docs/store-notes.md.

Queries run in READ access mode (``execute_read``) unless ``write=True``, so the server
refuses writes. Bulk reads (projection, load planning) return one record of lists: each
variable is collected once and its properties read in list comprehensions (nulls kept),
and relationship endpoint keys travel as internal node ids mapped back to keys in the
same transaction; about twice as fast as one ``collect`` of each column.

Connection settings: the URI (``bolt://``, ``neo4j://``, ``neo4j+s://``...) and
NEO4J_USERNAME (default ``neo4j``), NEO4J_PASSWORD (unset: no authentication),
NEO4J_DATABASE (unset: the server's default database).

Example:
    from graphtwin.store.neo4j import Neo4jStore
    with Neo4jStore("bolt://127.0.0.1:7687") as store:
        store.counts()["Organisation"]
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from graphtwin.errors import QueryError, StoreError
from graphtwin.model import METRIC_PREFIX, NODE_KEYS, NODE_SCHEMA, REL_TYPES, STRUCTURAL_RELS
from graphtwin.store.base import LoadReport, QueryResult
from graphtwin.store.common import Binder, CypherStore, props_map, q
from graphtwin.store.guard import check_statement
from graphtwin.store.redact import check_uri, redact_uri, uri_credentials
from graphtwin.store.tables import rel_endpoints
from graphtwin.store.values import one_line, plain_neo4j

if TYPE_CHECKING:
    from graphtwin.model import Bundle
    from graphtwin.progress import ProgressFn
    from graphtwin.store.upsert import LoadPlan

#: Stands for null inside collected bulk columns (collect() would drop real nulls): an
#: empty list, one byte on the wire, and never a value of the graphtwin schema.
_NULL: list = []

#: Column aliases that are (almost) never null: collected without the null marker, which
#: saves the server a coalesce per value (checked by length, see ``_columns``).
_LIKELY_SET: frozenset[str] = frozenset(
    {"id", "code", "src", "dst", "source", "target", "kind", "sector"}
)


Statement = Callable[[str, Callable[[str], str]], str]


@dataclass(frozen=True)
class _Job:
    """One batch to write: rows, the statement builder, a progress label, and whether
    the statement returns a count that must equal the number of rows."""

    label: str
    rows: pa.Table
    statement: Statement
    checked: bool = False


class _GraphChanged(Exception):
    """A checked batch created fewer relationships than it has rows (args: got, want)."""


def _given(table: pa.Table, keep: Sequence[str]) -> pa.Table:
    """``table`` without the columns that are null in every row (``keep`` always stays)."""
    n = table.num_rows
    return table.select(
        [c for c in table.column_names if c in keep or table.column(c).null_count < n]
    )


#: ``(var:Label)`` node patterns in a MATCH clause, and ``var.key`` column expressions.
_NODE_PATTERN = re.compile(r"\((\w+):(\w+)\)")
_PROPERTY = re.compile(r"(\w+)\.`?(\w+)`?")


def _property_columns(columns: Sequence[tuple[str, str]]) -> dict[str, tuple[str, str]] | None:
    """alias → (variable, property) if every expression is ``var.property``, else None."""
    out: dict[str, tuple[str, str]] = {}
    for alias, expr in columns:
        m = _PROPERTY.fullmatch(expr)
        if m is None:
            return None
        out[alias] = (m[1], m[2])
    return out


def _endpoint_keys(match: str, columns: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Columns that hold the key of a relationship pattern's endpoint: alias → label.

    >>> _endpoint_keys("MATCH (a:Organisation)-[r:FUNDS]->(b:City)", [("src", "a.id"),
    ...     ("dst", "b.`id`"), ("kind", "r.kind")])
    {'src': 'Organisation', 'dst': 'City'}
    """
    if "]-" not in match:
        return {}
    labels = dict(_NODE_PATTERN.findall(match))
    out: dict[str, str] = {}
    for alias, expr in columns:
        m = _PROPERTY.fullmatch(expr)
        if m and m[1] in labels and NODE_KEYS.get(labels[m[1]]) == m[2]:
            out[alias] = labels[m[1]]
    return out


def _comprehension_query(
    match: str, props: Mapping[str, tuple[str, str]], keyed: Mapping[str, str]
) -> str:
    """``MATCH ... WITH collect(v) AS gt_v ... RETURN [x IN gt_v | x.p] AS alias, ...``.

    Columns in ``keyed`` return ``id(x)`` instead of the property.

    >>> _comprehension_query("MATCH (n:City)", {"id": ("n", "id")}, {})
    'MATCH (n:City) WITH collect(n) AS `gt_n` RETURN [x IN `gt_n` | x.`id`] AS `id`'
    """
    variables = dict.fromkeys(var for var, _ in props.values())
    collected = ", ".join(f"collect({v}) AS `gt_{v}`" for v in variables)
    values = ", ".join(
        f"[x IN `gt_{var}` | {'id(x)' if alias in keyed else f'x.{q(prop)}'}] AS {q(alias)}"
        for alias, (var, prop) in props.items()
    )
    return f"{match} WITH {collected} RETURN {values}"


class _NodeIds:
    """A label's nodes as internal id ↔ key, looked up either way with numpy/pandas.

    Read with :meth:`read` inside a transaction. ``keys(ids)`` serves bulk reads (a
    million lookups in ~0.1 s), ``ids(keys)`` relationship creation during loads.
    """

    def __init__(self, ids: list[int], keys: list[Any]) -> None:
        self.id_array = np.asarray(ids, dtype=np.int64)
        self.key_array = np.asarray(keys, dtype=object)

    @classmethod
    def read(cls, tx: Any, label: str) -> _NodeIds:
        """The ids and keys of ``label``'s nodes, in transaction ``tx``."""
        key = q(NODE_KEYS[label])
        # collect() skips nulls: without the filter a keyless node (made by hand with
        # Cypher) would shift the two lists against each other
        rec = tx.run(
            f"MATCH (n:{label}) WHERE n.{key} IS NOT NULL "
            f"RETURN collect(id(n)) AS i, collect(n.{key}) AS k"
        ).single()
        return cls(rec["i"], rec["k"])

    @cached_property
    def _id_order(self) -> np.ndarray:
        return np.argsort(self.id_array, kind="stable")

    @cached_property
    def _key_index(self) -> Any:
        import pandas as pd

        return pd.Index(self.key_array)

    def keys(self, ids: list[int]) -> list[Any] | None:
        """The keys of ``ids``, or None if one of them is unknown."""
        wanted = np.asarray(ids, dtype=np.int64)
        if not len(wanted):
            return []
        if not len(self.id_array):
            return None
        sorted_ids = self.id_array[self._id_order]
        pos = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
        if not np.array_equal(sorted_ids[pos], wanted):
            return None
        return self.key_array[self._id_order[pos]].tolist()

    def ids(self, keys: pa.ChunkedArray | pa.Array) -> pa.Array | None:
        """The internal ids of ``keys``, or None if one of them is not in the store."""
        pos = self._key_index.get_indexer(keys.to_pandas())
        if (pos < 0).any():
            return None
        return pa.array(self.id_array[pos], pa.int64())


def _match_by_id(var: str, label: str, value: str) -> str:
    """``MATCH`` of the node of ``label`` whose internal id is ``value``.

    >>> _match_by_id("a", "City", "$c0[i]")
    'MATCH (a:City) WHERE id(a) = $c0[i]'
    """
    return f"MATCH ({var}:{label}) WHERE id({var}) = {value}"


#: Label of the node that records the last load (outside the graphtwin schema).
LOAD_MARKER = "GraphtwinLoad"
_INT64 = (-(2**63), 2**63 - 1)


def _check_int64(params: Mapping[str, Any] | None) -> None:
    """Refuse integer parameters that Bolt cannot carry (64-bit), with a clear error."""
    stack = list((params or {}).items())
    while stack:
        name, value = stack.pop()
        if isinstance(value, int) and not isinstance(value, bool):
            if not _INT64[0] <= value <= _INT64[1]:
                raise QueryError(
                    f"parameter {name}: {str(value)[:30]} does not fit in a 64-bit integer "
                    "(Neo4j's integer type); pass it as a float or a string"
                )
        elif isinstance(value, (list, tuple)):
            stack.extend((name, v) for v in value)
        elif isinstance(value, dict):
            stack.extend((f"{name}.{k}", v) for k, v in value.items())


class Neo4jStore(CypherStore):
    """A graphtwin graph in a Neo4j 5 database."""

    backend = "neo4j"
    #: Labels / relationship types known to be empty during a load (see :meth:`load`).
    _empty: frozenset[str] = frozenset()
    #: Rows per write transaction (10k, 25k and 50k measured alike on 500k ties).
    batch_size = 10_000
    #: Sessions writing batches at the same time (each batch is its own transaction).
    workers = 2

    def __init__(
        self,
        uri: str,
        read_only: bool = False,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> None:
        import neo4j
        from neo4j import exceptions as nx

        self.uri = uri
        self.target = redact_uri(uri)
        self.read_only = read_only
        uri_user, uri_password = uri_credentials(uri)
        self.user = user or uri_user or os.environ.get("NEO4J_USERNAME") or "neo4j"
        secret = password or uri_password or os.environ.get("NEO4J_PASSWORD") or ""
        self._secret = secret
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        clean_uri = check_uri(uri)
        self._driver = None
        try:
            self._driver = neo4j.GraphDatabase.driver(
                clean_uri,
                auth=(self.user, secret) if secret else None,
                notifications_min_severity="OFF",
                connection_timeout=15.0,
            )
            self._driver.verify_connectivity()
        except nx.AuthError as exc:
            self._close_driver()
            raise StoreError(
                f"Neo4j at {self.target} refused the credentials of user {self.user!r}: "
                "check NEO4J_USERNAME and NEO4J_PASSWORD"
            ) from exc
        except (nx.ServiceUnavailable, nx.DriverError, OSError) as exc:
            self._close_driver()
            raise StoreError(
                f"cannot reach Neo4j at {self.target} ({self._scrub(one_line(str(exc)))}); "
                "start it (graphtwin neo4j start) or check --db / GRAPHTWIN_DB"
            ) from exc
        except (nx.ConfigurationError, ValueError) as exc:
            self._close_driver()
            raise StoreError(f"bad Neo4j URI {self.target}: {self._scrub(str(exc))}") from exc
        except nx.Neo4jError as exc:
            self._close_driver()
            raise StoreError(
                f"Neo4j at {self.target}: {self._scrub(one_line(exc.message or str(exc)))}"
            ) from exc
        if not read_only:
            self.ensure_schema()

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text

    def _close_driver(self) -> None:
        if self._driver is not None:
            self._driver.close()
            self._driver = None

    def _session(self, read: bool):
        import neo4j

        if self._driver is None:
            raise StoreError(f"the store {self.target} is closed")
        mode = neo4j.READ_ACCESS if read else neo4j.WRITE_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _error(self, exc: Exception) -> Exception:
        from neo4j import exceptions as nx

        if isinstance(exc, nx.Neo4jError):
            message = self._scrub(one_line(exc.message or str(exc)))
            if exc.code == "Neo.ClientError.Statement.AccessMode":
                return QueryError(
                    f"this query writes to the store; run it with --write to allow that ({message})"
                )
            return QueryError(message)
        if isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired)):
            return StoreError(
                f"lost the connection to Neo4j at {self.target}: {one_line(str(exc))}"
            )
        return QueryError(self._scrub(one_line(str(exc))))

    def _run(self, cypher: str, params: Mapping[str, Any] | None, read: bool) -> tuple[list, list]:
        """Columns and rows of ``cypher``: reads in a managed read transaction, writes
        in an auto-commit one (which ``CALL {...} IN TRANSACTIONS`` needs)."""
        from neo4j import exceptions as nx

        def work(tx):
            result = tx.run(cypher, dict(params or {}))
            return list(result.keys()), [list(r.values()) for r in result]

        if read:
            return self._transact(work, read=True)
        try:
            with self._session(read=False) as session:
                return work(session)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._error(exc) from exc

    # -- schema ---------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create the uniqueness constraints on node keys (idempotent)."""
        for label, key in NODE_KEYS.items():
            self._write(
                f"CREATE CONSTRAINT graphtwin_{label.lower()}_{key} IF NOT EXISTS "
                f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
            )
        self._write("CREATE INDEX graphtwin_city_name IF NOT EXISTS FOR (n:City) ON (n.name)")
        self._write("CALL db.awaitIndexes(300)")

    # -- queries --------------------------------------------------------------------
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        host_access: bool = False,
    ) -> QueryResult:
        """Run Cypher with parameters; READ access mode unless ``write``.

        The statement is checked by graphtwin.store.guard first (reads only unless
        ``write``; no LOAD CSV or database switching unless ``host_access``), and a
        read refuses a store whose last load did not finish.

        Example: ``store.query("MATCH (o:Organisation {id: $id}) RETURN o", {"id": "qub"})``
        """
        check_statement(cypher, write=write, host_access=host_access)
        _check_int64(params)
        if write and self.read_only:
            raise QueryError(f"the store {self.target} was opened read-only; cannot --write")
        if not write:
            self._require_finished_load()
        columns, rows = self._run(cypher, params, read=not write)
        return QueryResult(columns=columns, rows=[[plain_neo4j(v) for v in r] for r in rows])

    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        return self._transact(
            lambda tx: [list(r.values()) for r in tx.run(cypher, dict(params or {}))],
            read=False,
        )

    def _transact(self, work: Callable[[Any], Any], read: bool) -> Any:
        """Run ``work(tx)`` in a managed read or write transaction (retried on transient
        errors); driver errors become graphtwin's one-line errors."""
        from neo4j import exceptions as nx

        try:
            with self._session(read) as session:
                run = session.execute_read if read else session.execute_write
                return run(work)
        except (nx.Neo4jError, nx.DriverError) as exc:
            raise self._error(exc) from exc

    def _columns(
        self, match: str, columns: Sequence[tuple[str, str]], params: Mapping[str, Any]
    ) -> dict[str, list]:
        """Bulk columns as one record of lists (see the module docstring).

        Columns of the form ``var.property`` (all of graphtwin's) collect each variable
        once and read properties in list comprehensions, ``[x IN gt_r | x.kind]``: they
        keep nulls (``collect`` would drop them) and cost the server about half of one
        ``collect`` per column. Keys of relationship endpoints travel as internal ids
        (see :meth:`_keys_by_node_id`). Other expressions take the ``collect`` path.
        """
        props = _property_columns(columns)
        if props is None:
            return self._columns_collected(match, columns, params)
        keyed = _endpoint_keys(match, columns)
        if keyed:
            try:
                out = self._keys_by_node_id(match, props, params, keyed)
            except QueryError:  # e.g. a future server without id(): read the keys
                out = None
            if out is not None:
                return out
        _, rows = self._run(_comprehension_query(match, props, {}), params, read=True)
        return dict(zip(props, rows[0], strict=True))

    def _keys_by_node_id(
        self,
        match: str,
        props: Mapping[str, tuple[str, str]],
        params: Mapping[str, Any],
        keyed: Mapping[str, str],
    ) -> dict[str, list] | None:
        """:meth:`_columns` with endpoint keys fetched as internal node ids.

        Reading the key property of both endpoints of every relationship costs the
        server a property-chain walk per endpoint and the client a Python string per
        value; internal ids are plain integers. In the same read transaction (so that
        no id can be reused in between) one query per label maps ids to keys. Returns
        None (the caller then reads keys) if an id is not in the map, e.g. a node
        created by another transaction between the two queries.
        """
        labels = sorted(set(keyed.values()))

        def work(tx) -> tuple[dict[str, _NodeIds], list]:
            maps = {label: _NodeIds.read(tx, label) for label in labels}
            query = _comprehension_query(match, props, keyed)
            return maps, tx.run(query, dict(params)).single().values()

        maps, values = self._transact(work, read=True)
        out: dict[str, list] = {}
        for alias, column in zip(props, values, strict=True):
            if alias in keyed:
                column = maps[keyed[alias]].keys(column)
                if column is None:
                    return None
            out[alias] = column
        return out

    def _columns_collected(
        self, match: str, columns: Sequence[tuple[str, str]], params: Mapping[str, Any]
    ) -> dict[str, list]:
        """Columns of any expressions as ``collect()`` lists, nulls through a marker.

        Key-like columns (ids, kinds) are collected as they are, the others through
        ``coalesce`` with a null marker; if a key-like column turns out to hold nulls
        (its list is shorter than the row count), the query is run again coalescing all.
        """
        rows = self._collect(match, columns, params, _LIKELY_SET)
        if any(len(col) != rows[0] for col in rows[1:]):
            rows = self._collect(match, columns, params, frozenset())
        out: dict[str, list] = {}
        for (alias, _), values in zip(columns, rows[1:], strict=True):
            if any(type(v) is list for v in values):
                values = [None if type(v) is list and not v else v for v in values]
            out[alias] = values
        return out

    def _collect(
        self,
        match: str,
        columns: Sequence[tuple[str, str]],
        params: Mapping[str, Any],
        plain: frozenset[str],
    ) -> list:
        ret = ", ".join(
            f"collect({expr}) AS `{alias}`"
            if alias in plain
            else f"collect(coalesce({expr}, $gt_null)) AS `{alias}`"
            for alias, expr in columns
        )
        query = f"{match} RETURN count(*) AS `gt_rows`, {ret}"
        _, rows = self._run(query, {**params, "gt_null": _NULL}, read=True)
        return rows[0]

    def _bind(self, table: pa.Table) -> Binder:
        names = table.column_names
        params = {f"c{i}": table.column(n).to_pylist() for i, n in enumerate(names)}
        index = {n: i for i, n in enumerate(names)}
        return "UNWIND range(0, size($c0) - 1) AS i", params, lambda c: f"$c{index[c]}[i]"

    def _apply(self, plan: LoadPlan, progress: ProgressFn) -> None:
        """Write a load plan in four phases, each one's batches on ``workers`` sessions.

        Phases: node creates and updates (all labels), relationship deletes (moved
        cities), relationship creates (:meth:`_create_jobs`), relationship updates.
        Batches of one phase are independent of each other (distinct node keys, distinct
        relationships), so they may commit in any order; a phase starts when the previous
        one has committed. New rows drop the columns that are null in every row (a null
        property is never stored, so nothing changes).
        """
        phases: list[list[_Job]] = [[], [], [], []]
        for step in plan.nodes:
            key = NODE_KEYS[step.label]
            for table, new in ((step.create, True), (step.update, False)):
                if table.num_rows:
                    if new:
                        table = _given(table, (key,))
                        statement = self._node_create(step.label, table.column_names)
                    else:
                        statement = self._node_update(step.label, table.column_names, merge=True)
                    phases[0] += self._jobs(table, statement, step.label)
        for step in plan.rels:
            if step.delete.num_rows:
                statement = self._rel_delete(step.rel_type)
                phases[1] += self._jobs(step.delete, statement, step.rel_type)
            if step.update.num_rows:
                statement = self._rel_update(step.rel_type, step.update.column_names)
                phases[3] += self._jobs(step.update, statement, step.rel_type)
        done, total = 0, plan.writes()
        for i, jobs in enumerate(phases):
            if i == 2:
                jobs = self._create_jobs(plan)
            done = self._run_jobs(jobs, progress, done, total)

    @staticmethod
    def _node_create(label: str, columns: Sequence[str]) -> Statement:
        """``CREATE`` of new nodes (the plan found their keys absent).

        Cheaper than ``MERGE`` (no locking index seek first); should another client
        create one of the keys meanwhile, the uniqueness constraint fails the batch
        instead of a duplicate being made.
        """

        def statement(prefix: str, ref: Callable[[str], str]) -> str:
            return f"{prefix} CREATE (n:{label}{props_map(columns, ref)})"

        return statement

    def _create_jobs(self, plan: LoadPlan) -> list[_Job]:
        """Batches of new relationships, endpoints given by internal node id if possible.

        Run after the node phase has committed, so every endpoint exists: one read per
        endpoint label maps keys to internal ids (46k organisations in ~0.1 s), and the
        batches then find nodes by id instead of by a unique-index seek, which took a
        quarter of the server's time in a 500k-tie load. Each id batch checks inside its
        transaction that it created one relationship per row, so a node deleted by
        another client meanwhile rolls the batch back with an error instead of losing
        ties. Without ``id()`` (a future server), batches look nodes up by key.

        Rows are sorted by their dense end if they have one (the city of LOCATED_IN,
        the sector of ACTIVE_IN), ties by source: neighbouring batches, which run at
        the same time, then mostly lock different nodes.
        """
        steps = [s for s in plan.rels if s.create.num_rows]
        labels = sorted({label for s in steps for label in rel_endpoints(s.rel_type)})
        try:
            ids = self._ids_by_key(labels) if steps else {}
        except QueryError:
            ids = None
        jobs: list[_Job] = []
        for step in steps:
            s_label, d_label = rel_endpoints(step.rel_type)
            table = _given(step.create, ("src", "dst"))
            table = table.sort_by("dst" if d_label != "Organisation" else "src")
            by_id = ids is not None and None not in (
                src := ids[s_label].ids(table.column("src")),
                dst := ids[d_label].ids(table.column("dst")),
            )
            if by_id:
                names = table.column_names
                table = table.set_column(names.index("src"), "src", src)
                table = table.set_column(names.index("dst"), "dst", dst)
                statement = self._rel_create_by_id(step.rel_type, table.column_names)
                jobs += self._jobs(table, statement, step.rel_type, checked=True)
            else:
                statement = self._rel_create(step.rel_type, table.column_names)
                jobs += self._jobs(table, statement, step.rel_type)
        return jobs

    def _ids_by_key(self, labels: Sequence[str]) -> dict[str, _NodeIds]:
        """Label → its nodes' ids and keys, all read in one transaction."""
        return self._transact(
            lambda tx: {label: _NodeIds.read(tx, label) for label in labels}, read=True
        )

    @classmethod
    def _rel_create_by_id(cls, rel_type: str, columns: Sequence[str]) -> Statement:
        """``CREATE`` between nodes found by internal id; returns the count created."""
        return cls._rel_create(rel_type, columns, _match_by_id, " RETURN count(*) AS created")

    def _jobs(
        self, table: pa.Table, statement: Statement, label: str, checked: bool = False
    ) -> list[_Job]:
        return [_Job(label, batch, statement, checked) for batch in self._batches(table)]

    def _run_job(self, job: _Job) -> None:
        prefix, params, ref = self._bind(job.rows)
        cypher = job.statement(prefix, ref)
        if not job.checked:
            self._write(cypher, params)
            return

        def work(tx) -> None:
            created = tx.run(cypher, params).single()[0]
            if created != job.rows.num_rows:  # raising rolls the batch back
                raise _GraphChanged(created, job.rows.num_rows)

        try:
            self._transact(work, read=False)
        except _GraphChanged as exc:
            raise StoreError(
                f"{job.label}: only {exc.args[0]:,} of {exc.args[1]:,} relationships found "
                "both their nodes; another client deleted nodes during the load (nothing "
                "of this batch was written; run the load again)"
            ) from None

    def _run_jobs(self, jobs: list[_Job], progress: ProgressFn, done: int, total: int) -> int:
        """Run batches on up to ``workers`` sessions; progress in submission order."""
        if self.workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                self._run_job(job)
                done += job.rows.num_rows
                progress(done, total, job.label)
            return done
        with ThreadPoolExecutor(self.workers, thread_name_prefix="graphtwin-neo4j") as pool:
            futures = [pool.submit(self._run_job, job) for job in jobs]
            try:
                for job, future in zip(jobs, futures, strict=True):
                    future.result()
                    done += job.rows.num_rows
                    progress(done, total, job.label)
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
        return done

    # -- loading --------------------------------------------------------------------
    def load(self, bundle: Bundle, progress: ProgressFn | None = None) -> LoadReport:
        """Upsert a validated bundle (CypherStore.load), marked in the graph while it runs.

        A load is many transactions (a 500k-tie load does not fit in one), so it first
        marks itself in a ``GraphtwinLoad`` node (status ``running`` and a load id) and
        marks ``finished`` at the end; until then, or if the load is killed or fails,
        every read and analysis refuses the store with a message saying to run the load
        again (which completes it: loads are idempotent upserts).

        One count-store query first tells which labels and relationship types the
        database holds none of; the load plan then does not read them (on an empty
        database that saves ~15 queries, each compiled once by a fresh server).

        report = store.load(read_bundle("my-bundle/"))
        """
        self._check_writable()
        load_id = uuid.uuid4().hex
        self._write(
            f"MERGE (m:{LOAD_MARKER} {{key: 'last'}}) SET m.load_id = $id, "
            "m.status = 'running', m.started = toString(datetime()), m.finished = null",
            {"id": load_id},
        )
        self._load_checked = False
        self._empty = self._empty_types()
        try:
            report = super().load(bundle, progress)
        except Exception as exc:
            with contextlib.suppress(Exception):  # e.g. the server is gone: stays "running"
                self._write(
                    f"MATCH (m:{LOAD_MARKER} {{key: 'last', load_id: $id}}) "
                    "SET m.status = 'failed', m.error = $error",
                    {"id": load_id, "error": one_line(str(exc))[:300]},
                )
            raise
        finally:
            self._empty = frozenset()
        self._write(
            f"MATCH (m:{LOAD_MARKER} {{key: 'last', load_id: $id}}) "
            "SET m.status = 'finished', m.finished = toString(datetime())",
            {"id": load_id},
        )
        return report

    def _unfinished_load(self) -> str | None:
        _, rows = self._run(
            f"OPTIONAL MATCH (m:{LOAD_MARKER} {{key: 'last'}}) "
            "RETURN m.status, m.load_id, m.started, m.error",
            None,
            read=True,
        )
        status, load_id, started, error = rows[0] if rows else (None, None, None, None)
        if status in (None, "finished"):
            return None
        if status == "failed":
            return (
                f"the last load into {self.target} (load {load_id}, started {started} UTC) "
                f"failed ({error}); the store may hold part of it: run the same "
                "`graphtwin load` again to complete it"
            )
        return (
            f"the last load into {self.target} (load {load_id}, started {started} UTC) has "
            "not finished: it is still running, or it was interrupted and the store may "
            "hold part of it; run the same `graphtwin load` again to complete it"
        )

    def _empty_types(self) -> frozenset[str]:
        names = [*NODE_SCHEMA, *STRUCTURAL_RELS, *REL_TYPES]
        counts = [
            f"COUNT {{ (:{n}) }} AS `{n}`"
            if n in NODE_SCHEMA
            else f"COUNT {{ ()-[:{n}]->() }} AS `{n}`"
            for n in names
        ]
        _, rows = self._run(f"RETURN {', '.join(counts)}", None, read=True)
        return frozenset(n for n, c in zip(names, rows[0], strict=True) if c == 0)

    def _existing_nodes(self, label: str, columns: Sequence[str]) -> pa.Table | None:
        return None if label in self._empty else super()._existing_nodes(label, columns)

    def _existing_rels(self, rel_type: str, columns: Sequence[str]) -> pa.Table | None:
        return None if rel_type in self._empty else super()._existing_rels(rel_type, columns)

    # -- scores ---------------------------------------------------------------------
    def _score_properties(self) -> dict[str, str]:
        _, rows = self._run(
            "MATCH (o:Organisation) UNWIND keys(o) AS k WITH DISTINCT k "
            "WHERE k STARTS WITH $prefix RETURN k",
            {"prefix": METRIC_PREFIX},
            read=True,
        )
        return {r[0]: "ANY" for r in rows}

    def close(self) -> None:
        """Close the driver."""
        self._close_driver()
