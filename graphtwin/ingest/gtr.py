"""Import UKRI Gateway to Research (GtR) projects into a graphtwin bundle.

GtR (https://gtr.ukri.org, Open Government Licence) publishes every UKRI-funded project
(research councils and Innovate UK) through the GtR-2 API, ``https://gtr.ukri.org/gtr/api``,
in JSON when asked with ``Accept: application/vnd.rcuk.gtr.json-v7``. :func:`import_gtr`
reads saved responses of three of its endpoints:

- ``/gtr/api/projects`` (pages ``{"project": [...], "page": 1, "totalPages": ...}`` or one
  project): ``id``, ``title``, ``leadFunder``, ``grantCategory``,
  ``identifiers.identifier[]`` (the grant reference), ``links.link[]`` with ``rel`` and
  ``href`` (``LEAD_ORG``, ``COLLAB_ORG``, ``PP_ORG``, ``PARTICIPANT_ORG``, ``FELLOW_ORG``,
  ``STUDENT_PP_ORG``, ``COFUND_ORG``, ``FUND`` with ``start``/``end`` in epoch
  milliseconds, person links ignored) and, for Innovate UK, ``participantValues``;
- ``/gtr/api/organisations`` (pages ``{"organisation": [...]}``, one organisation, or
  ``/gtr/api/projects/{id}/organisations``): ``id``, ``name``, ``website``,
  ``addresses.address[]`` (``line1``..``line5``, ``city``, ``postCode``, ``region``,
  ``country``, ``type``);
- ``/gtr/api/funds`` (optional): ``valuePounds``, ``start``, ``end`` and links ``FUNDER``
  (an organisation) and ``FUNDED`` (a project).

Files may be single responses, lists of records, or folders of ``.json`` files; each
record is recognised by its ``href`` (``.../projects/...``, ``.../organisations/...``,
``.../funds/...``). The bundle:

- organisations linked to a kept project (id ``gtr-<GtR id>``); kind from the name
  (:func:`gtr_kind`: GtR records no organisation type); country from the address
  (``United Kingdom`` → ``GB``; a UK region such as ``Scotland`` without a country →
  ``GB``); city from the address ``city``, else the first address line (from the last)
  or region that the built-in GeoNames table knows. GtR gives no coordinates, so an
  organisation whose city the table does not know is dropped with its ties and
  reported, never invented;
- ``project`` ties from each lead organisation (``LEAD_ORG``/``LEAD_PARTICIPANT``) to
  each partner (``COLLAB_ORG``, ``PARTICIPANT_ORG``, ``PP_ORG``, ``STUDENT_PP_ORG``,
  ``FELLOW_ORG``, ``PARTICIPANT``): GtR says who led and who took part, not who worked
  with whom among the partners;
- ``funding`` ties funder → lead organisation, from each fund whose ``FUNDER`` is an
  organisation in the input, and from each ``COFUND_ORG``.

Ties repeated over several projects are merged as in :mod:`graphtwin.ingest.cordis`
(one tie per pair and kind, weight = default × number of projects). Everything is sorted:
the same input gives the same bundle.

Example:
    r = import_gtr(["gtr-downloads/"], funders=["EPSRC"], since=2018)
    print(r.summary())
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.cities import fold
from graphtwin.ingest.cordis import (
    CityPlacer,
    Dropped,
    Occasion,
    PairTies,
    check_years,
    compact,
    country_filter,
    outside_years,
    without_gc,
)
from graphtwin.ingest.files import input_files, read_text
from graphtwin.ingest.gtr_csv import export_records
from graphtwin.ingest.ror import is_local_government
from graphtwin.ingest.validate import countries as iso_countries
from graphtwin.ingest.validate import parse_date
from graphtwin.model import Bundle, Organisation
from graphtwin.progress import ProgressFn

PROJECT_PAGE = "https://gtr.ukri.org/projects?ref={}"

#: Project link relations (and Innovate UK participant roles) by their meaning here.
LEAD_ROLES: frozenset[str] = frozenset({"LEAD_ORG", "LEAD_PARTICIPANT"})
PARTNER_ROLES: frozenset[str] = frozenset(
    {"COLLAB_ORG", "PARTICIPANT_ORG", "PP_ORG", "STUDENT_PP_ORG", "FELLOW_ORG", "PARTICIPANT"}
)
COFUNDER_ROLES: frozenset[str] = frozenset({"COFUND_ORG"})

#: GtR address regions inside the United Kingdom (used when an address has no country).
UK_REGIONS: frozenset[str] = frozenset(
    {
        "east midlands",
        "east of england",
        "london",
        "north east",
        "north west",
        "northern ireland",
        "scotland",
        "south east",
        "south west",
        "wales",
        "west midlands",
        "yorkshire and the humber",
        "yorkshire and humber",
    }
)

#: Country names as GtR writes them that the ISO table names differently.
COUNTRY_ALIASES: dict[str, str] = {
    "uk": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "south korea": "KR",
    "korea": "KR",
    "korea, republic of": "KR",
    "korea (south)": "KR",
    "korea south": "KR",
    "usa": "US",
    "united states": "US",
    "united states of america": "US",
    "the netherlands": "NL",
    "czech republic": "CZ",
    "russia": "RU",
    "russian federation": "RU",
    "vietnam": "VN",
    "iran": "IR",
    "taiwan": "TW",
    "hong kong": "HK",
}

#: Organisation kind from the name, first matching rule wins (after local government,
#: which :func:`graphtwin.ingest.ror.is_local_government` recognises).
KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "hospital",
            r"\b(nhs|hospitals?|foundation trust|health ?care trust|health board|"
            r"health and social care)\b",
        ),
        (
            "university",
            r"\b(universit(y|ies|at|ät|é|e|a|eit)|college|polytechnic|school of|"
            r"institute of technology|advanced institute of science and technology)\b",
        ),
        ("catapult", r"\bcatapult\b"),
        (
            "agency",
            r"\b(research councils?|ukri|innovate uk|research and innovation|"
            r"department (of|for)|ministry|agency|government|executive|met office|authority)\b",
        ),
        (
            "research_institute",
            r"\b(institute|institut|instituto|istituto|laborator(y|ies|ium)|observatory|"
            r"survey|research (centre|center)|centre for|center for)\b",
        ),
        (
            "firm",
            r"\b(ltd|limited|plc|llp|llc|inc|incorporated|gmbh|corp|corporation|company|"
            r"co|sarl|srl|spa|bv|nv|ag|ab|oy|pty|k\.?k)\b",
        ),
        (
            "nonprofit",
            r"\b(trust|foundation|charity|society|association|federation|museum|library|"
            r"academy|council)\b",
        ),
    )
)


def gtr_kind(name: str) -> str:
    """The organisation kind read from a GtR organisation name (a heuristic).

    >>> gtr_kind("Queen's University of Belfast"), gtr_kind("Belfast City Council")
    ('university', 'council')
    >>> gtr_kind("Engineering and Physical Sciences Research Council"), gtr_kind("Acme Ltd")
    ('agency', 'firm')
    >>> gtr_kind("Belfast Health and Social Care Trust"), gtr_kind("Wellcome Trust")
    ('hospital', 'nonprofit')
    >>> gtr_kind("High Value Manufacturing Catapult"), gtr_kind("Unilever")
    ('catapult', 'other')
    """
    if is_local_government(name):
        return "council"
    for kind, rule in KIND_RULES:
        if rule.search(name):
            return kind
    return "other"


@functools.cache
def _country_names() -> dict[str, str]:
    names = {fold(name): code for code, name in iso_countries().items()}
    names.update(COUNTRY_ALIASES)
    return names


def gtr_country(country: str, region: str = "") -> str | None:
    """ISO alpha-2 code of a GtR address ``country`` (a name or code), else from a UK
    ``region``; None if neither says.

    >>> gtr_country("United Kingdom"), gtr_country("Korea, Republic of"), gtr_country("DE")
    ('GB', 'KR', 'DE')
    >>> gtr_country("", "Northern Ireland"), gtr_country("", "Outside UK")
    ('GB', None)
    """
    text = country.strip()
    if text:
        if len(text) == 2 and text.upper() in iso_countries():
            return text.upper()
        return _country_names().get(fold(text)) or _country_names().get(text.strip().lower())
    if fold(region) in UK_REGIONS:
        return "GB"
    return None


@functools.cache
def _london() -> Any:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Europe/London")
    except Exception:  # no time zone database: GtR dates are UK midnights
        return None


def gtr_date(value: Any) -> str | None:
    """``YYYY-MM-DD`` from a GtR date: epoch milliseconds (UK calendar date, as GtR
    stores UK midnights) or an ISO date string; None if neither.

    >>> gtr_date(1633042800000), gtr_date(1288569600000), gtr_date("2020-09-01")
    ('2021-10-01', '2010-11-01', '2020-09-01')
    >>> gtr_date(None), gtr_date("soon")
    (None, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit() and len(text) > 8:
            value = int(text)
        else:
            return parse_date(text[:10]) if len(text) >= 10 else None
    if not isinstance(value, int | float):
        return None
    try:
        moment = datetime.fromtimestamp(value / 1000, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None
    zone = _london()
    moment = moment.astimezone(zone) if zone else moment + timedelta(hours=12)
    return moment.date().isoformat()


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _id_of(value: Any) -> str:
    """The GtR id at the end of an API link (or the id itself), upper case."""
    return _text(value).rstrip("/").rsplit("/", 1)[-1].upper()


def _items(value: Any, key: str) -> list[dict[str, Any]]:
    """The dicts of ``{key: [...]}``, ``{key: {...}}`` or ``[...]`` (GtR's JSON wrappers)."""
    if isinstance(value, dict):
        value = value.get(key, [])
    if isinstance(value, dict):
        value = [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


# --------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Project:
    id: str
    ref: str
    title: str
    funder: str
    href: str
    start: str | None
    end: str | None
    roles: list[tuple[str, str]]  # (relation or participant role, organisation id)
    funds: list[str]  # fund ids


@dataclass(slots=True)
class _Org:
    id: str
    name: str
    website: str
    city: str
    lines: list[str]
    region: str
    country: str


@dataclass(slots=True)
class _Fund:
    id: str
    funder: str  # organisation id
    project: str
    start: str | None
    end: str | None
    amount: float | None


def _record_kind(obj: dict[str, Any]) -> str | None:
    href = _text(obj.get("href")).lower()
    for segment, kind in (("/projects/", "project"), ("/organisations/", "organisation")):
        if segment in href:
            return kind
    if "/funds/" in href or "valuePounds" in obj:
        return "fund"
    if href:
        return None  # persons, outcomes, ...
    if "addresses" in obj or ("name" in obj and "title" not in obj):
        return "organisation"
    if "title" in obj:
        return "project"
    return None


def _project(obj: dict[str, Any]) -> _Project | None:
    pid = _id_of(obj.get("id")) or _id_of(obj.get("href"))
    if not pid:
        return None
    identifiers = _items(obj.get("identifiers"), "identifier")
    refs = [(_text(i.get("type")).upper(), _text(i.get("value"))) for i in identifiers]
    ref = next((v for t, v in refs if t == "RCUK" and v), "") or next((v for _, v in refs if v), "")
    roles: list[tuple[str, str]] = []
    funds: list[str] = []
    starts: list[str] = []
    ends: list[str] = []
    for link in _items(obj.get("links"), "link"):
        rel = _text(link.get("rel")).upper()
        target = _id_of(link.get("href"))
        if not target:
            continue
        if rel == "FUND":
            funds.append(target)
            starts.extend(d for d in [gtr_date(link.get("start"))] if d)
            ends.extend(d for d in [gtr_date(link.get("end"))] if d)
        elif rel in LEAD_ROLES | PARTNER_ROLES | COFUNDER_ROLES:
            roles.append((rel, target))
    for p in _items(obj.get("participantValues"), "participant"):
        role, org = _text(p.get("role")).upper(), _id_of(p.get("organisationId"))
        if org and role in LEAD_ROLES | PARTNER_ROLES:
            roles.append((role, org))
    start = min(starts) if starts else gtr_date(obj.get("start"))
    end = max(ends) if ends else gtr_date(obj.get("end"))
    if start and end and end < start:
        end = None
    return _Project(
        id=pid,
        ref=ref,
        title=_text(obj.get("title")),
        funder=_text(obj.get("leadFunder")),
        href=_text(obj.get("href")),
        start=start,
        end=end,
        roles=roles,
        funds=funds,
    )


def _organisation(obj: dict[str, Any]) -> _Org | None:
    oid = _id_of(obj.get("id")) or _id_of(obj.get("href"))
    if not oid:
        return None
    addresses = _items(obj.get("addresses"), "address")
    main = next((a for a in addresses if _text(a.get("type")).upper() == "MAIN_ADDRESS"), None)
    address = main or (addresses[0] if addresses else {})
    return _Org(
        id=oid,
        name=_text(obj.get("name")),
        website=_text(obj.get("website")),
        city=_text(address.get("city")),
        lines=[_text(address.get(f"line{i}")) for i in range(1, 6)],
        region=_text(address.get("region")),
        country=_text(address.get("country")),
    )


def _fund(obj: dict[str, Any]) -> _Fund | None:
    fid = _id_of(obj.get("id")) or _id_of(obj.get("href"))
    if not fid:
        return None
    links = {
        _text(k.get("rel")).upper(): _id_of(k.get("href")) for k in _items(obj.get("links"), "link")
    }
    value = obj.get("valuePounds")
    amount = value.get("amount") if isinstance(value, dict) else value
    return _Fund(
        id=fid,
        funder=links.get("FUNDER", ""),
        project=links.get("FUNDED", ""),
        start=gtr_date(obj.get("start")),
        end=gtr_date(obj.get("end")),
        amount=float(amount)
        if isinstance(amount, int | float) and not isinstance(amount, bool)
        else None,
    )


def _expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The .json and .csv files of ``paths`` (folders searched recursively), each once;
    API responses first, so that their organisation records win over the CSV's."""
    files = input_files(
        paths,
        (".json", ".csv"),
        lambda folder: (p for p in folder.rglob("*") if p.suffix.lower() in (".json", ".csv")),
        "not a GtR file; give saved GtR-2 API responses (.json), the website's project "
        "export (.csv) or a folder of them",
    )
    unique = list(dict.fromkeys(files))
    return sorted(unique, key=lambda p: p.suffix.lower() == ".csv")


def _load(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise GraphtwinError(
            f"{path}:{exc.lineno}: invalid JSON ({exc.msg}, column {exc.colno}); GtR-2 API "
            "responses are JSON when requested with Accept: application/vnd.rcuk.gtr.json-v7"
        ) from exc


def _records(path: Path) -> Iterator[tuple[str, str | None, Any]]:
    """``(where, kind, parsed record)`` of a saved API response or a website CSV export."""
    if path.suffix.lower() == ".csv":
        yield from export_records(path)
        return
    parsers = {"project": _project, "organisation": _organisation, "fund": _fund}
    for where, obj in _objects(path, _load(path)):
        kind = _record_kind(obj) if isinstance(obj, dict) else None
        yield where, kind, parsers[kind](obj) if kind else None


def _objects(path: Path, data: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(where, record)`` for each record of a saved response."""
    if isinstance(data, dict):
        pages = [k for k in ("project", "organisation", "fund") if isinstance(data.get(k), list)]
        if pages:
            for key in pages:
                for i, obj in enumerate(data[key]):
                    yield f"{path}: $.{key}[{i}]", obj
            return
        if any(k in data for k in ("projectOverview", "organisationOverview", "searchResult")):
            raise GraphtwinError(
                f"{path}: a response of the older GtR API (gtr.ukri.org/api); save responses "
                "of the GtR-2 API (https://gtr.ukri.org/gtr/api/projects, .../organisations)"
            )
        yield str(path), data
    elif isinstance(data, list):
        for i, obj in enumerate(data):
            yield f"{path}: $[{i}]", obj
    else:
        raise GraphtwinError(f"{path}: not a GtR-2 API response (a JSON object or list)")


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------


@dataclass
class GtrImport:
    """The result of :func:`import_gtr`: the bundle and what happened on the way.

    ``filtered`` counts projects left out by the filters, by reason; ``dropped`` the
    linked organisations left out, by reason; ``pairs_lost`` the lead–partner and
    funder–lead pairs lost with them; ``skipped`` ``(where, reason)`` for records not
    used.
    """

    bundle: Bundle
    files: list[Path] = field(default_factory=list)
    projects_read: int = 0
    organisations_read: int = 0
    funds_read: int = 0
    duplicates: int = 0
    projects_kept: int = 0
    filtered: Counter[str] = field(default_factory=Counter)
    organisations: int = 0
    organisations_unused: int = 0
    project_ties: int = 0
    project_pairs: int = 0
    funding_ties: int = 0
    funding_links: int = 0
    funds_missing: int = 0
    funders_not_organisations: int = 0
    projects_without_lead: int = 0
    pairs_lost: int = 0
    dropped: Dropped = field(default_factory=Dropped)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the CLI: what was read, kept, merged and dropped."""
        filt = ", ".join(f"{r} {n:,}" for r, n in sorted(self.filtered.items()))
        cities = {(o.city, o.country) for o in self.bundle.organisations}
        lines = [
            f"GtR records read: {self.projects_read:,} projects, {self.organisations_read:,} "
            f"organisations, {self.funds_read:,} funds from {len(self.files)} file(s)"
            + (f" ({self.duplicates:,} duplicates ignored)" if self.duplicates else ""),
            f"projects kept: {self.projects_kept:,}" + (f" (filtered out: {filt})" if filt else ""),
            f"organisations: {self.organisations:,} in {len(cities):,} cities (built-in table; "
            f"GtR gives no coordinates); organisation records linked to no kept project: "
            f"{self.organisations_unused:,}",
            f"ties: {self.project_ties:,} project ties (lead–partner) from "
            f"{self.project_pairs:,} project pairs; {self.funding_ties:,} funding ties "
            f"(funder → lead) from {self.funding_links:,} fund and co-funder links",
        ]
        if self.projects_without_lead:
            lines.append(
                f"projects whose lead organisation is not in the bundle (partners not tied): "
                f"{self.projects_without_lead:,}"
            )
        if self.funds_missing or self.funders_not_organisations:
            lines.append(
                f"FUND links without a funding tie: {self.funds_missing:,} fund records not in "
                f"the input, {self.funders_not_organisations:,} funders not among the "
                "organisations"
            )
        if self.dropped.total:
            lines.append(
                f"organisations dropped: {self.dropped.total:,}, with {self.pairs_lost:,} pairs:"
            )
            lines.extend(self.dropped.lines())
        if self.skipped:
            reasons = Counter(r for _, r in self.skipped)
            shown = "; ".join(f"{r}: {n}" for r, n in reasons.most_common(3))
            lines.append(f"records skipped: {len(self.skipped):,} ({shown})")
        return "\n".join(lines)


def _place(placer: CityPlacer, org: _Org, country: str) -> tuple[str | None, str]:
    """The built-in city named by the address (city, then lines from the last, then
    region), or the reason none is."""
    if org.city:
        ref, problem = placer.place(org.city, country, None, None)
        if ref:
            return ref, ""
        first_problem = f"{problem} (GtR gives none)" if problem else "no city"
    else:
        first_problem = "no address field names a city of the built-in table"
    for text in [*reversed(org.lines), org.region]:
        if text and text.lower() != "unknown":
            ref, _ = placer.place(text, country, None, None)
            if ref:
                return ref, ""
    return None, first_problem


@without_gc
def import_gtr(
    paths: Iterable[str | os.PathLike[str]],
    *,
    funders: Iterable[str] | None = None,
    since: int | None = None,
    until: int | None = None,
    countries: Iterable[str] | None = None,
    other_countries: str = "keep",
    count_weight: bool = True,
    progress: ProgressFn | None = None,
) -> GtrImport:
    """Read saved GtR-2 API responses (projects, organisations, funds) into a bundle.

    Filters (optional): ``funders`` (``leadFunder`` values such as ``EPSRC``,
    ``Innovate UK``; case-insensitive), ``since``/``until`` (start year inclusive;
    projects without dates are left out when either is given), ``countries`` (keep
    projects whose lead or a partner is in one of these countries;
    ``other_countries="drop"`` also leaves out organisations elsewhere).
    ``count_weight``: a tie repeated over n > 1 projects gets n × the default weight.

    Raises :class:`GraphtwinError` for a missing path, a file that is not UTF-8 JSON,
    a response of the older GtR API, or input without any project record.

    Example:
        r = import_gtr(["tests/data/gtr"])
        r.organisations, len(r.bundle.ties)
        (7, 7)
    """
    if other_countries not in ("keep", "drop"):
        raise GraphtwinError(f"other_countries must be 'keep' or 'drop', not {other_countries!r}")
    check_years(since, until)
    wanted = country_filter(countries)
    wanted_funders = {f.strip().lower() for f in funders or () if f.strip()} or None
    paths = list(paths)
    files = _expand(paths)
    result = GtrImport(bundle=Bundle(origin="GtR: " + ", ".join(str(p) for p in paths)))
    result.files = files
    skipped = result.skipped

    projects: dict[str, _Project] = {}
    orgs: dict[str, _Org] = {}
    funds: dict[str, _Fund] = {}
    stores: dict[str, dict[str, Any]] = {"project": projects, "organisation": orgs, "fund": funds}
    for n, path in enumerate(files, 1):
        for where, kind, parsed in _records(path):
            if kind is None:
                skipped.append((where, "not a GtR project, organisation or fund record"))
                continue
            store = stores[kind]
            if kind == "project":
                result.projects_read += 1
            elif kind == "organisation":
                result.organisations_read += 1
            else:
                result.funds_read += 1
            if parsed is None:
                skipped.append((where, f"{kind} record without id"))
            elif parsed.id in store:
                result.duplicates += 1
            else:
                store[parsed.id] = parsed
        if progress:
            progress(n, len(files), "GtR files")
    if not projects:
        raise GraphtwinError(
            "no GtR project records in " + ", ".join(str(p) for p in paths) + "; save "
            "responses of https://gtr.ukri.org/gtr/api/projects (JSON, Accept: "
            "application/vnd.rcuk.gtr.json-v7)"
        )

    # Filters on the projects themselves.
    kept: list[_Project] = []
    for p in projects.values():
        if wanted_funders and p.funder.lower() not in wanted_funders:
            result.filtered["lead funder"] += 1
        elif outside_years(p.start, since, until):
            result.filtered["start year"] += 1
        else:
            kept.append(p)

    def country_of(oid: str) -> str | None:
        org = orgs.get(oid)
        return gtr_country(org.country, org.region) if org else None

    if wanted is not None:
        before = len(kept)
        kept = [
            p
            for p in kept
            if any(country_of(o) in wanted for r, o in p.roles if r not in COFUNDER_ROLES)
        ]
        result.filtered["no lead or partner in --countries"] += before - len(kept)
        if not result.filtered["no lead or partner in --countries"]:
            del result.filtered["no lead or partner in --countries"]
    kept.sort(key=lambda p: (p.start or "9999", p.id))
    result.projects_kept = len(kept)

    # Organisations linked to the kept projects: as leads, partners, co-funders, funders.
    linked: set[str] = set()
    for p in kept:
        linked.update(o for _, o in p.roles)
        linked.update(funds[f].funder for f in p.funds if f in funds and funds[f].funder)
    result.organisations_unused = len(set(orgs) - linked)
    placer = CityPlacer()
    placed: dict[str, str] = {}
    for oid in sorted(linked):
        org = orgs.get(oid)
        if org is None:
            result.dropped.add("no organisation record in the input", oid)
            continue
        example = f"{org.name} ({org.city or org.region or 'no city'}, {org.country or '-'})"
        country = gtr_country(org.country, org.region)
        if country is None:
            result.dropped.add("no country in the address", example)
            continue
        if wanted is not None and other_countries == "drop" and country not in wanted:
            result.dropped.add("outside --countries", example)
            continue
        ref, problem = _place(placer, org, country)
        if ref is None:
            result.dropped.add(problem, example)
            continue
        placed[oid] = ref
    country_by_id = {oid: gtr_country(orgs[oid].country, orgs[oid].region) for oid in placed}

    # Ties.
    project_ties = PairTies("project", count_weight=count_weight)
    funding_ties = PairTies("funding", count_weight=count_weight)
    project_occasions: list[Occasion] = []
    funding_occasions: list[Occasion] = []
    for p in kept:
        url = PROJECT_PAGE.format(quote(p.ref, safe="")) if p.ref else (p.href or None)
        label = f"{p.ref or p.id}: {compact(p.title)}"
        project_occasions.append(Occasion(p.start, p.end, label, url))
        index = len(project_occasions) - 1
        leads = sorted({o for r, o in p.roles if r in LEAD_ROLES})
        partners = sorted({o for r, o in p.roles if r in PARTNER_ROLES} - set(leads))
        cofunders = sorted({o for r, o in p.roles if r in COFUNDER_ROLES} - set(leads))
        kept_leads = [o for o in leads if o in placed]
        if not kept_leads and partners:
            result.projects_without_lead += 1
        pairs = [(a, b) for i, a in enumerate(leads) for b in leads[i + 1 :]]
        pairs += [(lead, o) for lead in leads for o in partners]
        for a, b in pairs:
            if a in placed and b in placed:
                project_ties.add("gtr-" + a, "gtr-" + b, index)
            else:
                result.pairs_lost += 1
        # Funding: each fund's funder and each co-funder → each lead.
        sources: list[tuple[str, Occasion]] = []
        for fid in p.funds:
            fund = funds.get(fid)
            if fund is None:
                result.funds_missing += 1
                continue
            if not fund.funder or fund.funder not in orgs:
                result.funders_not_organisations += 1
                continue
            amount = f" (£{fund.amount:,.0f})" if fund.amount is not None else ""
            sources.append(
                (
                    fund.funder,
                    Occasion(fund.start or p.start, fund.end or p.end, label + amount, url),
                )
            )
        sources.extend(
            (o, Occasion(p.start, p.end, label + " (co-funder)", url)) for o in cofunders
        )
        for funder, occasion in sources:
            funding_occasions.append(occasion)
            result.funding_links += 1
            for lead in leads:
                if funder == lead:
                    continue
                if funder in placed and lead in placed:
                    funding_ties.add("gtr-" + funder, "gtr-" + lead, len(funding_occasions) - 1)
                else:
                    result.pairs_lost += 1

    bundle = result.bundle
    result.project_pairs = project_ties.instances
    ties = project_ties.build(project_occasions, "GtR project", "GtR projects")
    ties += funding_ties.build(funding_occasions, "GtR funding of", "GtR funding of projects")
    bundle.ties = sorted(ties, key=lambda t: (t.source, t.target, t.kind))
    result.project_ties = len(project_ties)
    result.funding_ties = len(funding_ties)
    bundle.organisations = [
        Organisation(
            id="gtr-" + oid,
            name=orgs[oid].name or oid,
            kind=gtr_kind(orgs[oid].name),
            city=placer.city_name(placed[oid]),
            country=country_by_id[oid] or "",
            website=orgs[oid].website or None,
            source="GtR",
            synthetic=False,
        )
        for oid in sorted(placed)
    ]
    result.organisations = len(bundle.organisations)
    return result


__all__ = [
    "COFUNDER_ROLES",
    "LEAD_ROLES",
    "PARTNER_ROLES",
    "GtrImport",
    "gtr_country",
    "gtr_date",
    "gtr_kind",
    "import_gtr",
]
