"""What both stores share: loading by plan, projection, counts, score and POTENTIAL writes.

A backend provides a handful of primitives (run one statement, fetch columns in bulk,
bind a batch of rows for ``UNWIND``, apply a load plan); everything else, including the
Cypher text of the projection and of batched updates, is written once here so that the
two stores cannot drift apart.

Row binding differs by engine: Ladybug reads a batch with ``LOAD FROM $rows`` (an Arrow
table whose columns are renamed ``c0``, ``c1``...: typed, and ~8x faster than UNWIND of
Python dicts), Neo4j gets one list parameter per column and
``UNWIND range(0, size($c0) - 1) AS i`` with ``$c0[i]`` (cheaper to send over Bolt than
one map per row). Statements are written once against a ``ref(column)`` function.

Example:
    from graphtwin.store import open_store
    with open_store("graphtwin.db") as store:
        g = store.projection(countries=["GB", "KR"])
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from graphtwin.analysis.projection import graph_from_columns
from graphtwin.errors import QueryError, StoreError
from graphtwin.model import METRIC_PREFIX, NODE_KEYS, POTENTIAL_REL, REL_TYPES, TIE_KINDS
from graphtwin.progress import no_progress
from graphtwin.store.base import LoadReport, QueryResult
from graphtwin.store.tables import bundle_tables, rel_endpoints
from graphtwin.store.upsert import LoadPlan, plan_load
from graphtwin.store.values import is_identifier

if TYPE_CHECKING:
    import igraph as ig

    from graphtwin.model import Bundle
    from graphtwin.progress import ProgressFn

#: Relationship types of ties, as one Cypher alternation (``COLLABORATES_WITH|...``).
TIE_TYPES_PATTERN = "|".join(REL_TYPES)

Binder = tuple[str, dict[str, Any], Callable[[str], str]]

#: Test-only hook: the process kills itself (SIGKILL) once this many load steps (COPYs or
#: batches) have been written, to test that a killed load leaves the store as it was.
KILL_HOOK_ENV = "GRAPHTWIN_TEST_KILL_LOAD_AFTER"


def _load_progress(progress: ProgressFn) -> ProgressFn:
    """Progress over all writes of a load, labelled by the step under way; the last line
    says "rows written" (the total covers every label and type, not the last one)."""

    def report(done: int, total: int, label: str) -> None:
        progress(done, total, "load: rows written" if done >= total else f"load: {label}")

    return report


def _with_kill_hook(progress: ProgressFn) -> ProgressFn:
    """``progress``, or (only when KILL_HOOK_ENV is set) one that kills the process."""
    after = os.environ.get(KILL_HOOK_ENV, "")
    if not after.isdigit():
        return progress
    steps = [0]

    def report(done: int, total: int, label: str) -> None:
        progress(done, total, label)
        steps[0] += 1
        if steps[0] >= int(after):
            os.kill(os.getpid(), signal.SIGKILL)

    return report


_ARROW_TO_SCHEMA = {
    pa.int64(): "INT64",
    pa.float64(): "DOUBLE",
    pa.bool_(): "BOOLEAN",
    pa.string(): "STRING",
}


def q(name: str) -> str:
    """A property or column name quoted for Cypher (both engines accept backticks)."""
    return f"`{name}`"


def props_map(columns: Sequence[str], ref: Callable[[str], str]) -> str:
    """A Cypher map literal of ``columns`` bound through ``ref``, or "" if there are none.

    >>> props_map(["kind", "start"], lambda c: f"$c[{c!r}]")
    " {`kind`: $c['kind'], `start`: $c['start']}"
    """
    body = ", ".join(f"{q(c)}: {ref(c)}" for c in columns)
    return f" {{{body}}}" if body else ""


def match_by_key(var: str, label: str, value: str) -> str:
    """``MATCH`` of the node of ``label`` whose key equals the Cypher expression ``value``.

    >>> match_by_key("a", "City", "$c0[i]")
    'MATCH (a:City {id: $c0[i]})'
    """
    return f"MATCH ({var}:{label} {{{NODE_KEYS[label]}: {value}}})"


def score_table(scores: Any, id_column: str = "id") -> tuple[pa.Table, list[str]]:
    """Validate a score table and return (table with ``k`` + score columns, names).

    ``scores`` is a mapping of column name → values or a pandas DataFrame, with the
    organisation id in ``id_column`` and every other column named ``gt_<something>``
    (graphtwin.model.METRIC_PREFIX) so written scores are easy to find and never clash
    with loaded properties. NaN is written as null.
    """
    names = list(scores.columns) if hasattr(scores, "columns") else list(scores.keys())
    if id_column not in names:
        raise StoreError(f"score table has no {id_column!r} column (columns: {names})")
    bad = [
        n
        for n in names
        if n != id_column
        and not (isinstance(n, str) and n.startswith(METRIC_PREFIX) and is_identifier(n))
    ]
    if bad:
        raise StoreError(
            f"score columns must be named {METRIC_PREFIX}<name> (letters, digits, _): "
            f"{', '.join(map(str, bad))}"
        )
    cols: dict[str, pa.Array] = {"k": pa.array(list(scores[id_column]), pa.string())}
    score_names = [n for n in names if n != id_column]
    for name in score_names:
        values = scores[name]
        try:
            arr = pa.array(
                values if not isinstance(values, (list, tuple)) else list(values), from_pandas=True
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise StoreError(f"score column {name!r} has mixed or unsupported values") from exc
        if pa.types.is_integer(arr.type):
            arr = arr.cast(pa.int64())
        elif pa.types.is_floating(arr.type) or pa.types.is_null(arr.type):
            arr = arr.cast(pa.float64())
        elif pa.types.is_large_string(arr.type):
            arr = arr.cast(pa.string())
        if arr.type not in _ARROW_TO_SCHEMA:
            raise StoreError(f"score column {name!r} has unsupported type {arr.type}")
        cols[name] = arr
    return pa.table(cols), score_names


def potential_table(rows: Any) -> pa.Table:
    """POTENTIAL rows (dicts or a DataFrame with source, target, score, reasons, city_pair)."""
    if hasattr(rows, "to_dict"):
        rows = rows.to_dict("records")
    src, dst, score, reasons, pairs = [], [], [], [], []
    for i, row in enumerate(rows):
        missing = [k for k in ("source", "target", "city_pair") if not row.get(k)]
        if missing:
            raise StoreError(f"potential row {i + 1} has no {', '.join(missing)}")
        src.append(str(row["source"]))
        dst.append(str(row["target"]))
        s = row.get("score")
        score.append(None if s is None or s != s else float(s))
        r = row.get("reasons")
        reasons.append("; ".join(map(str, r)) if isinstance(r, (list, tuple)) else r)
        pairs.append(str(row["city_pair"]))
    return pa.table(
        {
            "source": pa.array(src, pa.string()),
            "target": pa.array(dst, pa.string()),
            "score": pa.array(score, pa.float64()),
            "reasons": pa.array(reasons, pa.string()),
            "city_pair": pa.array(pairs, pa.string()),
        }
    )


class CypherStore:
    """Shared behaviour of LadybugStore and Neo4jStore (see the module docstring)."""

    backend: str = ""
    target: str = ""
    read_only: bool = False
    batch_size: int = 10_000
    #: True once this store object found its last load finished (checked once).
    _load_checked: bool = False

    # -- primitives each backend implements ---------------------------------------
    def query(
        self,
        cypher: str,
        params: Mapping[str, Any] | None = None,
        write: bool = False,
        host_access: bool = False,
    ) -> QueryResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def _write(self, cypher: str, params: Mapping[str, Any] | None = None) -> list[list[Any]]:
        raise NotImplementedError  # pragma: no cover

    def _columns(
        self, match: str, columns: Sequence[tuple[str, str]], params: Mapping[str, Any]
    ) -> dict[str, list]:
        raise NotImplementedError  # pragma: no cover

    def _table(
        self, match: str, columns: Sequence[tuple[str, str]], params: Mapping[str, Any]
    ) -> pa.Table:
        """Like :meth:`_columns` but as an Arrow table (backends may do this natively)."""
        return pa.table(self._columns(match, columns, params))

    def _bind(self, table: pa.Table) -> Binder:
        raise NotImplementedError  # pragma: no cover

    def _apply(self, plan: LoadPlan, progress: ProgressFn) -> None:
        raise NotImplementedError  # pragma: no cover

    def _score_properties(self) -> dict[str, str]:
        raise NotImplementedError  # pragma: no cover

    def score_properties(self) -> list[str]:
        """Names of the written-back ``gt_*`` properties the store holds, sorted."""
        return sorted(self._score_properties())

    def _add_score_properties(self, types: dict[str, str]) -> None:
        """Declare new score properties (Ladybug: ALTER TABLE; Neo4j: nothing to do)."""

    def ensure_schema(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- context manager ----------------------------------------------------------
    def __enter__(self) -> CypherStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<{type(self).__name__} {self.target} ({mode})>"

    def _unfinished_load(self) -> str | None:
        """A message if the store's last load did not finish, else None (see Neo4jStore)."""
        return None

    def _require_finished_load(self) -> None:
        """Refuse (StoreError) to work on a store whose last load did not finish."""
        if self._load_checked:
            return
        problem = self._unfinished_load()
        if problem:
            raise StoreError(problem)
        self._load_checked = True

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the store {self.target} was opened read-only")

    # -- batched statements -------------------------------------------------------
    def _batches(self, table: pa.Table) -> list[pa.Table]:
        return [table.slice(i, self.batch_size) for i in range(0, table.num_rows, self.batch_size)]

    def _run_batches(
        self,
        table: pa.Table,
        statement: Callable[[str, Callable[[str], str]], str],
        progress: ProgressFn,
        label: str,
        done: int,
        total: int,
    ) -> int:
        """Run ``statement(prefix, ref)`` over ``table`` in batches; return rows done."""
        for batch in self._batches(table):
            prefix, params, ref = self._bind(batch)
            self._write(statement(prefix, ref), params)
            done += batch.num_rows
            progress(done, total, label)
        return done

    @staticmethod
    def _node_update(label: str, columns: Sequence[str], merge: bool = False):
        key = NODE_KEYS[label]
        verb = "MERGE" if merge else "MATCH"

        def statement(prefix: str, ref: Callable[[str], str]) -> str:
            sets = ", ".join(f"n.{q(c)} = {ref(c)}" for c in columns if c != key)
            tail = f" SET {sets}" if sets else ""
            return f"{prefix} {verb} (n:{label} {{{key}: {ref(key)}}}){tail}"

        return statement

    @staticmethod
    def _rel_match(rel_type: str, ref: Callable[[str], str]) -> str:
        s_label, d_label = rel_endpoints(rel_type)
        sk, dk = NODE_KEYS[s_label], NODE_KEYS[d_label]
        return (
            f"MATCH (a:{s_label} {{{sk}: {ref('src')}}})-[r:{rel_type}]->"
            f"(b:{d_label} {{{dk}: {ref('dst')}}})"
        )

    def _rel_update(self, rel_type: str, columns: Sequence[str]):
        props = [c for c in columns if c not in ("src", "dst", "kind")]

        def statement(prefix: str, ref: Callable[[str], str]) -> str:
            sets = ", ".join(f"r.{q(c)} = {ref(c)}" for c in props)
            return (
                f"{prefix} {self._rel_match(rel_type, ref)} WHERE r.kind = {ref('kind')} SET {sets}"
            )

        return statement

    def _rel_delete(self, rel_type: str):
        def statement(prefix: str, ref: Callable[[str], str]) -> str:
            return f"{prefix} {self._rel_match(rel_type, ref)} DELETE r"

        return statement

    @staticmethod
    def _rel_create(
        rel_type: str,
        columns: Sequence[str],
        find: Callable[[str, str, str], str] | None = None,
        tail: str = "",
    ):
        """``CREATE`` of new relationships; ``find(var, label, value)`` matches an end.

        By default an end is matched by its key (``MATCH (a:City {id: ...})``); a store
        may pass another way to find it, and a ``tail`` such as a ``RETURN`` clause.
        """
        s_label, d_label = rel_endpoints(rel_type)
        props = [c for c in columns if c not in ("src", "dst")]
        find = find or match_by_key

        def statement(prefix: str, ref: Callable[[str], str]) -> str:
            return (
                f"{prefix} {find('a', s_label, ref('src'))} {find('b', d_label, ref('dst'))} "
                f"CREATE (a)-[r:{rel_type}{props_map(props, ref)}]->(b){tail}"
            )

        return statement

    # -- loading ------------------------------------------------------------------
    def _existing_nodes(self, label: str, columns: Sequence[str]) -> pa.Table:
        return self._table(f"MATCH (n:{label})", [(c, f"n.{q(c)}") for c in columns], {})

    def _existing_rels(self, rel_type: str, columns: Sequence[str]) -> pa.Table:
        s_label, d_label = rel_endpoints(rel_type)
        sk, dk = NODE_KEYS[s_label], NODE_KEYS[d_label]
        spec = [("src", f"a.{sk}"), ("dst", f"b.{dk}")]
        spec += [(c, f"r.{q(c)}") for c in columns if c not in ("src", "dst")]
        return self._table(f"MATCH (a:{s_label})-[r:{rel_type}]->(b:{d_label})", spec, {})

    def load(self, bundle: Bundle, progress: ProgressFn | None = None) -> LoadReport:
        """Upsert a validated bundle (see graphtwin.store.upsert for the rules).

        Only new rows and rows whose values changed are written, so loading the same
        bundle again writes nothing and reports nothing created or updated.

        report = store.load(read_bundle("my-bundle/"))
        report.created["Organisation"]
        120
        """
        self._check_writable()
        started = time.perf_counter()
        progress = _with_kill_hook(_load_progress(progress or no_progress))
        tables = bundle_tables(bundle)
        plan = plan_load(tables, self._existing_nodes, self._existing_rels)
        if plan.writes():
            self._apply(plan, progress)
        return plan.report(time.perf_counter() - started)

    # -- counts -------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Node counts per label and relationship counts per type (schema order)."""
        from graphtwin.model import NODE_SCHEMA, STRUCTURAL_RELS

        out: dict[str, int] = {}
        for label in NODE_SCHEMA:
            out[label] = int(self.query(f"MATCH (n:{label}) RETURN count(n) AS n").rows[0][0])
        for rel_type in (*STRUCTURAL_RELS, *REL_TYPES, POTENTIAL_REL):
            s_label, d_label = rel_endpoints(rel_type)
            res = self.query(
                f"MATCH (:{s_label})-[r:{rel_type}]->(:{d_label}) RETURN count(r) AS n"
            )
            out[rel_type] = int(res.rows[0][0])
        return out

    # -- projection ---------------------------------------------------------------
    def projection(
        self,
        tie_kinds: Sequence[str] | None = None,
        countries: Sequence[str] | None = None,
        years: tuple[int | None, int | None] | None = None,
    ) -> ig.Graph:
        """The organisation/tie graph as igraph (graphtwin.analysis.projection contract).

        ``tie_kinds`` keeps only those kinds, ``countries`` only organisations of those
        countries (and ties among them), ``years=(first, last)`` only ties started in
        that range (ties without a start year are kept only when ``first`` is None).
        Built from a few bulk column queries; every written ``gt_*`` score is included.

        g = store.projection(tie_kinds=["project"], years=(2018, None))
        """
        self._require_finished_load()
        params: dict[str, Any] = {}
        org_where = ""
        if countries:
            params["countries"] = [c.upper() for c in countries]
            org_where = " WHERE o.country IN $countries"
        scores = sorted(self._score_properties())
        org_spec = [
            (c, f"o.{q(c)}")
            for c in ("id", "name", "kind", "city", "country", "synthetic", *scores)
        ]
        orgs = self._columns(f"MATCH (o:Organisation){org_where}", org_spec, params)
        match = f"MATCH (o:Organisation)-[r:ACTIVE_IN]->(s:Sector){org_where}"
        spec = [("id", "o.id"), ("sector", "s.id")]
        try:
            pairs = self._columns(match, [*spec, ("position", "r.position")], params)
        except QueryError:  # a store written before ACTIVE_IN had a position, opened read-only
            pairs = self._columns(match, spec, params)
            pairs["position"] = [None] * len(pairs["id"])
        by_org: dict[str, list[tuple[float, str]]] = {}
        for oid, sid, pos in zip(pairs["id"], pairs["sector"], pairs["position"], strict=True):
            by_org.setdefault(oid, []).append((float("inf") if pos is None else pos, sid))
        # in the order listed (the first is the primary sector); unknown order: by id
        orgs["sectors"] = [[sid for _, sid in sorted(by_org.get(oid, []))] for oid in orgs["id"]]

        rel_types = list(REL_TYPES)
        conds: list[str] = []
        if tie_kinds:
            unknown = sorted(set(tie_kinds) - set(TIE_KINDS))
            if unknown:
                raise StoreError(
                    f"unknown tie kind(s) {', '.join(unknown)}; known: {', '.join(TIE_KINDS)}"
                )
            rel_types = [r for r in REL_TYPES if any(TIE_KINDS[k].rel_type == r for k in tie_kinds)]
            params["kinds"] = list(tie_kinds)
            conds.append("r.kind IN $kinds")
        if countries:
            conds.append("a.country IN $countries AND b.country IN $countries")
        lo, hi = years if years else (None, None)
        if lo is not None:
            params["first_year"] = int(lo)
            conds.append("r.start_year >= $first_year")
        if hi is not None:
            params["last_year"] = int(hi)
            conds.append(
                "r.start_year <= $last_year"
                if lo is not None
                else "(r.start_year IS NULL OR r.start_year <= $last_year)"
            )
        where = f" WHERE {' AND '.join(conds)}" if conds else ""
        tie_spec = [
            ("source", "a.id"),
            ("target", "b.id"),
            ("kind", "r.kind"),
            ("weight", "r.weight"),
            ("start_year", "r.start_year"),
            ("end_year", "r.end_year"),
        ]
        ties = self._columns(
            f"MATCH (a:Organisation)-[r:{'|'.join(rel_types)}]->(b:Organisation){where}",
            tie_spec,
            params,
        )
        city_cols = ("id", "name", "country", "lat", "lon", "population", "region")
        cities = self._columns("MATCH (c:City)", [(c, f"c.{q(c)}") for c in city_cols], {})
        city_attrs = {
            cid: {c: cities[c][i] for c in city_cols[1:]} for i, cid in enumerate(cities["id"])
        }
        sectors = self._columns("MATCH (s:Sector)", [("id", "s.id"), ("name", "s.name")], {})
        return graph_from_columns(
            orgs,
            ties,
            city_attrs,
            dict(zip(sectors["id"], sectors["name"], strict=True)),
            canonical=True,  # the same graph whatever order the store returns rows in
        )

    # -- write-back ---------------------------------------------------------------
    def write_scores(self, scores: Any, id_column: str = "id") -> int:
        """Write per-organisation score columns as ``gt_*`` node properties, batched.

        ``scores``: a DataFrame or a mapping of columns, ``id`` plus ``gt_*`` columns.
        Returns the number of organisations matched. Organisations not in the table
        keep their previous values.

        store.write_scores({"id": ["qub"], "gt_pagerank": [0.12]})
        1
        """
        self._check_writable()
        self._require_finished_load()
        table, names = score_table(scores, id_column)
        existing = self._score_properties()
        new = {n: _ARROW_TO_SCHEMA[table.column(n).type] for n in names if n not in existing}
        for n in names:
            typed = existing.get(n, "ANY") in _ARROW_TO_SCHEMA.values()
            if typed and existing[n] != _ARROW_TO_SCHEMA[table.column(n).type]:
                want = {v: k for k, v in _ARROW_TO_SCHEMA.items()}.get(existing[n])
                try:
                    idx = table.schema.get_field_index(n)
                    table = table.set_column(idx, n, table.column(n).cast(want))
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError) as exc:
                    raise StoreError(
                        f"{n} is stored as {existing[n]} and the new values do not fit"
                    ) from exc
        if new:
            self._add_score_properties(new)
        matched = 0
        for batch in self._batches(table):
            prefix, params, ref = self._bind(batch)
            sets = ", ".join(f"o.{q(n)} = {ref(n)}" for n in names)
            match = f"MATCH (o:Organisation {{id: {ref('k')}}})"
            rows = self._write(f"{prefix} {match} SET {sets} RETURN count(o) AS n", params)
            matched += int(rows[0][0]) if rows else 0
        return matched

    def write_potential(self, rows: Any) -> int:
        """Write recommended introductions as POTENTIAL relationships.

        Each row has source, target, score, reasons (text or a list) and city_pair.
        Previous POTENTIAL relationships of the city pairs present are replaced.
        Returns the number of relationships created.

        store.write_potential([{"source": "qub", "target": "kaist", "score": 0.8,
            "reasons": ["shared partner: UKRI"], "city_pair": "GB-belfast|KR-daejeon"}])
        ...
        1
        """
        self._check_writable()
        self._require_finished_load()
        table = potential_table(rows)
        if table.num_rows == 0:
            return 0
        pairs = sorted(set(table.column("city_pair").to_pylist()))
        self._write(
            f"MATCH (:Organisation)-[p:{POTENTIAL_REL}]->(:Organisation) "
            "WHERE p.city_pair IN $pairs DELETE p",
            {"pairs": pairs},
        )
        created = 0
        for batch in self._batches(table):
            prefix, params, ref = self._bind(batch)
            res = self._write(
                f"{prefix} MATCH (a:Organisation {{id: {ref('source')}}}) "
                f"MATCH (b:Organisation {{id: {ref('target')}}}) "
                f"CREATE (a)-[p:{POTENTIAL_REL} {{score: {ref('score')}, "
                f"reasons: {ref('reasons')}, city_pair: {ref('city_pair')}}}]->(b) "
                "RETURN count(p) AS n",
                params,
            )
            created += int(res[0][0]) if res else 0
        return created
