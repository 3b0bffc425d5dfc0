"""ROR importer: kinds, ties and their directions, dedup, drops, cities, on the real files."""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.cities import fold
from graphtwin.ingest.ror import import_ror, is_local_government, ror_kind, short_ror_id
from graphtwin.ingest.writer import write_bundle
from graphtwin.model import ORG_KINDS, TIE_KINDS

# ---------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(
    ("types", "name", "kind"),
    [
        (["education"], "", "university"),
        (["education", "funder"], "", "university"),
        (["Education"], "", "university"),  # schema 1 capitalises types
        (["facility"], "", "research_institute"),
        (["facility", "funder"], "", "research_institute"),
        (["company"], "", "firm"),
        (["company", "funder"], "", "firm"),
        (["healthcare"], "", "hospital"),
        (["funder", "government", "healthcare"], "", "hospital"),
        (["nonprofit"], "", "nonprofit"),
        (["funder", "nonprofit"], "", "nonprofit"),
        (["government"], "Health Research Authority", "agency"),
        (["Government"], "Belfast City Council", "council"),
        (["government"], "London Borough of Camden", "council"),
        (["government"], "Royal Borough of Kingston upon Thames", "council"),
        (["government"], "Perth and Kinross Council", "council"),
        (["government"], "Seoul Metropolitan Government", "council"),
        (["government"], "Greater London Authority", "council"),
        (["funder", "government"], "Medical Research Council", "agency"),
        (["Government"], "Science and Technology Facilities Council", "agency"),
        (["government"], "General Medical Council", "agency"),
        (["funder"], "", "agency"),
        (["funder", "other"], "", "other"),
        (["archive"], "", "other"),
        (["archive", "funder"], "", "other"),
        (["other"], "", "other"),
        ([], "", "other"),
    ],
)
def test_ror_kind(types: list[str], name: str, kind: str) -> None:
    assert ror_kind(types, name) == kind


def test_local_government_names() -> None:
    assert is_local_government("Stoke-on-Trent City Council")
    assert is_local_government("Leicestershire County Council")
    assert not is_local_government("Council for the Central Laboratory of the Research Councils")
    assert not is_local_government("National Research Council of Science and Technology")


def test_short_ror_id() -> None:
    assert short_ror_id("https://ror.org/00hswnk62") == "00hswnk62"
    assert short_ror_id("00hswnk62") == "00hswnk62"
    assert short_ror_id(" http://ror.org/00hswnk62/ ") == "00hswnk62"


# ---------------------------------------------------------------------------- CSV layout


@pytest.fixture(scope="module")
def gb_kr(shared_data: Path):
    return import_ror([shared_data / "ror_gb_kr_from_ror_records.csv"], include_inactive=True)


def test_inactive_and_withdrawn_dropped_by_default(gb_kr, shared_data: Path) -> None:
    with open(shared_data / "ror_gb_kr_from_ror_records.csv", encoding="utf-8") as fh:
        statuses = Counter(row["status"] for row in csv.DictReader(fh))
    inactive = statuses["inactive"] + statuses["withdrawn"]
    assert inactive > 200  # the issue counted 231 + a few
    r = import_ror([shared_data / "ror_gb_kr_from_ror_records.csv"])
    assert r.organisations == 2966 - inactive
    assert dict(r.inactive) == {
        "inactive": statuses["inactive"],
        "withdrawn": statuses["withdrawn"],
    }
    assert "dropped (--include-inactive keeps them)" in r.summary()
    kept_ids = {o.id for o in r.bundle.organisations}
    assert all(t.source in kept_ids and t.target in kept_ids for t in r.bundle.ties)
    # Kept on request, and flagged in their source.
    flagged = [
        o for o in gb_kr.bundle.organisations if o.source.endswith(("[inactive]", "[withdrawn]"))
    ]
    assert len(flagged) == inactive


def test_csv_counts_on_real_files(gb_kr, shared_data: Path) -> None:
    r = gb_kr
    assert r.records_read == 2966
    assert r.organisations == 2966
    assert r.skipped == []
    # The relationships file is found beside the organisations file.
    assert shared_data / "ror_relationships_gb_kr.csv" in r.files
    assert r.relationship_entries == 3032
    # The data README: 1,978 of the 3,032 relationships have both ends in the subset.
    assert r.dropped_missing_end == 3032 - 1978
    # Distinct ties after merging the two views of each relationship (computed by hand
    # from ror_relationships_gb_kr.csv: of the 1,978 rows with both ends present, 905
    # are the second view of a relationship already read: a `child` row on the parent
    # and a `parent` row on the child give one PART_OF tie; a `related` row on each side
    # gives one RELATED_TO tie; a `successor` row on the old record and a `predecessor`
    # row on the new one give one SUCCEEDS tie): 1,978 - 905 = 1,073.
    assert r.ties == 1073
    assert r.merged == 905
    assert Counter(t.kind for t in r.bundle.ties) == {
        "parent": 735,
        "related": 238,
        "successor": 100,
    }


def test_csv_ties_recounted_independently(gb_kr, shared_data: Path) -> None:
    """Recount the distinct ties straight from the CSV, by pair and family."""
    ids = set()
    with open(shared_data / "ror_gb_kr_from_ror_records.csv", encoding="utf-8") as fh:
        ids = {row["ror_id"] for row in csv.DictReader(fh)}
    families = {"parent": "part", "child": "part", "related": "rel"}
    pairs: set[tuple[str, frozenset[str]]] = set()
    with open(shared_data / "ror_relationships_gb_kr.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["target_ror_id"] in ids:
                family = families.get(row["type"], "succ")
                pairs.add((family, frozenset((row["source_ror_id"], row["target_ror_id"]))))
    # Unordered pairs per family equal directed ties: no pair is both parent and child
    # of each other, nor successor of each other, in this subset.
    assert len(pairs) == gb_kr.ties


def test_csv_tie_directions(gb_kr) -> None:
    ties = {(t.source, t.target, t.kind) for t in gb_kr.bundle.ties}
    names = {o.name: o.id for o in gb_kr.bundle.organisations}
    # child on UKRI's record and parent on Innovate UK's: Innovate UK is part of UKRI.
    assert (names["Innovate UK"], names["UK Research and Innovation"], "parent") in ties
    assert (names["UK Research and Innovation"], names["Innovate UK"], "parent") not in ties
    # successor on Cambridge Quantum Computing's record: Quantinuum succeeds it.
    new, old = (
        names["Quantinuum (United Kingdom)"],
        names["Cambridge Quantum Computing (United Kingdom)"],
    )
    assert (new, old, "successor") in ties
    assert (old, new, "successor") not in ties
    for t in gb_kr.bundle.ties:
        assert t.kind in TIE_KINDS and t.source != t.target
        if t.kind == "related":
            assert t.source < t.target  # undirected: stored once, in id order
    assert len(ties) == len(gb_kr.bundle.ties)


def test_csv_organisation_fields(gb_kr) -> None:
    orgs = {o.id: o for o in gb_kr.bundle.organisations}
    aker = orgs["02hw13769"]
    assert aker.name == "Aker Solutions (United Kingdom)"
    assert aker.ror_id == "https://ror.org/02hw13769"
    assert (aker.kind, aker.city, aker.country) == ("firm", "Aberdeen", "GB")
    assert aker.source == "ROR v1.16 (schema 1.x) [inactive]"  # flagged: kept on request
    assert aker.website == "https://akersolutions.com/"
    anchor = orgs["02gypd510"]
    assert (anchor.kind, anchor.founded) == ("nonprofit", 1996)
    assert {o.kind for o in orgs.values()} <= set(ORG_KINDS)
    assert not any(o.synthetic for o in orgs.values())
    councils = sorted(o.name for o in orgs.values() if o.kind == "council")
    assert "Belfast City Council" in councils and "Seoul Metropolitan Government" in councils
    assert "Medical Research Council" not in councils


def test_csv_cities_unambiguous_with_ror_coordinates(gb_kr) -> None:
    cities = {(c.name, c.country): c for c in gb_kr.bundle.cities}
    used = {(o.city, o.country) for o in gb_kr.bundle.organisations}
    assert used == set(cities)
    keys = Counter((fold(c.name), c.country) for c in gb_kr.bundle.cities)
    assert max(keys.values()) == 1
    aberdeen = cities["Aberdeen", "GB"]
    assert (aberdeen.lat, aberdeen.lon, aberdeen.region) == (57.14369, -2.09814, "Scotland")
    # Two different Harwells (Oxfordshire, Nottinghamshire) and Gillinghams share a name.
    harwell = [c for c in gb_kr.bundle.cities if c.name.startswith("Harwell")]
    assert len(harwell) == 2
    assert abs(harwell[0].lat - harwell[1].lat) > 1
    assert any(w.startswith("two places named Harwell") for w in gb_kr.bundle.warnings)


def test_relationships_given_as_second_path(shared_data: Path, tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    shutil.copy(shared_data / "ror_twinning_subset.csv", orgs)
    alone = import_ror([orgs])
    assert (alone.organisations, alone.ties, alone.relationship_entries) == (18, 0, 0)
    both = import_ror([orgs, shared_data / "ror_relationships_gb_kr.csv"])
    assert both.relationship_entries == 107
    assert both.ties == 4
    assert both.ignored_other_sources == 3032 - 107


# ---------------------------------------------------------------------------- JSON


EXPECTED_JSON_TIES = {
    ("05ar5fy68", "001aqnf71", "parent"),  # Innovate UK part of UKRI
    ("057g20z61", "001aqnf71", "parent"),  # STFC part of UKRI
    ("02qz16y57", "012zp9903", "parent"),  # KOTI part of NRC
    ("03hab3x36", "01yp9g959", "parent"),  # Ulster Derry campus part of Ulster University
}


@pytest.fixture(scope="module")
def records(shared_data: Path):
    return import_ror([shared_data / "ror_records"])


def test_json_folder_of_mixed_schemas(records) -> None:
    assert records.records_read == 19
    assert records.organisations == 18
    assert [(Path(where).name, reason) for where, reason in records.skipped] == [
        ("PROVENANCE.json", "not a ROR record (no https://ror.org/ id)")
    ]
    assert {(t.source, t.target, t.kind) for t in records.bundle.ties} == EXPECTED_JSON_TIES
    # Each of the four is written on both records (child on the parent, parent on the
    # child): 4 merged views; 107 entries in all, 8 kept or merged, 99 point outside.
    assert (records.relationship_entries, records.merged, records.dropped_missing_end) == (
        107,
        4,
        99,
    )
    for t in records.bundle.ties:
        assert t.evidence == "ROR relationships: child, parent"
        assert t.source_url.startswith("https://ror.org/")


def test_json_fields_v1_and_v2(records) -> None:
    orgs = {o.id: o for o in records.bundle.organisations}
    council = orgs["00c5bvm83"]  # schema 1
    assert (council.name, council.kind, council.city, council.country) == (
        "Belfast City Council", "council", "Belfast", "GB",
    )  # fmt: skip
    assert (council.founded, council.website) == (1906, "http://www.belfastcity.gov.uk/")
    assert council.source == "ROR (schema 1)"
    qub = orgs["00hswnk62"]  # schema 2
    assert (qub.name, qub.kind, qub.city, qub.founded) == (
        "Queen's University Belfast", "university", "Belfast", 1810,
    )  # fmt: skip
    assert (qub.website, qub.source) == ("https://www.qub.ac.uk", "ROR (schema 2.1)")
    assert orgs["05ar5fy68"].kind == "agency"  # Innovate UK, schema 1 "Government"
    assert orgs["057g20z61"].kind == "agency"  # STFC is not a local council
    assert orgs["04dtgat87"].kind == "firm"  # K-water
    assert orgs["012zp9903"].kind == "research_institute"  # NRC: facility;funder
    assert orgs["00qnrsq87"].founded is None
    cities = {c.name: c for c in records.bundle.cities}
    assert cities["Sejong"].region == "Sejong-si"
    assert cities["County Londonderry"].lat == pytest.approx(55.0, abs=0.5)


def test_json_and_csv_views_of_the_same_records_agree(records, shared_data: Path) -> None:
    subset = import_ror([shared_data / "ror_twinning_subset.csv"])
    key = lambda b: {(o.id, o.name, o.kind, o.city, o.country, o.founded) for o in b.organisations}  # noqa: E731
    assert key(subset.bundle) == key(records.bundle)
    assert {(t.source, t.target, t.kind) for t in subset.bundle.ties} == EXPECTED_JSON_TIES


def _record(shared_data: Path, name: str) -> dict:
    return json.loads((shared_data / "ror_records" / name).read_text(encoding="utf-8"))


def test_json_list_items_and_skips(shared_data: Path, tmp_path: Path) -> None:
    ukri = _record(shared_data, "001aqnf71.json")
    innovate = _record(shared_data, "05ar5fy68.json")
    nowhere = _record(shared_data, "013frrx13.json")
    nowhere["locations"] = []
    (tmp_path / "list.json").write_text(json.dumps([ukri, nowhere]), encoding="utf-8")
    (tmp_path / "api.json").write_text(json.dumps({"items": [innovate, ukri]}), encoding="utf-8")
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    r = import_ror([tmp_path])
    assert r.records_read == 5
    assert r.organisations == 2
    reasons = Counter(reason for _, reason in r.skipped)
    assert reasons["no city in the ROR location"] == 1
    assert reasons["invalid JSON"] == 1
    assert sum(n for reason, n in reasons.items() if reason.startswith("duplicate ROR id")) == 1
    assert {(t.source, t.target, t.kind) for t in r.bundle.ties} == {
        ("05ar5fy68", "001aqnf71", "parent")
    }
    assert "skipped: 3" in r.summary()


def test_unknown_relationship_type_and_self_relationship(shared_data: Path, tmp_path: Path) -> None:
    rec = _record(shared_data, "00hswnk62.json")
    rec["relationships"] = [
        {"id": rec["id"], "type": "related", "label": "itself"},
        {"id": "https://ror.org/00c5bvm83", "type": "sibling", "label": "?"},
    ]
    (tmp_path / "a.json").write_text(json.dumps(rec), encoding="utf-8")
    shutil.copy(shared_data / "ror_records" / "00c5bvm83.json", tmp_path / "b.json")
    r = import_ror([tmp_path])
    assert r.ties == 0
    assert sorted(reason for _, reason in r.skipped) == [
        "relationship of a record with itself",
        "unknown relationship type 'sibling'",
    ]


def test_bad_inputs_raise_user_errors(tmp_path: Path) -> None:
    with pytest.raises(GraphtwinError, match="no such file or folder"):
        import_ror([tmp_path / "missing.json"])
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(GraphtwinError, match="not a ROR file"):
        import_ror([tmp_path / "x.txt"])
    (tmp_path / "orgs.csv").write_text("id,name\n1,A\n")
    with pytest.raises(GraphtwinError, match=r"orgs.csv:1: not a ROR CSV layout"):
        import_ror([tmp_path / "orgs.csv"])
    (tmp_path / "latin1.json").write_bytes('{"name": "Caf\xe9"}'.encode("latin-1"))
    with pytest.raises(GraphtwinError, match=r"latin1\.json: not UTF-8"):
        import_ror([tmp_path / "latin1.json"])
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(GraphtwinError, match=r"no \.json or \.csv or \.zip files"):
        import_ror([empty])
    (empty / "p.json").write_text("{}")
    with pytest.raises(GraphtwinError, match="no usable ROR records"):
        import_ror([empty])


# ---------------------------------------------------------------------------- validation


@pytest.mark.parametrize("which", ["records", "gb_kr"])
def test_imported_bundles_validate(which: str, request, tmp_path: Path) -> None:
    from graphtwin.ingest import read_bundle

    result = request.getfixturevalue(which)
    write_bundle(result.bundle, tmp_path)
    back = read_bundle(tmp_path)
    assert len(back.organisations) == result.organisations
    assert len(back.ties) == result.ties
    assert {(t.source, t.target, t.kind) for t in back.ties} == {
        (t.source, t.target, t.kind) for t in result.bundle.ties
    }


# ---------------------------------------------------------------------------- data dump

DUMP = Path(__file__).resolve().parents[1] / "data" / "real" / "ror_dump"


def _bundle_key(r) -> tuple:
    orgs = sorted(
        (o.id, o.name, o.kind, o.city, o.country, o.website) for o in r.bundle.organisations
    )
    ties = sorted((t.source, t.target, t.kind) for t in r.bundle.ties)
    return orgs, ties


def test_data_dump_csv_zip_and_json_agree_with_the_records(
    shared_data: Path, tmp_path: Path
) -> None:
    """The v2 CSV layout (built from the real v2 records per the ROR field docs), the zip
    holding it and the v2 JSON list all give what the records themselves give."""
    records = json.loads((DUMP / "v2-layout-from-real-records_schema_v2.json").read_text())
    for rec in records:
        (tmp_path / f"{rec['id'].rsplit('/', 1)[-1]}.json").write_text(json.dumps(rec))
    expected = _bundle_key(import_ror([tmp_path]))
    assert len(expected[0]) == 14 and expected[1]
    csv_import = import_ror([DUMP / "v2-layout-from-real-records_schema_v2.csv"])
    assert _bundle_key(csv_import) == expected
    assert csv_import.bundle.organisations[0].source == "ROR data dump (schema 2.1)"
    assert _bundle_key(import_ror([DUMP / "v2-layout-from-real-records-ror-data.zip"])) == expected
    assert (
        _bundle_key(import_ror([DUMP / "v2-layout-from-real-records_schema_v2.json"])) == expected
    )


def test_data_dump_csv_status(tmp_path: Path) -> None:
    text = (DUMP / "v2-layout-from-real-records_schema_v2.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[1] = lines[1].replace(",active,", ",withdrawn,")
    lines[2] = lines[2].replace(",active,", ",inactive,")
    f = tmp_path / "dump.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    dropped = import_ror([f])
    assert dropped.organisations == 12 and dict(dropped.inactive) == {"inactive": 1, "withdrawn": 1}
    kept = import_ror([f], include_inactive=True)
    assert kept.organisations == 14
    assert (
        sum(o.source.endswith(("[inactive]", "[withdrawn]")) for o in kept.bundle.organisations)
        == 2
    )
