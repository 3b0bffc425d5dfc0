"""Build the package's city and country tables (graphtwin/data/) from their sources.

Run from the repository root when a source changes; the outputs are committed:

\b
    python tools/build_cities.py \\
        --geonames tests/data/real/cities_gb_kr_geonames15000.csv \\
        --iso /usr/share/zoneinfo/iso3166.tab

- ``graphtwin/data/cities_geonames.csv``: GeoNames places of 15,000+ people in GB and KR
  (CC BY 4.0, GeoNames), with a readable region name per admin1 code, a
  ``qualified_name`` for names that occur more than once in a country (so that each
  place can be named without ambiguity, e.g. ``Gwangju (Gyeonggi)``), and a few
  documented spelling variants (``aliases``, ``;``-separated, e.g. Pusan for Busan).
- ``graphtwin/data/countries.csv``: every ISO 3166-1 alpha-2 code with its usual English
  name, from the time zone database's iso3166.tab (public domain; Debian's tzdata package
  or the ``tzdata`` wheel), with the names of model.COUNTRY_NAMES where they differ.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "graphtwin" / "data"

#: GeoNames admin1 codes → readable region names.
REGIONS: dict[str, dict[str, str]] = {
    "GB": {"ENG": "England", "SCT": "Scotland", "WLS": "Wales", "NIR": "Northern Ireland"},
    "KR": {
        "01": "Jeju",
        "03": "North Jeolla",
        "05": "North Chungcheong",
        "06": "Gangwon",
        "10": "Busan",
        "11": "Seoul",
        "12": "Incheon",
        "13": "Gyeonggi",
        "14": "North Gyeongsang",
        "15": "Daegu",
        "16": "South Jeolla",
        "17": "South Chungcheong",
        "18": "Gwangju",
        "19": "Daejeon",
        "20": "South Gyeongsang",
        "21": "Ulsan",
        "22": "Sejong",
    },
}

#: Qualifiers for places whose name occurs twice in the same region (by geonameid);
#: other repeated names are qualified by their region.
QUALIFIERS: dict[str, str] = {
    "2656955": "Kent",  # Ashford, Kent
    "2656954": "Surrey",  # Ashford, Surrey (Spelthorne)
    "6640028": "Greater Manchester",  # Hale, Trafford
    "2647644": "Surrey",  # Hale, near Farnham
    "2647261": "Hillingdon",  # Hayes, London Borough of Hillingdon
    "2647262": "Bromley",  # Hayes, London Borough of Bromley
    "3345432": "Wiltshire",  # Neston, Wiltshire
    "2641795": "Cheshire",  # Neston, Cheshire
    "2641599": "Isle of Wight",  # Newport, Isle of Wight
}

#: Other spellings people use (older romanisations, short forms), by GeoNames name.
ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("KR", "Busan"): ("Pusan",),
    ("KR", "Daegu"): ("Taegu",),
    ("KR", "Daejeon"): ("Taejon",),
    ("KR", "Incheon"): ("Inchon",),
    ("KR", "Kimhae"): ("Gimhae",),
    ("KR", "Chinju"): ("Jinju",),
    ("KR", "Kimje"): ("Gimje",),
    ("KR", "Koch'ang"): ("Gochang",),
    ("KR", "Jeju City"): ("Cheju",),
    ("GB", "Derry"): ("Londonderry",),
    ("GB", "Kingston upon Hull"): ("Hull",),
}

CITY_COLUMNS = (
    "name",
    "country",
    "lat",
    "lon",
    "population",
    "region",
    "admin1",
    "geonameid",
    "qualified_name",
    "aliases",
)


def build_cities(source: Path) -> list[dict[str, str]]:
    """Rows of cities_geonames.csv from the GeoNames extract, largest first."""
    with source.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    counts = Counter((r["countrycode"], r["name"]) for r in rows)
    out = []
    for r in rows:
        country, admin1 = r["countrycode"], r["admin1code"]
        region = REGIONS.get(country, {}).get(admin1, admin1)
        qualified = ""
        if counts[(country, r["name"])] > 1:
            qualified = f"{r['name']} ({QUALIFIERS.get(r['geonameid'], region)})"
        out.append(
            {
                "name": r["name"],
                "country": country,
                "lat": r["latitude"],
                "lon": r["longitude"],
                "population": r["population"],
                "region": region,
                "admin1": admin1,
                "geonameid": r["geonameid"],
                "qualified_name": qualified,
                "aliases": ";".join(ALIASES.get((country, r["name"]), ())),
            }
        )
    qualified_names = [(r["country"], r["qualified_name"]) for r in out if r["qualified_name"]]
    dupes = [k for k, n in Counter(qualified_names).items() if n > 1]
    if dupes:
        sys.exit(f"qualified names still repeat: {dupes}; add QUALIFIERS entries")
    missing = {(c, n) for c, n in ALIASES} - {(r["country"], r["name"]) for r in out}
    if missing:
        sys.exit(f"aliases for places not in the source: {sorted(missing)}")
    out.sort(key=lambda r: (r["country"], -int(r["population"]), r["name"]))
    return out


def build_countries(source: Path) -> list[dict[str, str]]:
    """Rows of countries.csv (code, name) from the tz database's iso3166.tab."""
    sys.path.insert(0, str(REPO))
    from graphtwin.model import COUNTRY_NAMES

    rows = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        code, name = line.split("\t")[:2]
        rows.append({"code": code, "name": COUNTRY_NAMES.get(code, name)})
    if len(rows) < 240:
        sys.exit(f"{source}: only {len(rows)} codes; is this iso3166.tab?")
    return sorted(rows, key=lambda r: r["code"])


def write(path: Path, columns: tuple[str, ...], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {path.relative_to(REPO)}: {len(rows)} rows")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--geonames",
        type=Path,
        default=REPO / "tests" / "data" / "real" / "cities_gb_kr_geonames15000.csv",
    )
    parser.add_argument("--iso", type=Path, default=Path("/usr/share/zoneinfo/iso3166.tab"))
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    write(DATA / "cities_geonames.csv", CITY_COLUMNS, build_cities(args.geonames))
    write(DATA / "countries.csv", ("code", "name"), build_countries(args.iso))


if __name__ == "__main__":
    main()
