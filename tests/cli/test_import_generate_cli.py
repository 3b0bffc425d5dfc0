"""``graphtwin import ror`` and ``graphtwin generate`` through the installed entry point."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_import_ror_json_folder(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    r = run("import", "ror", shared_data / "ror_records", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "organisations: 18 in 10 cities" in r.stdout
    assert "ties kept: 4 (parent 4)" in r.stdout
    assert "relationships dropped (other organisation not in the input): 99" in r.stdout
    assert "PROVENANCE.json: skipped: not a ROR record" in r.stderr
    assert "(validated)" in r.stderr
    orgs = rows(out / "organisations.csv")
    assert len(orgs) == 18
    qub = next(o for o in orgs if o["id"] == "00hswnk62")
    assert (qub["kind"], qub["city"], qub["ror_id"]) == (
        "university", "Belfast", "https://ror.org/00hswnk62",
    )  # fmt: skip
    ties = rows(out / "ties.csv")
    assert {(t["source"], t["target"], t["kind"]) for t in ties} == {
        ("05ar5fy68", "001aqnf71", "parent"),
        ("057g20z61", "001aqnf71", "parent"),
        ("02qz16y57", "012zp9903", "parent"),
        ("03hab3x36", "01yp9g959", "parent"),
    }
    assert {c["name"] for c in rows(out / "cities.csv")} == {o["city"] for o in orgs}
    # The written bundle passes `graphtwin validate` too.
    v = run("validate", out)
    assert v.returncode == 0, v.stderr
    assert "18 organisations" in v.stdout + v.stderr


def test_import_ror_csv_layout(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "gbkr"
    csv_path = shared_data / "ror_gb_kr_from_ror_records.csv"
    r = run("import", "ror", csv_path, "--include-inactive", "-o", out)
    assert r.returncode == 0, r.stderr
    assert "ROR records read: 2,966" in r.stdout
    assert "relationships read: 3,032; ties kept: 1,073" in r.stdout
    assert "relationships dropped (other organisation not in the input): 1,054" in r.stdout
    assert len(rows(out / "organisations.csv")) == 2966
    assert len(rows(out / "ties.csv")) == 1073
    active = tmp_path / "active"
    r = run("import", "ror", csv_path, "-o", active)
    assert r.returncode == 0, r.stderr
    assert "inactive or withdrawn records:" in r.stdout and "dropped" in r.stdout
    assert len(rows(active / "organisations.csv")) < 2966


def test_import_ror_user_errors(shared_data: Path, tmp_path: Path) -> None:
    r = run("import", "ror", tmp_path / "missing", "-o", tmp_path / "out")
    assert r.returncode == 1
    assert r.stderr.strip() == f"error: {tmp_path / 'missing'}: no such file or folder"
    assert "Traceback" not in r.stderr
    out = tmp_path / "twice"
    assert run("import", "ror", shared_data / "ror_twinning_subset.csv", "-o", out).returncode == 0
    again = run("import", "ror", shared_data / "ror_twinning_subset.csv", "-o", out)
    assert again.returncode == 1
    assert "already holds a bundle" in again.stderr and "--force" in again.stderr
    forced = run("import", "ror", shared_data / "ror_twinning_subset.csv", "-o", out, "--force")
    assert forced.returncode == 0, forced.stderr
    usage = run("import", "ror", "-o", out)
    assert usage.returncode == 2


def test_import_help_lists_ror_with_example() -> None:
    r = run("import", "--help")
    assert r.returncode == 0
    assert "ror" in r.stdout and "graphtwin import ror" in r.stdout
    r = run("import", "ror", "--help")
    assert "graphtwin import ror ror_records/ -o ror-bundle/" in r.stdout


def test_generate_writes_deterministic_bundle_with_progress(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    r = run("generate", "--orgs", 600, "--ties", 3000, "--seed", 4, "-o", a)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("600 organisations")
    assert "3000 ties" in r.stdout
    assert "ties: 3,000/3,000 (100%)" in r.stderr  # progress on stderr, not stdout
    assert "ties:" not in r.stdout
    assert run("generate", "--orgs", 600, "--ties", 3000, "--seed", 4, "-o", b).returncode == 0
    for name in ("organisations.csv", "ties.csv", "cities.csv", "sectors.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    orgs = rows(a / "organisations.csv")
    assert len(orgs) == 600 and all(o["synthetic"] == "true" for o in orgs)
    assert len(rows(a / "ties.csv")) == 3000
    v = run("validate", a)
    assert v.returncode == 0, v.stderr


def test_generate_quiet_and_errors(tmp_path: Path) -> None:
    r = run(
        "--quiet", "generate", "--orgs", 50, "--ties", 100, "--country", "KR", "-o", tmp_path / "q"
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert "50 organisations (KR 50" in r.stdout
    too_many = run("generate", "--orgs", 100, "--ties", 100000, "-o", tmp_path / "x")
    assert too_many.returncode == 1
    assert "error: 100,000 ties are too many for 100 organisations" in too_many.stderr
    assert "Traceback" not in too_many.stderr
    bad_country = run(
        "generate", "--orgs", 100, "--ties", 10, "--country", "ZZ", "-o", tmp_path / "z"
    )
    assert bad_country.returncode == 1
    assert "no cities for country 'ZZ'" in bad_country.stderr
    assert run("generate", "--orgs", 1, "-o", tmp_path / "y").returncode == 2
    assert "graphtwin generate --orgs 46000" in run("generate", "--help").stdout
