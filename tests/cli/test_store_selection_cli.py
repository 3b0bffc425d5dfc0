"""Which store a command opens: ``--db``, else ``GRAPHTWIN_DB``, else ``NEO4J_URI`` (as
Neo4j's own tools read it), else ./graphtwin.db — the order documented in ``--help``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))
SMALL = Path(__file__).resolve().parents[1] / "data" / "valid_small"
#: A Bolt URI where nothing listens: choosing it fails at once with its name in the error.
NOWHERE = "bolt://127.0.0.1:1"


def run(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("GRAPHTWIN_DB", "NEO4J_URI")}
    return subprocess.run(
        [GRAPHTWIN, *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("selection") / "loaded.db"
    r = run("-q", "--db", str(db), "load", str(SMALL), cwd=db.parent)
    assert r.returncode == 0, r.stderr
    return db


def count(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return run(
        *args,
        "query",
        "MATCH (o:Organisation) RETURN count(o) AS n",
        "--format",
        "json",
        cwd=cwd,
        **env,
    )


def test_neo4j_uri_is_used_when_nothing_else_is_given(tmp_path: Path):
    r = count(cwd=tmp_path, NEO4J_URI=NOWHERE)
    assert r.returncode == 1
    assert f"cannot reach Neo4j at {NOWHERE}" in r.stderr
    assert not (tmp_path / "graphtwin.db").exists()


def test_graphtwin_db_beats_neo4j_uri(tmp_path: Path, loaded: Path):
    r = count(cwd=tmp_path, GRAPHTWIN_DB=str(loaded), NEO4J_URI=NOWHERE)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["n"] > 0


def test_db_option_beats_both(tmp_path: Path, loaded: Path):
    r = count("--db", str(loaded), cwd=tmp_path, GRAPHTWIN_DB=NOWHERE, NEO4J_URI=NOWHERE)
    assert r.returncode == 0, r.stderr
    other = tmp_path / "other.db"
    r = count("--db", str(other), cwd=tmp_path, GRAPHTWIN_DB=str(loaded))
    assert r.returncode == 1 and f"no graphtwin database at {other}" in r.stderr


def test_default_is_graphtwin_db_in_the_current_folder(tmp_path: Path, loaded: Path):
    r = count(cwd=tmp_path)
    assert r.returncode == 1 and "no graphtwin database at graphtwin.db" in r.stderr
    r = count(cwd=loaded.parent, GRAPHTWIN_DB="loaded.db")
    assert r.returncode == 0, r.stderr


def test_help_documents_the_order(tmp_path: Path):
    out = run("--help", cwd=tmp_path).stdout
    flat = " ".join(out.split())
    assert "--db, then the environment variable GRAPHTWIN_DB, then NEO4J_URI" in flat
    assert "then ./graphtwin.db" in flat
