"""`graphtwin validate` on the malformed bundles of tests/data/malformed and a valid one.

Every malformed case is checked for its exact stderr (every problem and warning, in
order, then the count line) and exit code 1; ``{d}`` in an expected line stands for the
path given on the command line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphtwin.cli.main import cli

DATA = Path(__file__).resolve().parents[1] / "data"
MALFORMED = DATA / "malformed"
VALID = DATA / "valid_small"

ORG_KINDS = (
    "university, research_institute, firm, council, agency, catapult, investor, hospital, "
    "nonprofit, other (aliases such as company, charity or local_authority are listed in "
    "docs/data-format.md)"
)
TIE_KINDS = (
    "collaboration, project, copublication, agreement, mou, friendship, funding, "
    "membership, parent, related, successor, engagement, visit, meeting, delegation"
)
ADD_CITY = (
    "not in cities.csv nor in the built-in GeoNames table (GB and KR places of 15,000+ "
    "people); add a row for it to cities.csv (name, country, lat, lon, population, region)"
)
NOT_DATE = "is not a date (use YYYY or YYYY-MM-DD)"
DEFAULT_WEIGHT = "(leave it empty for the kind's default weight)"

#: case (file or folder in tests/data/malformed) -> expected stderr lines before the count
CASES: dict[str, list[str]] = {
    "missing_required_column": [
        "{d}/organisations.csv:1: kind: missing required column "
        "(the header must include id, name, kind, city, country)",
    ],
    "empty_file": [
        "{d}/organisations.csv: file is empty; expected a header line with the columns "
        "id, name, kind, city, country",
    ],
    "empty_ties_file": [
        "{d}/ties.csv: file is empty; expected a header line with the columns source, target, kind",
    ],
    "header_only": [
        "{d}/organisations.csv:1: no organisations: the file has a header but no data rows",
    ],
    "duplicate_ids": ["{d}/organisations.csv:5: id: duplicate id 'a' (first on line 2)"],
    "dangling_tie_endpoint": [
        "{d}/ties.csv:3: target: no organisation with id 'zz' in organisations.csv",
        "{d}/ties.csv:4: source: no organisation with id 'yy' in organisations.csv",
    ],
    "self_tie": ["{d}/ties.csv:2: target: self-tie: source and target are both 'a'"],
    "unknown_org_kind": [
        f"{{d}}/organisations.csv:5: kind: unknown organisation kind 'spaceship'; "
        f"allowed: {ORG_KINDS}",
    ],
    "unknown_tie_kind": [
        f"{{d}}/ties.csv:3: kind: unknown tie kind 'hug'; allowed: {TIE_KINDS}",
    ],
    "negative_weight": [
        f"{{d}}/ties.csv:2: weight: must be a number greater than 0, got -1 {DEFAULT_WEIGHT}",
    ],
    "zero_weight": [
        f"{{d}}/ties.csv:2: weight: must be a number greater than 0, got 0 {DEFAULT_WEIGHT}",
    ],
    "non_numeric_weight": [
        "{d}/ties.csv:2: weight: 'heavy' is not a number",
        f"{{d}}/ties.csv:3: weight: must be a number greater than 0, got nan {DEFAULT_WEIGHT}",
    ],
    "bad_dates": [
        f"{{d}}/ties.csv:2: start: '2021-13-01' {NOT_DATE}",
        f"{{d}}/ties.csv:3: end: 'March 2022' {NOT_DATE}",
        f"{{d}}/ties.csv:4: start: '2022-02-30' {NOT_DATE}",
    ],
    "end_before_start": [
        "{d}/ties.csv:2: end: 2021 is before start 2022-05-01",
        "{d}/ties.csv:3: end: 2020-05-31 is before start 2020-06-01",
    ],
    "unknown_country": [
        "{d}/organisations.csv:5: country: unknown country code 'XX'; "
        "use an ISO 3166-1 alpha-2 code such as GB or KR",
        "{d}/organisations.csv:6: country: unknown country code 'UK'; "
        "use the ISO 3166-1 alpha-2 code GB (United Kingdom)",
    ],
    "ambiguous_city": [
        "{d}/organisations.csv:5: city: ambiguous city 'Gwangju' in KR: 2 places have this "
        "name: 'Gwangju (Gwangju)' (Gwangju, population 1401235) and 'Gwangju (Gyeonggi)' "
        "(Gyeonggi, population 81780); write one of these names, or add a row for 'Gwangju' "
        "to cities.csv with its region, lat and lon",
    ],
    "unknown_city": [
        f"{{d}}/organisations.csv:5: city: unknown city 'Atlantis' in KR: {ADD_CITY}",
        f"{{d}}/organisations.csv:6: city: unknown city 'Belfst' in GB: {ADD_CITY}; "
        "did you mean 'Belfast'?",
    ],
    "non_utf8": [
        "{d}/organisations.csv:5: invalid UTF-8 (byte 0xe9 at byte 6 of the line); "
        "save the file as UTF-8",
    ],
    "utf16_file": ["{d}/organisations.csv: the file is UTF-16; save it as UTF-8"],
    # the BOM is read silently: the header is recognised and only the real error remains
    "utf8_bom_is_fine": [
        f"{{d}}/organisations.csv:5: kind: unknown organisation kind 'spaceship'; "
        f"allowed: {ORG_KINDS}",
    ],
    "wrong_delimiter_semicolon": [
        "{d}/organisations.csv:1: the header is separated by semicolons (';'), not commas; "
        "save the file as comma-separated CSV",
    ],
    "wrong_delimiter_tab": [
        "{d}/ties.csv:1: the header is separated by tabs, not commas; "
        "save the file as comma-separated CSV",
    ],
    # unknown columns are warnings; the one error shows the rest is still checked
    "extra_unknown_columns": [
        "{d}/ties.csv:4: target: no organisation with id 'x' in organisations.csv",
        "{d}/organisations.csv:1: colour: warning: unknown column, ignored",
        "{d}/ties.csv:1: notes: warning: unknown column, ignored",
    ],
    # quoted newlines are fine; the errors after them are on the right lines
    "quoted_newlines": [
        "{d}/organisations.csv:6: country: unknown country code 'ZZ'; "
        "use an ISO 3166-1 alpha-2 code such as GB or KR",
        "{d}/ties.csv:5: target: no organisation with id 'q' in organisations.csv",
    ],
    "very_long_field": [
        "{d}/ties.csv:3: evidence: value is 12000 characters long; the limit is 10000",
        f"{{d}}/ties.csv:4: kind: unknown tie kind 'hugs'; allowed: {TIE_KINDS}",
    ],
    # duplicates are merged with a warning (b,a,MoU = a,b,mou: undirected); directed
    # funding b->c and c->b are two ties
    "duplicate_tie_rows": [
        f"{{d}}/ties.csv:7: kind: unknown tie kind 'wave'; allowed: {TIE_KINDS}",
        "{d}/ties.csv:3: warning: duplicate tie (same source, target and kind as line 2); "
        "merged into it",
        "{d}/ties.csv:6: warning: duplicate tie (same source, target and kind as line 4); "
        "merged into it",
    ],
    "too_many_fields": [
        "{d}/organisations.csv:5: row has 6 fields but the header has 5; "
        "quote values that contain commas",
    ],
    "unclosed_quote": [
        "{d}/organisations.csv:3: a quoted value that starts in this row is never closed "
        "(a '\"' is missing)",
    ],
    # the skipped row's organisation is gone, so the tie to it is reported too
    "stray_quote": [
        "{d}/organisations.csv:3: a '\"' inside a value must be doubled ('\"\"') and the "
        "value quoted; the row is skipped",
        "{d}/ties.csv:2: target: no organisation with id 'b' in organisations.csv",
    ],
    "nul_byte": ["{d}/organisations.csv:3: NUL byte (0x00) in the text; remove it"],
    "missing_required_value": [
        "{d}/organisations.csv:5: name: value is required",
        "{d}/organisations.csv:5: city: value is required",
        "{d}/ties.csv:3: source: value is required",
    ],
    "bad_founded_and_synthetic": [
        "{d}/organisations.csv:2: founded: 'old' is not a year (a whole number such as 1998)",
        "{d}/organisations.csv:2: synthetic: 'maybe' is not true or false "
        "(use true/false, 1/0 or yes/no)",
        "{d}/organisations.csv:3: founded: 12 is out of range (1000 to 2100)",
        "{d}/organisations.csv:4: founded: '1999.5' is not a year (a whole number such as 1998)",
    ],
    "bad_ror_id": [
        "{d}/organisations.csv:3: ror_id: 'ror:12345' is not a ROR id "
        "(expected e.g. https://ror.org/00hswnk62)",
    ],
    # the organisation in 'Liverpool City Region' is not reported again: its row in
    # cities.csv is where the problem is
    "bad_city_rows": [
        "{d}/cities.csv:2: lat: 95 is out of range (-90 to 90)",
        "{d}/cities.csv:2: lon: 'east' is not a number",
        "{d}/cities.csv:2: population: 'lots' is not a whole number of people",
        "{d}/cities.csv:3: country: unknown country code 'XX'; "
        "use an ISO 3166-1 alpha-2 code such as GB or KR",
        "{d}/cities.csv:5: name: duplicate city 'busan' in KR (first on line 4)",
        "{d}/cities.csv:6: lon: lat and lon must be given together",
    ],
    "duplicate_sectors": [
        "{d}/sectors.csv:3: id: duplicate sector id 'fintech' (first on line 2)",
        "{d}/sectors.csv:4: id: value is required",
    ],
    "duplicate_column": ["{d}/organisations.csv:1: name: duplicate column"],
    "no_csv_files": [
        "{d}: no CSV files found; a bundle folder needs organisations.csv "
        "(and optionally ties.csv, cities.csv, sectors.csv)",
    ],
    "missing_organisations_file": [
        "{d}/organisations.csv: required file is missing (found: cities.csv, ties.csv)",
    ],
    "organisations_is_a_folder": ["{d}/organisations.csv: is a folder, not a CSV file"],
    "json_wrong_types.json": [
        "{d}: $.organisations[1].name: expected a string, got number",
        "{d}: $.organisations[1].sectors: expected a list of strings, got number",
        "{d}: $.organisations[2].founded: 'old' is not a year (a whole number such as 1998)",
        "{d}: $.organisations[2].synthetic: 'maybe' is not true or false "
        "(use true/false, 1/0 or yes/no)",
        "{d}: $.ties[0].weight: expected a number, got boolean",
        "{d}: $.ties[1]: expected an object, got string",
        "{d}: $.ties[2].end: 2020 is before start 2021",
        "{d}: $.ties[3].source: expected a string, got array",
        "{d}: $.cities: expected a list of objects, got object",
        "{d}: $.extra: warning: unknown key, ignored",
        "{d}: $.organisations[2].colour: warning: unknown field, ignored",
    ],
    "json_invalid_syntax.json": [
        "{d}:2: not valid JSON: Expecting property name enclosed in double quotes (column 31)",
    ],
    "json_top_level_list.json": [
        "{d}: $: expected an object with the keys organisations, ties, cities and sectors, "
        "got array",
    ],
    "json_missing_organisations.json": ["{d}: $.organisations: required key is missing"],
    "binary_file.json": ["{d}: not a text file (it contains NUL bytes); expected UTF-8 text"],
    "zip_without_organisations.zip": [
        "{d}: organisations.csv not found in the zip archive "
        "(it holds: bundle/ties.csv, bundle/README.txt)",
    ],
    "not_a_zip.zip": ["{d}: not a valid zip archive (File is not a zip file)"],
    "single_csv_file.csv": [
        "{d}: a single CSV file is not a bundle; give the folder that holds "
        "organisations.csv (and ties.csv, cities.csv, sectors.csv)",
    ],
}


def _count_line(path: str, lines: list[str]) -> str:
    problems = sum(1 for line in lines if ": warning: " not in line)
    warnings = len(lines) - problems
    text = f"{problems} problem" + ("s" if problems != 1 else "")
    if warnings:
        text += f" and {warnings} warning" + ("s" if warnings != 1 else "")
    return f"{path}: {text}; the bundle is not valid"


def test_every_malformed_case_is_tested() -> None:
    on_disk = {p.name for p in MALFORMED.iterdir()}
    assert on_disk == set(CASES)
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_bundle(case: str) -> None:
    path = str(MALFORMED / case)
    result = CliRunner().invoke(cli, ["validate", path])
    expected = [line.format(d=path) for line in CASES[case]]
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [*expected, _count_line(path, expected)]
    assert "Traceback" not in result.stderr


def test_path_that_does_not_exist(tmp_path: Path) -> None:
    path = str(tmp_path / "nowhere")
    result = CliRunner().invoke(cli, ["validate", path])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}: path does not exist",
        f"{path}: 1 problem; the bundle is not valid",
    ]


def test_valid_bundle_prints_summary_and_exits_0() -> None:
    result = CliRunner().invoke(cli, ["validate", str(VALID)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "11 organisations (GB 6, KR 5; council 4, university 3, catapult 2, firm 1, "
        "research_institute 1); 9 ties (mou 1, project 1, funding 1, engagement 1, "
        "agreement 1, copublication 1, parent 1, membership 1, collaboration 1); "
        "7 cities; 5 sectors"
    ]


def test_valid_bundle_with_warnings_exits_0(tmp_path: Path) -> None:
    """Warnings alone (unknown column, duplicate tie, BOM) do not fail a bundle."""
    for name in ("organisations.csv", "cities.csv", "sectors.csv"):
        (tmp_path / name).write_bytes(b"\xef\xbb\xbf" + (VALID / name).read_bytes())
    ties = (
        (VALID / "ties.csv")
        .read_text(encoding="utf-8")
        .replace("source_url\n", "source_url,colour\n", 1)
    )
    (tmp_path / "ties.csv").write_text(ties + "sej-city,bel-council,mou,,,,,\n")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"{tmp_path}/ties.csv:1: colour: warning: unknown column, ignored",
        f"{tmp_path}/ties.csv:12: warning: duplicate tie (same source, target and kind as "
        "line 2); merged into it",
    ]
    assert result.stdout.startswith("11 organisations (GB 6, KR 5;")
    assert "9 ties" in result.stdout


def test_validate_help_has_an_example() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    assert "graphtwin validate my-bundle/" in result.output


def _entry_point() -> str:
    exe = Path(sys.executable).parent / "graphtwin"
    assert exe.exists(), f"the graphtwin entry point is not installed next to {sys.executable}"
    return str(exe)


def test_installed_entry_point_on_malformed_and_valid_bundles(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    bad = MALFORMED / "dangling_tie_endpoint"
    proc = subprocess.run(
        [_entry_point(), "validate", str(bad)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        f"{bad}/ties.csv:3: target: no organisation with id 'zz' in organisations.csv",
        f"{bad}/ties.csv:4: source: no organisation with id 'yy' in organisations.csv",
        f"{bad}: 2 problems; the bundle is not valid",
    ]
    proc = subprocess.run(
        [_entry_point(), "validate", str(VALID)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("11 organisations (GB 6, KR 5;")
    # a folder given where a file belongs, and a missing path: one line each, no traceback
    proc = subprocess.run(
        [_entry_point(), "validate", str(tmp_path / "missing.zip")],
        capture_output=True,
        text=True,
        env=env,
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[0] == f"{tmp_path / 'missing.zip'}: path does not exist"
    assert "Traceback" not in proc.stderr
