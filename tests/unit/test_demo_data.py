"""The shipped UK–Korea Innovation Twins demo bundle: sourced, consistent, and loadable.

These tests read the package data through ``demo_bundle_path()`` and compare it with the
real ROR and GeoNames files in tests/data/real, so a hand edit that breaks a reference,
drops a source or invents a ROR field fails here.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graphtwin.ingest.demo import DEMO_FILES, DEMO_NAME, demo_bundle_path
from graphtwin.model import ORG_KINDS, TIE_KINDS

#: ROR locations that are not cities, and the city the demo uses instead (SOURCES.md).
ROR_CITY_OVERRIDES = {"County Londonderry": "Derry"}
DATE = re.compile(r"^\d{4}(-\d{2}-\d{2})?$")


def _rows(name: str) -> list[dict[str, str]]:
    with open(demo_bundle_path() / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def orgs() -> list[dict[str, str]]:
    return _rows("organisations.csv")


@pytest.fixture(scope="module")
def ties() -> list[dict[str, str]]:
    return _rows("ties.csv")


@pytest.fixture(scope="module")
def by_id(orgs) -> dict[str, dict[str, str]]:
    return {o["id"]: o for o in orgs}


def test_demo_bundle_path_holds_every_file():
    folder = demo_bundle_path()
    assert isinstance(folder, Path)
    assert DEMO_NAME
    for name in DEMO_FILES:
        assert (folder / name).is_file(), name


def test_organisation_ids_unique_and_kinds_known(orgs):
    ids = Counter(o["id"] for o in orgs)
    assert [i for i, n in ids.items() if n > 1] == []
    assert {o["kind"] for o in orgs} <= set(ORG_KINDS)
    assert {o["country"] for o in orgs} == {"GB", "KR"}


def test_every_tie_has_evidence_and_source(ties):
    assert ties, "the demo has ties"
    for i, t in enumerate(ties, start=2):
        assert t["evidence"].strip(), f"ties.csv:{i}: no evidence"
        assert t["source_url"].strip(), f"ties.csv:{i}: no source_url"


def _is_public_page(url: str) -> bool:
    """An absolute http(s) address of a page, not only a site's home page."""
    parts = urlsplit(url)
    return (
        parts.scheme in ("http", "https")
        and "." in parts.netloc
        and (parts.path.strip("/") != "" or parts.query != "")
        and " " not in url
    )


#: What a citation of a local file looks like (the copies the facts were taken from).
LOCAL_FILE = re.compile(r"context:|twinning-facts|\.txt\b|\.md\b|file:|^/|^\.", re.IGNORECASE)


def test_every_tie_cites_a_public_page_not_a_local_file(ties):
    for i, t in enumerate(ties, start=2):
        url = t["source_url"]
        assert _is_public_page(url), f"ties.csv:{i}: source_url {url!r} is not a public page"
        assert not LOCAL_FILE.search(url), f"ties.csv:{i}: source_url names a local file"
        assert not LOCAL_FILE.search(t["evidence"]), f"ties.csv:{i}: evidence names a local file"


def test_public_page_check_rejects_local_and_home_page_citations():
    assert _is_public_page("https://minutes.belfastcity.gov.uk/mgAi.aspx?ID=65918")
    assert _is_public_page("https://ror.org/03hab3x36")
    for bad in (
        "context:001_1294d4b215bcc5ed.txt (Belfast City Council minutes)",
        "twinning-facts.md (no source named for this statement)",
        "https://www.sjsori.com",
        "https://smartcity.go.kr/",
        "file:///work/shared/context/000.txt",
    ):
        assert not (_is_public_page(bad) and not LOCAL_FILE.search(bad)), bad


def test_every_organisation_source_cites_a_public_page(orgs):
    for i, o in enumerate(orgs, start=2):
        urls = [w.rstrip(";") for w in o["source"].split() if w.startswith("http")]
        assert urls, f"organisations.csv:{i}: source {o['source']!r} cites no page"
        assert all(_is_public_page(u) for u in urls), f"organisations.csv:{i}: {urls}"
        assert not LOCAL_FILE.search(o["source"]), f"organisations.csv:{i}: local file"


def test_sources_md_links_every_cited_page(ties, orgs):
    text = (demo_bundle_path() / "SOURCES.md").read_text(encoding="utf-8")
    cited = {t["source_url"] for t in ties}
    cited |= {w.rstrip(";") for o in orgs for w in o["source"].split() if w.startswith("http")}
    assert [u for u in sorted(cited) if f"]({u})" not in text] == []


def test_every_tie_endpoint_exists_and_kind_is_canonical(ties, by_id):
    for i, t in enumerate(ties, start=2):
        assert t["source"] in by_id, f"ties.csv:{i}: unknown source {t['source']}"
        assert t["target"] in by_id, f"ties.csv:{i}: unknown target {t['target']}"
        assert t["source"] != t["target"], f"ties.csv:{i}: self-tie"
        assert t["kind"] in TIE_KINDS, f"ties.csv:{i}: kind {t['kind']}"


def test_no_pair_and_kind_twice(ties):
    """The loader would merge such rows with a warning: the demo must load cleanly."""
    keys = []
    for t in ties:
        ends = (t["source"], t["target"])
        keys.append((t["kind"], ends if TIE_KINDS[t["kind"]].directed else tuple(sorted(ends))))
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_no_invented_weights_and_dates_well_formed(ties):
    for i, t in enumerate(ties, start=2):
        assert t["weight"] == "", f"ties.csv:{i}: weights come from the tie kind"
        for col in ("start", "end"):
            assert t[col] == "" or DATE.match(t[col]), f"ties.csv:{i}: {col} {t[col]}"
        if t["start"] and t["end"]:
            assert t["end"][:4] >= t["start"][:4], f"ties.csv:{i}: end before start"


def test_ror_ids_match_the_ror_records(orgs, shared_data):
    with open(shared_data / "ror_twinning_subset.csv", encoding="utf-8", newline="") as fh:
        ror = {r["ror_id"]: r for r in csv.DictReader(fh)}
    with_ror = [o for o in orgs if o["ror_id"]]
    # every ROR record of the facts is in the demo, once
    assert sorted(o["ror_id"] for o in with_ror) == sorted(ror)
    for o in with_ror:
        rec = ror[o["ror_id"]]
        assert o["country"] == rec["country_code"], o["id"]
        assert o["city"] == ROR_CITY_OVERRIDES.get(rec["city"], rec["city"]), o["id"]
        assert o["founded"] == rec["established"], o["id"]
        assert o["website"] == rec["website"], o["id"]
    # organisations without a ROR record carry no ROR-only fields
    for o in orgs:
        if not o["ror_id"]:
            assert (o["founded"], o["website"]) == ("", ""), o["id"]


def test_korea_university_sejong_campus_has_no_ror_id(by_id):
    campus = by_id["korea-university-sejong"]
    assert (campus["city"], campus["ror_id"]) == ("Sejong", "")
    assert by_id["korea-university"]["city"] == "Seoul"


def test_nothing_is_synthetic_and_every_row_has_a_source(orgs):
    assert {o["synthetic"] for o in orgs} == {"false"}
    assert all(o["source"].strip() for o in orgs)


def test_twin_cities_present_with_their_governments(by_id):
    cities = {o["city"] for o in by_id.values()}
    assert {"Belfast", "Sejong", "Liverpool", "Busan"} <= cities
    assert by_id["belfast-city-council"]["city"] == "Belfast"
    assert by_id["sejong-city"]["city"] == "Sejong"
    assert by_id["lcrca"]["city"] == "Liverpool"
    assert by_id["busan-city"]["city"] == "Busan"


def test_belfast_and_sejong_are_tied(ties, by_id):
    pairs = {frozenset((by_id[t["source"]]["city"], by_id[t["target"]]["city"])) for t in ties}
    assert frozenset(("Belfast", "Sejong")) in pairs
    assert frozenset(("Liverpool", "Busan")) in pairs


def test_friendship_agreement_known_answer(ties):
    """F14: Belfast City Council and Sejong City, 7 August 2023."""
    rows = [t for t in ties if t["kind"] == "friendship"]
    assert len(rows) == 1
    t = rows[0]
    assert {t["source"], t["target"]} == {"belfast-city-council", "sejong-city"}
    assert t["start"] == "2023-08-07"
    assert "smartcity.go.kr" in t["source_url"]


def test_cities_resolve_uniquely_in_geonames(orgs, shared_data):
    """No cities.csv is shipped: every city must be one unambiguous GeoNames place."""
    with open(shared_data / "cities_gb_kr_geonames15000.csv", encoding="utf-8") as fh:
        names = Counter((r["name"], r["countrycode"]) for r in csv.DictReader(fh))
    for o in orgs:
        assert names[(o["city"], o["country"])] == 1, (o["id"], o["city"])
    assert not (demo_bundle_path() / "cities.csv").exists()


def test_sectors_referenced_exist(orgs):
    sector_ids = {s["id"] for s in _rows("sectors.csv")}
    used = {s for o in orgs for s in o["sectors"].split(";") if s}
    assert used <= sector_ids
    bcc = {o["id"]: o for o in orgs}["belfast-city-council"]["sectors"].split(";")
    assert {"smart-cities", "cyber-security", "fintech", "medtech", "regtech"} <= set(bcc)


def test_sources_md_documents_every_organisation_and_tie(orgs, ties):
    text = (demo_bundle_path() / "SOURCES.md").read_text(encoding="utf-8")
    for o in orgs:
        assert f"`{o['id']}`" in text, o["id"]
    for t in ties:
        row = f"| `{t['source']}` | `{t['target']}` | {t['kind']} |"
        assert row in text, row
    assert "CC0" in text and "CC BY 4.0" in text


def test_read_bundle_validates_the_demo(orgs, ties):
    from graphtwin.ingest import read_bundle

    bundle = read_bundle(demo_bundle_path())
    assert len(bundle.organisations) == len(orgs)
    assert len(bundle.ties) == len(ties)
    assert bundle.warnings == []
    assert not any(o.synthetic for o in bundle.organisations)
