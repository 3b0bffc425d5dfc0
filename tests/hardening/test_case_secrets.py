"""Cases: secrets never printed, never on a command line (issue #12), and one-line
errors for Neo4j parameters that do not fit (OverflowError before)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from graphtwin.errors import QueryError, StoreError
from graphtwin.store import is_neo4j_uri, open_store
from graphtwin.store.redact import check_uri, redact_uri, uri_credentials
from tests.hardening.cli import run

REPO = Path(__file__).resolve().parents[2]
SECRET = "SECRET"

#: (case, URI, expected redaction)
URIS = [
    ("hash_slash_in_password", f"bolt://neo4j:ab#cd/{SECRET}@host:7687", "bolt://host:7687"),
    ("at_in_password", f"neo4j+s://neo4j:p@{SECRET}@db.example:7687", "neo4j+s://db.example:7687"),
    ("colon_question_in_password", f"bolt://u:a:b?{SECRET}@h", "bolt://h"),
    ("no_credentials", "bolt://127.0.0.1:7687", "bolt://127.0.0.1:7687"),
    ("one_slash_scheme", f"bolt:/neo4j:{SECRET}@host:7687", "bolt:/host:7687"),
    ("routing_scheme", f"bolt+routing://neo4j:{SECRET}@host", "bolt+routing://host"),
    ("upper_case_scheme", f"BOLT://neo4j:{SECRET}@host", "BOLT://host"),
    ("no_slashes", f"neo4j:neo4j:{SECRET}@host", "neo4j:host"),
]


@pytest.mark.parametrize(("case", "uri", "clean"), URIS, ids=[c for c, _, _ in URIS])
def test_case_uri_redacted(case: str, uri: str, clean: str) -> None:
    assert redact_uri(uri) == clean
    assert SECRET not in redact_uri(uri)
    assert is_neo4j_uri(uri)


def test_case_uri_credentials_take_the_last_at() -> None:
    assert uri_credentials(f"bolt://neo4j:ab#cd/{SECRET}@host:7687") == (
        "neo4j",
        f"ab#cd/{SECRET}",
    )
    assert uri_credentials("bolt://host") == (None, None)


@pytest.mark.parametrize(
    "uri", [f"bolt:/neo4j:{SECRET}@h:1", f"bolt+routing://n:{SECRET}@h", f"neo4j:n:{SECRET}@h"]
)
def test_case_malformed_scheme_clear_error_without_password(uri: str) -> None:
    with pytest.raises(StoreError, match=r"^bad Neo4j URI") as info:
        check_uri(uri)
    assert SECRET not in str(info.value)
    res = run(uri, "query", "RETURN 1")
    assert res.returncode == 1 and res.stderr.startswith("error: bad Neo4j URI")
    assert SECRET not in res.stderr + res.stdout and res.stderr.count("\n") == 1


def test_case_unreachable_uri_error_without_password() -> None:
    uri = f"bolt://neo4j:ab#cd/{SECRET}@127.0.0.1:9"
    res = run(uri, "query", "RETURN 1")
    assert res.returncode == 1 and res.stderr.startswith("error: cannot reach Neo4j at")
    assert SECRET not in res.stderr and "ab#cd" not in res.stderr


def _sourced(script: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run bash ``script`` with neo4j.sh's functions loaded (its main not run)."""
    functions = (REPO / "tools" / "neo4j" / "neo4j.sh").read_text().replace('\nmain "$@"\n', "\n")
    return subprocess.run(
        ["bash", "-c", functions + "\n" + script],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=60,
    )


def test_case_neo4j_sh_initial_password_not_on_argv(tmp_path) -> None:
    """set-initial-password gets the password through a java @file, never argv."""
    java_home = tmp_path / "jdk"
    (java_home / "bin").mkdir(parents=True)
    fake = java_home / "bin" / "java"
    fake.write_text(
        "#!/bin/bash\n"
        f'printf "%s\\n" "$@" > {tmp_path}/argv.txt\n'
        f'for a in "$@"; do [[ $a == @* ]] && cp "${{a#@}}" {tmp_path}/argfile.txt; done\n'
        f"env > {tmp_path}/env.txt\n"
    )
    fake.chmod(0o755)
    password = 'pa"ss\\wo rd#1/@x'
    home = tmp_path / "home"
    res = _sourced(
        'mkdir -p "$RUN_DIR"; set_initial_password; ls -A "$RUN_DIR"',
        {
            "NEO4J_HOME_DIR": str(home),
            "JAVA_HOME": str(java_home),
            "GRAPHTWIN_NEO4J_PASSWORD": password,
        },
    )
    assert res.returncode == 0, res.stderr
    assert password not in (tmp_path / "argv.txt").read_text()
    assert 'pa\\"ss\\\\wo rd#1/@x' in (tmp_path / "argfile.txt").read_text()
    assert "GRAPHTWIN_NEO4J_PASSWORD" not in (tmp_path / "env.txt").read_text()
    assert res.stdout.strip() == ""  # the argument file was deleted


def test_case_neo4j_sh_import_directory_is_empty_folder(tmp_path) -> None:
    home = tmp_path / "home"
    res = _sourced('write_conf; cat "$CONF_FILE"', {"NEO4J_HOME_DIR": str(home)})
    assert res.returncode == 0, res.stderr
    assert f"server.directories.import={home}/import" in res.stdout.splitlines()
    assert list((home / "import").iterdir()) == []


@pytest.mark.neo4j
def test_case_neo4j_load_csv_outside_import_dir_fails(neo4j_uri) -> None:
    load = "LOAD CSV FROM 'file:///etc/passwd' AS r RETURN r LIMIT 1"
    with (
        open_store(neo4j_uri) as store,
        pytest.raises(QueryError, match="Couldn't load the external resource"),
    ):
        store.query(load, write=True, host_access=True)


@pytest.mark.neo4j
def test_case_neo4j_huge_int_parameter_clear_error(neo4j_uri) -> None:
    res = run(neo4j_uri, "query", "RETURN $x AS x", "-p", "x:int=99999999999999999999999")
    assert res.returncode == 1, res.stderr
    assert res.stderr.startswith("error: parameter x: 99999999999999999999999 does not fit")
    assert "Traceback" not in res.stderr


def test_case_ladybug_huge_int_parameter_clear_error(tmp_path) -> None:
    db = str(tmp_path / "g.db")
    with open_store(db):
        pass
    res = run(db, "query", "RETURN $x AS x", "-p", "x:int=99999999999999999999999")
    assert res.returncode == 1 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr.count("\n") == 1
