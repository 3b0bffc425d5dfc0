"""GtR importer: records, kinds, countries, lead–partner and funding ties, filters, errors.

The fixture tests/data/gtr/ holds hand-made GtR-2 API responses (projects, organisations,
funds pages and one single organisation record; see its README.md). The expected
answers are worked out by hand from those records.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graphtwin.errors import GraphtwinError
from graphtwin.ingest import read_bundle
from graphtwin.ingest.gtr import gtr_country, gtr_date, gtr_kind, import_gtr
from graphtwin.ingest.writer import write_bundle

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "gtr"
GRAPHTWIN = str(Path(sys.executable).with_name("graphtwin"))


def oid(n: int) -> str:
    return f"gtr-0C0D3F14-1A2B-4C5D-8E9F-{n:012d}"


QUB, KAIST, BCC, ACME, INNOVATE, EPSRC, HULL, FHG, UNKNOWN, UNRELATED = (
    oid(i) for i in range(1, 11)
)

ALL_TIES = {
    (QUB, KAIST, "project"),  # EP/X000001/1: lead QUB, COLLAB_ORG KAIST
    (QUB, BCC, "project"),  # ... PP_ORG Belfast City Council
    (QUB, ACME, "project"),  # 10012345: lead Acme, PARTICIPANT_ORG QUB
    (QUB, HULL, "project"),  # EP/M000003/1: lead Hull, PP_ORG QUB
    (EPSRC, QUB, "funding"),  # funds 1 and 3
    (INNOVATE, ACME, "funding"),  # fund 2
    (EPSRC, HULL, "funding"),  # fund 4
    (BCC, QUB, "funding"),  # COFUND_ORG of EP/Y000002/1
}


def tie_set(result) -> set[tuple[str, str, str]]:
    out = set()
    for t in result.bundle.ties:
        a, b = (t.source, t.target) if t.kind == "funding" else sorted((t.source, t.target))
        out.add((a, b, t.kind))
    return out


def norm(ties: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    return {(a, b, k) if k == "funding" else (*sorted((a, b)), k) for a, b, k in ties}


@pytest.fixture(scope="module")
def full():
    return import_gtr([FIXTURE])


# ------------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("Queen's University of Belfast", "university"),
        ("Imperial College London", "university"),
        ("Korea Advanced Institute of Science and Technology", "university"),
        ("Belfast City Council", "council"),
        ("Greater London Authority", "council"),
        ("Engineering and Physical Sciences Research Council", "agency"),
        ("Innovate UK", "agency"),
        ("Department for Science, Innovation and Technology", "agency"),
        ("UK Atomic Energy Authority", "agency"),
        ("Belfast Health and Social Care Trust", "hospital"),
        ("Guy's and St Thomas' NHS Foundation Trust", "hospital"),
        ("Offshore Renewable Energy Catapult", "catapult"),
        ("British Geological Survey", "research_institute"),
        ("The Alan Turing Institute", "research_institute"),
        ("Rolls-Royce Plc", "firm"),
        ("Acme Hydrogen Ltd", "firm"),
        ("Siemens AG", "firm"),
        ("Wellcome Trust", "nonprofit"),
        ("Royal Society", "nonprofit"),
        ("Unilever", "other"),
    ],
)
def test_gtr_kind(name: str, kind: str) -> None:
    assert gtr_kind(name) == kind


@pytest.mark.parametrize(
    ("country", "region", "iso"),
    [
        ("United Kingdom", "", "GB"),
        ("Korea, Republic of", "Outside UK", "KR"),
        ("South Korea", "", "KR"),
        ("Germany", "Outside UK", "DE"),
        ("de", "", "DE"),
        ("", "Scotland", "GB"),
        ("", "Yorkshire and The Humber", "GB"),
        ("", "Outside UK", None),
        ("", "Unknown", None),
        ("Atlantis", "", None),
    ],
)
def test_gtr_country(country: str, region: str, iso: str | None) -> None:
    assert gtr_country(country, region) == iso


def test_gtr_date_is_the_uk_calendar_date() -> None:
    assert gtr_date(1633042800000) == "2021-10-01"  # 23:00 UTC in summer time
    assert gtr_date(1288569600000) == "2010-11-01"  # midnight UTC in winter
    assert gtr_date("1633042800000") == "2021-10-01"
    assert gtr_date("2020-09-01T00:00:00Z") == "2020-09-01"
    assert gtr_date(None) is None and gtr_date(True) is None and gtr_date("n/a") is None


# ------------------------------------------------------------------------ fixture answers


def test_counts_on_fixture(full) -> None:
    r = full
    assert (r.projects_read, r.organisations_read, r.funds_read) == (4, 9, 4)
    assert (r.projects_kept, r.organisations, r.organisations_unused) == (4, 7, 1)
    assert (r.project_ties, r.project_pairs, r.funding_ties, r.funding_links) == (4, 4, 4, 5)
    assert r.pairs_lost == 2  # Acme–unknown organisation, QUB–Fraunhofer
    assert (r.funds_missing, r.funders_not_organisations, r.projects_without_lead) == (0, 0, 0)
    assert r.skipped == [] and r.duplicates == 0
    assert len(r.files) == 4


def test_organisations(full) -> None:
    orgs = {o.id: (o.kind, o.city, o.country) for o in full.bundle.organisations}
    assert orgs == {
        QUB: ("university", "Belfast", "GB"),
        KAIST: ("university", "Daejeon", "KR"),
        BCC: ("council", "Belfast", "GB"),  # no country, region Northern Ireland; BELFAST
        ACME: ("firm", "Cardiff", "GB"),  # no city field: address line 3
        INNOVATE: ("agency", "Swindon", "GB"),
        EPSRC: ("agency", "Swindon", "GB"),  # a single-record file
        HULL: ("university", "Kingston upon Hull", "GB"),  # line 4 "Hull"
    }
    assert [o.id for o in full.bundle.organisations] == sorted(orgs)
    qub = next(o for o in full.bundle.organisations if o.id == QUB)
    assert (qub.name, qub.website, qub.source) == (
        "Queen's University of Belfast",
        "http://www.qub.ac.uk",
        "GtR",
    )
    assert full.bundle.cities == []  # GtR has no coordinates: nothing is added


def test_dropped_organisations(full) -> None:
    assert dict(full.dropped.by_reason) == {
        "city not in the built-in table, no coordinates (GtR gives none)": 1,
        "no organisation record in the input": 1,
    }
    assert full.dropped.examples["no organisation record in the input"] == [UNKNOWN[4:]]
    ids = {o.id for o in full.bundle.organisations}
    assert FHG not in ids and UNKNOWN not in ids and UNRELATED not in ids


def test_ties_lead_partner_and_funding(full) -> None:
    assert tie_set(full) == norm(ALL_TIES)
    ties = {(t.source, t.target, t.kind): t for t in full.bundle.ties}
    epsrc_qub = ties[(EPSRC, QUB, "funding")]
    assert (epsrc_qub.start, epsrc_qub.end, epsrc_qub.weight) == ("2021-10-01", "2025-12-31", 5.0)
    assert epsrc_qub.evidence == (
        "GtR funding of projects (2): EP/X000001/1: Hydrogen twin cities (£450,000); "
        "EP/Y000002/1: Fusion materials exchange (£600,000)"
    )
    assert epsrc_qub.source_url == "https://gtr.ukri.org/projects?ref=EP%2FX000001%2F1"
    hull = ties[(QUB, HULL, "project")]
    assert (hull.start, hull.end, hull.weight) == ("2015-04-01", "2018-03-31", None)
    assert hull.evidence == "GtR project EP/M000003/1: Marine energy test beds"
    cofund = ties[(BCC, QUB, "funding")]
    assert cofund.evidence == "GtR funding of EP/Y000002/1: Fusion materials exchange (co-funder)"
    # partners of one lead are not tied to each other: KAIST and BCC share only a lead
    assert not any({t.source, t.target} == {KAIST, BCC} for t in full.bundle.ties)
    assert [(t.source, t.target, t.kind) for t in full.bundle.ties] == sorted(ties)


def test_no_count_weight() -> None:
    r = import_gtr([FIXTURE], count_weight=False)
    assert {t.weight for t in r.bundle.ties} == {None}


# ------------------------------------------------------------------------------- filters


def test_filters() -> None:
    iuk = import_gtr([FIXTURE], funders=["innovate uk"])
    assert iuk.projects_kept == 1 and iuk.filtered == {"lead funder": 3}
    assert tie_set(iuk) == norm({(QUB, ACME, "project"), (INNOVATE, ACME, "funding")})

    recent = import_gtr([FIXTURE], since=2020)
    assert recent.filtered == {"start year": 1}
    assert tie_set(recent) == norm(ALL_TIES - {(QUB, HULL, "project"), (EPSRC, HULL, "funding")})
    old = import_gtr([FIXTURE], until=2016)
    assert tie_set(old) == norm({(QUB, HULL, "project"), (EPSRC, HULL, "funding")})

    korea = import_gtr([FIXTURE], countries=["KR"])
    assert korea.projects_kept == 1
    assert korea.filtered == {"no lead or partner in --countries": 3}
    assert tie_set(korea) == norm(
        {(QUB, KAIST, "project"), (QUB, BCC, "project"), (EPSRC, QUB, "funding")}
    )
    only_kr = import_gtr([FIXTURE], countries=["KR"], other_countries="drop")
    assert [o.id for o in only_kr.bundle.organisations] == [KAIST]
    assert only_kr.bundle.ties == []


# --------------------------------------------------------------------- bundle and inputs


def test_written_bundle_validates_and_is_deterministic(full, tmp_path: Path) -> None:
    write_bundle(full.bundle, tmp_path / "a")
    bundle = read_bundle(tmp_path / "a")
    assert len(bundle.organisations) == 7 and len(bundle.ties) == 8
    assert bundle.warnings == []
    assert {c.name for c in bundle.cities} == {
        "Belfast",
        "Daejeon",
        "Cardiff",
        "Swindon",
        "Kingston upon Hull",
    }
    files = sorted(FIXTURE.glob("*.json"), reverse=True)  # other order, same bundle
    write_bundle(import_gtr(files).bundle, tmp_path / "b")
    for name in ("organisations.csv", "ties.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_record_lists_single_records_and_duplicates(full, tmp_path: Path) -> None:
    projects = json.loads((FIXTURE / "projects.json").read_text("utf-8"))["project"]
    (tmp_path / "projects-list.json").write_text(json.dumps(projects), "utf-8")
    (tmp_path / "project-1.json").write_text(json.dumps(projects[0]), "utf-8")  # again
    for name in ("organisations.json", "funds.json", "organisation-epsrc.json"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    (tmp_path / "persons.json").write_text(
        json.dumps({"person": [{"id": "P1", "href": "http://gtr.ukri.org/gtr/api/persons/P1"}]}),
        "utf-8",
    )
    r = import_gtr([tmp_path])
    assert tie_set(r) == tie_set(full)
    assert r.duplicates == 1
    assert r.skipped == [
        (str(tmp_path / "persons.json"), "not a GtR project, organisation or fund record")
    ]


def test_without_fund_records_only_cofunders_fund(tmp_path: Path) -> None:
    for name in ("projects.json", "organisations.json", "organisation-epsrc.json"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    r = import_gtr([tmp_path])
    assert r.funds_missing == 4
    assert {(t.source, t.target) for t in r.bundle.ties if t.kind == "funding"} == {(BCC, QUB)}
    # EPSRC is then linked to no kept project: not an organisation of the bundle
    assert EPSRC not in {o.id for o in r.bundle.organisations}
    assert "FUND links without a funding tie: 4 fund records not in the input" in r.summary()


def test_lead_without_record_leaves_partners_untied(tmp_path: Path) -> None:
    shutil.copy(FIXTURE / "projects.json", tmp_path / "projects.json")
    orgs = json.loads((FIXTURE / "organisations.json").read_text("utf-8"))
    orgs["organisation"] = [o for o in orgs["organisation"] if o["name"] != "University of Hull"]
    (tmp_path / "organisations.json").write_text(json.dumps(orgs), "utf-8")
    r = import_gtr([tmp_path])
    assert r.projects_without_lead == 1  # EP/M000003/1: Hull led, QUB partner
    assert (QUB, HULL, "project") not in tie_set(r)


def test_progress_counts_files() -> None:
    calls: list[tuple[int, int, str]] = []
    import_gtr([FIXTURE], progress=lambda d, t, label: calls.append((d, t, label)))
    assert calls == [(i, 4, "GtR files") for i in range(1, 5)]


# -------------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"project": [\n  {"id": "x",}\n]}', r"bad\.json:2: invalid JSON"),
        (b'{"name": "Caf\xe9"}', r"bad\.json: not UTF-8 \(byte 13\)"),
        (b'{"projectOverview": {}}', "older GtR API"),
        (b"42", "not a GtR-2 API response"),
        (b'{"organisation": []}', "no GtR project records"),
    ],
)
def test_bad_files_raise_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(GraphtwinError, match=message):
        import_gtr([tmp_path / "bad.json"])


def test_bad_paths_and_options(tmp_path: Path) -> None:
    with pytest.raises(GraphtwinError, match="no such file or folder"):
        import_gtr([tmp_path / "nothing.json"])
    with pytest.raises(GraphtwinError, match=r"no \.json or \.csv files"):
        import_gtr([tmp_path])
    (tmp_path / "projects.csv").write_text("ProjectReference\n", "utf-8")
    with pytest.raises(GraphtwinError, match=r"projects\.csv:1: not a GtR project export; missing"):
        import_gtr([tmp_path / "projects.csv"])
    with pytest.raises(GraphtwinError, match="not an ISO 3166-1"):
        import_gtr([FIXTURE], countries=["Wakanda"])
    with pytest.raises(GraphtwinError, match="before --since"):
        import_gtr([FIXTURE], since=2024, until=2020)


# ----------------------------------------------------------------------------------- CLI


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GRAPHTWIN, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_import_gtr(tmp_path: Path) -> None:
    out = tmp_path / "bundle"
    r = run("import", "gtr", FIXTURE, "-o", out, "--funder", "EPSRC", "--funder", "Innovate UK")
    assert r.returncode == 0, r.stderr
    assert "GtR records read: 4 projects, 9 organisations, 4 funds from 4 file(s)" in r.stdout
    assert "ties: 4 project ties (lead–partner)" in r.stdout
    assert "(validated)" in r.stderr
    with open(out / "ties.csv", encoding="utf-8", newline="") as fh:
        written = {(t["source"], t["target"], t["kind"]) for t in csv.DictReader(fh)}
    assert norm(written) == norm(ALL_TIES)
    bad = run("import", "gtr", tmp_path / "missing", "-o", tmp_path / "x")
    assert bad.returncode == 1
    assert bad.stderr.strip() == f"error: {tmp_path / 'missing'}: no such file or folder"


# ---------------------------------------------------------------------------- website CSV

CSV_EXPORT = Path(__file__).resolve().parents[1] / "data" / "gtr_csv"
ORG = "0C0D3F14-1A2B-4C5D-8E9F-0000000000"


def test_website_csv_alone_places_only_london() -> None:
    r = import_gtr([CSV_EXPORT])
    assert r.projects_read == 5
    # The export names regions, not cities: only the London-led project's lead is placed.
    assert [o.name for o in r.bundle.organisations] == ["Imperial College London"]
    assert r.bundle.ties == []
    assert "no address field names a city of the built-in table: 5" in r.summary()


def test_website_csv_with_api_organisations() -> None:
    r = import_gtr(
        [CSV_EXPORT, FIXTURE / "organisations.json", FIXTURE / "organisation-epsrc.json"]
    )
    ties = sorted((t.source, t.target, t.kind, t.start, t.end) for t in r.bundle.ties)
    assert ties == [
        (f"gtr-{ORG}05", f"gtr-{ORG}04", "funding", "2022-04-01", "2023-03-31"),  # Innovate UK
        (f"gtr-{ORG}06", f"gtr-{ORG}01", "funding", "2021-10-01", "2025-12-31"),  # EPSRC-QUB x2
        (f"gtr-{ORG}06", f"gtr-{ORG}07", "funding", "2015-04-01", "2018-03-31"),  # EPSRC-Hull
        (f"gtr-{ORG}06", f"gtr-{ORG}99", "funding", "2024-05-01", "2027-04-30"),  # EPSRC-Imperial
    ]
    epsrc_qub = next(t for t in r.bundle.ties if t.target == f"gtr-{ORG}01")
    assert epsrc_qub.weight == 2 * 2.5  # two projects
    # API records win over the rows made from the CSV (their address places QUB).
    qub = next(o for o in r.bundle.organisations if o.id == f"gtr-{ORG}01")
    assert qub.city == "Belfast"
    assert import_gtr([CSV_EXPORT], funders=["Innovate UK"]).projects_kept == 1


def test_website_csv_bad_date(tmp_path: Path) -> None:
    text = (CSV_EXPORT / "projectsearch_layout_from_published_columns.csv").read_text("utf-8-sig")
    bad = tmp_path / "projectsearch-1.csv"
    bad.write_text(text.replace("01/04/2022", "2022/04/31"), "utf-8")
    with pytest.raises(GraphtwinError, match=r"projectsearch-1\.csv:3: StartDate '2022/04/31'"):
        import_gtr([bad])
