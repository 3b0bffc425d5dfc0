"""LadybugStore: the embedded default store (PyPI ``ladybug``, on-disk, in-process Cypher).

Schema: one node table per label of graphtwin.model.NODE_SCHEMA with its key as PRIMARY
KEY, one REL table per tie relationship type (Organisation → Organisation, properties
TIE_PROPERTIES), LOCATED_IN, IN_COUNTRY, ACTIVE_IN and POTENTIAL. Written-back scores
become columns added on demand (``ALTER TABLE Organisation ADD gt_x DOUBLE``).

Loading: one transaction per load (all or nothing). New rows are bulk-copied
(``COPY ... FROM`` an Arrow table), changed rows are updated with batched
``UNWIND $rows`` statements, nodes before relationships, one statement per table
(chained MERGEs in one UNWIND have been seen to drop rows in Ladybug 0.22, and COPY
refuses keys that exist, so neither is used for upserts).

Read-only: every query is first checked by graphtwin.store.guard (an allow-list of
reads; the engine's read-only mode alone still lets COPY/EXPORT/LOAD/INSTALL through);
``open_store(path, read_only=True)`` opens ``Database(path, read_only=True)``; on a
read-write store, ``query(..., write=False)`` also runs inside
``BEGIN TRANSACTION READ ONLY``.

Example:
    from graphtwin.store.embedded import LadybugStore
    with LadybugStore("graphtwin.db") as store:
        store.query("MATCH (o:Organisation) RETURN count(o) AS n").rows
    [[120]]
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from graphtwin.errors import QueryError, StoreError
from graphtwin.model import (
    NODE_KEYS,
    NODE_SCHEMA,
    POTENTIAL_REL,
    REL_TYPES,
    STRUCTURAL_RELS,
)
from graphtwin.store.base import LoadReport, QueryResult
from graphtwin.store.common import Binder, CypherStore, q
from graphtwin.store.guard import check_statement
from graphtwin.store.tables import rel_properties
from graphtwin.store.values import one_line, plain_ladybug

if TYPE_CHECKING:
    from graphtwin.model import Bundle
    from graphtwin.progress import ProgressFn
    from graphtwin.store.upsert import LoadPlan

_WRITE_REFUSED = (
    "read-only transaction",
    "read-only database",
    "read only database",
)


def _schema_type(t: str) -> str:
    return "BOOLEAN" if t == "BOOL" else t


class LadybugStore(CypherStore):
    """A graphtwin graph in an embedded LadybugDB database file."""

    backend = "ladybug"
    batch_size = 100_000
    #: True while :meth:`load` holds its transaction open (no nested transactions).
    _in_load = False

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        import ladybug

        self.path = Path(path)
        self.target = str(path)
        self.read_only = read_only
        self._db = None
        self._conn = None
        if read_only and not self.path.exists():
            raise StoreError(
                f"no graphtwin database at {self.target}: load a bundle first "
                "(graphtwin load PATH) or point --db / GRAPHTWIN_DB at one"
            )
        try:
            self._db = self._open_database(read_only)
            self._conn = ladybug.Connection(self._db)
        except RuntimeError as exc:
            raise StoreError(self._open_error(exc)) from exc
        if not read_only:
            self.ensure_schema()

    def _open_database(self, read_only: bool, wait: float = 10.0):
        """``ladybug.Database``; a read-only open waits out a checkpoint in progress.

        Right after a load commits, Ladybug checkpoints; a read-only open meanwhile
        fails with "checkpoint recovery is pending". If no process holds the database
        (a checkpoint was interrupted, e.g. by kill -9), opening it read-write once
        completes the recovery of committed data; otherwise retry for ``wait`` seconds.
        """
        import ladybug

        deadline = time.monotonic() + wait
        while True:
            try:
                return ladybug.Database(str(self.path), read_only=read_only)
            except RuntimeError as exc:
                if not read_only or "recovery is pending" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise
            with contextlib.suppress(RuntimeError):  # locked by the writer: wait
                ladybug.Database(str(self.path)).close()
                continue
            time.sleep(0.2)

    def _open_error(self, exc: Exception) -> str:
        msg = str(exc)
        if "lock" in msg.lower():
            pid = re.search(r"PID (\d+)", msg)
            who = f"process {pid.group(1)}" if pid else "another process"
            return (
                f"the database {self.target} is locked by {who}; close the other "
                "graphtwin or Python session using it, or use another --db"
            )
        return f"cannot open the Ladybug database {self.target}: {one_line(msg)}"

    # -- low level ------------------------------------------------------------------
    def _exec(self, cypher: str, params: Mapping[str, Any] | None = None, conn=None):
        if self._conn is None:
            raise StoreError(f"the store {self.target} is closed")
        try:
            res = (conn or self._conn).execute(cypher, dict(params or {}))
        except RuntimeError as exc:
            raise QueryError(one_line(str(exc))) from exc
        if isinstance(res, list):  # several statements: the last one's result counts
            for r in res[:-1]:
                r.close()
            res = res[-1]
        return res

    def _tables(self) -> dict[str, str]:
        res = self._exec("CALL show_tables() RETURN name, type")
        return {name: kind for name, kind in res.get_all()}

    def _table_columns(self, table: str) -> dict[str, str]:
        res = self._exec(f"CALL table_info('{table}') RETURN name, type")
        return {name: _schema_type(t) for name, t in res.get_all()}

    # -- schema ---------------------------------------------------------------------
    def ensure_schema(self) -> None:
        """Create node and relationship tables (and columns added to the model) if missing."""
        existing = self._tables()
        for label, props in NODE_SCHEMA.items():
            if label in existing:
                have = self._table_columns(label)
                for name, t in props.items():
                    if name not in have:
                        self._exec(f"ALTER TABLE {label} ADD {q(name)} {t}")
                continue
            cols = ", ".join(f"{q(n)} {t}" for n, t in props.items())
            self._exec(f"CREATE NODE TABLE {label}({cols}, PRIMARY KEY({q(NODE_KEYS[label])}))")
        rels = {**{r: ("Organisation", "Organisation") for r in REL_TYPES}, **STRUCTURAL_RELS}
        rels[POTENTIAL_REL] = ("Organisation", "Organisation")
        for rel_type, (src, dst) in rels.items():
            if rel_type in existing:
                have = self._table_columns(rel_type)
                for name, t in rel_properties(rel_type).items():
                    if name not in have:  # e.g. ACTIVE_IN.position, added to the model later
                        self._exec(f"ALTER TABLE {rel_type} ADD {q(name)} {t}")
                continue
            props = "".join(f", {q(n)} {t}" for n, t in rel_properties(rel_type).items())
            self._exec(f"CREATE REL TABLE {rel_type}(FROM {src} TO {dst}{props})")

    # -- queries --------------------------------------------------------------------
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        host_access: bool = False,
    ) -> QueryResult:
        """Run Cypher with parameters; read-only unless ``write`` (see the module doc).

        The statement is checked by graphtwin.store.guard first (reads only unless
        ``write``; no file, extension or database access unless ``host_access``).

        store.query("MATCH (c:City {name: $name}) RETURN c", {"name": "Sejong"})
        ...
        """
        check_statement(cypher, write=write, host_access=host_access)
        if write and self.read_only:
            raise QueryError(f"the store {self.target} was opened read-only; cannot --write")
        guard = not write and not self.read_only and not self._in_load
        if guard:
            self._exec("BEGIN TRANSACTION READ ONLY")
        try:
            res = self._exec(cypher, params)
            columns = list(res.get_column_names())
            rows = [[plain_ladybug(v) for v in row] for row in res.get_all()]
            res.close()
        except QueryError as exc:
            if guard:
                self._rollback()
            if any(s in str(exc).lower() for s in _WRITE_REFUSED):
                raise QueryError(
                    f"this query writes to the store; run it with --write to allow that ({exc})"
                ) from exc
            raise
        if guard:
            self._exec("COMMIT")
        return QueryResult(columns=columns, rows=rows)

    def load(self, bundle: Bundle, progress: ProgressFn | None = None) -> LoadReport:
        """Upsert a validated bundle in ONE transaction: all of it or nothing.

        Ladybug allows COPY inside an explicit transaction; an error (or a killed
        process: the write-ahead log holds no commit) leaves the store as it was.

        report = store.load(read_bundle("my-bundle/"))
        """
        self._check_writable()
        self._exec("BEGIN TRANSACTION")
        self._in_load = True
        try:
            report = super().load(bundle, progress)
        except BaseException:
            self._rollback()
            raise
        finally:
            self._in_load = False
        self._exec("COMMIT")
        return report

    def _rollback(self) -> None:
        with contextlib.suppress(QueryError):  # the engine may have ended it already
            self._exec("ROLLBACK")

    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        res = self._exec(cypher, params)
        rows = res.get_all()
        res.close()
        return rows

    def _table(
        self, match: str, columns: Sequence[tuple[str, str]], params: Mapping[str, Any]
    ) -> pa.Table:
        ret = ", ".join(f"{expr} AS {q(alias)}" for alias, expr in columns)
        res = self._exec(f"{match} RETURN {ret}", params)
        table = res.get_as_arrow()
        res.close()
        return table.rename_columns([alias for alias, _ in columns])

    def _columns(
        self, match: str, columns: Sequence[tuple[str, str]], params: Mapping[str, Any]
    ) -> dict[str, list]:
        table = self._table(match, columns, params)
        return {name: table.column(name).to_pylist() for name in table.column_names}

    def _bind(self, table: pa.Table) -> Binder:
        # LOAD FROM an Arrow table keeps column types (UNWIND of Python dicts would type
        # an all-null column as STRING) and is ~8x faster than UNWIND for updates.
        index = {n: i for i, n in enumerate(table.column_names)}
        renamed = table.rename_columns([f"c{i}" for i in range(table.num_columns)])
        return "LOAD FROM $rows", {"rows": renamed}, lambda c: f"c{index[c]}"

    def _copy(self, table_name: str, table: pa.Table, columns: Sequence[str] | None = None) -> None:
        """COPY an Arrow table into a table (in the load's transaction)."""
        cols = f"({', '.join(q(c) for c in columns)})" if columns else ""
        self._exec(f"COPY {table_name}{cols} FROM $data", {"data": table}).close()

    def _apply(self, plan: LoadPlan, progress: ProgressFn) -> None:
        total = plan.writes()
        done = 0
        for step in plan.nodes:
            if step.create.num_rows:
                self._copy(step.label, step.create, step.create.column_names)
                done += step.create.num_rows
                progress(done, total, step.label)
            if step.update.num_rows:
                statement = self._node_update(step.label, step.update.column_names)
                done = self._run_batches(step.update, statement, progress, step.label, done, total)
        for step in plan.rels:
            if step.delete.num_rows:
                statement = self._rel_delete(step.rel_type)
                done = self._run_batches(
                    step.delete, statement, progress, step.rel_type, done, total
                )
            if step.create.num_rows:
                self._copy(step.rel_type, step.create)
                done += step.create.num_rows
                progress(done, total, step.rel_type)
            if step.update.num_rows:
                statement = self._rel_update(step.rel_type, step.update.column_names)
                done = self._run_batches(
                    step.update, statement, progress, step.rel_type, done, total
                )

    # -- scores ---------------------------------------------------------------------
    def _score_properties(self) -> dict[str, str]:
        from graphtwin.model import METRIC_PREFIX

        return {
            n: t
            for n, t in self._table_columns("Organisation").items()
            if n.startswith(METRIC_PREFIX)
        }

    def _add_score_properties(self, types: dict[str, str]) -> None:
        for name, t in types.items():
            self._exec(f"ALTER TABLE Organisation ADD {q(name)} {t}")

    def close(self) -> None:
        """Close the connection and the database (releases the file lock)."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._db is not None:
            self._db.close()
            self._db = None
