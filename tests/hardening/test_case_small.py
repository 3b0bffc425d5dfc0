"""Cases from issue #13 that live in the hardening files: load progress that ends with
the total of all writes (not the last relationship type), "1 problem" wording, and the
index on City.name on Neo4j."""

from __future__ import annotations

from importlib import resources

import pytest

from graphtwin.store import open_store
from tests.hardening.cli import run


def test_case_load_progress_ends_with_rows_written(tmp_path) -> None:
    demo = resources.files("graphtwin") / "data" / "demo"
    res = run(str(tmp_path / "g.db"), "load", str(demo))
    assert res.returncode == 0, res.stderr
    progress = [line for line in res.stderr.splitlines() if line.startswith("load:")]
    assert progress, res.stderr
    last = progress[-1]
    assert last.startswith("load: rows written: ") and last.endswith("(100%)"), last
    assert "ENGAGED_WITH" not in last


def test_case_one_problem_wording(tmp_path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "organisations.csv").write_text(
        "id,name,kind,city,country\nx,X,nonsense,Belfast,GB\n"
    )
    res = run(str(tmp_path / "g.db"), "load", str(folder))
    assert res.returncode == 1
    assert res.stderr.rstrip().endswith(": 1 problem; nothing was written"), res.stderr
    assert "problem(s)" not in res.stderr


@pytest.mark.neo4j
def test_case_neo4j_city_name_index(neo4j_uri) -> None:
    with open_store(neo4j_uri) as store:
        res = store._run(
            "SHOW INDEXES YIELD name, labelsOrTypes, properties "
            "WHERE name = 'graphtwin_city_name' RETURN labelsOrTypes, properties",
            None,
            read=True,
        )
    assert res[1] == [[["City"], ["name"]]]
