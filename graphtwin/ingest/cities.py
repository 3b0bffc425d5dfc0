"""City resolution: turn the ``city`` and ``country`` of an organisation into a City.

A bundle's own cities.csv comes first; every other city is looked up in the GeoNames
table shipped with the package (graphtwin/data/cities_geonames.csv: GB and KR places of
15,000+ people, CC BY 4.0 GeoNames). Names match case-insensitively, with accents and
apostrophes folded (``Wŏnju`` = ``Wonju``), with administrative suffixes ignored
(``Sejong City``, ``Sejong-si``, ``Busan Metropolitan City``), with a few older
spellings (``Pusan``) and with a qualifier in brackets or after a comma that picks one
of several places of the same name (``Gwangju (Gyeonggi)``, ``Newport, Wales``).

A name that fits several places is ambiguous and one that fits none is unknown; both
raise :class:`CityError` with a message that says how to fix the input.

Example:
    >>> r = CityResolver()
    >>> c = r.resolve("Sejong-si", "KR")
    >>> c.name, c.region, c.id
    ('Sejong', 'Sejong', 'KR-sejong')
    >>> r.resolve("Gwangju (Gyeonggi)", "kr").population
    81780
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.bundle import quoted
from graphtwin.model import City

#: Words that name a kind of municipality rather than the place, ignored when matching.
_SUFFIXES: tuple[str, ...] = (
    " special self governing city",
    " special autonomous city",
    " metropolitan city",
    " special city",
    " city council",
    " city",
    " shi",
    " si",
    " gun",
)
_METROPOLITAN: tuple[str, ...] = _SUFFIXES[:4]
_REGION_SUFFIXES: tuple[str, ...] = (" special self governing province", " province", " do")
_APOSTROPHES = str.maketrans("", "", "'’ʼ‘`´")
_SEPARATORS = re.compile(r"[\s\-_.,/]+")
_QUALIFIED = re.compile(r"^(?P<base>[^()]+?)\s*\((?P<qual>[^()]+)\)\s*$")


def fold(text: str) -> str:
    """Matching key: ASCII, lower case, no apostrophes, one space between words.

    >>> fold("  Wŏnju "), fold("Yangp'yŏng"), fold("Stoke-on-Trent")
    ('wonju', 'yangpyong', 'stoke on trent')
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SEPARATORS.sub(" ", ascii_text.translate(_APOSTROPHES).lower()).strip()


def variant(key: str) -> str:
    """A folded key without a municipal prefix or suffix (``city of``, ``si``, ``city``).

    >>> variant("sejong special self governing city"), variant("jeju city")
    ('sejong', 'jeju')
    """
    if key.startswith("city of "):
        key = key[8:]
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def _region_key(text: str) -> str:
    key = variant(fold(text))
    for suffix in _REGION_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


@dataclass(frozen=True, slots=True)
class Place:
    """One row of the shipped GeoNames table."""

    name: str
    country: str
    lat: float
    lon: float
    population: int
    region: str
    admin1: str
    qualified_name: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The name that identifies this place alone (qualified if the name repeats)."""
        return self.qualified_name or self.name

    def qualifier_keys(self) -> set[str]:
        keys = {_region_key(self.region), self.admin1.lower()}
        if self.qualified_name:
            m = _QUALIFIED.match(self.qualified_name)
            if m:
                keys.add(_region_key(m["qual"]))
        return keys

    def to_city(self) -> City:
        return City(self.label, self.country, self.lat, self.lon, self.population, self.region)


@cache
def geonames_places() -> tuple[Place, ...]:
    """The shipped GeoNames table (graphtwin/data/cities_geonames.csv), read once."""
    text = resources.files("graphtwin").joinpath("data/cities_geonames.csv").read_text("utf-8")
    places = []
    for row in csv.DictReader(text.splitlines()):
        places.append(
            Place(
                name=row["name"],
                country=row["country"],
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                population=int(row["population"]),
                region=row["region"],
                admin1=row["admin1"],
                qualified_name=row["qualified_name"],
                aliases=tuple(a for a in row["aliases"].split(";") if a),
            )
        )
    return tuple(places)


class CityError(GraphtwinError):
    """A city name that resolves to no place, or to more than one."""


class _Index:
    """Places of one source indexed by (country, folded name) and (country, variant)."""

    def __init__(self) -> None:
        self.exact: dict[tuple[str, str], list] = {}
        self.loose: dict[tuple[str, str], list] = {}

    def add(self, country: str, names: Iterable[str], item: object) -> None:
        for name in names:
            key = fold(name)
            for table, k in ((self.exact, key), (self.loose, variant(key))):
                bucket = table.setdefault((country, k), [])
                if item not in bucket:
                    bucket.append(item)

    def find(self, country: str, text: str) -> list:
        key = fold(text)
        return self.exact.get((country, key)) or self.loose.get((country, variant(key))) or []


@cache
def _geonames_index() -> tuple[_Index, dict[str, list[Place]]]:
    index = _Index()
    by_name: dict[str, list[Place]] = {}
    for p in geonames_places():
        names = (p.name, p.qualified_name, *p.aliases) if p.qualified_name else (p.name, *p.aliases)
        index.add(p.country, names, p)
        by_name.setdefault(variant(fold(p.name)), []).append(p)
    return index, by_name


class CityResolver:
    """Resolves city names: a bundle's cities.csv rows first, then the GeoNames table.

    ``user_cities`` are the bundle's own City rows (their spelling is kept); missing
    coordinates, population or region of such a row are filled from the GeoNames table
    when the name (and the region, if given) picks exactly one place there.

    Example:
        >>> lcr = City("Liverpool City Region", "GB", 53.41, -2.98, 1_600_000, "England")
        >>> r = CityResolver([lcr])
        >>> r.resolve("liverpool city region", "GB").name, r.resolve("Busan", "KR").lat
        ('Liverpool City Region', 35.10168)
    """

    def __init__(self, user_cities: Iterable[City] = ()) -> None:
        self._user = _Index()
        for city in user_cities:
            self._user.add(city.country.upper(), (city.name,), self._complete(city))

    @staticmethod
    def _complete(city: City) -> City:
        if None not in (city.lat, city.lon, city.population, city.region):
            return city
        places = _geonames_index()[0].find(city.country.upper(), city.name)
        if city.region:
            key = _region_key(city.region)
            places = [p for p in places if key in p.qualifier_keys()]
        if len(places) != 1:
            return city
        p = places[0]
        has_coords = city.lat is not None and city.lon is not None
        return replace(
            city,
            lat=city.lat if has_coords else p.lat,
            lon=city.lon if has_coords else p.lon,
            population=city.population if city.population is not None else p.population,
            region=city.region or p.region,
        )

    def resolve(self, text: str, country: str) -> City:
        """The City that ``text`` names in ``country`` (ISO alpha-2, any case).

        Raises CityError if the name is unknown or fits several places.

        >>> CityResolver().resolve("Belfast", "GB").region
        'Northern Ireland'
        """
        country = country.upper()
        name = text.strip()
        users = self._user.find(country, name)
        if len(users) == 1:
            return users[0]
        if len(users) > 1:
            listed = ", ".join(f"{quoted(c.name)}" for c in users)
            raise CityError(
                f"ambiguous city {quoted(name)} in {country}: cities.csv has {listed}; "
                "write one of these names exactly"
            )
        index, by_name = _geonames_index()
        places = index.find(country, name)
        if not places:
            places = self._qualified(index, country, name)
        if len(places) > 1 and fold(name).endswith(_METROPOLITAN):
            # "Gwangju Metropolitan City" is the metropolitan city, a region of its own
            places = [p for p in places if _region_key(p.region) == variant(fold(name))]
        if len(places) == 1:
            return places[0].to_city()
        if len(places) > 1:
            raise CityError(self._ambiguous(name, country, places))
        raise CityError(self._unknown(name, country, by_name))

    @staticmethod
    def _qualified(index: _Index, country: str, name: str) -> list[Place]:
        m = _QUALIFIED.match(name)
        if m:
            base, qual = m["base"], m["qual"]
        elif "," in name:
            base, _, qual = name.rpartition(",")
        else:
            return []
        key = _region_key(qual)
        return [p for p in index.find(country, base) if key in p.qualifier_keys()]

    @staticmethod
    def _ambiguous(name: str, country: str, places: list[Place]) -> str:
        options = " and ".join(
            f"{quoted(p.label)} ({p.region}, population {p.population})" for p in places
        )
        return (
            f"ambiguous city {quoted(name)} in {country}: {len(places)} places have this name: "
            f"{options}; write one of these names, or add a row for {quoted(name)} to cities.csv "
            "with its region, lat and lon"
        )

    @staticmethod
    def _unknown(name: str, country: str, by_name: dict[str, list[Place]]) -> str:
        message = (
            f"unknown city {quoted(name)} in {country}: not in cities.csv nor in the built-in "
            "GeoNames table (GB and KR places of 15,000+ people); add a row for it to "
            "cities.csv (name, country, lat, lon, population, region)"
        )
        key = variant(fold(name))
        elsewhere = sorted({p.country for p in by_name.get(key, ()) if p.country != country})
        if elsewhere:
            return f"{message}, or check the country: a {quoted(name)} is in {', '.join(elsewhere)}"
        names = {variant(fold(p.name)): p.label for p in geonames_places() if p.country == country}
        close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.8)
        if close:
            return f"{message}; did you mean {quoted(names[close[0]])}?"
        return message


def resolve_city(text: str, country: str, user_cities: Iterable[City] = ()) -> City:
    """Resolve one city name; see :class:`CityResolver` (build one for many lookups).

    >>> resolve_city("Pusan", "KR").name
    'Busan'
    """
    return CityResolver(user_cities).resolve(text, country)
