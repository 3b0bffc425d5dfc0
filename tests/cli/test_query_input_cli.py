"""``graphtwin query`` reads its Cypher from a file (``-f FILE``) or standard input (``-``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))
SMALL = Path(__file__).resolve().parents[1] / "data" / "valid_small"
COUNT = "MATCH (o:Organisation) RETURN count(o) AS n"


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("query-input")
    r = run("-q", "load", str(SMALL), cwd=folder)  # ./graphtwin.db
    assert r.returncode == 0, r.stderr
    return folder


def organisations(folder: Path) -> int:
    r = run("query", COUNT, "--format", "json", cwd=folder)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)[0]["n"]


def test_cypher_from_standard_input(folder: Path):
    r = run("query", "-", "--format", "json", cwd=folder, stdin=COUNT + "\n")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"n": organisations(folder)}]


def test_cypher_from_a_file_with_parameters(folder: Path):
    (folder / "q.cypher").write_text(
        "// my query\nMATCH (o:Organisation) WHERE o.country = $c RETURN count(o) AS n\n",
        encoding="utf-8",
    )
    r = run("query", "-f", "q.cypher", "-p", "c=ZZ", "--format", "json", cwd=folder)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"n": 0}]
    r = run("query", "--file", "-", "--format", "json", cwd=folder, stdin=COUNT)
    assert json.loads(r.stdout) == [{"n": organisations(folder)}]


def test_file_and_text_together_or_empty_input_are_usage_errors(folder: Path):
    r = run("query", "-f", "-", "RETURN 1", cwd=folder, stdin=COUNT)
    assert r.returncode == 2 and "either CYPHER or --file" in r.stderr
    r = run("query", "-", cwd=folder, stdin="  \n")
    assert r.returncode == 2 and "give either CYPHER or --name" in r.stderr
