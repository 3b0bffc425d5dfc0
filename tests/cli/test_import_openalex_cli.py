"""``graphtwin import openalex`` through the installed entry point, on real OpenAlex files."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from tests.unit.test_openalex_api import RECORDED_FILTER, replay  # noqa: F401 (fixture)

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, **(env or {})},
    )


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_import_openalex_files(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "oa"
    oa = shared_data / "openalex"
    r = run(
        "import", "openalex", oa / "works_part_000.gz", "--ror",
        shared_data / "ror_gb_kr_from_ror_records.csv", "-o", out,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "OpenAlex works read: 20 from 1 file(s); kept: 20" in r.stdout
    assert "copublication ties: 2 of 136 pairs" in r.stdout
    assert "skipped: no city" in r.stderr  # dropped institutions are reported
    assert "wrote" in r.stderr and "(validated)" in r.stderr
    ties = rows(out / "ties.csv")
    assert {(t["source"], t["target"], t["kind"]) for t in ties} == {
        ("026k5mg93", "02jx3x895", "copublication"),
        ("00q2y5s03", "05p330p21", "copublication"),
    }
    assert run("validate", out).returncode == 0


def test_bad_input_writes_nothing(shared_data: Path, tmp_path: Path) -> None:
    bad = tmp_path / "works.jsonl"
    bad.write_text('{"id": "https://openalex.org/W1", "authorships": []}\n{"id": \n')
    out = tmp_path / "out"
    r = run("import", "openalex", bad, "-o", out)
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: {bad}:2: not a JSON record (unexpected end of data)"
    assert not out.exists()
    r = run("import", "openalex", "-o", out)
    assert r.returncode == 2 and "give PATHS of downloaded works, or --filter" in r.stderr


def test_import_openalex_network_mode(replay, tmp_path: Path) -> None:  # noqa: F811
    server, url = replay
    save = tmp_path / "download"
    out = tmp_path / "bundle"
    args = ("import", "openalex", "--filter", RECORDED_FILTER, "--save-dir", save, "-o", out)
    env = {"GRAPHTWIN_OPENALEX_URL": url, "OPENALEX_MAILTO": "test@example.org"}
    r = run(*args, env=env)
    # The two recorded works name Kyoto University and KIT, whose records the replay does
    # not hold: both are reported and dropped, and the download itself is complete.
    assert "OpenAlex: 2 works in 1 page(s) saved" in r.stderr, r.stderr
    assert "(complete; 0 retried request(s))" in r.stderr
    assert (save / "works-page-00001.json").exists()
    assert "mailto=test%40example.org" in server.requests[0]
    assert r.returncode == 1 and "not recorded" in r.stderr  # /institutions not recorded
    assert not out.exists()
