"""write_bundle: the documented CSV layout, quoting, optional files, overwrite rules."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.writer import BUNDLE_FILES, write_bundle
from graphtwin.model import Bundle, City, Organisation, Sector, Tie


def _bundle() -> Bundle:
    return Bundle(
        organisations=[
            Organisation(
                "qub",
                "Queen's University Belfast",
                "university",
                "Belfast",
                "GB",
                sectors=("cyber-security", "fintech"),
                size="large",
                founded=1810,
                ror_id="https://ror.org/00hswnk62",
                website="https://www.qub.ac.uk",
                source="ROR (schema 2.1)",
            ),
            Organisation(
                "sejong",
                'Sejong "Special", City\nHall',  # quote, comma and newline need quoting
                "council",
                "Sejong",
                "KR",
                synthetic=True,
            ),
            Organisation("wonju", "원주 Firm", "firm", "Wŏnju", "KR"),
        ],
        ties=[
            Tie("qub", "sejong", "mou", None, "2023-08-08", None, "HackTheon, agreement", "u"),
            Tie("sejong", "wonju", "funding", 2.5, "2020", "2022"),
        ],
        cities=[City("Sejong", "KR", 36.59245, 127.29223, 394630, "Sejong")],
        sectors=[Sector("fintech", "Fintech"), Sector("cyber-security", "Cyber security")],
    )


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def test_writes_documented_headers_and_values(tmp_path: Path) -> None:
    paths = write_bundle(_bundle(), tmp_path / "out")
    assert sorted(paths) == ["cities", "organisations", "sectors", "ties"]
    for stem, path in paths.items():
        assert path == tmp_path / "out" / f"{stem}.csv"
        assert _rows(path)[0] == list(BUNDLE_FILES[stem])
    orgs = _rows(paths["organisations"])
    assert orgs[0] == [
        "id", "name", "kind", "city", "country", "sectors", "size", "founded",
        "ror_id", "website", "source", "synthetic",
    ]  # fmt: skip
    assert orgs[1] == [
        "qub", "Queen's University Belfast", "university", "Belfast", "GB",
        "cyber-security;fintech", "large", "1810", "https://ror.org/00hswnk62",
        "https://www.qub.ac.uk", "ROR (schema 2.1)", "false",
    ]  # fmt: skip
    assert orgs[2][1] == 'Sejong "Special", City\nHall'
    assert orgs[2][5:] == ["", "", "", "", "", "", "true"]
    assert orgs[3][1] == "원주 Firm" and orgs[3][3] == "Wŏnju"
    ties = _rows(paths["ties"])
    assert ties[0] == [
        "source",
        "target",
        "kind",
        "weight",
        "start",
        "end",
        "evidence",
        "source_url",
    ]
    assert ties[1] == ["qub", "sejong", "mou", "", "2023-08-08", "", "HackTheon, agreement", "u"]
    assert ties[2] == ["sejong", "wonju", "funding", "2.5", "2020", "2022", "", ""]
    assert _rows(paths["cities"]) == [
        ["name", "country", "lat", "lon", "population", "region"],
        ["Sejong", "KR", "36.59245", "127.29223", "394630", "Sejong"],
    ]
    assert _rows(paths["sectors"])[1:] == [
        ["fintech", "Fintech"],
        ["cyber-security", "Cyber security"],
    ]


def test_utf8_without_bom_and_unix_line_ends(tmp_path: Path) -> None:
    paths = write_bundle(_bundle(), tmp_path)
    raw = paths["organisations"].read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "원주".encode() in raw
    assert b"\r\n" not in raw
    assert not list(tmp_path.glob("*.tmp"))


def test_optional_files_only_when_present_and_stale_ones_removed(tmp_path: Path) -> None:
    write_bundle(_bundle(), tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    bare = Bundle(organisations=[Organisation("a", "A", "firm", "Belfast", "GB")])
    paths = write_bundle(bare, tmp_path)
    assert sorted(paths) == ["organisations", "ties"]
    assert not (tmp_path / "cities.csv").exists()
    assert not (tmp_path / "sectors.csv").exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert _rows(paths["ties"]) == [list(BUNDLE_FILES["ties"])]
    assert len(_rows(paths["organisations"])) == 2


def test_refuses_to_overwrite_when_asked(tmp_path: Path) -> None:
    write_bundle(_bundle(), tmp_path)
    with pytest.raises(GraphtwinError, match=r"already holds a bundle \(organisations.csv"):
        write_bundle(_bundle(), tmp_path, overwrite=False)
    write_bundle(_bundle(), tmp_path / "fresh", overwrite=False)


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file.csv"
    target.write_text("x")
    with pytest.raises(GraphtwinError, match="exists and is not a folder"):
        write_bundle(_bundle(), target)


def test_written_bundle_reads_back_through_the_validator(tmp_path: Path) -> None:
    from graphtwin.ingest import read_bundle

    original = _bundle()
    write_bundle(original, tmp_path)
    back = read_bundle(tmp_path)
    assert [o.id for o in back.organisations] == ["qub", "sejong", "wonju"]
    by_id = {o.id: o for o in back.organisations}
    assert by_id["sejong"].name == 'Sejong "Special", City\nHall'
    assert by_id["sejong"].synthetic is True and by_id["qub"].synthetic is False
    assert set(by_id["qub"].sectors) == {"cyber-security", "fintech"}
    assert by_id["qub"].founded == 1810
    ties = {(t.source, t.target, t.kind): t for t in back.ties}
    assert ties["sejong", "wonju", "funding"].weight == 2.5
    assert ties["sejong", "wonju", "funding"].end_year == 2022
    assert ties["qub", "sejong", "mou"].evidence == "HackTheon, agreement"
