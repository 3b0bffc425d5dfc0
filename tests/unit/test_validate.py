"""Reading and validating bundles: graphtwin.ingest (bundle.py, validate.py, cities.py)."""

from __future__ import annotations

import csv
import gc
import json
import re
import zipfile
from dataclasses import asdict
from pathlib import Path

import pytest

from graphtwin.errors import ValidationFailed
from graphtwin.ingest import read_bundle
from graphtwin.ingest.bundle import MAX_FIELD
from graphtwin.ingest.cities import CityError, CityResolver, fold, geonames_places, resolve_city
from graphtwin.ingest.validate import countries, parse_date
from graphtwin.model import ORG_KIND_ALIASES, ORG_KINDS, TIE_KINDS, City

REPO = Path(__file__).resolve().parents[2]
VALID = REPO / "tests" / "data" / "valid_small"
ORG_HEADER = "id,name,kind,city,country\n"


def write(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stem, text in files.items():
        (folder / f"{stem}.csv").write_text(text, encoding="utf-8")
    return folder


def problems_of(path: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        read_bundle(path)
    return info.value.problems


# --------------------------------------------------------------------------------------
# The valid bundle: known answers
# --------------------------------------------------------------------------------------


def test_valid_small_bundle() -> None:
    b = read_bundle(VALID)
    orgs = {o.id: o for o in b.organisations}
    assert len(orgs) == 11 and len(b.ties) == 9
    # kinds normalised from aliases and spellings
    assert orgs["bel-council"].kind == "council"  # "local authority"
    assert orgs["lcr-ca"].kind == "council"  # "combined_authority"
    assert orgs["sej-inst"].kind == "research_institute"  # "research institute"
    assert orgs["bus-tp"].kind == "catapult"  # "technopark"
    assert orgs["lcr-uni"].kind == "university"  # "University"
    # countries upper case, cities resolved to canonical names
    assert orgs["bel-firm"].country == "GB"
    assert orgs["sej-city"].city == "Sejong"  # "Sejong City"
    assert orgs["sej-inst"].city == "Sejong"  # "Sejong-si"
    assert orgs["bus-tp"].city == "Busan"  # "Pusan"
    assert orgs["lcr-ca"].city == "Liverpool City Region"  # from cities.csv
    # optional columns
    assert orgs["bel-uni"].founded == 1845
    assert orgs["bel-uni"].ror_id == "https://ror.org/00hswnk62"
    assert orgs["bel-council"].size is None and orgs["bel-firm"].size == "SME"
    assert [o.synthetic for o in b.organisations].count(True) == 2  # "yes", "true"
    assert orgs["bel-uni"].sectors == ("fintech", "medtech")
    assert orgs["lcr-uni"].sectors == ("net-zero", "medtech")  # "Net Zero;medtech"
    assert orgs["sej-inst"].sectors == ("smart-cities", "mobility")
    # every city used, with coordinates; Gwangju's empty values filled by its region
    cities = {c.id: c for c in b.cities}
    assert set(cities) == {
        "GB-belfast",
        "GB-liverpool-city-region",
        "GB-liverpool",
        "KR-sejong",
        "KR-busan",
        "KR-gwangju",
        "GB-london",
    }
    assert cities["GB-liverpool-city-region"].population == 1564000
    assert cities["KR-gwangju"].population == 1401235
    assert cities["KR-gwangju"].lat == pytest.approx(35.15472)
    assert cities["GB-belfast"].region == "Northern Ireland"
    # sectors: names from sectors.csv, else the text as first written
    assert {s.id: s.name for s in b.sectors} == {
        "fintech": "Fintech",
        "medtech": "Medtech",
        "smart-cities": "Smart cities",
        "net-zero": "Net zero",
        "mobility": "Mobility",
    }
    # ties
    ties = {(t.source, t.target): t for t in b.ties}
    mou = ties[("bel-council", "sej-city")]
    assert mou.kind == "mou" and mou.weight is None and mou.effective_weight == 2.0
    assert mou.evidence == "Test statement of intent, signed\nin March 2022"
    assert mou.start == "2022-03-31" and mou.start_year == 2022
    assert ties[("bel-uni", "sej-inst")].weight == 2.5
    assert ties[("lcr-uni", "bus-tp")].kind == "copublication"  # "co-publication"
    assert b.warnings == []
    assert b.origin == str(VALID)


def _as_json(bundle_dir: Path) -> dict:
    b = read_bundle(bundle_dir)
    doc = {
        "organisations": [asdict(o) for o in b.organisations],
        "ties": [asdict(t) for t in b.ties],
        "cities": [asdict(c) for c in b.cities],
        "sectors": [asdict(s) for s in b.sectors],
    }
    for o in doc["organisations"]:
        o["sectors"] = list(o["sectors"])
    return doc


def _records(b):
    return b.organisations, b.ties, b.cities, b.sectors


def test_json_and_zip_bundles_read_like_the_folder(tmp_path: Path) -> None:
    folder = read_bundle(VALID)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(_as_json(VALID)), encoding="utf-8")
    assert _records(read_bundle(path)) == _records(folder)
    # a zip with the files inside one folder, as zipping a folder makes it
    archive = tmp_path / "bundle.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(VALID.iterdir()):
            zf.write(p, f"valid_small/{p.name}")
    assert _records(read_bundle(archive)) == _records(folder)


def test_docs_json_example_is_a_valid_bundle(tmp_path: Path) -> None:
    text = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", text, re.S)
    assert example is not None
    path = tmp_path / "example.json"
    path.write_text(example.group(1), encoding="utf-8")
    b = read_bundle(path)
    assert [o.id for o in b.organisations] == ["qub", "sejong"]
    assert b.organisations[0].sectors == ("fintech", "medtech")
    assert b.ties[0].weight == 1.5 and b.ties[0].kind == "engagement"


def test_docs_list_every_kind_and_alias() -> None:
    text = (REPO / "docs" / "data-format.md").read_text(encoding="utf-8")
    for name in (*ORG_KINDS, *ORG_KIND_ALIASES, *TIE_KINDS):
        assert f"`{name}`" in text, name
    for kind in TIE_KINDS.values():
        assert f"`{kind.rel_type}`" in text
        row = next(line for line in text.splitlines() if line.startswith(f"| `{kind.kind}` |"))
        assert f"| {kind.weight:g} |" in row
        assert ("undirected" in row) != kind.directed


def test_reading_writes_nothing_and_restores_global_state(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b", **{p.stem: p.read_text(encoding="utf-8") for p in VALID.glob("*.csv")}
    )
    before = sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir())
    limit = csv.field_size_limit()
    assert gc.isenabled()
    read_bundle(folder)
    assert sorted((p.name, p.stat().st_mtime_ns) for p in folder.iterdir()) == before
    assert csv.field_size_limit() == limit
    assert gc.isenabled()


# --------------------------------------------------------------------------------------
# City resolution
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Sejong", "sejong", "Sejong City", "Sejong-si", "Sejong Special Self-Governing City"]
)
def test_sejong_variants(text: str) -> None:
    city = resolve_city(text, "KR")
    assert (city.name, city.region, city.id) == ("Sejong", "Sejong", "KR-sejong")
    assert city.population == 394630
    assert city.lat == pytest.approx(36.59245) and city.lon == pytest.approx(127.29223)


@pytest.mark.parametrize("text", ["Busan", "BUSAN", "Pusan", "Busan Metropolitan City"])
def test_busan(text: str) -> None:
    city = resolve_city(text, "kr")
    assert (city.name, city.country, city.region, city.population) == (
        "Busan",
        "KR",
        "Busan",
        3285147,
    )


def test_belfast() -> None:
    city = resolve_city("Belfast", "GB")
    assert (city.region, city.population) == ("Northern Ireland", 348005)
    assert city.lat == pytest.approx(54.59682)


def test_gwangju_is_ambiguous_and_says_how_to_fix_it() -> None:
    with pytest.raises(CityError) as info:
        resolve_city("Gwangju", "KR")
    message = str(info.value)
    assert "ambiguous city 'Gwangju' in KR" in message
    assert "'Gwangju (Gwangju)'" in message and "'Gwangju (Gyeonggi)'" in message
    assert "add a row for 'Gwangju' to cities.csv with its region, lat and lon" in message


@pytest.mark.parametrize(
    ("text", "population", "region"),
    [
        ("Gwangju (Gwangju)", 1401235, "Gwangju"),
        ("Gwangju (Gyeonggi)", 81780, "Gyeonggi"),
        ("Gwangju (Gyeonggi-do)", 81780, "Gyeonggi"),
        ("Gwangju, Gyeonggi", 81780, "Gyeonggi"),
        ("Gwangju (18)", 1401235, "Gwangju"),
        ("Gwangju Metropolitan City", 1401235, "Gwangju"),
    ],
)
def test_gwangju_qualified(text: str, population: int, region: str) -> None:
    city = resolve_city(text, "KR")
    assert (city.population, city.region) == (population, region)
    assert city.name == f"Gwangju ({region})"


def test_qualified_ids_differ() -> None:
    a = resolve_city("Gwangju (Gwangju)", "KR")
    b = resolve_city("Gwangju (Gyeonggi)", "KR")
    assert (a.id, b.id) == ("KR-gwangju-gwangju", "KR-gwangju-gyeonggi")
    assert resolve_city("Newport, Wales", "GB").population == 161506
    assert resolve_city("Ashford (Surrey)", "GB").population == 27382


def test_cities_csv_resolves_an_ambiguous_name() -> None:
    own = City("Gwangju", "KR", 35.15, 126.9, 1_400_000, "Gwangju")
    assert resolve_city("gwangju", "KR", [own]) is not None
    assert resolve_city("gwangju", "KR", [own]).name == "Gwangju"
    assert resolve_city("gwangju", "KR", [own]).population == 1_400_000


def test_cities_csv_rows_take_priority_and_are_completed() -> None:
    resolver = CityResolver(
        [
            City("Busan", "KR", 35.0, 129.0, 1, "Somewhere"),
            City("Liverpool City Region", "GB", 53.4, -2.99, 1_564_000, "England"),
            City("Belfast", "GB"),  # empty values: filled from GeoNames
        ]
    )
    assert resolver.resolve("Busan", "KR").population == 1
    assert resolver.resolve("LIVERPOOL CITY REGION", "GB").name == "Liverpool City Region"
    belfast = resolver.resolve("Belfast", "GB")
    assert (belfast.population, belfast.region) == (348005, "Northern Ireland")
    # a place region like Liverpool City Region is never invented
    with pytest.raises(CityError):
        CityResolver().resolve("Liverpool City Region", "GB")


def test_unknown_city_messages() -> None:
    with pytest.raises(CityError) as info:
        resolve_city("Atlantis", "KR")
    assert str(info.value).startswith("unknown city 'Atlantis' in KR: ")
    assert "add a row for it to cities.csv" in str(info.value)
    with pytest.raises(CityError) as info:
        resolve_city("Belfst", "GB")
    assert str(info.value).endswith("did you mean 'Belfast'?")
    with pytest.raises(CityError) as info:
        resolve_city("Busan", "GB")
    assert str(info.value).endswith("or check the country: a 'Busan' is in KR")
    with pytest.raises(CityError):
        resolve_city("Paris", "FR")  # the built-in table covers GB and KR only


def test_fold_and_accents() -> None:
    assert fold("Wŏnju") == "wonju"
    assert resolve_city("Wonju", "KR").name == "Wŏnju"
    assert resolve_city("Jeju", "KR").name == "Jeju City"
    assert resolve_city("Westminster", "GB").name == "City of Westminster"
    assert resolve_city("Londonderry", "GB").name == "Derry"


def test_shipped_tables() -> None:
    places = geonames_places()
    assert len(places) == 1012
    assert {p.country for p in places} == {"GB", "KR"}
    labels = [(p.country, p.label) for p in places]
    assert len(labels) == len(set(labels)), "every place has a name of its own"
    regions = {p.region for p in places if p.country == "GB"}
    assert regions == {"England", "Scotland", "Wales", "Northern Ireland"}
    sejong = next(p for p in places if p.name == "Sejong")
    assert (sejong.admin1, sejong.region) == ("22", "Sejong")
    codes = countries()
    assert len(codes) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", c) for c in codes)
    assert codes["GB"] == "United Kingdom" and codes["FR"] == "France"


def test_organisation_in_a_non_gb_kr_country_needs_cities_csv(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=ORG_HEADER + "p,Paris Lab,lab,Paris,fr\n",
        cities="name,country,lat,lon\nParis,FR,48.85,2.35\n",
    )
    b = read_bundle(folder)
    assert (b.organisations[0].country, b.cities[0].id) == ("FR", "FR-paris")


# --------------------------------------------------------------------------------------
# Kinds, dates, weights, duplicates
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kind"),
    [
        ("Company", "firm"),
        ("start-up", "firm"),
        ("Local Authority", "council"),
        ("local-authority", "council"),
        ("Charity", "nonprofit"),
        ("VC", "investor"),
        ("Research Institute", "research_institute"),
        ("UNIVERSITY", "university"),
    ],
)
def test_org_kind_aliases(tmp_path: Path, given: str, kind: str) -> None:
    folder = write(tmp_path / "b", organisations=f"{ORG_HEADER}x,X,{given},Belfast,GB\n")
    assert read_bundle(folder).organisations[0].kind == kind


@pytest.mark.parametrize(
    ("given", "kind"),
    [("MoU", "mou"), ("Co-Publication", "copublication"), (" Funding ", "funding")],
)
def test_tie_kind_spellings(tmp_path: Path, given: str, kind: str) -> None:
    folder = write(
        tmp_path / "b",
        organisations=f"{ORG_HEADER}x,X,firm,Belfast,GB\ny,Y,firm,Busan,KR\n",
        ties=f"source,target,kind\nx,y,{given}\n",
    )
    assert read_bundle(folder).ties[0].kind == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021", "2021"),
        ("2021-03-31", "2021-03-31"),
        ("2024-02-29", "2024-02-29"),
        ("2023-02-29", None),
        ("2021-3-31", None),
        ("21", None),
        ("0000", None),
        ("2021/03/31", None),
        ("20210331", None),
        ("March 2021", None),
    ],
)
def test_parse_date(text: str, expected: str | None) -> None:
    assert parse_date(text) == expected


def test_end_compared_with_start_by_year_when_one_is_a_year(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=f"{ORG_HEADER}x,X,firm,Belfast,GB\ny,Y,firm,Busan,KR\nz,Z,firm,Busan,KR\n",
        ties="source,target,kind,start,end\nx,y,mou,2020-06-01,2020\nx,z,mou,2020,2020-01-01\n"
        "y,z,mou,2021,2020-12-31\n",
    )
    assert problems_of(folder) == [f"{folder}/ties.csv:4: end: 2020-12-31 is before start 2021"]


def test_weights(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=f"{ORG_HEADER}x,X,firm,Belfast,GB\ny,Y,firm,Busan,KR\nz,Z,firm,Busan,KR\n",
        ties="source,target,kind,weight\nx,y,mou,0.25\nx,z,mou,1e1\ny,z,visit, \n",
    )
    assert [t.weight for t in read_bundle(folder).ties] == [0.25, 10.0, None]
    bad = write(
        tmp_path / "bad",
        organisations=f"{ORG_HEADER}x,X,firm,Belfast,GB\ny,Y,firm,Busan,KR\n",
        ties="source,target,kind,weight\nx,y,mou,inf\n",
    )
    assert problems_of(bad) == [
        f"{bad}/ties.csv:2: weight: must be a number greater than 0, got inf "
        "(leave it empty for the kind's default weight)"
    ]


def test_duplicate_ties_merge_and_directions(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=f"{ORG_HEADER}x,X,firm,Belfast,GB\ny,Y,agency,Busan,KR\n",
        ties="source,target,kind,weight,start,end,evidence\n"
        "x,y,collaboration,,2020,,\n"
        "y,x,collaboration,4,2019,2022,joint paper\n"  # undirected: merged into line 2
        "y,x,funding,,,,\n"
        "x,y,funding,,,,\n"  # directed: another tie
        "x,y,meeting,,,,\n",  # another kind: another tie
    )
    b = read_bundle(folder)
    assert [(t.source, t.target, t.kind) for t in b.ties] == [
        ("x", "y", "collaboration"),
        ("y", "x", "funding"),
        ("x", "y", "funding"),
        ("x", "y", "meeting"),
    ]
    merged = b.ties[0]
    # the first row wins; its empty fields are filled from the duplicate
    assert (merged.weight, merged.start, merged.end, merged.evidence) == (
        4.0,
        "2020",
        "2022",
        "joint paper",
    )
    assert b.warnings == [
        f"{folder}/ties.csv:3: warning: duplicate tie (same source, target and kind as "
        "line 2); merged into it"
    ]


# --------------------------------------------------------------------------------------
# Reading: positions, encodings, sizes
# --------------------------------------------------------------------------------------


def test_line_numbers_count_quoted_newlines_and_blank_lines(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=ORG_HEADER + 'x,"X\nwith\nlines",firm,Belfast,GB\n\n\ny,Y,firm,Busan,KR\n'
        "z,Z,spaceship,Busan,KR\n",
        ties='source,target,kind,evidence\nx,y,mou,"a\n\nb"\n\nx,q,mou,\n',
    )
    problems = problems_of(folder)
    assert [p.split(": ")[0] for p in problems] == [
        f"{folder}/organisations.csv:8",
        f"{folder}/ties.csv:6",
    ]


def test_crlf_line_ends(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    text = ORG_HEADER + "x,X,firm,Belfast,GB\ny,Y,firm,Busan,XX\n"
    (folder / "organisations.csv").write_bytes(text.replace("\n", "\r\n").encode())
    assert problems_of(folder) == [
        f"{folder}/organisations.csv:3: country: unknown country code 'XX'; "
        "use an ISO 3166-1 alpha-2 code such as GB or KR"
    ]


def test_every_long_field_is_reported_with_its_column(tmp_path: Path) -> None:
    """Values over the limit, including one beyond the csv module's own default limit."""
    rows = [f"o{i},Org {i},firm,Belfast,GB" for i in range(30_000)]
    rows[10] = "o10," + "n" * (MAX_FIELD + 1) + ",firm,Belfast,GB"
    rows[25_000] = 'o25000,"' + "multi\nline " * 20_000 + '",firm,Belfast,GB'
    rows[29_000] = "o29000,Org,spaceship,Belfast,GB"
    folder = write(tmp_path / "b", organisations=ORG_HEADER + "\n".join(rows) + "\n")
    problems = problems_of(folder)
    assert [p[: p.index(":", len(str(folder)) + 20) + 1] for p in problems] == [
        f"{folder}/organisations.csv:12:",
        f"{folder}/organisations.csv:25002:",
        f"{folder}/organisations.csv:49002:",
    ]
    assert problems[0].endswith(
        f"name: value is {MAX_FIELD + 1} characters long; the limit is {MAX_FIELD}"
    )
    assert problems[1].endswith("name: value is 220000 characters long; the limit is 10000")
    assert "unknown organisation kind 'spaceship'" in problems[2]


def test_many_encoding_errors_are_summarised(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    folder.mkdir()
    rows = "".join(f"o{i},Caf\xe9 {i},firm,Belfast,GB\n" for i in range(15))
    (folder / "organisations.csv").write_bytes((ORG_HEADER + rows).encode("latin-1"))
    problems = problems_of(folder)
    assert len(problems) == 11
    assert problems[0] == (
        f"{folder}/organisations.csv:2: invalid UTF-8 (byte 0xe9 at byte 7 of the line); "
        "save the file as UTF-8"
    )
    assert problems[-1] == f"{folder}/organisations.csv: 5 more lines with invalid UTF-8"


def test_short_rows_are_padded_and_headers_are_case_insensitive(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=" ID ,Name,KIND,City,Country,Founded\nx,X,firm,Belfast,GB\n",
    )
    assert read_bundle(folder).organisations[0].founded is None


def test_problems_are_listed_by_file_then_line(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=ORG_HEADER + "x,X,firm,Belfast,GB\ny,Y,firm,Nowhere,GB\n",
        ties="source,target,kind\nx,z,mou\n",
        cities="name,country,lat,lon\nSomewhere,GB,100,0\n",
        sectors="id,name\n,Nameless\n",
    )
    files = [p.split(":")[0].rsplit("/", 1)[1] for p in problems_of(folder)]
    assert files == ["organisations.csv", "ties.csv", "cities.csv", "sectors.csv"]


def test_unusable_organisations_do_not_cascade_into_ties(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations="id,name,city,country\nx,X,Belfast,GB\n",
        ties="source,target,kind\nx,y,mou\n",
    )
    assert len(problems_of(folder)) == 1  # the missing column, not a dangling tie


def test_too_many_fields_keeps_the_id(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations=ORG_HEADER + "x,X,firm,Belfast,GB\ny,Y, Inc.,firm,Busan,KR\n",
        ties="source,target,kind\nx,y,mou\n",
    )
    assert problems_of(folder) == [
        f"{folder}/organisations.csv:3: row has 6 fields but the header has 5; "
        "quote values that contain commas"
    ]


def test_json_values_of_the_right_types(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(
        json.dumps(
            {
                "organisations": [
                    {
                        "id": "x",
                        "name": "X",
                        "kind": "firm",
                        "city": "Belfast",
                        "country": "gb",
                        "founded": 2001,
                        "synthetic": True,
                        "sectors": "fintech; medtech",
                        "size": None,
                    },
                    {"id": "y", "name": "Y", "kind": "firm", "city": "Gwangju", "country": "KR"},
                ],
                "ties": [
                    {"source": "x", "target": "y", "kind": "mou", "weight": "2", "start": 2020}
                ],
                "cities": [{"name": "Gwangju", "country": "KR", "lat": 35.1, "lon": 126.9}],
            }
        ),
        encoding="utf-8",
    )
    b = read_bundle(path)
    x = b.organisations[0]
    assert (x.founded, x.synthetic, x.sectors, x.size) == (2001, True, ("fintech", "medtech"), None)
    assert (b.ties[0].weight, b.ties[0].start) == (2.0, "2020")
    assert {c.id: c.lat for c in b.cities} == {"GB-belfast": 54.59682, "KR-gwangju": 35.1}


def test_unreadable_files_are_one_problem_each(tmp_path: Path, monkeypatch) -> None:
    folder = write(tmp_path / "b", organisations=ORG_HEADER + "x,X,firm,Belfast,GB\n")
    json_path = tmp_path / "b.json"
    json_path.write_text("{}", encoding="utf-8")

    def deny(path: Path, *args, **kwargs) -> bytes:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("graphtwin.ingest.bundle.read_regular", deny)
    assert problems_of(folder) == [f"{folder}/organisations.csv: cannot read (Permission denied)"]
    assert problems_of(json_path) == [f"{json_path}: cannot read (Permission denied)"]


def test_long_values_are_shortened_in_messages(tmp_path: Path) -> None:
    kind = "k" * 200
    folder = write(tmp_path / "b", organisations=f"{ORG_HEADER}x,X,{kind},Belfast,GB\n")
    (problem,) = problems_of(folder)
    assert f"unknown organisation kind '{'k' * 79}…' (200 characters); allowed:" in problem


def test_sector_ids_win_over_names(tmp_path: Path) -> None:
    folder = write(
        tmp_path / "b",
        organisations="id,name,kind,city,country,sectors\n"
        "x,X,firm,Belfast,GB,fintech;FINTECH;Money\ny,Y,firm,Busan,KR,Smart Cities;money\n",
        sectors="id,name\nfintech,Financial technology\npay,Fintech\nmoney,Money matters\n"
        "smart-cities,Smart cities\n",
    )
    b = read_bundle(folder)
    assert [o.sectors for o in b.organisations] == [
        ("fintech", "money"),
        ("smart-cities", "money"),
    ]
    assert [(s.id, s.name) for s in b.sectors] == [
        ("fintech", "Financial technology"),
        ("money", "Money matters"),
        ("smart-cities", "Smart cities"),
    ]
