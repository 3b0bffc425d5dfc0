"""One spelling of a list of countries: ``--countries GB,KR`` or repeated, with the older
documented spellings still accepted (``twins --countries GB KR``, ``generate --country GB
--country KR``), and UK read as GB."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))
SMALL = Path(__file__).resolve().parents[1] / "data" / "valid_small"


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
