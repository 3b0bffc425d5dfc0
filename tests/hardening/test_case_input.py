"""Cases: bounded input (issue #12). Bundle paths are regular files only (symlinks
resolved and kept inside the bundle; FIFOs and devices refused without waiting), files
and decompressed zip members are capped (GRAPHTWIN_MAX_INPUT_MB), ``-`` reads a JSON
bundle from stdin with the same cap, ids are NFC-normalised (collisions reported),
numbers and years are ASCII digits only, duplicate JSON keys and control characters are
reported with file:line. Each case: a clear problem, exit 1, nothing written.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from graphtwin.errors import ValidationFailed
from graphtwin.ingest import read_bundle
from graphtwin.ingest.files import MAX_INPUT_ENV
from tests.hardening.cli import GRAPHTWIN

ORG_HEADER = "id,name,kind,city,country,founded\n"
ORG_ROW = "qub,Queen's University Belfast,university,Belfast,GB,1845\n"


def problems(path: Path | str) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        read_bundle(path)
    return info.value.problems


def bundle_folder(tmp_path: Path, organisations: str = ORG_HEADER + ORG_ROW, **files) -> Path:
    folder = tmp_path / "bundle"
    folder.mkdir(exist_ok=True)
    (folder / "organisations.csv").write_text(organisations, encoding="utf-8")
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


def test_case_zip_bomb_member_refused_at_cap(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(MAX_INPUT_ENV, "1")
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("organisations.csv", ORG_HEADER + ORG_ROW * 40_000)  # ~2.3 MB
    assert path.stat().st_size < 100_000
    (p,) = problems(path)
    assert "organisations.csv: expands to" in p and "over the 1 MB input limit" in p


def test_case_sparse_file_refused_before_reading(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(MAX_INPUT_ENV, "1")
    folder = bundle_folder(tmp_path)
    with (folder / "ties.csv").open("wb") as fh:
        fh.truncate(2 * 2**30)  # 2 GB, sparse: no disk used
    started = time.perf_counter()
    found = problems(folder)
    assert time.perf_counter() - started < 5
    assert any("ties.csv: 2,048 MB, over the 1 MB input limit" in p for p in found), found


def test_case_symlink_to_dev_zero_refused(tmp_path) -> None:
    folder = bundle_folder(tmp_path)
    (folder / "ties.csv").symlink_to("/dev/zero")
    found = problems(folder)
    assert any("ties.csv: a link to /dev/zero, outside the bundle folder" in p for p in found)
    top = tmp_path / "zero.json"
    top.symlink_to("/dev/zero")
    assert problems(top) == [f"{top}: a character device, not a regular file; give a file"]


def test_case_symlink_inside_bundle_is_read(tmp_path) -> None:
    folder = bundle_folder(tmp_path)
    real = folder / "orgs-real.txt"
    (folder / "organisations.csv").rename(real)
    (folder / "organisations.csv").symlink_to(real)
    assert [o.id for o in read_bundle(folder).organisations] == ["qub"]


def test_case_symlink_out_of_bundle_refused(tmp_path) -> None:
    outside = tmp_path / "elsewhere.csv"
    outside.write_text(ORG_HEADER + ORG_ROW)
    folder = tmp_path / "bundle"
    folder.mkdir()
    (folder / "organisations.csv").symlink_to(outside)
    (p,) = problems(folder)
    assert "outside the bundle folder" in p


def test_case_fifo_refused_without_blocking(tmp_path) -> None:
    folder = bundle_folder(tmp_path)
    os.mkfifo(folder / "ties.csv")
    top = tmp_path / "pipe.json"
    os.mkfifo(top)
    for path in (folder, top):
        res = subprocess.run(
            [GRAPHTWIN, "validate", str(path)], capture_output=True, text=True, timeout=60
        )
        assert res.returncode == 1
        assert "a FIFO (named pipe), not a regular file" in res.stderr, res.stderr


def test_case_stdin_json_bundle(tmp_path) -> None:
    org = {"id": "qub", "name": "QUB", "kind": "university", "city": "Belfast", "country": "GB"}
    doc = {"organisations": [org]}
    res = subprocess.run(
        [GRAPHTWIN, "validate", "-"], input=json.dumps(doc), capture_output=True, text=True
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("1 organisation")
    big = json.dumps({"organisations": [], "x": "y" * (2 * 2**20)})
    res = subprocess.run(
        [GRAPHTWIN, "validate", "-"],
        input=big,
        capture_output=True,
        text=True,
        env={**os.environ, MAX_INPUT_ENV: "1"},
    )
    assert res.returncode == 1
    assert "<stdin>: input is over the 1 MB input limit" in res.stderr


@pytest.mark.parametrize("year", ["２０２０", "²⁰²¹", "٢٠٢٠", "2_020"])
def test_case_non_ascii_digit_years_refused(tmp_path, year) -> None:
    folder = bundle_folder(tmp_path, ORG_HEADER + ORG_ROW.replace("1845", year))
    (p,) = problems(folder)
    assert "organisations.csv:2" in p and "founded" in p


@pytest.mark.parametrize("weight", ["1_0", "٣", "１"])
def test_case_non_ascii_weights_refused(tmp_path, weight) -> None:
    orgs = ORG_HEADER + ORG_ROW + "qub2,Other,firm,Belfast,GB,\n"
    folder = bundle_folder(
        tmp_path,
        orgs,
        ties=f"source,target,kind,weight,start\nqub,qub2,project,{weight},２０２０\n",
    )
    found = problems(folder)
    assert any("ties.csv:2" in p and "weight" in p for p in found), found
    assert any("ties.csv:2" in p and "start" in p for p in found), found


def test_case_nfc_nfd_ids_collide(tmp_path) -> None:
    nfc, nfd = "s\u00e9oul-uni", "se\u0301oul-uni"
    orgs = ORG_HEADER + f"{nfc},A,university,Seoul,KR,\n{nfd},B,university,Seoul,KR,\n"
    (p,) = problems(bundle_folder(tmp_path, orgs))
    assert "organisations.csv:3" in p and "duplicate id" in p and "Unicode-normalised" in p


def test_case_nfd_tie_end_matches_nfc_id(tmp_path) -> None:
    orgs = ORG_HEADER + "s\u00e9oul,A,university,Seoul,KR,\nqub,Q,university,Belfast,GB,\n"
    ties = "source,target,kind\nse\u0301oul,qub,project\n"
    b = read_bundle(bundle_folder(tmp_path, orgs, ties=ties))
    assert b.ties[0].source == "s\u00e9oul"


def json_bundle(tmp_path: Path, org: str) -> Path:
    """A JSON bundle with one organisation written as ``org`` (JSON text of its fields)."""
    path = tmp_path / "b.json"
    path.write_text(
        '{"organisations": [\n{' + org + ', "kind": "firm", "city": "Belfast", "country": "GB"}]}'
    )
    return path


def test_case_duplicate_json_keys_reported(tmp_path) -> None:
    (p,) = problems(json_bundle(tmp_path, '"id": "a", "id": "b", "name": "A"'))
    assert "duplicate key 'id' in a JSON object" in p


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x08", "\r", "\x7f", "\x9b"])
def test_case_control_characters_refused_with_line(tmp_path, char) -> None:
    orgs = ORG_HEADER + ORG_ROW + f'evil,"Evil{char}[31mCorp",firm,Belfast,GB,\n'
    (p,) = problems(bundle_folder(tmp_path, orgs))
    assert f"organisations.csv:3: control character U+{ord(char):04X}" in p


def test_case_line_breaks_in_quoted_field_allowed(tmp_path) -> None:
    orgs = ORG_HEADER + 'x,"Two\r\nlines\nname",firm,Belfast,GB,\n'
    assert read_bundle(bundle_folder(tmp_path, orgs)).organisations[0].name.startswith("Two")


def test_case_control_character_escape_in_json_refused(tmp_path) -> None:
    path = json_bundle(tmp_path, '"id": "a", "name": "Evil\\u001b[2J"')
    (p,) = problems(path)
    assert p.startswith(f"{path}:2: control character U+001B")


def test_case_validate_messages_escape_terminal_controls(tmp_path) -> None:
    """A bad value holding ESC is shown escaped in the message, never raw."""
    folder = tmp_path / "b\x1b[2Jx"
    folder.mkdir()
    (folder / "organisations.csv").write_text(ORG_HEADER + "q,Q,nonsense\x1b[31m,Belfast,GB,\n")
    res = subprocess.run([GRAPHTWIN, "validate", str(folder)], capture_output=True, text=True)
    assert res.returncode == 1
    assert "\x1b" not in res.stderr and "\\x1b" in res.stderr
    assert res.stderr.rstrip().endswith("problems; the bundle is not valid")


def test_case_load_json_bundle_from_stdin(tmp_path) -> None:
    org = {"id": "qub", "name": "QUB", "kind": "university", "city": "Belfast", "country": "GB"}
    db = str(tmp_path / "g.db")
    res = subprocess.run(
        [GRAPHTWIN, "--db", db, "load", "-", "--format", "json"],
        input=json.dumps({"organisations": [org]}),
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr
    rows = {r["item"]: r["total"] for r in json.loads(res.stdout)}
    assert rows["Organisation"] == 1
