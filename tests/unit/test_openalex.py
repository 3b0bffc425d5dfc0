"""OpenAlex importer on real OpenAlex records (tests/data/real/openalex, CC0)."""

from __future__ import annotations

import csv
import gzip
import json
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from graphtwin.errors import GraphtwinError
from graphtwin.ingest import read_bundle
from graphtwin.ingest.openalex import import_openalex
from graphtwin.ingest.openalex_read import institution_ids, read_records
from graphtwin.ingest.writer import write_bundle

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
OA = REAL / "openalex"
PAGE = OA / "works_page_biodiversity_finance.json"
PART = OA / "works_part_000.gz"
ROR_CSV = REAL / "ror_gb_kr_from_ror_records.csv"


def _ror_ids() -> set[str]:
    with open(ROR_CSV, encoding="utf-8") as fh:
        return {row["ror_id"].rsplit("/", 1)[-1] for row in csv.DictReader(fh)}


def _expected_pairs(max_authors: int = 100) -> Counter[tuple[str, str]]:
    """Recount, straight from the page, the works shared by ROR-placed institutions."""
    placed = _ror_ids()
    pairs: Counter[tuple[str, str]] = Counter()
    for work in json.loads(PAGE.read_text(encoding="utf-8"))["results"]:
        if len(work["authorships"]) > max_authors:
            continue
        rors = {
            i["ror"].rsplit("/", 1)[-1]
            for a in work["authorships"]
            for i in a["institutions"]
            if i.get("ror") and i["ror"].rsplit("/", 1)[-1] in placed
        }
        for pair in combinations(sorted(rors), 2):
            pairs[pair] += 1
    return pairs


@pytest.fixture(scope="module")
def page_import():
    return import_openalex([PAGE], ror=[ROR_CSV])


def test_real_page_counts(page_import) -> None:
    r = page_import
    assert r.works_read == r.works_kept == 20
    assert r.works_one_institution == 4
    expected = _expected_pairs()
    assert {(t.source, t.target): t.weight for t in r.bundle.ties} == {
        p: float(n) for p, n in expected.items()
    }
    assert len(r.bundle.ties) == 2
    # Only GB institutions have a ROR record in the GB/KR ROR file: the rest are dropped.
    assert {o.country for o in r.bundle.organisations} == {"GB"}
    assert r.institutions_dropped == r.institutions_seen - len(r.bundle.organisations)
    assert r.institutions_dropped > 40
    assert all("no city" in reason for _, reason in r.skipped)


def test_real_tie_fields(page_import) -> None:
    ties = {(t.source, t.target): t for t in page_import.bundle.ties}
    uea_ucl = ties[("026k5mg93", "02jx3x895")]  # University of East Anglia - UCL
    assert uea_ucl.kind == "copublication"
    assert (uea_ucl.start, uea_ucl.end) == ("1998", "1998")
    assert uea_ucl.source_url == "https://doi.org/10.1023/a:1008293329546"
    assert "1 co-authored work(s) (1998: 1)" in uea_ucl.evidence
    assert "Incremental Cost in the Convention on Biological Diversity" in uea_ucl.evidence
    orgs = {o.id: o for o in page_import.bundle.organisations}
    ucl = orgs["02jx3x895"]
    assert (ucl.name, ucl.kind, ucl.city, ucl.country) == (
        "University College London", "university", "London", "GB",
    )  # fmt: skip
    assert ucl.ror_id == "https://ror.org/02jx3x895"
    assert orgs["01ch2yn61"].kind == "agency"  # Met Office: OpenAlex type government
    assert orgs["05p330p21"].kind == "firm"  # Shell (United Kingdom): company


def test_snapshot_part_gives_the_same_bundle(page_import, tmp_path: Path) -> None:
    r = import_openalex([PART], ror=[ROR_CSV])
    a = write_bundle(page_import.bundle, tmp_path / "a")
    b = write_bundle(r.bundle, tmp_path / "b")
    for name in a:
        assert a[name].read_bytes() == b[name].read_bytes()
    read_bundle(tmp_path / "b")  # validates


def test_streamed_line_by_line() -> None:
    where = [w for w, _ in read_records(PART)]
    assert where[0] == f"{PART}:1" and len(where) == 20


def test_filters(page_import) -> None:
    years = [w["publication_year"] for w in json.loads(PAGE.read_text())["results"]]
    r = import_openalex([PAGE], ror=[ROR_CSV], since=2005)
    assert r.works_out_of_years == sum(y < 2005 for y in years)
    assert all(int(t.start) >= 2005 for t in r.bundle.ties)
    r = import_openalex([PAGE], ror=[ROR_CSV], min_works=2)
    assert r.bundle.ties == [] and r.pairs_below_min == r.pairs_seen - 0
    r = import_openalex([PAGE], ror=[ROR_CSV], countries=["GB"], other_countries="drop")
    gb_works = sum(
        any(i.get("country_code") == "GB" for a in w["authorships"] for i in a["institutions"])
        for w in json.loads(PAGE.read_text())["results"]
    )
    assert r.works_kept == gb_works
    assert r.works_out_of_countries == 20 - gb_works
    # Partners elsewhere dropped: every pair seen is GB-GB.
    assert r.pairs_seen < page_import.pairs_seen
    r = import_openalex([PAGE], ror=[ROR_CSV], max_authors=3)
    many = sum(len(w["authorships"]) > 3 for w in json.loads(PAGE.read_text())["results"])
    assert r.works_too_many_authors == many > 0
    assert {(t.source, t.target): t.weight for t in r.bundle.ties} == {
        p: float(n) for p, n in _expected_pairs(max_authors=3).items()
    }


def test_institution_records_place_institutions(tmp_path: Path) -> None:
    """The real Michigan record places I27837315 in Ann Arbor with its coordinates."""
    from graphtwin.ingest.openalex import _institution_places

    places = _institution_places([OA / "institution_I27837315.json"])
    mich = places["I27837315"]
    assert (mich.city, mich.country, mich.lat, mich.lon) == ("Ann Arbor", "US", 42.27756, -83.74088)
    assert places["ror:00jmfr291"] is mich
    with pytest.raises(GraphtwinError, match=r"not an OpenAlex institution record"):
        _institution_places([PAGE])


def test_institution_ids_of_saved_pages() -> None:
    page = json.loads((OA / "api_pages" / "results_page_1.json").read_text(encoding="utf-8"))
    expected = {
        i["id"].rsplit("/", 1)[-1]
        for w in page["results"]
        for a in w["authorships"]
        for i in a["institutions"]
    }
    assert institution_ids([OA / "api_pages"]) == expected
    assert len(expected) == 10


def test_bad_input_names_file_and_record(tmp_path: Path) -> None:
    lines = PART.read_bytes()
    text = gzip.decompress(lines).decode().splitlines()
    bad = tmp_path / "part_001.jsonl"
    bad.write_text("\n".join([text[0], text[1][:50], text[2]]) + "\n", encoding="utf-8")
    with pytest.raises(GraphtwinError, match=r"part_001\.jsonl:2: not a JSON record"):
        import_openalex([bad])
    inst = tmp_path / "mixed.jsonl"
    inst.write_text(text[0] + "\n" + json.dumps({"id": "https://openalex.org/A1"}) + "\n")
    with pytest.raises(GraphtwinError, match=r"mixed\.jsonl:2: not an OpenAlex work"):
        import_openalex([inst])
    with pytest.raises(GraphtwinError, match="no such file"):
        import_openalex([tmp_path / "missing.gz"])
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(GraphtwinError, match="not an OpenAlex file"):
        import_openalex([tmp_path / "x.txt"])
    broken = tmp_path / "broken.gz"
    broken.write_bytes(b"not gzip")
    with pytest.raises(GraphtwinError, match=r"broken\.gz: cannot read"):
        import_openalex([broken])


def test_synthetic_works_label_the_bundle(tmp_path: Path) -> None:
    work = json.loads(gzip.decompress(PART.read_bytes()).decode().splitlines()[0])
    work["synthetic"] = True
    f = tmp_path / "synthetic.jsonl"
    f.write_text(json.dumps(work) + "\n")
    r = import_openalex([f], ror=[ROR_CSV])
    assert r.synthetic_works == 1
    assert all(o.synthetic for o in r.bundle.organisations)
    assert all(t.evidence.startswith("SYNTHETIC") for t in r.bundle.ties)
    assert "SYNTHETIC" in r.summary()


def test_no_institution_placed_is_an_error() -> None:
    with pytest.raises(GraphtwinError, match=r"none of the 10 institutions .*\(--ror\)"):
        import_openalex([OA / "api_pages"])


def test_sectors_from_primary_topic_fields(page_import) -> None:
    """An organisation's sectors: OpenAlex fields of at least a fifth of its works."""
    from collections import Counter as C

    from graphtwin.model import slugify

    fields: dict[str, C[str]] = {}
    for work in json.loads(PAGE.read_text(encoding="utf-8"))["results"]:
        field = ((work.get("primary_topic") or {}).get("field") or {}).get("display_name")
        rors = {
            i["ror"].rsplit("/", 1)[-1]
            for a in work["authorships"]
            for i in a["institutions"]
            if i.get("ror")
        }
        for ror in rors:
            if field:
                fields.setdefault(ror, C())[field] += 1
    for org in page_import.bundle.organisations:
        counts = fields.get(org.id, C())
        total = sum(counts.values())
        expected = [
            slugify(name)
            for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            if n * 5 >= total
        ]
        assert list(org.sectors) == expected
    assert {s.id for s in page_import.bundle.sectors} == {
        s for o in page_import.bundle.organisations for s in o.sectors
    }
    assert any(o.sectors for o in page_import.bundle.organisations)
