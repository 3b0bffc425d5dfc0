"""Cases: read-only by construction (issue #12). Every spelling of a write, of file or
extension access and of transaction control is refused by graphtwin.store.guard before a
store sees it; reads (and keywords inside strings, comments, names) are unchanged.

The guard is tested on its own (>= 50 spellings), then on both stores through the
Python API (the same code the CLI uses), checking that nothing changed: counts, files.
"""

from __future__ import annotations

import pytest

from graphtwin.store.guard import StatementRefused, check_statement

ORG = "(:Organisation {id: 'evil', name: 'Evil'})"

#: (case name, statement): each must be refused without --write.
REFUSED: list[tuple[str, str]] = [
    ("copy_to_file", "COPY (MATCH (o:Organisation) RETURN o.id) TO '/tmp/gt_evil.csv'"),
    ("copy_lower", "copy (match (o:Organisation) return o.id) to '/tmp/gt_evil.csv'"),
    ("copy_mixed_case", "CoPy (MATCH (o:Organisation) RETURN o.id) To '/tmp/gt_evil.csv'"),
    ("copy_after_block_comment", "/* harmless */ COPY (MATCH (o) RETURN o.id) TO '/tmp/x.csv'"),
    ("copy_comment_glued", "COPY/**/(MATCH (o) RETURN o.id) TO '/tmp/x.csv'"),
    ("copy_after_line_comment", "// read\nCOPY (MATCH (o) RETURN o.id) TO '/tmp/x.csv'"),
    ("copy_tabs_newlines", "\tCOPY\n(\nMATCH (o) RETURN o.id)\tTO\n'/tmp/x.csv'"),
    ("copy_fullwidth", "ＣＯＰＹ (MATCH (o) RETURN o.id) TO '/tmp/x.csv'"),
    ("copy_zero_width_space", "CO\u200bPY (MATCH (o) RETURN o.id) TO '/tmp/x.csv'"),
    ("copy_unicode_escape", "\\u0043OPY (MATCH (o) RETURN o.id) TO '/tmp/x.csv'"),
    ("copy_from", "COPY Organisation FROM '/tmp/orgs.csv'"),
    ("export_database", "EXPORT DATABASE '/tmp/gt_export'"),
    ("export_lower_comment", "export/* x */database '/tmp/gt_export'"),
    ("import_database", "IMPORT DATABASE '/tmp/gt_export'"),
    ("checkpoint", "CHECKPOINT"),
    ("checkpoint_lower_semicolon", "checkpoint;"),
    ("install_extension", "INSTALL json"),
    ("install_from_url", "INSTALL json FROM 'http://127.0.0.1:9/'"),
    ("load_extension_path", "LOAD EXTENSION '/tmp/x/libevil.lbug_extension'"),
    ("load_extension_name", "load extension json"),
    ("load_short_form", "LOAD json"),
    ("update_extension", "UPDATE json"),
    ("uninstall_extension", "UNINSTALL json"),
    ("load_from_file", "LOAD FROM '/etc/passwd' RETURN *"),
    ("load_from_comment", "load /* x */ from '/etc/passwd' RETURN *"),
    ("load_csv_file", "LOAD CSV FROM 'file:///etc/shadow' AS row RETURN row"),
    ("load_csv_http", "LOAD CSV WITH HEADERS FROM 'http://127.0.0.1:9/x' AS row RETURN row"),
    (
        "load_csv_after_match",
        "MATCH (n) WITH n LIMIT 1 LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r",
    ),
    ("load_csv_in_subquery", "CALL { LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r } RETURN r"),
    ("attach", "ATTACH '/tmp/other.db' AS o (dbtype lbug)"),
    ("detach_database", "DETACH o"),
    ("use_database", "USE o MATCH (n) RETURN n"),
    ("commit_create_begin", f"COMMIT; CREATE {ORG}; BEGIN TRANSACTION READ ONLY; RETURN 1"),
    ("rollback_create", f"ROLLBACK; CREATE {ORG}"),
    ("begin", "BEGIN TRANSACTION"),
    ("commit", "COMMIT"),
    ("rollback", "rollback"),
    ("two_reads", "RETURN 1; RETURN 2"),
    ("read_then_create", f"RETURN 1; CREATE {ORG}"),
    ("double_semicolon", "RETURN 1;;"),
    ("create", f"CREATE {ORG}"),
    ("create_mixed_case", f"cReAtE {ORG}"),
    ("set", "MATCH (o:Organisation) SET o.name = 'x'"),
    ("set_after_comment", "MATCH (o:Organisation) /* c */ SET o.name = 'x'"),
    ("detach_delete", "MATCH (o:Organisation) DETACH DELETE o"),
    ("delete", "MATCH ()-[r]->() DELETE r"),
    ("merge", "MERGE (o:Organisation {id: 'evil'})"),
    ("remove", "MATCH (o:Organisation) REMOVE o.name"),
    ("drop_table", "DROP TABLE Organisation"),
    ("alter_table", "ALTER TABLE Organisation ADD evil INT64"),
    ("foreach_set", "MATCH (o:Organisation) FOREACH (x IN [1] | SET o.n = x)"),
    ("create_in_subquery", f"CALL {{ CREATE {ORG} }} RETURN 1"),
    ("in_transactions", "MATCH (o) CALL { WITH o SET o.x = 1 } IN TRANSACTIONS RETURN 1"),
    ("terminate_transactions", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'"),
    ("show_transactions", "SHOW TRANSACTIONS"),
    ("start_database", "START DATABASE neo4j"),
    ("config_procedure", "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')"),
    ("clear_caches_procedure", "CALL db.clearQueryCaches()"),
    ("ladybug_setting", "CALL threads=1"),
    ("apoc_load", "CALL apoc.load.json('file:///etc/passwd')"),
    ("explain_create", f"EXPLAIN CREATE {ORG}"),
    ("profile_set", "PROFILE MATCH (o) SET o.x = 1"),
    (
        "escape_closes_string",
        "RETURN 'x\\u0027 LOAD CSV FROM \"file:///etc/passwd\" AS r RETURN r //'",
    ),
    ("escape_backslash_outside", "RETURN 1 \\ CREATE (n)"),
    ("nul_byte", "MATCH (n) RETURN n\x00CREATE (m)"),
    ("unterminated_comment", "RETURN 1 /* COPY"),
    ("unterminated_string", "RETURN 'abc"),
    ("unterminated_name", "RETURN `abc"),
    ("backticked_keyword_start", "`LOAD` FROM '/etc/passwd' RETURN *"),
    ("empty", "   // nothing\n"),
    ("comment_keyword", "COMMENT ON TABLE Organisation IS 'x'"),
]

#: (case name, statement): reads that must be accepted unchanged.
ALLOWED: list[tuple[str, str]] = [
    ("plain_match", "MATCH (o:Organisation) RETURN o.name"),
    ("keyword_in_string", "RETURN 'COPY TO /etc; CREATE' AS s"),
    ("keyword_in_comment", "// CREATE and COPY here\nMATCH (n) RETURN count(n) AS n"),
    ("keyword_in_block_comment", "MATCH (n) /* LOAD CSV; DELETE */ RETURN count(n) AS n"),
    ("keyword_as_property", "MATCH (o:Organisation) WHERE o.set IS NULL RETURN o.load"),
    ("keyword_as_alias", "MATCH (o:Organisation) RETURN o.name AS load, o.id AS start"),
    ("keyword_as_parameter", "RETURN $copy AS c"),
    ("keyword_backticked", "MATCH (o:Organisation) RETURN o.id AS `CREATE`"),
    ("trailing_semicolon", "RETURN 1;"),
    ("ladybug_show_tables", "CALL show_tables() RETURN *"),
    ("neo4j_labels", "CALL db.labels() YIELD label RETURN label"),
    ("subquery", "CALL { MATCH (o:Organisation) RETURN o } RETURN count(o) AS n"),
    ("optional_with_unwind", "OPTIONAL MATCH (o) WITH o UNWIND [1] AS x RETURN x"),
    ("explain_read", "EXPLAIN MATCH (n) RETURN n"),
    ("escaped_quote_in_string", "RETURN 'it\\'s' AS s"),
    ("unicode_name", "MATCH (o:Organisation) WHERE o.name = '세종' RETURN o.id AS 아이디"),
]


@pytest.mark.parametrize(("case", "statement"), REFUSED, ids=[c for c, _ in REFUSED])
def test_case_refused_without_write(case: str, statement: str) -> None:
    with pytest.raises(StatementRefused, match=r"^refused: ") as info:
        check_statement(statement)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("case", "statement"), ALLOWED, ids=[c for c, _ in ALLOWED])
def test_case_read_allowed_unchanged(case: str, statement: str) -> None:
    check_statement(statement)


HOST_ACCESS = [
    "COPY (MATCH (o) RETURN o.id) TO '/tmp/x.csv'",
    "EXPORT DATABASE '/tmp/x'",
    "LOAD EXTENSION json",
    "INSTALL json",
    "LOAD FROM '/etc/passwd' RETURN *",
    "LOAD CSV FROM 'file:///etc/passwd' AS r CREATE (:X {v: r[0]})",
    "ATTACH '/tmp/o.db' AS o (dbtype lbug)",
    "CHECKPOINT",
]


@pytest.mark.parametrize("statement", HOST_ACCESS)
def test_case_host_access_refused_even_with_write(statement: str) -> None:
    with pytest.raises(StatementRefused, match="--allow-host-access"):
        check_statement(statement, write=True)
    check_statement(statement, write=True, host_access=True)


@pytest.mark.parametrize(
    "statement", ["BEGIN TRANSACTION", f"COMMIT; CREATE {ORG}", "RETURN 1; RETURN 2"]
)
def test_case_transaction_control_refused_even_with_host_access(statement: str) -> None:
    with pytest.raises(StatementRefused):
        check_statement(statement, write=True, host_access=True)


def test_case_writes_allowed_with_write() -> None:
    for statement in (
        f"CREATE {ORG}",
        "MATCH (o:Organisation) DETACH DELETE o",
        "MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS OF 100 ROWS",
    ):
        check_statement(statement, write=True)


def test_case_at_least_fifty_spellings() -> None:
    assert len(REFUSED) >= 50
    assert len({c for c, _ in REFUSED}) == len(REFUSED)


def test_case_library_queries_pass_the_guard() -> None:
    from graphtwin.store.queries import list_queries

    named = list_queries()
    assert named
    for q in named:
        for text in q.texts.values():
            check_statement(text)


def test_case_refused_on_both_stores_nothing_changes(store, bundle, tmp_path) -> None:
    """Every refused spelling, sent to a loaded store through the Python API (the CLI's
    code path): refused, no file written, counts unchanged."""
    store.load(bundle)
    before = store.counts()
    target = tmp_path / "out.csv"
    for _case, statement in REFUSED:
        statement = statement.replace("/tmp/gt_evil.csv", str(target))
        with pytest.raises(StatementRefused):
            store.query(statement)
    assert not target.exists()
    assert store.counts() == before


def test_case_cli_query_copy_refused_one_line(tmp_path) -> None:
    """`graphtwin query "COPY ... TO <a bundle file>"`: one line, exit 1, file intact."""
    from graphtwin.store import open_store
    from tests.hardening.cli import run
    from tests.integration.conftest import make_bundle

    db = str(tmp_path / "g.db")
    with open_store(db) as s:
        s.load(make_bundle())
    victim = tmp_path / "organisations.csv"
    victim.write_text("id,name\nx,y\n")
    copy = f"COPY (MATCH (o:Organisation) RETURN o.id, o.name) TO '{victim}'"
    for args in (["query", copy], ["query", "--write", copy]):
        res = run(db, *args)
        assert res.returncode == 1, res.stderr
        assert res.stderr.startswith("error: refused: COPY") and res.stderr.count("\n") == 1
    assert victim.read_text() == "id,name\nx,y\n"
    res = run(db, "query", "--allow-host-access", "RETURN 1")
    assert res.returncode == 2 and "--allow-host-access needs --write" in res.stderr


def test_case_pending_checkpoint_recovered_by_read_only_open(tmp_path) -> None:
    """A store left with "checkpoint recovery is pending" (what `query CHECKPOINT` did
    to a read-only store before the guard) is readable again by read-only commands."""
    import contextlib

    import ladybug

    from graphtwin.store import open_store
    from tests.hardening.cli import run
    from tests.integration.conftest import make_bundle

    db = str(tmp_path / "g.db")
    bundle = make_bundle()
    with open_store(db) as s:
        s.load(bundle)
    raw = ladybug.Database(db, read_only=True)
    conn = ladybug.Connection(raw)
    with contextlib.suppress(RuntimeError):
        conn.execute("CHECKPOINT")
    conn.close()
    raw.close()
    with pytest.raises(RuntimeError, match="recovery is pending"):
        ladybug.Database(db, read_only=True)
    res = run(db, "query", "MATCH (o:Organisation) RETURN count(o) AS n", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["n", str(len(bundle.organisations))]
