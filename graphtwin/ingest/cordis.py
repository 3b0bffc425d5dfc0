"""Import CORDIS (EU Horizon Europe / Horizon 2020 projects) into a graphtwin bundle.

CORDIS publishes every EU framework-programme project as a bulk CSV export
(``cordis-HORIZONprojects-csv.zip``, ``cordis-h2020projects-csv.zip``; CC BY 4.0). Two of
its files matter here, both UTF-8, separated by ``;`` with every field quoted:

- ``project.csv``: one row per project (``id``, ``acronym``, ``status``, ``title``,
  ``startDate``, ``endDate``, ``totalCost``, ``ecMaxContribution``, ``legalBasis``,
  ``topics``, ``frameworkProgramme``, ``objective``, ...);
- ``organization.csv``: one row per participation (``projectID``, ``organisationID``,
  ``name``, ``activityType``, ``city``, ``country``, ``geolocation``, ``role``, ``SME``,
  ``organizationURL``, ``contentUpdateDate``, ...).

:func:`import_cordis` reads them (from the zip, a folder holding them, or the two CSV
files; several exports at once, e.g. H2020 and Horizon Europe) and builds a
:class:`~graphtwin.model.Bundle`:

- one organisation per ``organisationID`` (id ``cordis-<organisationID>``), its name,
  city and country from its most recently updated row; kind from ``activityType``
  (:data:`ACTIVITY_KINDS`; a ``PUB`` body whose name reads as a local government is a
  ``council``); CORDIS country codes ``UK`` and ``EL`` become ``GB`` and ``GR``;
- one undirected ``project`` tie per pair of organisations that share a project; a
  pair that shares several projects is one tie (the bundle format holds one tie per
  pair and kind) spanning the earliest start to the latest end, with the projects in
  its evidence and, by default, weight = 3 × the number of shared projects;
- projects with more than ``max_partners`` organisations contribute only
  coordinator–partner ties (a 100-partner consortium would otherwise add 4,950 ties);
- cities: the built-in GeoNames table first (CORDIS writes cities in capitals, often in
  the local language: ``ATHINA``); a city it does not know is added to ``cities.csv``
  with the median CORDIS ``geolocation`` of its organisations. An organisation whose
  city is neither known nor geolocated is dropped with its ties and reported: cities
  are never invented.

Filters: framework programme, ``legalBasis`` prefix, start year, and countries (keep
projects with at least one organisation there). Everything is sorted, so the same input
gives byte-identical bundles. docs/importers.md describes the mapping and its limits.

Example:
    r = import_cordis(["cordis-HORIZONprojects-csv.zip"], countries=["GB"])
    print(r.summary())
"""

from __future__ import annotations

import contextlib
import csv
import functools
import gc
import io
import math
import os
import statistics
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ParamSpec, TypeVar

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.cities import CityError, CityResolver, Place, fold, geonames_places, variant
from graphtwin.ingest.ror import is_local_government
from graphtwin.ingest.validate import countries as iso_countries
from graphtwin.ingest.validate import parse_date
from graphtwin.model import TIE_KINDS, Bundle, City, Organisation, Tie, city_id
from graphtwin.progress import ProgressFn

#: CORDIS (EU) country codes that differ from ISO 3166-1 alpha-2.
CORDIS_COUNTRY_CODES: dict[str, str] = {"UK": "GB", "EL": "GR"}

#: CORDIS ``activityType`` → organisation kind. ``PUB`` becomes ``council`` when the name
#: reads as a local government (:func:`graphtwin.ingest.ror.is_local_government`).
ACTIVITY_KINDS: dict[str, str] = {
    "HES": "university",  # higher or secondary education establishment
    "REC": "research_institute",  # research organisation
    "PRC": "firm",  # private for-profit entity
    "PUB": "agency",  # public body (excluding research and education)
    "OTH": "other",
}

#: Columns :func:`import_cordis` needs (matched case-insensitively, in any order).
PROJECT_COLUMNS: frozenset[str] = frozenset(
    {"id", "acronym", "title", "startDate", "endDate", "frameworkProgramme"}
)
ORGANISATION_COLUMNS: frozenset[str] = frozenset(
    {"projectID", "organisationID", "name", "activityType", "city", "country", "role"}
)

DEFAULT_MAX_PARTNERS = 50
PROJECT_URL = "https://cordis.europa.eu/project/id/{}"

#: An ambiguous city name (two Newports) is settled by the organisation's geolocation
#: when one of the candidate places is at most this far away.
NEAR_KM = 30.0
#: Projects named in one tie's evidence; the rest are counted ("and 4 more").
EVIDENCE_PROJECTS = 5
_TITLE_CHARS = 150
_P = ParamSpec("_P")
_R = TypeVar("_R")
_PROGRESS_EVERY = 5000


# ======================================================================================
# Helpers shared with graphtwin.ingest.gtr: names, countries, cities, ties, drop reports
# ======================================================================================

_SMALL_WORDS = frozenset(
    ("a", "am", "an", "and", "at", "bei", "d", "de", "del", "della", "der", "des", "di", "du",
     "el", "en", "et", "i", "im", "la", "le", "les", "of", "on", "op", "sur", "the", "und",
     "upon", "van", "von", "y", "zu")
)  # fmt: skip


def _capitalise(word: str, first: bool) -> str:
    if not first and word.lower() in _SMALL_WORDS:
        return word.lower()
    for i, ch in enumerate(word):
        if ch.isalpha():
            return word[:i] + ch.upper() + word[i + 1 :].lower()
    return word


def _title_word(word: str, first: bool) -> str:
    pieces = word.split("-")
    out = [_capitalise(p, first and i == 0) for i, p in enumerate(pieces)]
    text = "-".join(out)
    if "'" in text:  # KING'S → King's, D'ASCQ → d'Ascq
        head, _, tail = text.partition("'")
        if len(head) == 1 and head.lower() in "dl" and not first:
            return head.lower() + "'" + _capitalise(tail, True)
        return head + "'" + (tail.lower() if len(tail) <= 2 else _capitalise(tail, True))
    return text


def normalise_city_name(raw: str) -> str:
    """A city name with single spaces; names written in capitals get title case.

    CORDIS writes most cities in capitals; mixed-case names are kept as written.

    >>> normalise_city_name("  STOKE-ON-TRENT "), normalise_city_name("KING'S LYNN")
    ('Stoke-on-Trent', "King's Lynn")
    >>> normalise_city_name("VILLENEUVE D'ASCQ"), normalise_city_name("Den Haag")
    ("Villeneuve d'Ascq", 'Den Haag')
    """
    text = " ".join(raw.split())
    if not text or any(ch.islower() for ch in text):
        return text
    return " ".join(_title_word(w, i == 0) for i, w in enumerate(text.split(" ")))


def iso_country(code: str) -> str | None:
    """The ISO 3166-1 alpha-2 code for a CORDIS country code, or None if there is none.

    >>> iso_country("UK"), iso_country("el"), iso_country("DE"), iso_country("XK")
    ('GB', 'GR', 'DE', None)
    """
    value = code.strip().upper()
    value = CORDIS_COUNTRY_CODES.get(value, value)
    return value if value in iso_countries() else None


def cordis_kind(activity_type: str, name: str = "") -> str:
    """The organisation kind for a CORDIS ``activityType`` (and name, for councils).

    >>> cordis_kind("HES"), cordis_kind("pub", "BELFAST CITY COUNCIL"), cordis_kind("PUB")
    ('university', 'council', 'agency')
    >>> cordis_kind("")
    'other'
    """
    kind = ACTIVITY_KINDS.get(activity_type.strip().upper(), "other")
    if kind == "agency" and is_local_government(name):
        return "council"
    return kind


def parse_cordis_date(text: str) -> str | None:
    """``YYYY-MM-DD`` from a CORDIS date (``2022-09-01``, ``2022-09-01 00:00:00`` or the
    ``01/09/2022`` of older exports), or None.

    >>> parse_cordis_date("2022-09-01"), parse_cordis_date("01/09/2022 00:00")
    ('2022-09-01', '2022-09-01')
    >>> parse_cordis_date(""), parse_cordis_date("2022-02-30")
    (None, None)
    """
    s = text.strip()
    if len(s) >= 10 and s[2] == "/" and s[5] == "/":
        s = f"{s[6:10]}-{s[3:5]}-{s[0:2]}"
    date = parse_date(s[:10]) if len(s) >= 10 else None
    return date if date and len(date) == 10 else None


def parse_geolocation(text: str) -> tuple[float, float] | None:
    """``(lat, lon)`` from a CORDIS ``geolocation`` (``"51.5258,-0.1339"``), or None.

    >>> parse_geolocation("51.525895694,-0.13394298"), parse_geolocation("0,0")
    ((51.525895694, -0.13394298), None)
    """
    parts = text.replace(";", ",").split(",")
    if len(parts) != 2:
        return None
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lat, lon


@functools.cache
def _places_by_key() -> dict[tuple[str, str], list[Place]]:
    """Built-in places by (country, loose key of each of their names and aliases)."""
    index: dict[tuple[str, str], list[Place]] = {}
    for p in geonames_places():
        for n in (p.name, p.qualified_name, *p.aliases):
            if n:
                bucket = index.setdefault((p.country, variant(fold(n))), [])
                if p not in bucket:
                    bucket.append(p)
    return index


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


class CityPlacer:
    """Places organisations in cities without inventing any.

    :meth:`place` tries the built-in GeoNames table (``Hull`` → ``Kingston upon Hull``);
    an ambiguous name (``Newport``) is settled by the organisation's coordinates when one
    candidate is within :data:`NEAR_KM`; any other name needs coordinates and becomes a
    cities.csv row (:meth:`finish`) with the median coordinates of its organisations.
    Spellings that the validator would treat as one city (same folded name, or same
    city id) become one row.

    Example:
        >>> p = CityPlacer()
        >>> p.place("HULL", "GB", None, None), p.place("Nowhere", "GB", None, None)
        (('Kingston upon Hull', None), (None, 'city not in the built-in table, no coordinates'))
        >>> ref, _ = p.place("ATHINA", "GR", 37.98, 23.73)
        >>> cities = p.finish()
        >>> p.city_name(ref), [(c.name, c.lat) for c in cities]
        ('Athina', [('Athina', 37.98)])
    """

    def __init__(self, resolver: CityResolver | None = None, near_km: float = NEAR_KM) -> None:
        self._resolver = resolver or CityResolver()
        self._near_km = near_km
        self._lookups: dict[tuple[str, str], tuple[str | None, list[Place]]] = {}
        self._added: dict[tuple[str, str], list[tuple[str, float, float]]] = {}
        self._names: dict[str, str] = {}
        self.builtin: set[str] = set()

    def _lookup(self, name: str, country: str) -> tuple[str | None, list[Place]]:
        candidates = _places_by_key().get((country, variant(fold(name))), [])
        if not candidates and "(" not in name and "," not in name:
            return None, []  # the resolver would not know it either (and is slow to say so)
        try:
            return self._resolver.resolve(name, country).name, []
        except CityError:
            return None, candidates if len(candidates) > 1 else []

    def place(
        self, raw: str, country: str, lat: float | None, lon: float | None
    ) -> tuple[str | None, str | None]:
        """``(city reference, None)`` or ``(None, reason it cannot be placed)``.

        The reference is the city's final name for built-in places; for added places it
        is a key that :meth:`city_name` turns into the name after :meth:`finish`.
        """
        name = normalise_city_name(raw)
        if not name:
            return None, "no city"
        key = (fold(name), country)
        found = self._lookups.get(key)
        if found is None:
            found = self._lookups[key] = self._lookup(name, country)
        label, candidates = found
        if label:
            self.builtin.add(f"{label}|{country}")
            return label, None
        if lat is not None and lon is not None and candidates:
            near = min(candidates, key=lambda p: _km(lat, lon, p.lat, p.lon))
            if _km(lat, lon, near.lat, near.lon) <= self._near_km:
                self.builtin.add(f"{near.label}|{country}")
                return near.label, None
        if lat is None or lon is None:
            if candidates:
                return None, "ambiguous city name, no coordinates to choose"
            return None, "city not in the built-in table, no coordinates"
        self._added.setdefault(key, []).append((name, lat, lon))
        return "\0" + "|".join(key), None

    def finish(self) -> list[City]:
        """The cities.csv rows for the places added by :meth:`place`, sorted."""
        groups: dict[str, list[tuple[str, str]]] = {}  # city id -> [(fold, country)]
        for key in sorted(self._added):
            groups.setdefault(self._group_id(key), []).append(key)
        # Spellings with one city id but different folded names (d'Ascq, d Ascq) merge.
        cities: list[City] = []
        for keys in groups.values():
            entries = [e for k in keys for e in self._added[k]]
            counts = Counter(name for name, _, _ in entries)
            best = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            lat = statistics.median(e[1] for e in entries)
            lon = statistics.median(e[2] for e in entries)
            cities.append(City(best, keys[0][1], round(lat, 6), round(lon, 6)))
            for k in keys:
                self._names["\0" + "|".join(k)] = best
        return sorted(cities, key=lambda c: (c.country, c.name))

    def _group_id(self, key: tuple[str, str]) -> str:
        names = Counter(n for n, _, _ in self._added[key])
        return city_id(min(names.items(), key=lambda kv: (-kv[1], kv[0]))[0], key[1])

    def city_name(self, ref: str) -> str:
        """The city name of a reference returned by :meth:`place` (after :meth:`finish`)."""
        return self._names.get(ref, ref)

    @property
    def added(self) -> int:
        """How many distinct added places were seen (before merging spellings)."""
        return len(self._added)


@dataclass(slots=True)
class Occasion:
    """One project (or fund) behind a tie: its dates, its evidence label and its URL."""

    start: str | None
    end: str | None
    label: str
    url: str | None


class PairTies:
    """Ties between pairs of organisations, one per pair, merged across occasions.

    ``add(a, b, i)`` records that ``a`` and ``b`` share occasion ``i`` (an index into
    the occasions given to :meth:`build`); the same pair twice for one occasion counts
    once. Undirected kinds store each pair once whatever the order.

    Example:
        >>> t = PairTies("project")
        >>> t.add("b", "a", 0), t.add("a", "b", 0), t.add("a", "b", 1)
        (True, False, True)
        >>> occ = [Occasion("2019-01-01", "2020-12-31", "X: one", "u0"),
        ...        Occasion("2021-01-01", "2023-06-30", "Y: two", "u1")]
        >>> tie = t.build(occ, "CORDIS project", "CORDIS projects")[0]
        >>> tie.source, tie.target, tie.start, tie.end, tie.weight, tie.source_url
        ('a', 'b', '2019-01-01', '2023-06-30', 6.0, 'u0')
        >>> tie.evidence
        'CORDIS projects (2): X: one; Y: two'
    """

    def __init__(self, kind: str, *, count_weight: bool = True) -> None:
        self.kind = kind
        self.directed = TIE_KINDS[kind].directed
        self.count_weight = count_weight
        self._pairs: dict[tuple[str, str], list[int]] = {}
        self.instances = 0

    def add(self, a: str, b: str, occasion: int) -> bool:
        """Record ``a``–``b`` for ``occasion``; False if already recorded for it."""
        key = (a, b) if self.directed or a < b else (b, a)
        seen = self._pairs.get(key)
        if seen is None:
            self._pairs[key] = [occasion]
        elif occasion in seen:
            return False
        else:
            seen.append(occasion)
        self.instances += 1
        return True

    def __len__(self) -> int:
        return len(self._pairs)

    def build(self, occasions: Sequence[Occasion], noun: str, plural: str) -> list[Tie]:
        """One Tie per pair, sorted by source and target.

        Pairs of one occasion share that occasion's evidence string, so a million ties
        from one large project do not hold a million copies of its title.
        """
        default = TIE_KINDS[self.kind].weight
        kind, count_weight = self.kind, self.count_weight
        single: dict[int, str] = {}
        ties: list[Tie] = []
        append = ties.append
        for key in sorted(self._pairs):
            seen = self._pairs[key]
            if len(seen) == 1:
                o = occasions[seen[0]]
                evidence = single.get(seen[0])
                if evidence is None:
                    evidence = single[seen[0]] = f"{noun} {o.label}"
                end = o.end if not (o.start and o.end and o.end < o.start) else None
                append(Tie(key[0], key[1], kind, None, o.start, end, evidence, o.url))
                continue
            occ = [occasions[i] for i in seen]
            starts = [o.start for o in occ if o.start]
            ends = [o.end for o in occ if o.end]
            start = min(starts) if starts else None
            end = max(ends) if ends else None
            if start and end and end < start:
                end = None
            shown = "; ".join(o.label for o in occ[:EVIDENCE_PROJECTS])
            more = len(occ) - EVIDENCE_PROJECTS
            evidence = f"{plural} ({len(occ)}): {shown}" + (
                f"; and {more} more" if more > 0 else ""
            )
            weight = default * len(occ) if count_weight else None
            url = next((o.url for o in occ if o.url), None)
            append(Tie(key[0], key[1], kind, weight, start, end, evidence, url))
        return ties


@dataclass
class Dropped:
    """Organisations left out, by reason, with a few examples each for the report."""

    by_reason: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, reason: str, example: str, keep: int = 3) -> None:
        self.by_reason[reason] += 1
        shown = self.examples.setdefault(reason, [])
        if len(shown) < keep:
            shown.append(example)

    @property
    def total(self) -> int:
        return sum(self.by_reason.values())

    def lines(self) -> list[str]:
        """One line per reason: count and examples, most frequent first."""
        return [
            f"  {reason}: {n:,} (e.g. {'; '.join(self.examples[reason])})"
            for reason, n in sorted(self.by_reason.items(), key=lambda kv: (-kv[1], kv[0]))
        ]


def without_gc(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``fn`` with the cyclic garbage collector off, restoring it afterwards.

    Importers create up to a million tie records and no reference cycles; the collector
    would run hundreds of times for nothing (it doubled an 880,000-tie CORDIS import).
    """

    @functools.wraps(fn)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return wrapper


def compact(text: str, limit: int = _TITLE_CHARS) -> str:
    """``text`` on one line, shortened to ``limit`` characters with an ellipsis.

    >>> compact("A  title\\nover two lines", 12)
    'A title ove…'
    """
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 1].rstrip() + "…"


def country_filter(values: Iterable[str] | None) -> frozenset[str] | None:
    """ISO codes from ``--countries`` values (``GB``, ``uk``, ``KR``); unknown codes are
    an error.

    >>> sorted(country_filter(["uk", " KR"]))
    ['GB', 'KR']
    """
    if values is None:
        return None
    out = set()
    for raw in values:
        if not raw.strip():
            continue
        code = iso_country(raw)
        if code is None:
            raise GraphtwinError(
                f"--countries: {raw.strip()!r} is not an ISO 3166-1 alpha-2 country code "
                "(e.g. GB, KR, DE)"
            )
        out.add(code)
    if not out:
        raise GraphtwinError("--countries: give at least one country code, e.g. GB,KR")
    return frozenset(out)


def check_years(since: int | None, until: int | None) -> None:
    """Refuse a start-year window that is empty."""
    if since is not None and until is not None and until < since:
        raise GraphtwinError(f"--until {until} is before --since {since}")


def outside_years(start: str | None, since: int | None, until: int | None) -> bool:
    """True if a project starting on ``start`` (YYYY-MM-DD) is outside the start-year
    window ``since``..``until`` (inclusive; either may be open). A project without a start
    date is outside every window that has a bound.

    >>> outside_years("2019-05-01", 2020, None), outside_years("2020-01-01", 2020, 2020)
    (True, False)
    >>> outside_years(None, None, None), outside_years(None, None, 2030)
    (False, True)
    """
    if since is None and until is None:
        return False
    year = int(start[:4]) if start else None
    return (
        year is None or (since is not None and year < since) or (until is not None and year > until)
    )


# ======================================================================================
# Reading the CORDIS CSV files (plain, in a folder, or inside the export zip)
# ======================================================================================


@dataclass(frozen=True)
class CsvSource:
    """A CSV file on disk or inside a zip, opened as bytes."""

    label: str  # for messages: path, or path!member
    opener: Callable[[], AbstractContextManager[IO[bytes]]]


def _file_source(path: Path) -> CsvSource:
    return CsvSource(str(path), lambda: open(path, "rb"))


def _member_source(path: Path, member: str) -> CsvSource:
    @contextlib.contextmanager
    def opener() -> Iterator[IO[bytes]]:
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            yield fh

    return CsvSource(f"{path}!{member}", opener)


def _count_lines(src: CsvSource) -> int:
    lines, last = 0, b""
    with src.opener() as fh:
        while chunk := fh.read(1 << 20):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines + (1 if last and last != b"\n" else 0)


def _bad_byte_line(src: CsvSource) -> int:
    with src.opener() as fh:
        data = fh.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data.count(b"\n", 0, exc.start) + 1
    return 1


class CsvTable:
    """One CORDIS CSV file: its header (delimiter sniffed from it) and its rows.

    ``index`` maps lower-case column names to positions. Rows are lists of strings;
    a row whose field count differs from the header's is skipped and listed.
    """

    def __init__(self, src: CsvSource, required: frozenset[str], layout: str) -> None:
        self.src = src
        self.layout = layout
        header_line = self._header_line()
        counts = {d: header_line.count(d) for d in (";", ",", "\t")}
        self.delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ";"
        header = next(csv.reader([header_line], delimiter=self.delimiter), [])
        self.header = [h.strip() for h in header]
        self.index = {h.lower(): i for i, h in enumerate(self.header)}
        missing = sorted(c for c in required if c.lower() not in self.index)
        if missing:
            shown = ", ".join(self.header[:8]) + (", ..." if len(self.header) > 8 else "")
            raise GraphtwinError(
                f"{src.label}:1: missing column(s) {', '.join(missing)}: not the CORDIS "
                f"{layout} layout (it needs {', '.join(sorted(required))}; found {shown})"
            )

    def _header_line(self) -> str:
        try:
            first = _first_line(self.src)
        except (OSError, zipfile.BadZipFile) as exc:
            raise GraphtwinError(f"{self.src.label}: cannot read ({exc})") from exc
        try:
            return first.decode("utf-8-sig").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            raise GraphtwinError(
                f"{self.src.label}:1: not UTF-8; CORDIS exports are UTF-8, save the file as UTF-8"
            ) from exc

    def column(self, row: list[str], name: str) -> str:
        """The stripped value of column ``name`` (empty if the file has no such column)."""
        i = self.index.get(name.lower())
        return row[i].strip() if i is not None else ""

    def getter(self, *names: str) -> Callable[[list[str]], tuple[str, ...]]:
        """A function returning the stripped values of ``names`` from a row, in order
        (empty strings for columns the file does not have)."""
        positions = [self.index.get(n.lower(), -1) for n in names]

        def get(row: list[str]) -> tuple[str, ...]:
            return tuple(row[i].strip() if i >= 0 else "" for i in positions)

        return get

    def rows(
        self, skipped: list[tuple[str, str]], progress: ProgressFn | None = None
    ) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(line, row)`` for each data row; ``line`` is where the row starts."""
        label = Path(self.src.label.split("!")[-1]).name
        total = _count_lines(self.src) if progress else 0
        width = len(self.header)
        with self.src.opener() as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text, delimiter=self.delimiter)
            try:
                next(reader, None)
                previous = reader.line_num
                for n, row in enumerate(reader, 1):
                    line, previous = previous + 1, reader.line_num
                    if progress and n % _PROGRESS_EVERY == 0:
                        progress(previous, total, f"CORDIS {label}")
                    if len(row) != width:
                        if not any(cell.strip() for cell in row):
                            continue
                        skipped.append(
                            (
                                f"{self.src.label}:{line}",
                                f"{len(row)} fields where the header has {width}",
                            )
                        )
                        continue
                    yield line, row
            except UnicodeDecodeError as exc:
                raise GraphtwinError(
                    f"{self.src.label}:{_bad_byte_line(self.src)}: not UTF-8; CORDIS exports "
                    "are UTF-8, save the file as UTF-8"
                ) from exc
            except csv.Error as exc:
                raise GraphtwinError(f"{self.src.label}:{reader.line_num}: {exc}") from exc
        if progress:
            progress(total, total, f"CORDIS {label}")


_CSV_NAMES = {"project.csv": "project", "organization.csv": "organisation"}


def _first_line(src: CsvSource) -> bytes:
    with src.opener() as fh:
        return fh.readline(1 << 20)


def _header_kind(src: CsvSource) -> str | None:
    try:
        lower = _first_line(src).decode("utf-8", errors="replace").lower()
    except (OSError, zipfile.BadZipFile):
        return None
    if "projectid" in lower and "organisationid" in lower:
        return "organisation"
    if "acronym" in lower and "startdate" in lower:
        return "project"
    return None


def collect_sources(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[list[CsvSource], list[CsvSource]]:
    """The project.csv and organization.csv sources among ``paths``.

    A path is a CORDIS export zip, a folder holding project.csv and organization.csv
    (or export zips), or one of the CSV files (recognised by its header).
    """
    projects: list[CsvSource] = []
    orgs: list[CsvSource] = []

    def add(src: CsvSource, hint: str | None) -> None:
        kind = _header_kind(src) or hint
        if kind == "project":
            projects.append(src)
        elif kind == "organisation":
            orgs.append(src)
        else:
            raise GraphtwinError(
                f"{src.label}:1: not a CORDIS project.csv or organization.csv (project.csv "
                "needs the columns id, acronym, startDate, ...; organization.csv projectID, "
                "organisationID, ...)"
            )

    def add_zip(path: Path) -> None:
        try:
            with zipfile.ZipFile(path) as zf:
                members = sorted(zf.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise GraphtwinError(f"{path}: not a readable zip archive ({exc})") from exc
        found = [m for m in members if Path(m).name.lower() in _CSV_NAMES]
        if not found:
            raise GraphtwinError(
                f"{path}: no project.csv or organization.csv inside; expected a CORDIS "
                "projects export such as cordis-HORIZONprojects-csv.zip"
            )
        for m in found:
            add(_member_source(path, m), _CSV_NAMES[Path(m).name.lower()])

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise GraphtwinError(f"{path}: no such file or folder")
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.name.lower() in _CSV_NAMES)
            if files:
                for f in files:
                    add(_file_source(f), _CSV_NAMES[f.name.lower()])
                continue
            zips = sorted(path.glob("*.zip"))
            if not zips:
                raise GraphtwinError(
                    f"{path}: no project.csv, organization.csv or CORDIS export .zip in this folder"
                )
            for z in zips:
                add_zip(z)
        elif path.suffix.lower() == ".zip":
            add_zip(path)
        elif path.suffix.lower() == ".csv":
            add(_file_source(path), None)
        else:
            raise GraphtwinError(
                f"{path}: not a CORDIS file; give the export .zip, a folder with project.csv "
                "and organization.csv, or those two files"
            )
    if not projects:
        raise GraphtwinError(
            "no CORDIS project.csv among the inputs; give the export .zip or both "
            "project.csv and organization.csv"
        )
    if not orgs:
        raise GraphtwinError(
            "no CORDIS organization.csv among the inputs; give the export .zip or both "
            "project.csv and organization.csv"
        )
    return projects, orgs


# ======================================================================================
# Import
# ======================================================================================


@dataclass(slots=True)
class _Project:
    id: str
    acronym: str
    title: str
    start: str | None
    end: str | None
    framework: str


@dataclass(slots=True)
class _OrgRow:
    id: str
    name: str
    activity: str
    city: str
    raw_country: str
    country: str | None
    coords: tuple[float, float] | None
    sme: bool
    website: str
    updated: str


@dataclass
class CordisImport:
    """The result of :func:`import_cordis`: the bundle and what happened on the way.

    ``filtered`` counts projects left out by the filters, by reason; ``capped`` lists
    ``(project id, acronym, organisations)`` of the projects over ``max_partners`` that
    contributed coordinator–partner ties only; ``dropped`` the organisations left out
    by reason; ``pairs_lost`` the project pairs that involved a dropped organisation;
    ``skipped`` ``(where, reason)`` for rows that could not be read.
    """

    bundle: Bundle
    files: list[str] = field(default_factory=list)
    projects_read: int = 0
    projects_kept: int = 0
    projects_with_ties: int = 0
    filtered: Counter[str] = field(default_factory=Counter)
    participations_read: int = 0
    participations_kept: int = 0
    participations_missing_project: int = 0
    organisations: int = 0
    ties: int = 0
    pair_instances: int = 0
    pairs_lost: int = 0
    capped: list[tuple[str, str, int]] = field(default_factory=list)
    max_partners: int = DEFAULT_MAX_PARTNERS
    cities_builtin: int = 0
    cities_added: int = 0
    dropped: Dropped = field(default_factory=Dropped)
    bad_dates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the CLI: what was read, kept, merged, capped and dropped."""
        filt = ", ".join(f"{r} {n:,}" for r, n in sorted(self.filtered.items()))
        lines = [
            f"CORDIS projects read: {self.projects_read:,} from {len(self.files)} file(s); "
            f"kept {self.projects_kept:,}" + (f" (filtered out: {filt})" if filt else ""),
            f"participations read: {self.participations_read:,}; kept {self.participations_kept:,}"
            + (
                f"; {self.participations_missing_project:,} name a project not in project.csv"
                if self.participations_missing_project
                else ""
            ),
            f"organisations: {self.organisations:,} in "
            f"{self.cities_builtin + self.cities_added:,} cities ({self.cities_builtin:,} from "
            f"the built-in table, {self.cities_added:,} added to cities.csv from CORDIS "
            "geolocations)",
            f"ties: {self.ties:,} project ties from {self.pair_instances:,} project pairs "
            f"({self.pair_instances - self.ties:,} repeated pairs merged) in "
            f"{self.projects_with_ties:,} projects",
        ]
        if self.capped:
            shown = ", ".join(f"{a or i} ({n})" for i, a, n in self.capped[:5])
            more = f" and {len(self.capped) - 5} more" if len(self.capped) > 5 else ""
            lines.append(
                f"projects over --max-partners {self.max_partners}: {len(self.capped):,} gave "
                f"coordinator–partner ties only: {shown}{more}"
            )
        if self.dropped.total:
            lines.append(
                f"organisations dropped: {self.dropped.total:,}, with {self.pairs_lost:,} "
                "project pairs:"
            )
            lines.extend(self.dropped.lines())
        if self.bad_dates:
            lines.append(
                f"projects whose endDate is before startDate (end ignored): {self.bad_dates}"
            )
        if self.skipped:
            reasons = Counter(r for _, r in self.skipped)
            shown = "; ".join(f"{r}: {n}" for r, n in reasons.most_common(3))
            lines.append(f"rows skipped: {len(self.skipped):,} ({shown})")
        return "\n".join(lines)


def _pairs(members: Sequence[str], coordinators: set[str], star: bool) -> list[tuple[str, str]]:
    """All pairs of ``members``, or (``star``) the pairs with at least one coordinator."""
    if not star:
        return [(a, b) for i, a in enumerate(members) for b in members[i + 1 :]]
    out = []
    for c in members:
        if c in coordinators:
            out.extend((c, o) for o in members if o != c and not (o in coordinators and o < c))
    return out


def _pair_count(members: Sequence[str], coordinators: set[str], star: bool) -> int:
    """``len(_pairs(members, coordinators, star))`` without listing them."""
    n = len(members)
    if not star:
        return n * (n - 1) // 2
    others = n - sum(1 for m in members if m in coordinators)
    return n * (n - 1) // 2 - others * (others - 1) // 2


@without_gc
def import_cordis(
    paths: Iterable[str | os.PathLike[str]],
    *,
    frameworks: Iterable[str] | None = None,
    programmes: Iterable[str] | None = None,
    since: int | None = None,
    until: int | None = None,
    countries: Iterable[str] | None = None,
    other_countries: str = "keep",
    max_partners: int = DEFAULT_MAX_PARTNERS,
    count_weight: bool = True,
    progress: ProgressFn | None = None,
) -> CordisImport:
    """Read CORDIS project.csv and organization.csv from ``paths`` into a bundle.

    Filters (all optional): ``frameworks`` (``frameworkProgramme`` values such as
    ``H2020``, ``HORIZON``), ``programmes`` (``legalBasis`` prefixes such as
    ``HORIZON.2.5``), ``since``/``until`` (start year, inclusive; projects without a
    start date are left out when either is given), ``countries`` (keep projects with at
    least one organisation in one of these countries; ``other_countries="drop"`` also
    leaves out the organisations elsewhere). ``max_partners``: projects with more
    organisations give coordinator–partner ties only. ``count_weight``: a pair that
    shares n > 1 projects gets weight 3 × n (else the default weight).

    Raises :class:`GraphtwinError` for a missing path, a file that is not the CORDIS
    layout (missing columns are named with the file and line), non-UTF-8 text, or
    broken CSV quoting. Rows with the wrong number of fields are skipped and listed.

    Example:
        r = import_cordis(["tests/data/cordis"], since=2022)
        r.projects_kept, r.organisations, r.ties
        (2, 7, 15)
    """
    if max_partners < 2:
        raise GraphtwinError(f"--max-partners must be at least 2, got {max_partners}")
    if other_countries not in ("keep", "drop"):
        raise GraphtwinError(f"other_countries must be 'keep' or 'drop', not {other_countries!r}")
    check_years(since, until)
    fw = {f.strip().upper() for f in frameworks or () if f.strip()} or None
    prefixes = tuple(p.strip().upper() for p in programmes or () if p.strip()) or None
    wanted = country_filter(countries)
    paths = list(paths)
    project_sources, org_sources = collect_sources(paths)
    csv.field_size_limit(max(csv.field_size_limit(), 1 << 24))

    result = CordisImport(
        bundle=Bundle(origin="CORDIS: " + ", ".join(str(p) for p in paths)),
        max_partners=max_partners,
    )
    result.files = [s.label for s in project_sources + org_sources]
    skipped = result.skipped

    # 1. Projects, filtered by framework, programme and start year.
    projects: dict[str, _Project] = {}
    seen_ids: set[str] = set()
    for src in project_sources:
        t = CsvTable(src, PROJECT_COLUMNS, "project.csv")
        for line, row in t.rows(skipped, progress):
            result.projects_read += 1
            pid = t.column(row, "id")
            if not pid:
                skipped.append((f"{src.label}:{line}", "project without id"))
                continue
            if pid in seen_ids:
                skipped.append((f"{src.label}:{line}", f"duplicate project id {pid}"))
                continue
            seen_ids.add(pid)
            start = parse_cordis_date(t.column(row, "startDate"))
            end = parse_cordis_date(t.column(row, "endDate"))
            if start and end and end < start:
                end = None
                result.bad_dates += 1
            framework = t.column(row, "frameworkProgramme")
            if fw and framework.upper() not in fw:
                result.filtered["framework"] += 1
                continue
            legal = t.column(row, "legalBasis").upper()
            if prefixes and not legal.startswith(prefixes):
                result.filtered["programme"] += 1
                continue
            if outside_years(start, since, until):
                result.filtered["start year"] += 1
                continue
            projects[pid] = _Project(
                pid, t.column(row, "acronym"), t.column(row, "title"), start, end, framework
            )

    # 2. Participations of those projects; each organisation's most recent row.
    members: dict[str, dict[str, bool]] = {}  # project -> {org id: is coordinator}
    orgs: dict[str, _OrgRow] = {}
    project_countries: dict[str, set[str]] = {}
    for src in org_sources:
        t = CsvTable(src, ORGANISATION_COLUMNS, "organization.csv")
        get = t.getter(
            "projectID", "organisationID", "name", "activityType", "city", "country",
            "geolocation", "SME", "organizationURL", "contentUpdateDate", "role",
        )  # fmt: skip
        for line, row in t.rows(skipped, progress):
            result.participations_read += 1
            pid, oid, name, activity, city, raw_country, geo, sme, url, updated, role = get(row)
            if pid not in projects:
                if pid not in seen_ids:
                    result.participations_missing_project += 1
                continue
            if not oid:
                skipped.append((f"{src.label}:{line}", "participation without organisationID"))
                continue
            previous = orgs.get(oid)
            if previous is None or updated > previous.updated:
                previous = orgs[oid] = _OrgRow(
                    id=oid,
                    name=" ".join(name.split()),
                    activity=activity,
                    city=city,
                    raw_country=raw_country,
                    country=iso_country(raw_country),
                    coords=parse_geolocation(geo),
                    sme=sme.lower() == "true",
                    website=url,
                    updated=updated,
                )
            project_members = members.setdefault(pid, {})
            project_members[oid] = project_members.get(oid, False) or role.lower() == "coordinator"
            if wanted is not None:
                country = iso_country(raw_country)
                if country is not None:
                    project_countries.setdefault(pid, set()).add(country)

    if wanted is not None:
        for pid in list(projects):
            if not project_countries.get(pid, set()) & wanted:
                result.filtered["no organisation in --countries"] += 1
                del projects[pid]
                members.pop(pid, None)
    result.projects_kept = len(projects)
    result.participations_kept = sum(len(m) for m in members.values())

    # 3. Organisations: country, city, kind; the unplaceable ones are dropped.
    placer = CityPlacer()
    placed: dict[str, str] = {}
    frameworks_of: dict[str, set[str]] = {}
    for pid, mem in members.items():
        for oid in mem:
            frameworks_of.setdefault(oid, set()).add(projects[pid].framework)
    for oid in sorted(frameworks_of):
        rec = orgs[oid]
        example = f"{rec.name} ({rec.city or 'no city'}, {rec.raw_country or 'no country'})"
        if rec.country is None:
            reason = (
                f"country code {rec.raw_country!r} is not ISO 3166-1"
                if rec.raw_country
                else "no country"
            )
            result.dropped.add(reason, example)
            continue
        if wanted is not None and other_countries == "drop" and rec.country not in wanted:
            result.dropped.add("outside --countries", example)
            continue
        lat, lon = rec.coords or (None, None)
        ref, problem = placer.place(rec.city, rec.country, lat, lon)
        if ref is None:
            result.dropped.add(problem or "no city", example)
            continue
        placed[oid] = ref
    bundle = result.bundle
    bundle.cities = placer.finish()
    result.cities_added = len(bundle.cities)
    result.cities_builtin = len(placer.builtin)

    # 4. Ties: pairs within each project (coordinator–partner only for big projects).
    ordered = sorted(projects.values(), key=lambda p: (p.start or "9999", p.id))
    occasions = [
        Occasion(
            p.start, p.end, f"{p.acronym or p.id}: {compact(p.title)}", PROJECT_URL.format(p.id)
        )
        for p in ordered
    ]
    ties = PairTies("project", count_weight=count_weight)
    placed_ids = {"cordis-" + o for o in placed}
    for index, p in enumerate(ordered):
        mem = members.get(p.id)
        if not mem:
            continue
        star = len(mem) > max_partners
        if star:
            result.capped.append((p.id, p.acronym, len(mem)))
        coordinators = {"cordis-" + o for o, c in mem.items() if c}
        everyone = sorted("cordis-" + o for o in mem)
        kept = [o for o in everyone if o in placed_ids]
        pairs = _pairs(kept, coordinators, star)
        result.pairs_lost += _pair_count(everyone, coordinators, star) - len(pairs)
        for a, b in pairs:
            ties.add(a, b, index)
        if pairs:
            result.projects_with_ties += 1
    result.pair_instances = ties.instances
    bundle.ties = ties.build(occasions, "CORDIS project", "CORDIS projects")

    bundle.organisations = [
        Organisation(
            id="cordis-" + oid,
            name=orgs[oid].name or oid,
            kind=cordis_kind(orgs[oid].activity, orgs[oid].name),
            city=placer.city_name(placed[oid]),
            country=orgs[oid].country or "",
            size="SME" if orgs[oid].sme else None,
            website=orgs[oid].website or None,
            source="CORDIS " + ", ".join(sorted(f for f in frameworks_of[oid] if f)),
            synthetic=False,
        )
        for oid in sorted(placed)
    ]
    if result.capped:
        bundle.warnings.append(
            f"{len(result.capped)} project(s) with more than {max_partners} organisations "
            "contributed coordinator–partner ties only"
        )
    result.organisations = len(bundle.organisations)
    result.ties = len(bundle.ties)
    return result


__all__ = [
    "ACTIVITY_KINDS",
    "CORDIS_COUNTRY_CODES",
    "DEFAULT_MAX_PARTNERS",
    "ORGANISATION_COLUMNS",
    "PROJECT_COLUMNS",
    "CityPlacer",
    "CordisImport",
    "Dropped",
    "Occasion",
    "PairTies",
    "collect_sources",
    "cordis_kind",
    "import_cordis",
    "iso_country",
    "normalise_city_name",
    "parse_cordis_date",
    "parse_geolocation",
    "without_gc",
]
