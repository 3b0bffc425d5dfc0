"""Check the values of a raw bundle and build the validated :class:`~graphtwin.model.Bundle`.

Every problem is collected before failing: :func:`validate` raises
:class:`~graphtwin.errors.ValidationFailed` with all of them (one line each, positioned
``FILE:LINE: COLUMN: message``, or ``FILE: $.ties[3].weight: message`` for JSON) and
the warnings. Nothing is written anywhere: this module only reads.

What is checked (docs/data-format.md is the user-facing list): required values,
duplicate organisation ids, organisation and tie kinds (aliases normalised with
:func:`~graphtwin.model.canonical_org_kind` / :func:`~graphtwin.model.canonical_tie_kind`),
ISO 3166-1 alpha-2 countries, cities (resolved by :mod:`graphtwin.ingest.cities`),
founded years, booleans, ROR ids, dangling and self ties, weights (> 0), dates (YYYY or
YYYY-MM-DD, end not before start), coordinates and populations of cities.csv, duplicate
cities and sectors. Duplicate ties (same source, target and kind; either order for
undirected kinds) are merged with a warning.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "organisations.csv").write_text(
    ...     "id,name,kind,city,country\\nq,Queen's,university,Belfast,gb\\n"
    ...     "s,Sejong City Hall,municipality,Sejong-si,KR\\n")
    >>> _ = (d / "ties.csv").write_text("source,target,kind\\nq,s,MoU\\n")
    >>> b = read_bundle(d)
    >>> b.summary()
    '2 organisations (GB 1, KR 1; university 1, council 1); 1 ties (mou 1); 2 cities; 0 sectors'
    >>> [c.name for c in b.cities], b.ties[0].effective_weight
    (['Belfast', 'Sejong'], 2.0)
"""

from __future__ import annotations

import csv
import gc
import math
import os
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import TypeVar

from graphtwin.errors import ValidationFailed
from graphtwin.ingest.bundle import RawBundle, RawTable, quoted, read_raw
from graphtwin.ingest.cities import CityError, CityResolver, fold
from graphtwin.model import (
    ORG_KINDS,
    TIE_KINDS,
    Bundle,
    City,
    Organisation,
    Sector,
    Tie,
    canonical_org_kind,
    canonical_tie_kind,
    slugify,
)

FOUNDED_RANGE = (1000, 2100)
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no", ""})
_ROR = re.compile(r"^(?:https?://(?:www\.)?ror\.org/)?(0[a-z0-9]{6}[0-9]{2})/?$", re.IGNORECASE)
_COUNTRY_HINTS = {
    "UK": "GB",
    "GBR": "GB",
    "BRITAIN": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "KOR": "KR",
    "KOREA": "KR",
    "SOUTH KOREA": "KR",
    "ROK": "KR",
}
_ORG_KINDS_ALLOWED = (
    f"{', '.join(ORG_KINDS)} (aliases such as company, charity or local_authority are listed "
    "in docs/data-format.md)"
)
_TIE_KINDS_ALLOWED = ", ".join(TIE_KINDS)
_V = TypeVar("_V")


@cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English name, from the shipped graphtwin/data/countries.csv.

    >>> countries()["KR"]
    'Republic of Korea'
    """
    text = resources.files("graphtwin").joinpath("data/countries.csv").read_text("utf-8")
    return {r["code"]: r["name"] for r in csv.DictReader(text.splitlines())}


@cache
def _country_names() -> dict[str, str]:
    hints = {fold(name).upper(): code for code, name in countries().items()}
    hints.update(_COUNTRY_HINTS)
    return hints


def _unknown_country(raw: str) -> str:
    code = _country_names().get(fold(raw).upper())
    if code:
        return (
            f"unknown country code {quoted(raw)}; use the ISO 3166-1 alpha-2 code "
            f"{code} ({countries()[code]})"
        )
    return f"unknown country code {quoted(raw)}; use an ISO 3166-1 alpha-2 code such as GB or KR"


def parse_date(text: str) -> str | None:
    """``text`` as YYYY or YYYY-MM-DD if it is a real date in one of these forms, else None.

    >>> parse_date(" 2021 "), parse_date("2022-03-31"), parse_date("2022-02-30")
    ('2021', '2022-03-31', None)
    >>> parse_date("２０２０"), parse_date("٢٠٢٠")
    (None, None)
    """
    s = text.strip()
    if not s.isascii():  # only ASCII digits: "２０２０" and "²⁰²¹" are not years
        return None
    if len(s) == 4 and s.isdigit() and s != "0000":
        return s
    if len(s) == 10 and s[4] == "-" and s[7] == "-" and s.replace("-", "").isdigit():
        try:
            date.fromisoformat(s)
        except ValueError:
            return None
        return s
    return None


def _before(end: str, start: str) -> bool:
    """True if ``end`` is earlier than ``start`` (years compared when one is a year)."""
    if len(end) == len(start):
        return end < start
    return end[:4] < start[:4]


def _whole_number(text: str) -> int | None:
    """``text`` as an int if it is a whole number (``1998``, ``1998.0``), else None.

    ASCII digits only (Python's int() also takes "٣" and "1_0").

    >>> _whole_number("1998"), _whole_number("1998.0"), _whole_number("1_0"), _whole_number("٣")
    (1998, 1998, None, None)
    """
    if not text.isascii() or "_" in text:
        return None
    try:
        return int(text)
    except ValueError:
        pass
    value = _number(text)
    return int(value) if value is not None and value.is_integer() else None


def _number(text: str) -> float | None:
    """``text`` as a finite float written in ASCII (no "1_0", no "٣"), else None."""
    if not text.isascii() or "_" in text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


class _Memo(dict[str, _V]):
    """``memo[cell]``: ``parse(cell)``, computed on the first lookup of each cell and kept.

    Columns such as kinds and dates repeat a few distinct cells over thousands of rows;
    a plain subscript serves the repeats as fast as ``dict.get`` would.
    """

    __slots__ = ("_parse",)

    def __init__(self, parse: Callable[[str], _V]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, cell: str) -> _V:
        value = self[cell] = self._parse(cell)
        return value


@dataclass
class _State:
    """What later files need from earlier ones."""

    resolver: CityResolver
    city_lines: dict[str, int]  # cities.csv "folded name|country" -> position
    invalid_cities: set[str]  # "folded name|country" of cities.csv rows with problems
    city_table: RawTable | None
    sectors: dict[str, Sector]  # lookup key -> sector
    org_ids: dict[str, int] | None  # None if organisations could not be read


def _required(t: RawTable, pos: int, column: str) -> None:
    if (pos, column) not in t.flagged:
        t.error(pos, column, "value is required")


def _bad_kind(t: RawTable, pos: int, raw: str, noun: str, allowed: str) -> None:
    """Report the kind cell ``raw`` that names no kind: missing, or unknown with the
    ``allowed`` kinds. Called only for bad cells, so valid rows pay no call."""
    text = raw.strip()
    if text:
        t.error(pos, "kind", f"unknown {noun} kind {quoted(text)}; allowed: {allowed}")
    else:
        _required(t, pos, "kind")


# --------------------------------------------------------------------------------------
# cities.csv, sectors.csv
# --------------------------------------------------------------------------------------


def _check_cities(t: RawTable | None) -> tuple[list[City], dict[str, int], set[str]]:
    """Valid cities.csv rows, their positions, and the keys of the invalid rows."""
    if t is None or not t.usable:
        return [], {}, set()
    ix = t.index
    i_name, i_country, i_lat, i_lon = ix["name"], ix["country"], ix["lat"], ix["lon"]
    i_pop, i_region = ix["population"], ix["region"]
    known = countries()
    cities: list[City] = []
    lines: dict[str, int] = {}
    invalid: set[str] = set()
    for pos, row in t.rows():
        ok = True
        name = row[i_name].strip()
        country = row[i_country].strip()
        if not name:
            _required(t, pos, "name")
            ok = False
        if not country:
            _required(t, pos, "country")
            ok = False
        elif country.upper() not in known:
            t.error(pos, "country", _unknown_country(country))
            ok = False
        country = country.upper()
        coords: list[float | None] = []
        for col, i, limit in (("lat", i_lat, 90.0), ("lon", i_lon, 180.0)):
            text = row[i].strip()
            value = _number(text) if text else None
            if text and value is None:
                t.error(pos, col, f"{quoted(text)} is not a number")
                ok = False
            elif value is not None and not -limit <= value <= limit:
                t.error(pos, col, f"{text} is out of range (-{limit:g} to {limit:g})")
                ok = False
            coords.append(value)
        lat, lon = coords
        if ok and (lat is None) != (lon is None):
            t.error(pos, "lon" if lon is None else "lat", "lat and lon must be given together")
            ok = False
        pop_text = row[i_pop].strip()
        population = _whole_number(pop_text) if pop_text else None
        if pop_text and (population is None or population < 0):
            t.error(pos, "population", f"{quoted(pop_text)} is not a whole number of people")
            ok = False
        key = f"{fold(name)}|{country}"
        if name and key in lines:
            t.error(
                pos, "name", f"duplicate city {quoted(name)} in {country} ({_at(t, lines[key])})"
            )
            ok = False
        if not ok:
            invalid.add(key)
            continue
        lines[key] = pos
        cities.append(City(name, country, lat, lon, population, row[i_region].strip() or None))
    return cities, lines, invalid


def _ref(t: RawTable, pos: int) -> str:
    """How to point at another row of the same table in a message."""
    return f"$.{t.name}[{pos}]" if t.is_json else f"line {pos}"


def _at(t: RawTable, pos: int) -> str:
    return f"first at {_ref(t, pos)}" if t.is_json else f"first on {_ref(t, pos)}"


def _check_sectors(t: RawTable | None) -> dict[str, Sector]:
    lookup: dict[str, Sector] = {}
    if t is None or not t.usable:
        return lookup
    i_id, i_name = t.index["id"], t.index["name"]
    first: dict[str, int] = {}
    for pos, row in t.rows():
        sid = row[i_id].strip()
        if not sid:
            _required(t, pos, "id")
            continue
        if sid in first:
            t.error(pos, "id", f"duplicate sector id {quoted(sid)} ({_at(t, first[sid])})")
            continue
        first[sid] = pos
        sector = Sector(sid, row[i_name].strip() or sid)
        lookup[sid] = sector  # an id always names its own sector
        for key in (slugify(sid), slugify(sector.name)):
            lookup.setdefault(key, sector)  # slugs never take an id's place
    return lookup


# --------------------------------------------------------------------------------------
# organisations.csv
# --------------------------------------------------------------------------------------


def _check_organisations(
    t: RawTable, state: _State
) -> tuple[list[Organisation], dict[str, City], dict[str, Sector]]:
    ix = t.index
    i_id, i_name, i_kind, i_city, i_country = (
        ix["id"],
        ix["name"],
        ix["kind"],
        ix["city"],
        ix["country"],
    )
    i_sectors, i_size, i_founded, i_ror = ix["sectors"], ix["size"], ix["founded"], ix["ror_id"]
    i_web, i_source, i_synth = ix["website"], ix["source"], ix["synthetic"]
    known = countries()
    ids: dict[str, int] = {}
    state.org_ids = ids
    orgs: list[Organisation] = []
    kinds = _Memo(lambda raw: canonical_org_kind(raw) or "")
    city_cache: dict[tuple[str, str], City | str] = {}
    used_cities: dict[str, City] = {}
    sector_cache: dict[str, tuple[str, ...]] = {}
    used_sectors: dict[str, Sector] = {}
    rows = 0
    for pos, row in t.rows():
        rows += 1
        ok = True
        oid = row[i_id].strip()
        if not oid.isascii():
            oid = unicodedata.normalize("NFC", oid)
        if not oid:
            _required(t, pos, "id")
            ok = False
        elif oid in ids:
            same = "" if oid == row[i_id].strip() else " (the same id once Unicode-normalised)"
            t.error(pos, "id", f"duplicate id {quoted(oid)}{same} ({_at(t, ids[oid])})")
            ok = False
        else:
            ids[oid] = pos
        name = row[i_name].strip()
        if not name:
            _required(t, pos, "name")
            ok = False

        kind = kinds[row[i_kind]]
        if not kind:
            _bad_kind(t, pos, row[i_kind], "organisation", _ORG_KINDS_ALLOWED)
            ok = False

        country = row[i_country].strip().upper()
        if not country:
            _required(t, pos, "country")
            ok = False
        elif country not in known:
            t.error(pos, "country", _unknown_country(row[i_country].strip()))
            ok = False
            country = ""

        city_text = row[i_city].strip()
        city: City | str | None = None
        if not city_text:
            _required(t, pos, "city")
            ok = False
        elif country:
            city = city_cache.get((city_text, country))
            if city is None:
                city = city_cache[(city_text, country)] = _city(
                    city_text, country, state, used_cities
                )
            if isinstance(city, str):
                if city:
                    t.error(pos, "city", city)
                ok = False

        sector_text = row[i_sectors]
        sectors = sector_cache.get(sector_text)
        if sectors is None:
            sectors = sector_cache[sector_text] = _sector_ids(
                sector_text, state.sectors, used_sectors
            )

        founded: int | None = None
        text = row[i_founded].strip()
        if text:
            founded = _whole_number(text)
            if founded is None:
                t.error(
                    pos, "founded", f"{quoted(text)} is not a year (a whole number such as 1998)"
                )
                ok = False
            elif not FOUNDED_RANGE[0] <= founded <= FOUNDED_RANGE[1]:
                t.error(
                    pos,
                    "founded",
                    f"{founded} is out of range ({FOUNDED_RANGE[0]} to {FOUNDED_RANGE[1]})",
                )
                ok = False

        ror_id: str | None = None
        text = row[i_ror].strip()
        if text:
            m = _ROR.match(text)
            if m is None:
                t.error(
                    pos,
                    "ror_id",
                    f"{quoted(text)} is not a ROR id (expected e.g. https://ror.org/00hswnk62)",
                )
                ok = False
            else:
                ror_id = f"https://ror.org/{m.group(1).lower()}"

        text = row[i_synth].strip().lower()
        synthetic = text in _TRUE
        if not synthetic and text not in _FALSE:
            t.error(
                pos,
                "synthetic",
                f"{quoted(row[i_synth].strip())} is not true or false "
                "(use true/false, 1/0 or yes/no)",
            )
            ok = False

        if ok:
            orgs.append(
                Organisation(
                    oid,
                    name,
                    kind,
                    city.name,  # type: ignore[union-attr]
                    country,
                    sectors,
                    row[i_size].strip() or None,
                    founded,
                    ror_id,
                    row[i_web].strip() or None,
                    row[i_source].strip() or None,
                    synthetic,
                )
            )
    for pos, row in t.skipped:  # rows with too many fields: their ids still exist
        if i_id < len(row) and row[i_id].strip():
            ids.setdefault(row[i_id].strip(), pos)
    if rows == 0 and not t.skipped and not t.unreadable:
        if t.is_json:
            t.error(-1, None, "no organisations: the list is empty")
        else:
            t.error(t.header_line, None, "no organisations: the file has a header but no data rows")
    return orgs, used_cities, used_sectors


def _city(text: str, country: str, state: _State, used: dict[str, City]) -> City | str:
    """The City named ``text`` (registered in ``used``), or the problem ("" if reported)."""
    try:
        city = state.resolver.resolve(text, country)
    except CityError as exc:
        # a city whose cities.csv row has problems: those are reported there
        return "" if f"{fold(text)}|{country}" in state.invalid_cities else str(exc)
    other = used.setdefault(city.id, city)
    if other.name != city.name:
        return (
            f"{quoted(city.name)} and {quoted(other.name)} get the same city id {city.id}; "
            "rename one of them in cities.csv"
        )
    return other


def _sector_ids(text: str, declared: dict[str, Sector], used: dict[str, Sector]) -> tuple[str, ...]:
    """Sector ids of a ``;``-separated list of sector ids or names (new ones created)."""
    out: list[str] = []
    for token in text.split(";"):
        token = token.strip()
        if not token:
            continue
        sector = declared.get(token) or declared.get(slugify(token))
        if sector is None:
            sector = Sector(slugify(token), token)
            declared[sector.id] = sector
        used.setdefault(sector.id, sector)
        if sector.id not in out:
            out.append(sector.id)
    return tuple(out)


# --------------------------------------------------------------------------------------
# ties.csv
# --------------------------------------------------------------------------------------


def _normal_id(text: str) -> str:
    """An id cell stripped and, if not ASCII, in Unicode NFC (one form per id)."""
    text = text.strip()
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def _check_ties(t: RawTable, state: _State) -> list[Tie]:
    ix = t.index
    i_src, i_tgt, i_kind, i_weight = ix["source"], ix["target"], ix["kind"], ix["weight"]
    i_start, i_end, i_ev, i_url = ix["start"], ix["end"], ix["evidence"], ix["source_url"]
    check_ids = state.org_ids is not None
    ids = state.org_ids or {}
    directed = {k: tk.directed for k, tk in TIE_KINDS.items()}
    kinds = _Memo(lambda raw: canonical_tie_kind(raw) or "")
    dates = _Memo(parse_date)
    seen: dict[tuple[str, str, str], tuple[int, int]] = {}
    ties: list[Tie] = []
    add = ties.append
    where_file = "$.organisations" if t.is_json else "organisations.csv"
    for chunk in t.chunks():
        for pos, row in chunk:
            ok = True
            # ends: look the cell up as it is first (the common case), strip only on a miss
            src = row[i_src]
            if src not in ids:
                src = _normal_id(src)
                if not src or (check_ids and src not in ids):
                    _bad_end(t, pos, "source", src, where_file)
                    ok = False
            tgt = row[i_tgt]
            if tgt not in ids:
                tgt = _normal_id(tgt)
                if not tgt or (check_ids and tgt not in ids):
                    _bad_end(t, pos, "target", tgt, where_file)
                    ok = False
            if src == tgt and src:
                t.error(pos, "target", f"self-tie: source and target are both {quoted(src)}")
                ok = False

            kind = kinds[row[i_kind]]
            if not kind:
                _bad_kind(t, pos, row[i_kind], "tie", _TIE_KINDS_ALLOWED)
                ok = False

            weight: float | None = None
            text = row[i_weight]
            if text:
                try:
                    weight = float(text)
                except ValueError:
                    if text.strip():
                        t.error(pos, "weight", f"{quoted(text.strip())} is not a number")
                        ok = False
                else:
                    if not 0 < weight < math.inf:
                        t.error(
                            pos,
                            "weight",
                            f"must be a number greater than 0, got {text.strip()} "
                            "(leave it empty for the kind's default weight)",
                        )
                        ok = False

            start = end = None
            text = row[i_start]
            if text:
                start = dates[text]
                if start is None and text.strip():
                    _bad_date(t, pos, "start", text)
                    ok = False
            text = row[i_end]
            if text:
                end = dates[text]
                if end is None and text.strip():
                    _bad_date(t, pos, "end", text)
                    ok = False
                elif start and end and _before(end, start):
                    t.error(pos, "end", f"{end} is before start {start}")
                    ok = False
            if not ok:
                continue

            key = (src, tgt, kind) if directed[kind] or src < tgt else (tgt, src, kind)
            first = seen.get(key)
            if first is not None:
                _merge(ties[first[0]], weight, start, end, row[i_ev].strip(), row[i_url].strip())
                t.warn(
                    pos,
                    None,
                    f"duplicate tie (same source, target and kind as {_ref(t, first[1])}); "
                    "merged into it",
                )
                continue
            seen[key] = (len(ties), pos)
            add(
                Tie(
                    src,
                    tgt,
                    kind,
                    weight,
                    start,
                    end,
                    row[i_ev].strip() or None,
                    row[i_url].strip() or None,
                )
            )
    return ties


def _bad_end(t: RawTable, pos: int, column: str, value: str, where: str) -> None:
    """Report the stripped source or target ``value``: missing, or no organisation's id
    (in ``where``). Called only for bad cells, so valid rows pay no call."""
    if value:
        t.error(pos, column, f"no organisation with id {quoted(value)} in {where}")
    else:
        _required(t, pos, column)


def _bad_date(t: RawTable, pos: int, column: str, text: str) -> None:
    """Report the start or end cell ``text`` that is not a date. Called only for bad
    cells, so valid rows pay no call."""
    t.error(pos, column, f"{quoted(text.strip())} is not a date (use YYYY or YYYY-MM-DD)")


def _merge(
    tie: Tie,
    weight: float | None,
    start: str | None,
    end: str | None,
    evidence: str,
    url: str,
) -> None:
    """Fill the empty fields of the first tie from a duplicate (the first row wins)."""
    if tie.weight is None:
        tie.weight = weight
    if tie.start is None:
        tie.start = start
    if tie.end is None and (end is None or tie.start is None or not _before(end, tie.start)):
        tie.end = end
    if tie.evidence is None:
        tie.evidence = evidence or None
    if tie.source_url is None:
        tie.source_url = url or None


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def validate(raw: RawBundle) -> Bundle:
    """Check every value of ``raw`` and return the Bundle, or raise ValidationFailed.

    Cities and sectors are read first (organisations refer to them), then organisations,
    then ties; problems are reported in file order, then line order.
    """
    report = raw.report
    tables = raw.tables
    user_cities, city_lines, invalid_cities = _check_cities(tables.get("cities"))
    state = _State(
        resolver=CityResolver(user_cities),
        city_lines=city_lines,
        invalid_cities=invalid_cities,
        city_table=tables.get("cities"),
        sectors=_check_sectors(tables.get("sectors")),
        org_ids=None,
    )
    orgs: list[Organisation] = []
    cities: dict[str, City] = {}
    sectors: dict[str, Sector] = {}
    t_orgs = tables.get("organisations")
    if t_orgs is not None and t_orgs.usable:
        orgs, cities, sectors = _check_organisations(t_orgs, state)
    ties: list[Tie] = []
    t_ties = tables.get("ties")
    if t_ties is not None and t_ties.usable:
        ties = _check_ties(t_ties, state)
    _warn_unplaced(cities.values(), state)
    if report.has_problems:
        raise ValidationFailed(report.problems(), report.warnings())
    return Bundle(
        organisations=orgs,
        ties=ties,
        cities=list(cities.values()),
        sectors=list(sectors.values()),
        warnings=report.warnings(),
        origin=raw.origin,
    )


def _warn_unplaced(cities, state: _State) -> None:
    t = state.city_table
    if t is None:
        return
    for city in cities:
        if city.lat is None:
            pos = state.city_lines.get(f"{fold(city.name)}|{city.country}")
            if pos is not None:
                t.warn(pos, "lat", f"{quoted(city.name)} has no coordinates; maps cannot place it")


def read_bundle(path: str | os.PathLike[str]) -> Bundle:
    """Read and validate the bundle at ``path``: a folder, a .zip or one .json file.

    Raises ValidationFailed listing every problem (and the warnings) if anything is
    wrong; warnings of a valid bundle are in ``Bundle.warnings``.

    Example:
        >>> from graphtwin.errors import ValidationFailed
        >>> try:
        ...     read_bundle("no/such/folder")
        ... except ValidationFailed as exc:
        ...     print(exc.problems)
        ['no/such/folder: path does not exist']
    """
    # Hundreds of thousands of new objects and no cycles: the cyclic garbage collector
    # would run hundreds of times for nothing (it doubled the time of a 500k-tie bundle).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return validate(read_raw(path))
    finally:
        if was_enabled:
            gc.enable()
