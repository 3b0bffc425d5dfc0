"""Import Research Organization Registry (ROR) records into a graphtwin bundle.

ROR (https://ror.org, CC0) identifies research organisations and records institutional
relationships between them. :func:`import_ror` reads

- ROR JSON records of schema 1.x or 2.x: one record per file, a list of records, or an
  API response with ``items``; a folder is read for every ``*.json`` in it;
- the official data dump (https://ror.readme.io/docs/data-dump, Zenodo): its zip, or
  the schema-2 JSON (a list of records) or CSV in it (columns ``id``,
  ``names.types.ror_display``, ``locations.geonames_details.name`` / ``.country_code``
  / ``.lat`` / ``.lng`` / ``.country_subdivision_name``, ``locations.geonames_id``,
  ``links.type.website``, ``established``, ``types`` and ``relationships`` as
  ``child: https://ror.org/a, https://ror.org/b; parent: https://ror.org/c``, ``status``);
- the ROR CSV layout of ../shared/data: an organisations file (columns ror_id, name,
  types, city, subdivision, country_code, lat, lng, website, established, schema, ...)
  and its relationships file (source_ror_id, target_ror_id, type, ...), either given as
  a second path or found beside the organisations file as ``ror_relationships*.csv``.

and turns them into a :class:`~graphtwin.model.Bundle`:

- organisation id: the short ROR id (``00hswnk62``); ``ror_id`` keeps the full URL;
- kind from the ROR types (see :func:`ror_kind`), city/country/coordinates from the
  first ROR location, website from the links, founded from ``established``;
- ties from relationships: ``parent``/``child`` → ``parent`` (PART_OF, part → parent),
  ``related`` → ``related``, ``successor``/``predecessor`` → ``successor`` (successor →
  predecessor). ROR writes most relationships on both records (a ``child`` on the
  parent, a ``parent`` on the child); the two views become one tie. Relationships whose
  other end is not among the input records are dropped and counted;
- ``cities.csv`` with every city used and ROR's own coordinates and subdivision, because
  ROR places organisations in towns and counties that a 15,000+ population city table
  does not know; the bundle therefore validates without the built-in table. Two distinct
  places with one name (ROR has two Harwells) become ``Harwell`` and
  ``Harwell (GeoNames 2647384)``, noted in the bundle's warnings.

Records whose ROR ``status`` is ``inactive`` or ``withdrawn`` are dropped and counted by
default; ``include_inactive=True`` keeps them with ``[inactive]``/``[withdrawn]`` in
their ``source``.
A government record becomes a ``council`` only when its name reads as a local government
(``Belfast City Council``, ``London Borough of Camden``); national research councils
stay agencies (see :func:`is_local_government`).

Example::

    from pathlib import Path
    result = import_ror([Path("../shared/data/ror_records")])
    result.organisations, result.ties
    (18, 4)
    print(result.summary())
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.cities import fold
from graphtwin.ingest.files import input_files, read_text
from graphtwin.model import Bundle, City, Organisation, Tie

ROR_PREFIX = "https://ror.org/"

#: ROR type → graphtwin kind, in order of specificity: the first listed type that a
#: record has decides its kind. ``funder`` only counts when it is the record's only type
#: (a university that funds research is still a university).
TYPE_PRIORITY: tuple[tuple[str, str], ...] = (
    ("education", "university"),
    ("healthcare", "hospital"),
    ("facility", "research_institute"),
    ("company", "firm"),
    ("government", "agency"),
    ("nonprofit", "nonprofit"),
    ("archive", "other"),
    ("other", "other"),
)

# Government records that are local or city governments become ``council``. National
# bodies called "... Council" (Medical Research Council, Science and Technology
# Facilities Council, General Medical Council) stay agencies.
_LOCAL_GOVERNMENT = re.compile(
    r"\b(city|county|borough|district|town|parish|metropolitan)\s+"
    r"(council|government|corporation|hall)\b"
    r"|\bborough\s+of\b|\bcombined\s+authority\b|\bgreater\s+london\s+authority\b"
    r"|\b(special|metropolitan|self-governing|autonomous)\s+(city|province)\b",
    re.IGNORECASE,
)
_NATIONAL_COUNCIL_WORDS = re.compile(
    r"\b(research|medical|facilities|science|sciences|resuscitation|general|arts|"
    r"humanities|funding|advisory|laborator(y|ies)|national|british|royal)\b",
    re.IGNORECASE,
)

#: ROR relationship type (lower case) → (graphtwin tie kind, whether the record holding
#: the relationship is the tie's source).
RELATIONSHIP_KINDS: dict[str, tuple[str, bool]] = {
    "parent": ("parent", True),  # record is part of the other
    "child": ("parent", False),  # the other is part of record
    "related": ("related", True),
    "successor": ("successor", False),  # the other succeeds record
    "predecessor": ("successor", True),  # record succeeds the other
}

ORG_CSV_COLUMNS = frozenset({"ror_id", "name", "types", "city", "country_code"})
#: Columns of the official data dump's CSV (schema 2) that the importer needs.
DUMP_CSV_COLUMNS = frozenset(
    {
        "id",
        "names.types.ror_display",
        "locations.geonames_details.name",
        "locations.geonames_details.country_code",
        "status",
        "types",
    }
)
#: ROR statuses dropped unless ``include_inactive`` is given.
INACTIVE_STATUSES = frozenset({"inactive", "withdrawn"})
REL_CSV_COLUMNS = frozenset({"source_ror_id", "target_ror_id", "type"})


def ror_kind(types: Iterable[str], name: str = "") -> str:
    """The organisation kind for a record's ROR ``types`` (and its name, for councils).

    >>> ror_kind(["education", "funder"]), ror_kind(["Funder"]), ror_kind(["archive"])
    ('university', 'agency', 'other')
    >>> ror_kind(["government"], "Belfast City Council")
    'council'
    >>> ror_kind(["funder", "government"], "Medical Research Council")
    'agency'
    """
    found = {str(t).strip().lower() for t in types if str(t).strip()}
    if found == {"funder"}:
        return "agency"
    for ror_type, kind in TYPE_PRIORITY:
        if ror_type in found:
            if kind == "agency" and is_local_government(name):
                return "council"
            return kind
    return "other"


def is_local_government(name: str) -> bool:
    """True if a government record's name reads as a city, county or borough government.

    >>> is_local_government("Perth and Kinross Council")
    True
    >>> is_local_government("Medical Research Council")
    False
    """
    if _LOCAL_GOVERNMENT.search(name):
        return True
    stripped = name.strip()
    return stripped.lower().endswith(" council") and not _NATIONAL_COUNCIL_WORDS.search(stripped)


def short_ror_id(value: str) -> str:
    """The part of a ROR id after ``https://ror.org/`` (also accepts the short form).

    >>> short_ror_id("https://ror.org/00hswnk62"), short_ror_id("00hswnk62")
    ('00hswnk62', '00hswnk62')
    """
    value = value.strip()
    for prefix in (ROR_PREFIX, "http://ror.org/", "ror.org/"):
        if value.lower().startswith(prefix):
            return value[len(prefix) :].strip("/")
    return value.strip("/")


@dataclass(slots=True)
class _Record:
    """One ROR record reduced to what graphtwin keeps."""

    ror_id: str  # short id
    name: str
    types: list[str]
    city: str
    country: str
    lat: float | None
    lon: float | None
    region: str | None
    geonames_id: str | None
    website: str | None
    established: int | None
    source: str
    where: str  # file (and line or index) for messages
    status: str = "active"  # ROR status: active, inactive or withdrawn
    relationships: list[tuple[str, str]] = field(default_factory=list)  # (type, other id)


@dataclass(slots=True)
class RorImport:
    """The result of :func:`import_ror`: the bundle and what happened on the way.

    ``relationship_entries`` counts relationships as written in the records (a parent
    and its child usually both list the same relationship); ``ties`` counts the
    distinct ties kept; ``merged`` the entries that were the second view of a kept tie;
    ``dropped_missing_end`` the entries whose other organisation is not in the input.
    ``skipped`` lists ``(where, reason)`` for every record or relationship not used.
    """

    bundle: Bundle
    records_read: int = 0
    organisations: int = 0
    relationship_entries: int = 0
    ties: int = 0
    merged: int = 0
    dropped_missing_end: int = 0
    ignored_other_sources: int = 0
    inactive: Counter[str] = field(default_factory=Counter)
    include_inactive: bool = False
    skipped: list[tuple[str, str]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def skipped_by_reason(self) -> Counter[str]:
        """How many records or relationships were skipped, by reason."""
        return Counter(reason for _, reason in self.skipped)

    def summary(self) -> str:
        """A few lines for the CLI: counts read, kept, merged, dropped and skipped."""
        ties_by_kind = Counter(t.kind for t in self.bundle.ties)
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(ties_by_kind.items())) or "none"
        lines = [
            f"ROR records read: {self.records_read:,} from {len(self.files)} file(s)",
            f"organisations: {self.organisations:,} in {len(self.bundle.cities):,} cities",
            f"relationships read: {self.relationship_entries:,}; ties kept: {self.ties:,} "
            f"({kinds}); second views merged: {self.merged:,}",
            f"relationships dropped (other organisation not in the input): "
            f"{self.dropped_missing_end:,}",
        ]
        if self.inactive:
            counts = ", ".join(f"{n:,} {status}" for status, n in sorted(self.inactive.items()))
            lines.append(
                f"inactive or withdrawn records: {counts}; "
                + (
                    "kept, flagged [inactive]/[withdrawn] in source"
                    if self.include_inactive
                    else "dropped (--include-inactive keeps them)"
                )
            )
        if self.ignored_other_sources:
            lines.append(
                f"relationship rows ignored (their record is not in the input): "
                f"{self.ignored_other_sources:,}"
            )
        lines.extend(f"note: {w}" for w in self.bundle.warnings)
        if self.skipped:
            reasons = "; ".join(f"{r}: {n}" for r, n in self.skipped_by_reason.most_common())
            lines.append(f"skipped: {len(self.skipped):,} ({reasons})")
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The .json, .csv and .zip files of ``paths`` (folders: their own files), each once."""
    suffixes = (".json", ".csv", ".zip")
    files = input_files(
        paths,
        suffixes,
        lambda folder: (p for p in folder.iterdir() if p.suffix.lower() in suffixes),
        "not a ROR file; give the ROR data dump (.zip, or its .json or .csv), ROR .json "
        "records or a folder of them",
    )
    unique: list[Path] = []
    seen: set[Path] = set()
    for f in files:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def _csv_header(path: Path) -> list[str]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise GraphtwinError(f"{path}:1: not UTF-8; save the file as UTF-8") from exc
    except OSError as exc:
        raise GraphtwinError(f"{path}: cannot read ({exc.strerror})") from exc
    return [c.strip() for c in next(csv.reader([first]), [])]


def _float(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _int(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(float(value))
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --------------------------------------------------------------------------------------
# JSON records (schema 1 and 2)
# --------------------------------------------------------------------------------------


def _json_records(path: Path, skipped: list[tuple[str, str]]) -> Iterator[_Record | None]:
    """Yield one _Record (or None for a skipped one) per ROR JSON object in ``path``."""
    try:
        data = json.loads(read_text(path, "ROR"))
    except json.JSONDecodeError as exc:
        skipped.append((f"{path}:{exc.lineno}", "invalid JSON"))
        yield None
        return
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        items, indexed = data["items"], True
    elif isinstance(data, list):
        items, indexed = data, True
    else:
        items, indexed = [data], False
    for i, item in enumerate(items):
        where = f"{path}[{i}]" if indexed else str(path)
        yield _json_record(item, where, skipped)


def _json_record(item: Any, where: str, skipped: list[tuple[str, str]]) -> _Record | None:
    if not isinstance(item, dict) or ROR_PREFIX not in _text(item.get("id")):
        skipped.append((where, "not a ROR record (no https://ror.org/ id)"))
        return None
    v2 = isinstance(item.get("names"), list) or isinstance(item.get("locations"), list)
    rec = _json_v2(item, where) if v2 else _json_v1(item, where)
    problem = _missing(rec)
    if problem:
        skipped.append((where, problem))
        return None
    return rec


def _json_v2(item: dict[str, Any], where: str) -> _Record:
    names = [n for n in item.get("names") or [] if isinstance(n, dict)]
    name = next(
        (_text(n.get("value")) for n in names if "ror_display" in (n.get("types") or [])), ""
    )
    if not name:
        name = next((_text(n.get("value")) for n in names if "label" in (n.get("types") or [])), "")
    locations = [loc for loc in item.get("locations") or [] if isinstance(loc, dict)]
    geo = (locations[0].get("geonames_details") or {}) if locations else {}
    links = [link for link in item.get("links") or [] if isinstance(link, dict)]
    website = next((_text(k.get("value")) for k in links if k.get("type") == "website"), None)
    schema = _text(((item.get("admin") or {}).get("last_modified") or {}).get("schema_version"))
    return _Record(
        ror_id=short_ror_id(_text(item.get("id"))),
        name=name,
        types=[str(t) for t in item.get("types") or []],
        city=_text(geo.get("name")),
        country=_text(geo.get("country_code")).upper(),
        lat=_float(geo.get("lat")),
        lon=_float(geo.get("lng")),
        region=_text(geo.get("country_subdivision_name")) or None,
        geonames_id=_text(str(locations[0].get("geonames_id") or "")) if locations else None,
        website=website or None,
        established=_int(item.get("established")),
        source=f"ROR (schema {schema or '2'})",
        where=where,
        status=_text(item.get("status")).lower() or "active",
        relationships=_json_relationships(item),
    )


def _json_v1(item: dict[str, Any], where: str) -> _Record:
    addresses = [a for a in item.get("addresses") or [] if isinstance(a, dict)]
    address = addresses[0] if addresses else {}
    geo_city = address.get("geonames_city") or {}
    admin1 = geo_city.get("geonames_admin1") or {}
    links = [_text(link) for link in item.get("links") or [] if _text(link)]
    return _Record(
        ror_id=short_ror_id(_text(item.get("id"))),
        name=_text(item.get("name")),
        types=[str(t) for t in item.get("types") or []],
        city=_text(geo_city.get("city")) or _text(address.get("city")),
        country=_text((item.get("country") or {}).get("country_code")).upper(),
        lat=_float(address.get("lat")),
        lon=_float(address.get("lng")),
        region=_text(admin1.get("name")) or _text(address.get("state")) or None,
        geonames_id=_text(str(geo_city.get("id") or "")) or None,
        website=links[0] if links else None,
        established=_int(item.get("established")),
        source="ROR (schema 1)",
        where=where,
        status=_text(item.get("status")).lower() or "active",
        relationships=_json_relationships(item),
    )


def _json_relationships(item: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for rel in item.get("relationships") or []:
        if isinstance(rel, dict) and _text(rel.get("id")):
            out.append((_text(rel.get("type")).lower(), short_ror_id(_text(rel.get("id")))))
    return out


def _checked(rec: _Record, skipped: list[tuple[str, str]]) -> _Record | None:
    """``rec``, or None (and a line in ``skipped``) if it lacks what a bundle needs."""
    problem = _missing(rec)
    if problem:
        skipped.append((rec.where, problem))
        return None
    return rec


def _missing(rec: _Record) -> str | None:
    if not rec.ror_id:
        return "no ROR id"
    if not rec.name:
        return "no name"
    if not rec.city:
        return "no city in the ROR location"
    if not rec.country:
        return "no country code"
    return None


# --------------------------------------------------------------------------------------
# CSV layout (../shared/data)
# --------------------------------------------------------------------------------------


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(read_text(path, "ROR"), newline=""))
    for row in reader:
        yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k}


def _csv_records(path: Path, skipped: list[tuple[str, str]]) -> Iterator[_Record | None]:
    for line, row in _csv_rows(path):
        where = f"{path}:{line}"
        release = row.get("ror_records_path", "").split("/", 1)[0]
        schema = row.get("schema", "")
        source = (
            "ROR" + (f" {release}" if release else "") + (f" (schema {schema})" if schema else "")
        )
        rec = _Record(
            ror_id=short_ror_id(row.get("ror_id", "")),
            name=row.get("name", ""),
            types=[t for t in row.get("types", "").split(";") if t.strip()],
            city=row.get("city", ""),
            country=row.get("country_code", "").upper(),
            lat=_float(row.get("lat")),
            lon=_float(row.get("lng")),
            region=row.get("subdivision") or None,
            geonames_id=row.get("geonames_id") or None,
            website=row.get("website") or None,
            established=_int(row.get("established")),
            source=source,
            where=where,
            status=row.get("status", "").lower() or "active",
        )
        yield _checked(rec, skipped)


_LANGUAGE_PREFIX = re.compile(r"^(?:[a-z]{2,3}|no_lang_code):\s+")


def _dump_name(value: str) -> str:
    """The first name of a dump cell (``en: University of X; cy: Prifysgol X``)."""
    first = value.split("; ")[0].strip()
    return _LANGUAGE_PREFIX.sub("", first)


def _dump_relationships(value: str) -> list[tuple[str, str]]:
    """``child: https://ror.org/a, https://ror.org/b; parent: https://ror.org/c`` → pairs."""
    out = []
    for group in value.split(";"):
        label, sep, targets = group.partition(":")
        if not sep:
            continue
        # The label ends at the first colon; the URLs hold colons of their own.
        rel_type = label.strip().lower()
        for target in re.split(r",\s*(?=https?://|[0-9a-z]{9}\b)", targets.strip()):
            if target.strip():
                out.append((rel_type, short_ror_id(target)))
    return out


def _dump_csv_records(
    rows: Iterable[tuple[int, dict[str, str]]], path: Path | str, skipped: list[tuple[str, str]]
) -> Iterator[_Record | None]:
    """Records of the official data dump's CSV (schema 2: ``id``, ``names.types.ror_display``,
    ``locations.geonames_details.*``, ``relationships``, ``status``, ``types``, ...)."""
    for line, row in rows:
        where = f"{path}:{line}"
        geo = "locations.geonames_details."
        website = row.get("links.type.website", "").split(";")[0].strip()
        schema = row.get("admin.last_modified.schema_version", "")
        rec = _Record(
            ror_id=short_ror_id(row.get("id", "")),
            name=_dump_name(row.get("names.types.ror_display", ""))
            or _dump_name(row.get("names.types.label", "")),
            types=[t.strip() for t in row.get("types", "").split(";") if t.strip()],
            city=row.get(geo + "name", "").split(";")[0].strip(),
            country=row.get(geo + "country_code", "").split(";")[0].strip().upper(),
            lat=_float(row.get(geo + "lat", "").split(";")[0]),
            lon=_float(row.get(geo + "lng", "").split(";")[0]),
            region=row.get(geo + "country_subdivision_name", "").split(";")[0].strip() or None,
            geonames_id=row.get("locations.geonames_id", "").split(";")[0].strip() or None,
            website=website or None,
            established=_int(row.get("established")),
            source=f"ROR data dump (schema {schema or '2'})",
            where=where,
            status=row.get("status", "").lower() or "active",
            relationships=_dump_relationships(row.get("relationships", "")),
        )
        yield _checked(rec, skipped)


def _zip_records(path: Path, skipped: list[tuple[str, str]]) -> Iterator[_Record | None]:
    """Records of a ROR data dump zip: its CSV (schema 2) if it has one, else its JSON."""
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise GraphtwinError(f"{path}: not a readable zip ({exc})") from None
    with archive:
        names = sorted(archive.namelist())
        csvs = [n for n in names if n.lower().endswith(".csv")]
        jsons = [n for n in names if n.lower().endswith(".json")]
        # Dumps of 2024 hold schema-1 and schema-2 JSON: take the v2 one.
        jsons = [n for n in jsons if "v2" in n] or jsons
        if csvs:
            with archive.open(csvs[0]) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                reader = csv.DictReader(text)
                header = {c.strip() for c in reader.fieldnames or []}
                if header >= DUMP_CSV_COLUMNS:
                    rows = (
                        (reader.line_num, {k.strip(): (v or "").strip() for k, v in r.items() if k})
                        for r in reader
                    )
                    yield from _dump_csv_records(rows, f"{path}:{csvs[0]}", skipped)
                    return
        if not jsons:
            raise GraphtwinError(f"{path}: no ROR data dump (.csv or .json) in this zip")
        data = json.loads(archive.read(jsons[0]).decode("utf-8-sig"))
        items = data if isinstance(data, list) else [data]
        for i, item in enumerate(items):
            yield _json_record(item, f"{path}:{jsons[0]}[{i}]", skipped)


def _csv_relationships(path: Path) -> Iterator[tuple[str, str, str, str]]:
    """Yield (where, source id, type, target id) for each relationship row."""
    for line, row in _csv_rows(path):
        yield (
            f"{path}:{line}",
            short_ror_id(row.get("source_ror_id", "")),
            row.get("type", "").lower(),
            short_ror_id(row.get("target_ror_id", "")),
        )


def _classify_csvs(
    files: list[Path],
) -> tuple[list[Path], list[Path], list[Path], list[Path]]:
    """Split ``files`` into JSON files and zips, organisation CSVs, relationship CSVs and
    CSVs of the official data dump."""
    json_files, org_csvs, rel_csvs, dump_csvs = [], [], [], []
    for f in files:
        if f.suffix.lower() in (".json", ".zip"):
            json_files.append(f)
            continue
        header = set(_csv_header(f))
        if header >= DUMP_CSV_COLUMNS:
            dump_csvs.append(f)
        elif header >= REL_CSV_COLUMNS:
            rel_csvs.append(f)
        elif header >= ORG_CSV_COLUMNS:
            org_csvs.append(f)
        else:
            raise GraphtwinError(
                f"{f}:1: not a ROR CSV layout; the data dump's CSV needs the columns "
                f"{', '.join(sorted(DUMP_CSV_COLUMNS))}; an organisations file "
                f"{', '.join(sorted(ORG_CSV_COLUMNS))} and a relationships file "
                f"{', '.join(sorted(REL_CSV_COLUMNS))}"
            )
    if org_csvs and not rel_csvs:
        for org_csv in org_csvs:
            for beside in sorted(org_csv.parent.glob("ror_relationships*.csv")):
                if beside not in rel_csvs and set(_csv_header(beside)) >= REL_CSV_COLUMNS:
                    rel_csvs.append(beside)
    return json_files, org_csvs, rel_csvs, dump_csvs


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------


def import_ror(
    paths: Iterable[str | os.PathLike[str]], *, include_inactive: bool = False
) -> RorImport:
    """Read ROR records from ``paths`` and convert them into a bundle with counts.

    ``paths`` are JSON files, folders of JSON files, or the ROR CSV layout (the
    relationships CSV as a further path, or found beside the organisations CSV). A
    record without id, name, country or city is skipped and listed in ``skipped``; a
    second record with an id already read is skipped as a duplicate. Records whose ROR
    status is inactive or withdrawn are dropped and counted unless ``include_inactive``
    (then kept, their ``source`` flagged ``[inactive]`` or ``[withdrawn]``). Raises
    :class:`GraphtwinError` for a missing path, an unreadable or non-UTF-8 file, a CSV
    that is not the ROR layout, or input with no usable record.

    Example:
        r = import_ror(["../shared/data/ror_gb_kr_from_ror_records.csv"])
        r.organisations, r.relationship_entries, r.dropped_missing_end
        (2966, 3032, 1054)
    """
    paths = list(paths)
    files = _expand(paths)
    json_files, org_csvs, rel_csvs, dump_csvs = _classify_csvs(files)
    result = RorImport(bundle=Bundle(origin="ROR: " + ", ".join(str(p) for p in paths)))
    result.include_inactive = include_inactive
    result.files = json_files + org_csvs + rel_csvs + dump_csvs
    skipped = result.skipped

    records: dict[str, _Record] = {}
    sources = [
        _zip_records(f, skipped) if f.suffix.lower() == ".zip" else _json_records(f, skipped)
        for f in json_files
    ]
    sources += [_csv_records(f, skipped) for f in org_csvs]
    sources += [_dump_csv_records(_csv_rows(f), f, skipped) for f in dump_csvs]
    for source in sources:
        for rec in source:
            result.records_read += 1
            if rec is None:
                continue
            if rec.status in INACTIVE_STATUSES:
                result.inactive[rec.status] += 1
                if not include_inactive:
                    continue
                rec.source += f" [{rec.status}]"
            if rec.ror_id in records:
                skipped.append(
                    (
                        rec.where,
                        f"duplicate ROR id {rec.ror_id} (first read at "
                        f"{records[rec.ror_id].where})",
                    )
                )
                continue
            records[rec.ror_id] = rec
    if not records:
        raise GraphtwinError(
            "no usable ROR records in "
            + ", ".join(str(p) for p in paths)
            + (f" ({len(skipped)} skipped: {skipped[0][1]}, ...)" if skipped else "")
        )

    # Relationships: from the records themselves (JSON) and from relationship CSVs.
    entries: list[tuple[str, str, str, str]] = []
    for rec in records.values():
        entries.extend((rec.where, rec.ror_id, t, other) for t, other in rec.relationships)
    for rel_csv in rel_csvs:
        for entry in _csv_relationships(rel_csv):
            if entry[1] in records:
                entries.append(entry)
            else:
                result.ignored_other_sources += 1

    ties: dict[tuple[str, str, str], Tie] = {}
    views: dict[tuple[str, str, str], list[str]] = {}
    for where, holder, rel_type, other in entries:
        result.relationship_entries += 1
        if rel_type not in RELATIONSHIP_KINDS:
            skipped.append((where, f"unknown relationship type {rel_type!r}"))
            continue
        if other == holder:
            skipped.append((where, "relationship of a record with itself"))
            continue
        if other not in records:
            result.dropped_missing_end += 1
            continue
        kind, holder_is_source = RELATIONSHIP_KINDS[rel_type]
        source, target = (holder, other) if holder_is_source else (other, holder)
        if kind == "related":
            source, target = sorted((holder, other))
        key = (source, target, kind)
        if key in ties:
            result.merged += 1
            if rel_type not in views[key]:
                views[key].append(rel_type)
                ties[key].evidence = "ROR relationships: " + ", ".join(views[key])
            continue
        views[key] = [rel_type]
        ties[key] = Tie(
            source=source,
            target=target,
            kind=kind,
            evidence=f"ROR relationship: {rel_type}",
            source_url=ROR_PREFIX + holder,
        )

    bundle = result.bundle
    kept = list(records.values())
    bundle.cities, city_names, notes = cities_for(kept)
    bundle.organisations = [_organisation(r, c) for r, c in zip(kept, city_names, strict=True)]
    bundle.ties = list(ties.values())
    bundle.warnings.extend(notes)
    result.organisations = len(bundle.organisations)
    result.ties = len(bundle.ties)
    return result


def _organisation(rec: _Record, city: str) -> Organisation:
    return Organisation(
        id=rec.ror_id,
        name=rec.name,
        kind=ror_kind(rec.types, rec.name),
        city=city,
        country=rec.country,
        founded=rec.established,
        ror_id=ROR_PREFIX + rec.ror_id,
        website=rec.website,
        source=rec.source,
        synthetic=False,
    )


#: Two records naming the same city more than this far apart (degrees of latitude or
#: longitude, about 20 km) are in two different places that share a name.
SAME_PLACE_DEGREES = 0.2


def cities_for(records: Sequence[Any]) -> tuple[list[City], list[str], list[str]]:
    """Cities used by ``records``, each record's city name, and notes on renamed places.

    ``records`` are ROR records or any objects with the same place attributes
    (``ror_id`` as a unique key, ``city``, ``country``, ``lat``, ``lon``, ``region``,
    ``geonames_id``); the OpenAlex importer places its institutions with it.

    One City per place, with ROR's coordinates (of the first record there) and its
    subdivision as region. ROR names some distinct places alike (Gillingham in Kent and
    in Dorset; Harwell in Oxfordshire and Nottinghamshire): the place with most records
    keeps the plain name and the others get ``Name (GeoNames <id>)``, so that cities.csv
    never lists an ambiguous name.
    """
    by_name: dict[tuple[str, str], list[list[_Record]]] = {}
    for rec in records:
        # Group spellings that city resolution treats as one name (Wŏnju = Wonju).
        places = by_name.setdefault((fold(rec.city), rec.country), [])
        for place in places:
            first = place[0]
            if (
                rec.lat is None
                or first.lat is None
                or (
                    abs(rec.lat - first.lat) <= SAME_PLACE_DEGREES
                    and abs((rec.lon or 0.0) - (first.lon or 0.0)) <= SAME_PLACE_DEGREES
                )
            ):
                place.append(rec)
                break
        else:
            places.append([rec])

    city_of: dict[str, str] = {}
    cities: list[City] = []
    notes: list[str] = []
    for places in by_name.values():
        ranked = sorted(places, key=len, reverse=True)
        for rank, place in enumerate(ranked):
            first = place[0]
            name = first.city
            if rank:
                tag = (
                    f"GeoNames {first.geonames_id}"
                    if first.geonames_id
                    else (f"{first.lat:.2f}, {first.lon:.2f}")
                )
                name = f"{first.city} ({tag})"
                notes.append(
                    f"two places named {first.city} ({first.country}): "
                    f"{len(place)} organisation(s) near {first.lat}, {first.lon} "
                    f"placed in city {name!r}"
                )
            located = next((r for r in place if r.lat is not None), first)
            region = next((r.region for r in place if r.region), None)
            cities.append(City(name, first.country, located.lat, located.lon, None, region))
            for r in place:
                city_of[r.ror_id] = name
    return cities, [city_of[r.ror_id] for r in records], notes
