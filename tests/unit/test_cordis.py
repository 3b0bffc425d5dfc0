"""CORDIS importer: mapping, merged and capped project ties, cities, filters, errors, CLI.

The fixture tests/data/cordis/ holds hand-made rows in the real CORDIS export layout
(see its README.md). Expected answers below are worked out by hand from those rows:
which organisations survive, which cities they land in, which pairs become ties.
"""

from __future__ import annotations

import csv
import io
import itertools
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from graphtwin.errors import GraphtwinError
from graphtwin.ingest import read_bundle
from graphtwin.ingest.cordis import (
    CityPlacer,
    Occasion,
    PairTies,
    cordis_kind,
    import_cordis,
    iso_country,
    normalise_city_name,
    parse_cordis_date,
    parse_geolocation,
)
from graphtwin.ingest.writer import write_bundle

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "cordis"
GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))

# organisationID of each fixture organisation
QUB, KAIST, FHG, BCC, ACME = "999868622", "998000101", "999984059", "998000102", "998000103"
SEJONG, UOA, HULL, MNDA, ICCS = "998000105", "999643007", "998000107", "937808902", "999654356"
HARWELL, DFE = "998000108", "998000109"
NOWHERE, PRISTINA, SOLE = "998000104", "998000106", "998000110"

# Members of each project that survive (NOWHERE, PRISTINA and SOLE are dropped).
ALPHA = [QUB, KAIST, FHG, BCC, ACME]
BETA = [SEJONG, QUB, KAIST, UOA]
GAMMA = [FHG, QUB, HULL, MNDA]
DELTA = [UOA, ICCS, HARWELL, HULL, DFE]


def cid(oid: str) -> str:
    return "cordis-" + oid


def clique(members: list[str]) -> set[frozenset[str]]:
    return {frozenset((cid(a), cid(b))) for a, b in itertools.combinations(members, 2)}


def star(centre: str, members: list[str]) -> set[frozenset[str]]:
    return {frozenset((cid(centre), cid(m))) for m in members if m != centre}


def pairs(result) -> set[frozenset[str]]:
    return {frozenset((t.source, t.target)) for t in result.bundle.ties}


@pytest.fixture(scope="module")
def full():
    return import_cordis([FIXTURE])


# ------------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("code", "iso"), [("UK", "GB"), ("EL", "GR"), ("uk", "GB"), ("DE", "DE"), ("KR", "KR")]
)
def test_iso_country_maps_eu_codes(code: str, iso: str) -> None:
    assert iso_country(code) == iso


@pytest.mark.parametrize("code", ["XK", "", "ZZ", "DE;HU"])
def test_iso_country_refuses_non_iso(code: str) -> None:
    assert iso_country(code) is None


@pytest.mark.parametrize(
    ("activity", "name", "kind"),
    [
        ("HES", "", "university"),
        ("REC", "", "research_institute"),
        ("PRC", "", "firm"),
        ("OTH", "", "other"),
        ("", "", "other"),
        ("PUB", "DEPARTMENT FOR THE ECONOMY", "agency"),
        ("PUB", "BELFAST CITY COUNCIL", "council"),
        ("pub", "Sejong Special Self-Governing City", "council"),
        ("PUB", "MEDICAL RESEARCH COUNCIL", "agency"),
    ],
)
def test_cordis_kind(activity: str, name: str, kind: str) -> None:
    assert cordis_kind(activity, name) == kind


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("ATHINA", "Athina"),
        ("STOKE-ON-TRENT", "Stoke-on-Trent"),
        ("KING'S LYNN", "King's Lynn"),
        ("FRANKFURT (ODER)", "Frankfurt (Oder)"),
        ("AIX-EN-PROVENCE", "Aix-en-Provence"),
        ("  BELFAST  ", "Belfast"),
        ("Den Haag", "Den Haag"),  # mixed case: kept
        ("", ""),
    ],
)
def test_normalise_city_name(raw: str, name: str) -> None:
    assert normalise_city_name(raw) == name


def test_dates_and_geolocation() -> None:
    assert parse_cordis_date("2015-01-01") == "2015-01-01"
    assert parse_cordis_date("2015-01-01 00:00:00") == "2015-01-01"
    assert parse_cordis_date("31/12/2016") == "2016-12-31"
    assert parse_cordis_date("2015") is None
    assert parse_geolocation("37.97850802,23.732519058") == (37.97850802, 23.732519058)
    assert parse_geolocation("") is None
    assert parse_geolocation("95,10") is None
    assert parse_geolocation("north,south") is None


def test_pair_ties_merge_dedupe_and_cap_evidence() -> None:
    ties = PairTies("project")
    assert ties.add("b", "a", 0)
    assert not ties.add("a", "b", 0)  # same pair, same project: once
    for i in range(1, 7):
        ties.add("a", "b", i)
    ties.add("a", "c", 3)
    occasions = [
        Occasion(f"20{10 + i}-01-01", f"20{12 + i}-06-30", f"P{i}: t{i}", f"u{i}") for i in range(7)
    ]
    ab, ac = ties.build(occasions, "X project", "X projects")
    assert (ab.source, ab.target, ab.kind) == ("a", "b", "project")
    assert (ab.start, ab.end, ab.weight, ab.source_url) == ("2010-01-01", "2018-06-30", 21.0, "u0")
    assert ab.evidence == "X projects (7): P0: t0; P1: t1; P2: t2; P3: t3; P4: t4; and 2 more"
    assert (ac.weight, ac.evidence, ac.start) == (None, "X project P3: t3", "2013-01-01")
    assert ties.instances == 8 and len(ties) == 2


def test_pair_ties_directed_and_unweighted() -> None:
    ties = PairTies("funding", count_weight=False)
    ties.add("funder", "lab", 0)
    ties.add("lab", "funder", 0)  # the other direction is another tie
    ties.add("funder", "lab", 1)
    occ = [Occasion(None, "2020-01-01", "a", None), Occasion("2021-01-01", None, "b", "u")]
    built = ties.build(occ, "f", "fs")
    assert [(t.source, t.target, t.weight) for t in built] == [
        ("funder", "lab", None),
        ("lab", "funder", None),
    ]
    # the end of one occasion precedes the start of the other: the end is left out
    assert (built[0].start, built[0].end, built[0].source_url) == ("2021-01-01", None, "u")


def test_city_placer_builtin_ambiguous_and_added() -> None:
    placer = CityPlacer()
    assert placer.place("HULL", "GB", None, None) == ("Kingston upon Hull", None)
    # two Newports: the coordinates choose; far from both or none: no guess
    assert placer.place("NEWPORT", "GB", 50.70, -1.29) == ("Newport (Isle of Wight)", None)
    assert placer.place("Newport", "GB", 51.56, -3.02) == ("Newport (Wales)", None)
    assert placer.place("NEWPORT", "GB", None, None)[1] == (
        "ambiguous city name, no coordinates to choose"
    )
    assert placer.place("SMALLVILLE", "FR", None, None) == (
        None,
        "city not in the built-in table, no coordinates",
    )
    a, _ = placer.place("MUNCHEN", "DE", 48.10, 11.50)
    b, _ = placer.place("Munchen", "DE", 48.20, 11.60)
    c, _ = placer.place("München", "DE", 48.30, 11.70)
    # different folded names, one city id: one row
    d, _ = placer.place("Villeneuve d Ascq", "FR", 50.6, 3.1)
    e, _ = placer.place("VILLENEUVE D'ASCQ", "FR", 50.7, 3.2)
    cities = placer.finish()
    assert [(x.name, x.country, x.lat, x.lon) for x in cities] == [
        ("Munchen", "DE", 48.2, 11.6),
        ("Villeneuve d Ascq", "FR", 50.65, 3.15),
    ]
    assert {placer.city_name(r) for r in (a, b, c)} == {"Munchen"}
    assert {placer.city_name(r) for r in (d, e)} == {"Villeneuve d Ascq"}


# ------------------------------------------------------------------------ fixture answers


def test_counts_on_fixture(full) -> None:
    r = full
    assert (r.projects_read, r.projects_kept, r.participations_read) == (5, 5, 23)
    assert r.participations_missing_project == 1  # the row of project 999999
    assert r.participations_kept == 22
    assert (r.organisations, r.ties, r.pair_instances) == (12, 30, 32)
    assert r.projects_with_ties == 4  # EPSILON has one organisation
    assert r.pairs_lost == 5 + 4 + 0 + 5  # ALPHA, BETA, GAMMA, DELTA
    assert (r.cities_builtin, r.cities_added) == (6, 3)
    assert r.capped == [] and not r.skipped


def test_organisations_kinds_cities_countries(full) -> None:
    orgs = {o.id: o for o in full.bundle.organisations}
    expected = {
        QUB: ("university", "Belfast", "GB"),
        KAIST: ("university", "Daejeon", "KR"),
        FHG: ("research_institute", "Munchen", "DE"),
        BCC: ("council", "Belfast", "GB"),
        ACME: ("firm", "Newport (Wales)", "GB"),
        SEJONG: ("council", "Sejong", "KR"),
        UOA: ("university", "Athina", "GR"),
        HULL: ("university", "Kingston upon Hull", "GB"),
        MNDA: ("other", "Northampton", "GB"),
        ICCS: ("research_institute", "Athina", "GR"),
        HARWELL: ("firm", "Harwell", "GB"),
        DFE: ("agency", "Belfast", "GB"),
    }
    assert {k: (o.kind, o.city, o.country) for k, o in orgs.items()} == {
        cid(k): v for k, v in expected.items()
    }
    assert [o.id for o in full.bundle.organisations] == sorted(orgs)
    qub = orgs[cid(QUB)]
    # the most recently updated row (ALPHA, 2023) wins over the older BETA/GAMMA rows
    assert (qub.name, qub.website) == ("THE QUEEN'S UNIVERSITY OF BELFAST", "http://www.qub.ac.uk")
    assert qub.source == "CORDIS H2020, HORIZON"
    assert orgs[cid(ACME)].size == "SME" and orgs[cid(QUB)].size is None
    assert all(not o.synthetic for o in orgs.values())


def test_dropped_organisations_are_reported(full) -> None:
    d = full.dropped
    assert dict(d.by_reason) == {
        "city not in the built-in table, no coordinates": 1,
        "country code 'XK' is not ISO 3166-1": 1,
        "no city": 1,
    }
    assert (
        "NOWHERE LABS SARL (SMALLVILLE, FR)"
        in d.examples["city not in the built-in table, no coordinates"]
    )
    ids = {o.id for o in full.bundle.organisations}
    assert not ids & {cid(NOWHERE), cid(PRISTINA), cid(SOLE)}
    assert all(t.source in ids and t.target in ids for t in full.bundle.ties)


def test_cities_csv_only_for_unknown_geolocated_cities(full) -> None:
    cities = {(c.name, c.country): (c.lat, c.lon) for c in full.bundle.cities}
    assert set(cities) == {("Munchen", "DE"), ("Athina", "GR"), ("Harwell", "GB")}
    # Athina: median of the two organisations there (ATHINA and Athina spellings)
    assert cities[("Athina", "GR")] == (37.983383, 23.731547)
    assert cities[("Harwell", "GB")] == (51.5755, -1.3146)


def test_ties_are_project_pairs_merged_across_projects(full) -> None:
    assert pairs(full) == clique(ALPHA) | clique(BETA) | clique(GAMMA) | clique(DELTA)
    ties = {frozenset((t.source, t.target)): t for t in full.bundle.ties}
    assert all(t.kind == "project" for t in ties.values())
    qub_kaist = ties[frozenset((cid(QUB), cid(KAIST)))]  # ALPHA and BETA
    assert (qub_kaist.start, qub_kaist.end, qub_kaist.weight) == ("2022-09-01", "2026-08-31", 6.0)
    assert qub_kaist.evidence == (
        "CORDIS projects (2): ALPHA: Hydrogen valleys for twinned cities; a test project; "
        "BETA: Smart city data spaces"
    )
    assert qub_kaist.source_url == "https://cordis.europa.eu/project/id/101000001"
    qub_fhg = ties[frozenset((cid(QUB), cid(FHG)))]  # GAMMA (2019) then ALPHA
    assert (qub_fhg.start, qub_fhg.end, qub_fhg.weight) == ("2019-05-01", "2026-08-31", 6.0)
    assert qub_fhg.source_url == "https://cordis.europa.eu/project/id/870001"
    single = ties[frozenset((cid(UOA), cid(ICCS)))]
    assert single.weight is None
    assert single.evidence == "CORDIS project DELTA: Fusion materials network"
    assert [(t.source, t.target) for t in full.bundle.ties] == sorted(
        (t.source, t.target) for t in full.bundle.ties
    )
    assert all(t.source < t.target for t in full.bundle.ties)


def test_without_count_weight_every_tie_has_the_default_weight() -> None:
    r = import_cordis([FIXTURE], count_weight=False)
    assert {t.weight for t in r.bundle.ties} == {None}
    assert r.ties == 30


def test_big_projects_give_coordinator_ties_only() -> None:
    r = import_cordis([FIXTURE], max_partners=5)
    # ALPHA and DELTA list 6 organisations each (one of them dropped later): > 5
    assert {(pid, acr, n) for pid, acr, n in r.capped} == {
        ("101000001", "ALPHA", 6),
        ("870002", "DELTA", 6),
    }
    assert pairs(r) == star(QUB, ALPHA) | clique(BETA) | clique(GAMMA) | star(UOA, DELTA)
    assert r.ties == 4 + 5 + 5 + 4
    assert r.pairs_lost == 1 + 4 + 0 + 1  # NOWHERE–QUB, BETA's drops, SOLE–UOA
    assert any("coordinator–partner ties only" in w for w in r.bundle.warnings)
    assert "projects over --max-partners 5: 2" in r.summary()
    # at the limit itself the project is still a clique
    assert import_cordis([FIXTURE], max_partners=6).capped == []


# ------------------------------------------------------------------------------- filters


def test_filter_framework_programme_and_years() -> None:
    h2020 = import_cordis([FIXTURE], frameworks=["h2020"])
    assert h2020.projects_kept == 2 and h2020.filtered == {"framework": 3}
    assert pairs(h2020) == clique(GAMMA) | clique(DELTA)
    assert h2020.organisations == 8

    cluster = import_cordis([FIXTURE], programmes=["HORIZON.2"])
    assert cluster.projects_kept == 2 and cluster.filtered == {"programme": 3}
    assert pairs(cluster) == clique(ALPHA) | clique(BETA)

    recent = import_cordis([FIXTURE], since=2022)
    assert (recent.projects_kept, recent.organisations, recent.ties) == (2, 7, 15)
    assert recent.filtered == {"start year": 3}

    early = import_cordis([FIXTURE], until=2020)
    assert pairs(early) == clique(GAMMA) | clique(DELTA)

    with pytest.raises(GraphtwinError, match="before --since"):
        import_cordis([FIXTURE], since=2022, until=2020)


def test_filter_countries_keeps_cross_border_partners_or_drops_them() -> None:
    keep = import_cordis([FIXTURE], countries=["KR"])
    assert keep.projects_kept == 2
    assert keep.filtered == {"no organisation in --countries": 3}
    assert pairs(keep) == clique(ALPHA) | clique(BETA)
    assert {o.country for o in keep.bundle.organisations} == {"GB", "KR", "DE", "GR"}

    drop = import_cordis([FIXTURE], countries=["KR"], other_countries="drop")
    assert pairs(drop) == {frozenset((cid(KAIST), cid(SEJONG)))}
    assert drop.dropped.by_reason["outside --countries"] == 6
    assert {o.country for o in drop.bundle.organisations} == {"KR"}

    uk = import_cordis([FIXTURE], countries=["UK", "EL"], other_countries="drop")
    assert {o.country for o in uk.bundle.organisations} == {"GB", "GR"}

    with pytest.raises(GraphtwinError, match="'Korea' is not an ISO 3166-1"):
        import_cordis([FIXTURE], countries=["Korea"])


# --------------------------------------------------------------------- bundle and inputs


def test_written_bundle_validates_and_is_deterministic(full, tmp_path: Path) -> None:
    write_bundle(full.bundle, tmp_path / "a")
    bundle = read_bundle(tmp_path / "a")
    assert len(bundle.organisations) == 12 and len(bundle.ties) == 30
    assert len(bundle.cities) == 9 and bundle.warnings == []
    assert {o.id: o.city for o in bundle.organisations} == {
        o.id: o.city for o in full.bundle.organisations
    }
    # the two files given in the other order, and a second run: the same bytes
    again = import_cordis([FIXTURE / "organization.csv", FIXTURE / "project.csv"])
    write_bundle(again.bundle, tmp_path / "b")
    for name in ("organisations.csv", "ties.csv", "cities.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _zip(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return path


def _split_by_framework(framework: str) -> dict[str, str]:
    """The fixture's rows of one framework programme, in the export layout."""
    with open(FIXTURE / "project.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    keep = [r for r in rows[1:] if r[rows[0].index("frameworkProgramme")] == framework]
    ids = {r[0] for r in keep}
    with open(FIXTURE / "organization.csv", encoding="utf-8", newline="") as fh:
        orows = list(csv.reader(fh, delimiter=";"))
    okeep = [r for r in orows[1:] if r[0] in ids]

    def text(header: list[str], body: list[list[str]]) -> str:
        out = io.StringIO()
        w = csv.writer(out, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(header)
        w.writerows(body)
        return out.getvalue()

    return {
        "csv/project.csv": text(rows[0], keep),
        "csv/organization.csv": text(orows[0], okeep),
        "csv/euroSciVoc.csv": "ignored\n",
    }


def test_reads_export_zips_and_merges_several(full, tmp_path: Path) -> None:
    h2020 = _zip(tmp_path / "cordis-h2020projects-csv.zip", _split_by_framework("H2020"))
    horizon = _zip(tmp_path / "cordis-HORIZONprojects-csv.zip", _split_by_framework("HORIZON"))
    both = import_cordis([h2020, horizon])
    assert pairs(both) == pairs(full)
    assert [o.id for o in both.bundle.organisations] == [o.id for o in full.bundle.organisations]
    assert both.files[0].endswith("cordis-h2020projects-csv.zip!csv/project.csv")
    # a folder of export zips reads the same
    assert pairs(import_cordis([tmp_path])) == pairs(full)


def test_comma_separated_resave_is_read_too(full, tmp_path: Path) -> None:
    for name in ("project.csv", "organization.csv"):
        with open(FIXTURE / name, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh, delimiter=";"))
        with open(tmp_path / name, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)  # Excel-style: commas, minimal quoting, BOM
    assert pairs(import_cordis([tmp_path])) == pairs(full)


def test_progress_reports_each_file() -> None:
    calls: list[tuple[int, int, str]] = []
    import_cordis([FIXTURE], progress=lambda d, t, label: calls.append((d, t, label)))
    finals = {label: (d, t) for d, t, label in calls}
    assert finals["CORDIS project.csv"] == (7, 7)  # header, 5 projects, a 2-line objective
    assert finals["CORDIS organization.csv"] == (24, 24)


# -------------------------------------------------------------------------------- errors


def _copy_fixture(tmp_path: Path) -> Path:
    for name in ("project.csv", "organization.csv"):
        (tmp_path / name).write_bytes((FIXTURE / name).read_bytes())
    return tmp_path


def test_missing_column_is_named_with_file_and_line(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    org = folder / "organization.csv"
    org.write_text(org.read_text(encoding="utf-8").replace('"role"', '"rolle"', 1), "utf-8")
    with pytest.raises(GraphtwinError, match=r"organization\.csv:1: missing column\(s\) role"):
        import_cordis([folder])


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    data = (folder / "organization.csv").read_bytes().replace(b"HANSASTRASSE", b"HANSASTRA\xdfE", 1)
    (folder / "organization.csv").write_bytes(data)
    line = data[: data.index(b"\xdf")].count(b"\n") + 1
    with pytest.raises(GraphtwinError, match=rf"organization\.csv:{line}: not UTF-8"):
        import_cordis([folder])


def test_rows_with_wrong_field_count_are_skipped_and_listed(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    org = folder / "organization.csv"
    org.write_text(org.read_text("utf-8") + '"870002";"DELTA";"1";"broken row"\n', "utf-8")
    r = import_cordis([folder])
    assert r.skipped == [(f"{org}:25", "4 fields where the header has 25")]
    assert r.ties == 30
    assert "rows skipped: 1" in r.summary()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"project.csv": None}, "no CORDIS organization.csv"),
        ({"organization.csv": None}, "no CORDIS project.csv"),
        ({"other.csv": "a;b\n1;2\n"}, r"other\.csv:1: not a CORDIS project\.csv"),
        ({"notes.txt": "x"}, "not a CORDIS file"),
    ],
)
def test_bad_inputs_raise_clear_errors(tmp_path: Path, files: dict, message: str) -> None:
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        if text is None:
            path.write_bytes((FIXTURE / name).read_bytes())
        else:
            path.write_text(text, "utf-8")
        paths.append(path)
    with pytest.raises(GraphtwinError, match=message):
        import_cordis(paths)


def test_more_input_errors(tmp_path: Path) -> None:
    with pytest.raises(GraphtwinError, match="no such file or folder"):
        import_cordis([tmp_path / "missing.zip"])
    bad_zip = tmp_path / "cordis.zip"
    bad_zip.write_bytes(b"not a zip")
    with pytest.raises(GraphtwinError, match="not a readable zip"):
        import_cordis([bad_zip])
    other_zip = _zip(tmp_path / "other.zip", {"readme.txt": "x"})
    with pytest.raises(GraphtwinError, match=r"no project\.csv or organization\.csv inside"):
        import_cordis([other_zip])
    with pytest.raises(GraphtwinError, match="at least 2"):
        import_cordis([FIXTURE], max_partners=1)


# ----------------------------------------------------------------------------------- CLI


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_import_cordis(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    r = run("import", "cordis", FIXTURE, "-o", out, "--max-partners", "5", "--countries", "KR")
    assert r.returncode == 0, r.stderr
    assert "kept 2 (filtered out: no organisation in --countries 3)" in r.stdout
    assert "projects over --max-partners 5: 1 gave coordinator–partner ties only: ALPHA (6)" in (
        r.stdout
    )
    assert "(validated)" in r.stderr
    with open(out / "ties.csv", encoding="utf-8", newline="") as fh:
        ties = {frozenset((t["source"], t["target"])) for t in csv.DictReader(fh)}
    assert ties == star(QUB, ALPHA) | clique(BETA)
    # an existing bundle is not overwritten without --force; bad input is one error line
    again = run("import", "cordis", FIXTURE, "-o", out)
    assert again.returncode == 1 and "already holds a bundle" in again.stderr
    bad = run("import", "cordis", FIXTURE / "project.csv", "-o", tmp_path / "x")
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "error: no CORDIS organization.csv among the inputs; give the export .zip or both "
        "project.csv and organization.csv"
    )
