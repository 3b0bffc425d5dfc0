"""One spelling of repeated options across commands, with the older documented spellings
still accepted.

Countries: ``--countries GB,KR`` or repeated, ``--country`` too, UK read as GB (twins,
generate, centrality, import cordis/gtr/openalex; ``twins --countries GB KR`` as before).
Cities: a pair is two arguments (bridges, potential, map: ``Belfast Sejong``); a list is
``--cities A,B`` or repeated ``--city`` (centrality; map also takes its pair that way, as
documented before); ``map --geo`` is the geographic view, a bare ``--cities`` still is."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))
SMALL = Path(__file__).resolve().parents[1] / "data" / "valid_small"
CORDIS = Path(__file__).resolve().parents[1] / "data" / "cordis"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([GRAPHTWIN, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("spellings")
    r = run("-q", "load", str(SMALL), cwd=folder)
    assert r.returncode == 0, r.stderr
    return folder


@pytest.mark.parametrize(
    "spelling",
    [
        ["--countries", "GB", "KR"],  # the old README spelling (two values)
        ["--countries", "UK", "--countries", "kr"],
        ["--country", "GB", "--country", "KR"],
    ],
)
def test_twins_spellings_give_the_same_ranking(folder: Path, spelling: list[str]):
    want = run("twins", "--countries", "GB,KR", "--format", "json", cwd=folder)
    assert want.returncode == 0, want.stderr
    assert '"country_a": "GB"' in want.stdout and '"country_b": "KR"' in want.stdout
    got = run("twins", *spelling, "--format", "json", cwd=folder)
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout


def test_twins_needs_two_countries(folder: Path):
    r = run("twins", "--countries", "GB", cwd=folder)
    assert r.returncode == 2
    assert "give exactly 2 country codes, e.g. GB,KR (got GB)" in " ".join(r.stderr.split())


def test_generate_spellings_write_the_same_bundle(tmp_path: Path):
    outs = []
    for i, spelling in enumerate(
        (["--countries", "GB,KR"], ["--country", "GB", "--country", "KR"])
    ):
        out = tmp_path / f"b{i}"
        r = run(
            "-q",
            "generate",
            "--orgs",
            "30",
            "--ties",
            "40",
            *spelling,
            "-o",
            str(out),
            cwd=tmp_path,
        )
        assert r.returncode == 0, r.stderr
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outs[0] == outs[1]
    assert b",KR," in outs[0]["organisations.csv"]


# ------------------------------------------------------------------------------ cities


def test_split_cities_keeps_a_country_with_its_city():
    from graphtwin.cli.common import split_cities

    assert split_cities(["Belfast,Sejong"]) == ("Belfast", "Sejong")
    assert split_cities(["Belfast, gb , Sejong", "Busan (KR)"]) == (
        "Belfast, GB",
        "Sejong",
        "Busan (KR)",
    )
    assert split_cities([" ", ","]) == ()


def _centrality(folder: Path, *args: str) -> list[dict]:
    r = run("-q", "centrality", "--metric", "degree", "--top", "0", *args, "--format", "json",
            cwd=folder)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize(
    "spelling",
    [
        ["--city", "Belfast", "--city", "Sejong"],  # the documented --city, repeated
        ["--cities", "belfast, GB,sejong"],
        ["--cities", "Belfast", "--city", "Sejong (KR)"],
    ],
)
def test_centrality_city_spellings_list_the_same_rows(folder: Path, spelling: list[str]):
    want = _centrality(folder, "--cities", "Belfast,Sejong")
    assert {r["city"] for r in want} == {"Belfast", "Sejong"}
    assert {r["id"] for r in want} == {"bel-uni", "bel-council", "bel-firm", "sej-city",
                                       "sej-inst"}  # fmt: skip
    assert _centrality(folder, *spelling) == want


@pytest.mark.parametrize(
    ("spelling", "want"),
    [
        (["--country", "kr"], {"KR"}),  # the documented --country
        (["--countries", "KR"], {"KR"}),
        (["--country", "UK"], {"GB"}),
        (["--country", "GB", "--countries", "KR"], {"GB", "KR"}),
        (["--countries", "uk,KR"], {"GB", "KR"}),
    ],
)
def test_centrality_country_spellings(folder: Path, spelling: list[str], want: set[str]):
    every = _centrality(folder)
    got = _centrality(folder, *spelling)
    assert {r["country"].upper() for r in got} == want
    assert got == [r for r in every if r["country"].upper() in want]


def test_centrality_cities_and_countries_combine_and_unknown_country_fails(folder: Path):
    assert {r["id"] for r in _centrality(folder, "--cities", "Belfast,Sejong", "--country",
            "KR")} == {"sej-city", "sej-inst"}  # fmt: skip
    r = run("centrality", "--countries", "GB,ZZ", cwd=folder)
    assert r.returncode == 1
    assert r.stderr.strip().endswith("\nerror: no organisation in country ZZ; known: GB, KR")
    assert "computed" not in r.stderr  # checked before the metrics are computed


@pytest.mark.parametrize(
    "spelling",
    [
        ["--city", "Belfast", "--city", "Sejong"],  # documented before (README, docs/maps.md)
        ["--cities", "Belfast,Sejong"],
        ["--cities", "Belfast", "Sejong"],  # option then argument: still Belfast first
    ],
)
def test_map_city_pair_spellings_write_the_same_page(folder: Path, spelling: list[str]):
    want = run("-q", "map", "Belfast", "Sejong", "--no-bridges", "-o", "-", cwd=folder)
    assert want.returncode == 0, want.stderr
    assert '"view":"city-pair"' in want.stdout.replace(" ", "")
    got = run("-q", "map", *spelling, "--no-bridges", "-o", "-", cwd=folder)
    assert got.returncode == 0, got.stderr
    assert got.stdout == want.stdout
    swapped = run("-q", "map", "Sejong", "Belfast", "--no-bridges", "-o", "-", cwd=folder)
    assert swapped.stdout != want.stdout  # the order is kept: A on the left


@pytest.mark.parametrize("spelling", [["--cities"], ["--geo"]])
def test_map_geographic_view_old_and_new_spelling(folder: Path, spelling: list[str]):
    r = run("-q", "map", "-o", "-", *spelling, cwd=folder)
    assert r.returncode == 0, r.stderr
    assert '"view":"cities"' in r.stdout.replace(" ", "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Belfast"], "give exactly two cities, e.g. Belfast Sejong (got 1: Belfast)"),
        (
            ["--cities", "Belfast,Sejong,Busan"],
            "give exactly two cities, e.g. Belfast Sejong (got 3: Belfast, Sejong, Busan)",
        ),
        (["Belfast", "Sejong", "--geo"], "choose one view: CITY_A CITY_B, --ego ID or --geo"),
        (["--cities", "--ego", "bel-uni"], "choose one view"),
    ],
)
def test_map_wrong_city_spellings_are_usage_errors(folder: Path, args: list[str], message: str):
    r = run("map", "-o", "x.html", *args, cwd=folder)
    assert r.returncode == 2
    assert message in " ".join(r.stderr.split())
    assert not (folder / "x.html").exists()


# ---------------------------------------------------------------------- import countries


def test_import_cordis_country_spellings_write_the_same_bundle(tmp_path: Path):
    outs = []
    for i, spelling in enumerate((["--countries", "KR"], ["--country", "kr"])):
        out = tmp_path / f"b{i}"
        r = run("-q", "import", "cordis", str(CORDIS), *spelling, "-o", str(out), cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert "no organisation in --countries 3" in r.stdout
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outs[0] == outs[1]
    uk = run("-q", "import", "cordis", str(CORDIS), "--country", "UK", "--other-countries",
             "drop", "-o", str(tmp_path / "uk"), cwd=tmp_path)  # fmt: skip
    assert uk.returncode == 0, uk.stderr
    with (tmp_path / "uk" / "organisations.csv").open(encoding="utf-8-sig") as f:
        assert {row["country"] for row in csv.DictReader(f)} == {"GB"}


@pytest.mark.parametrize(
    "spelling",
    [
        ["--metric", "pagerank", "--metric", "degree", "--tie-kind", "project", "--tie-kind",
         "mou"],  # the documented spellings (repeated)
        ["--metrics", "pagerank, degree", "--tie-kinds", "project,MoU"],
        ["--metrics", "pagerank", "--metric", "degree", "--tie-kinds", "project",
         "--tie-kind", "mou"],
    ],
)  # fmt: skip
def test_metric_and_tie_kind_spellings(folder: Path, spelling: list[str]):
    def rows(*args: str) -> str:
        r = run("-q", "centrality", "--top", "0", *args, "--format", "csv", cwd=folder)
        assert r.returncode == 0, r.stderr
        return r.stdout

    got = rows(*spelling)
    assert got.splitlines()[0] == "id,name,city,country,kind,pagerank,degree"
    assert got != rows("--metrics", "pagerank,degree")  # the tie-kind filter dropped ties
    documented = ["--metric", "pagerank", "--metric", "degree", "--tie-kind", "project"]
    assert got == rows(*documented, "--tie-kind", "mou")


def test_unknown_metric_in_a_list_is_a_usage_error(folder: Path):
    r = run("centrality", "--metrics", "degree,bogus", cwd=folder)
    assert r.returncode == 2
    assert "'bogus' is not one of 'degree'" in r.stderr


def test_bridges_one_city_is_a_usage_error(folder: Path):
    r = run("bridges", "Belfast", cwd=folder)
    assert r.returncode == 2
    assert "give two cities, e.g. Belfast Sejong, or none (got 1: Belfast)" in r.stderr


# ------------------------------------------------------------------ every command, at once


def _leaf_commands() -> dict[str, click.Command]:
    from graphtwin.cli.main import cli

    ctx = click.Context(cli)
    out: dict[str, click.Command] = {}

    def walk(cmd: click.Command, name: str) -> None:
        if isinstance(cmd, click.Group):
            for sub in cmd.list_commands(ctx):
                walk(cmd.get_command(ctx, sub), f"{name} {sub}".strip())
        else:
            out[name] = cmd

    walk(cli, "")
    return out


def test_every_command_spells_shared_options_one_way():
    """Countries, cities, output and format have one spelling in every command."""
    commands = _leaf_commands()
    assert {"centrality", "map", "twins", "generate", "import cordis", "export"} <= set(commands)
    seen: dict[str, set[str]] = {}
    for name, cmd in commands.items():
        for p in cmd.params:
            if not isinstance(p, click.Option):
                continue
            opts = tuple(p.opts)
            if p.name == "countries":
                assert opts == ("--countries", "--country") and p.multiple, name
            elif p.name == "cities":
                assert opts == ("--cities", "--city") and p.multiple, name
            elif p.name == "output" or "--output" in opts or "-o" in opts:
                assert opts == ("-o", "--output"), name
            elif p.name in ("metrics", "tie_kinds"):
                plural = "--" + p.name.replace("_", "-")
                assert opts == (plural, plural[:-1]) and p.multiple, name
            elif p.name == "fmt":
                assert opts == ("--format",), name
            else:
                assert not {"--country", "--city", "--countries", "--cities"} & set(opts), name
            seen.setdefault(p.name, set()).add(name)
    assert {"centrality", "twins", "generate", "import cordis", "import gtr",
            "import openalex"} <= seen["countries"]  # fmt: skip
    assert {"centrality", "map"} <= seen["cities"]
    # every command that prints result rows takes --format table|csv|json
    for name in ("backtest", "bridges", "centrality", "communities", "load", "potential",
                 "queries", "query", "twins", "neo4j status"):  # fmt: skip
        fmt = next(p for p in commands[name].params if p.name == "fmt")
        assert list(fmt.type.choices) == ["table", "csv", "json"], name
