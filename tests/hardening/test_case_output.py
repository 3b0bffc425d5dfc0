"""Cases: safe output (issue #12) and readable tables (issue #13, cli/output.py).

CSV from any command neutralises formula-like text (leading apostrophe) and keeps
numbers as numbers, ``--raw-csv`` turns that off, ``--excel`` adds a UTF-8 BOM; tables
never print control characters raw, align Hangul by display width, format each numeric
column one way and explain abbreviated columns; ``--format json`` is unchanged.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from graphtwin.cli.output import render
from graphtwin.model import Bundle, City, Organisation, Tie
from graphtwin.store import open_store
from tests.hardening.cli import run

INJECTIONS = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "=1+2", "+1-1", "-2+3", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", INJECTIONS)
def test_case_csv_formula_neutralised(text: str) -> None:
    out = render([{"name": text, "z": -1.5, "n": -3}], "csv")
    (row,) = list(csv.DictReader(io.StringIO(out, newline="")))
    assert row == {"name": "'" + text, "z": "-1.5", "n": "-3"}


def test_case_csv_raw_and_excel() -> None:
    rows = [{"name": "=1+2", "score": 0.5}]
    assert render(rows, "csv", csv_safe=False).splitlines()[1] == "=1+2,0.5"
    excel = render(rows, "excel")
    assert excel.startswith("\ufeffname,score\n'=1+2,0.5")


def test_case_json_unchanged() -> None:
    rows = [{"name": "=1+2", "x": "a\x1bb", "v": 0.123456789}]
    assert json.loads(render(rows, "json")) == rows


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x08", "\r", "\n", "\u202e", "\x9b"])
def test_case_table_escapes_control_characters(char: str) -> None:
    out = render([{"name": f"Evil{char}Corp", "n": 1}])
    lines = out.split("\n")
    assert len(lines) == 3 and not any(char in line for line in lines)
    assert "Evil\\" in lines[2]


def test_case_table_aligns_hangul_by_display_width() -> None:
    out = render([{"name": "세종특별자치시", "n": 1}, {"name": "Belfast", "n": 22}])
    lines = out.splitlines()
    # the number column ends at the same terminal cell on every line
    from wcwidth import wcswidth

    assert len({wcswidth(line) for line in lines}) == 1, lines


def test_case_one_number_style_per_column_and_shares() -> None:
    rows = [
        {"score": 0.51234, "foreign_share": 0.25, "n": 3},
        {"score": 0.0012, "foreign_share": 1.0, "n": 10},
    ]
    lines = render(rows).splitlines()
    assert lines[2].split() == ["0.512", "25.0%", "3"]
    assert lines[3].split() == ["0.001", "100.0%", "10"]


def test_case_key_under_table_for_abbreviations() -> None:
    out = render([{"name": "x", "eff.size": 2.5, "particip.": 0.4}])
    assert out.splitlines()[-1] == (
        "key: eff.size = effective size (Burt); particip. = participation coefficient"
    )
    out = render([{"a_b": 1}], key={"a_b": "alpha beta"})
    assert out.splitlines()[-1] == "key: a_b = alpha beta"


def _evil_store(path: str) -> None:
    cities = [City("Belfast", "GB", 54.6, -5.93), City("Sejong", "KR", 36.5, 127.3)]
    orgs = [
        Organisation("=1+2", "=cmd|' /C calc'!A0", "firm", "Belfast", "GB"),
        Organisation("safe", "@SUM(1+1)", "firm", "Sejong", "KR"),
        Organisation("plain", "Plain Org", "university", "Belfast", "GB"),
    ]
    ties = [Tie("=1+2", "safe", "project"), Tie("safe", "plain", "project")]
    with open_store(path) as s:
        s.load(Bundle(organisations=orgs, ties=ties, cities=cities))


def test_case_cli_csv_outputs_neutralised(tmp_path) -> None:
    db = str(tmp_path / "g.db")
    _evil_store(db)
    res = run(
        db, "query", "MATCH (o:Organisation) RETURN o.id AS id, o.name AS name", "--format", "csv"
    )
    assert res.returncode == 0, res.stderr
    cells = {c for row in csv.reader(io.StringIO(res.stdout)) for c in row}
    assert {"'=1+2", "'=cmd|' /C calc'!A0", "'@SUM(1+1)"} <= cells
    assert not {"=1+2", "@SUM(1+1)"} & cells
    res = run(db, "centrality", "--format", "csv")
    assert res.returncode == 0, res.stderr
    assert "'=cmd|" in res.stdout and "\n=" not in res.stdout and ",=" not in res.stdout
    res = run(db, "export", "--format", "csv", "-o", str(tmp_path / "out"))
    assert res.returncode == 0, res.stderr
    nodes = (tmp_path / "out" / "nodes.csv").read_text()
    edges = (tmp_path / "out" / "edges.csv").read_text()
    assert "'=1+2" in nodes and "'@SUM(1+1)" in nodes and "'=1+2" in edges
    name_of_safe = ("query", "MATCH (o:Organisation {id: 'safe'}) RETURN o.name AS name")
    res = run(db, *name_of_safe, "--format", "csv", "--raw-csv")
    assert res.stdout.splitlines() == ["name", "@SUM(1+1)"]
    res = run(db, *name_of_safe, "--excel")
    assert res.stdout.startswith("\ufeffname\n'@SUM(1+1)")


def test_case_cli_table_escapes_terminal_controls(tmp_path) -> None:
    db = str(tmp_path / "g.db")
    _evil_store(db)
    res = run(db, "query", "RETURN 'Evil\\u001b[2JCorp\\u0007' AS name")
    assert res.returncode == 0, res.stderr
    assert "\x1b" not in res.stdout and "\x07" not in res.stdout
    assert "Evil\\x1b[2JCorp\\x07" in res.stdout
