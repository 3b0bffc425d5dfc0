"""Import OpenAlex works as co-authorship ties between institutions.

OpenAlex (https://openalex.org, CC0) lists, for every work, its authors and the
institutions each author gave (``authorships[].institutions[]``: OpenAlex id, ROR id,
name, country, type). Two institutions that appear on one work have co-authored it;
:func:`import_openalex` turns a set of works into a :class:`~graphtwin.model.Bundle`:

- one organisation per institution: id = the short ROR id where OpenAlex gives one
  (``04h9pn542``, the id the ROR importer uses, so bundles of both sources name the
  same organisation alike), else ``openalex-<I…>``; ``ror_id`` the full ROR URL; kind
  from the OpenAlex type (the ROR types: ``education`` → university, ``healthcare`` →
  hospital, ``facility`` → research_institute, ``company`` → firm, ``government`` →
  agency or council, ``nonprofit``, ``funder`` → agency, ``archive``/``other`` →
  other, see :func:`graphtwin.ingest.ror.ror_kind`);
- its city from an OpenAlex institution record (``geo.city``, ``geo.latitude``,
  ``geo.longitude``, ``geo.region``; ``institutions`` files) or from a ROR file
  (``ror`` files, matched by ROR id); a work's own institution objects carry no city,
  so an institution found in neither is dropped with its ties and reported;
- one undirected ``copublication`` tie per pair of institutions that share at least
  ``min_works`` works: start/end = the first and last publication year, weight = the
  number of shared works, evidence = the works per year and the first work's title,
  source URL = that work's DOI (else its OpenAlex URL). The bundle format holds one tie
  per pair and kind, so the per-year counts live in the evidence text;
- sectors: the OpenAlex fields (``primary_topic.field``, e.g. "Engineering") of at
  least a fifth of an institution's works, at most three.

Input is streamed, work by work: API result pages (``{"meta": …, "results": [...]}``),
a JSON list of works or a single work, and JSON Lines (``.jsonl``), gzipped or not
(``.gz``: the snapshot's ``data/works/updated_date=…/part_000.gz``). Folders are read
recursively. Works with more than ``max_authors`` authorships (physics and genomics
consortia with thousands of authors would make every institution a clique) are skipped
and counted.

Filters: publication years (``since``, ``until``), ``countries`` (keep works with at
least one institution there; ``other_countries="drop"`` also drops the partners
elsewhere). Works marked ``"synthetic": true`` (the benchmark's generator) make the
whole bundle synthetic: organisations flagged and every tie's evidence says so.

Example:
    r = import_openalex(["works.jsonl.gz"], institutions=["institutions.jsonl.gz"])
    print(r.summary())
"""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.openalex_read import (
    as_float,
    clean_text,
    openalex_files,
    read_records,
    short_openalex_id,
)
from graphtwin.ingest.ror import ROR_PREFIX, cities_for, import_ror, ror_kind, short_ror_id
from graphtwin.model import Bundle, Organisation, Sector, Tie, slugify
from graphtwin.progress import ProgressFn

#: Sectors an organisation gets at most (its most frequent OpenAlex fields).
MAX_SECTORS = 3
#: Evidence lists this many years' counts, then "...".
EVIDENCE_YEARS = 8


@dataclass(slots=True)
class _Institution:
    """An institution as seen in works (and completed from an institution record)."""

    key: str  # OpenAlex short id (I…)
    name: str
    ror: str | None  # short ROR id
    country: str
    type: str
    works: int = 0
    fields: Counter[str] = field(default_factory=Counter)  # primary-topic fields of works


@dataclass(slots=True)
class _Place:
    """Where an institution is: the attributes :func:`ror.cities_for` reads."""

    ror_id: str  # the organisation id (a unique key)
    city: str
    country: str
    lat: float | None
    lon: float | None
    region: str | None
    geonames_id: str | None


@dataclass(slots=True)
class _Pair:
    """Co-authorship of two institutions: works per year and the first work."""

    years: Counter[int] = field(default_factory=Counter)
    first: tuple[int, str, str] | None = None  # (year, title, url)


@dataclass(slots=True)
class OpenAlexImport:
    """The result of :func:`import_openalex`: the bundle and what happened on the way.

    ``skipped`` lists ``(where, reason)`` for the institutions dropped (no city) and the
    pairs dropped (fewer than ``min_works`` shared works), by example; the counters say
    how many works were read, kept and skipped and why.
    """

    bundle: Bundle
    files: list[Path] = field(default_factory=list)
    works_read: int = 0
    works_kept: int = 0
    works_out_of_years: int = 0
    works_out_of_countries: int = 0
    works_too_many_authors: int = 0
    works_one_institution: int = 0
    authorships_without_institution: int = 0
    institutions_seen: int = 0
    institutions_dropped: int = 0
    pairs_seen: int = 0
    pairs_below_min: int = 0
    pairs_without_end: int = 0
    synthetic_works: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the CLI: counts read, kept and dropped, with reasons."""
        b = self.bundle
        countries = Counter(o.country for o in b.organisations)
        top = ", ".join(f"{c} {n}" for c, n in countries.most_common(6))
        lines = [
            f"OpenAlex works read: {self.works_read:,} from {len(self.files)} file(s); "
            f"kept: {self.works_kept:,}",
            f"works skipped: {self.works_out_of_years:,} outside the years, "
            f"{self.works_out_of_countries:,} without an institution in the countries, "
            f"{self.works_too_many_authors:,} with too many authors, "
            f"{self.works_one_institution:,} with fewer than two institutions",
            f"organisations: {len(b.organisations):,} ({top}) in {len(b.cities):,} cities",
            f"institutions dropped (no city from an institution record or ROR file): "
            f"{self.institutions_dropped:,} of {self.institutions_seen:,}",
            f"copublication ties: {len(b.ties):,} of {self.pairs_seen:,} pairs "
            f"({self.pairs_below_min:,} below the minimum of shared works, "
            f"{self.pairs_without_end:,} with a dropped institution)",
        ]
        if self.authorships_without_institution:
            lines.append(
                f"authorships without an institution id (ignored): "
                f"{self.authorships_without_institution:,}"
            )
        if self.synthetic_works:
            lines.append(f"SYNTHETIC works (seeded generator): {self.synthetic_works:,}")
        lines.extend(f"note: {w}" for w in b.warnings)
        return "\n".join(lines)


# --------------------------------------------------------------------------------------
# Places: institution records and ROR files
# --------------------------------------------------------------------------------------


def _institution_places(paths: Iterable[str | os.PathLike[str]]) -> dict[str, _Place]:
    """OpenAlex institution records → place by OpenAlex short id (and by ROR id)."""
    places: dict[str, _Place] = {}
    for path in openalex_files(paths):
        for where, rec in read_records(path):
            key = short_openalex_id(clean_text(rec.get("id")))
            if not key.startswith("I"):
                raise GraphtwinError(
                    f"{where}: not an OpenAlex institution record (id {key or 'missing'!r})"
                )
            _add_place(key, rec, places)
    return places


def _add_place(key: str, rec: dict[str, Any], places: dict[str, _Place]) -> None:
    """Record where the institution record ``rec`` (id ``key``) is, if it says."""
    geo = rec.get("geo") if isinstance(rec.get("geo"), dict) else {}
    city = clean_text(geo.get("city"))
    country = (clean_text(geo.get("country_code")) or clean_text(rec.get("country_code"))).upper()
    if not city or not country:
        return
    place = _Place(
        ror_id=key,
        city=city,
        country=country,
        lat=as_float(geo.get("latitude")),
        lon=as_float(geo.get("longitude")),
        region=clean_text(geo.get("region")) or None,
        geonames_id=clean_text(str(geo.get("geonames_city_id") or "")) or None,
    )
    places[key] = place
    ror = clean_text(rec.get("ror"))
    if ror:
        places.setdefault("ror:" + short_ror_id(ror), place)


def _ror_places(paths: Iterable[str | os.PathLike[str]]) -> dict[str, _Place]:
    """ROR records (any layout the ROR importer reads) → place by ``ror:<short id>``."""
    result = import_ror(paths, include_inactive=True)
    cities = {c.id: c for c in result.bundle.cities}
    places: dict[str, _Place] = {}
    for org in result.bundle.organisations:
        city = cities.get(org.city_id)
        places["ror:" + org.id] = _Place(
            ror_id=org.id,
            city=org.city,
            country=org.country,
            lat=city.lat if city else None,
            lon=city.lon if city else None,
            region=city.region if city else None,
            geonames_id=None,
        )
    return places


# --------------------------------------------------------------------------------------
# Import
# --------------------------------------------------------------------------------------


def import_openalex(
    paths: Iterable[str | os.PathLike[str]],
    *,
    institutions: Iterable[str | os.PathLike[str]] = (),
    ror: Iterable[str | os.PathLike[str]] = (),
    since: int | None = None,
    until: int | None = None,
    countries: Iterable[str] | None = None,
    other_countries: str = "keep",
    min_works: int = 1,
    max_authors: int = 100,
    progress: ProgressFn | None = None,
) -> OpenAlexImport:
    """Read OpenAlex works from ``paths`` and build a co-authorship bundle.

    ``institutions`` are OpenAlex institution records (pages, JSON Lines or snapshot
    parts of ``/institutions``) and ``ror`` ROR files; both give cities (institution
    records first). Institution records found among ``paths`` are used too. Raises
    :class:`GraphtwinError` naming the file and record for a file that is not JSON, a
    record that is neither a work nor an institution, or input without works.
    """
    if other_countries not in ("keep", "drop"):
        raise GraphtwinError(f"other_countries must be 'keep' or 'drop', not {other_countries!r}")
    if min_works < 1 or max_authors < 2:
        raise GraphtwinError("min_works must be at least 1 and max_authors at least 2")
    wanted = {c.strip().upper() for c in countries or () if c.strip()} or None
    files = openalex_files(paths)
    result = OpenAlexImport(bundle=Bundle(origin="OpenAlex: " + ", ".join(map(str, files))))
    result.files = files
    places = _institution_places(institutions)
    places.update({k: v for k, v in _ror_places(ror).items() if k not in places} if ror else {})

    seen: dict[str, _Institution] = {}
    pairs: dict[tuple[str, str], _Pair] = {}
    total_bytes = sum(f.stat().st_size for f in files) or 1
    done_bytes = 0
    gc_was_enabled = gc.isenabled()
    gc.disable()  # millions of small objects: the cyclic collector only slows this down
    try:
        for path in files:

            def position(n: int, before: int = done_bytes) -> None:
                if progress:
                    progress(before + n, total_bytes, "reading works (bytes)")

            for where, work in read_records(path, position):
                key = short_openalex_id(clean_text(work.get("id")))
                if key.startswith("I") and "geo" in work:  # an institution record
                    _add_place(key, work, places)
                    continue
                _add_work(where, work, result, seen, pairs, since, until, wanted,
                          other_countries, max_authors)  # fmt: skip
            done_bytes += path.stat().st_size
            if progress:
                progress(done_bytes, total_bytes, "reading works (bytes)")
    finally:
        if gc_was_enabled:
            gc.enable()
    if result.works_read == 0:
        raise GraphtwinError("no OpenAlex works in " + ", ".join(map(str, files)))
    _build(result, seen, pairs, places, min_works)
    if not result.bundle.organisations:
        raise GraphtwinError(
            f"none of the {result.institutions_seen:,} institutions of the works kept could "
            "be placed in a city: give OpenAlex institution records (--institutions) or ROR "
            "files (--ror) that hold them"
        )
    return result


def _add_work(
    where: str,
    work: dict[str, Any],
    result: OpenAlexImport,
    seen: dict[str, _Institution],
    pairs: dict[tuple[str, str], _Pair],
    since: int | None,
    until: int | None,
    wanted: set[str] | None,
    other_countries: str,
    max_authors: int,
) -> None:
    authorships = work.get("authorships")
    if not isinstance(authorships, list) or not clean_text(work.get("id")):
        raise GraphtwinError(
            f"{where}: not an OpenAlex work (needs 'id' and 'authorships'); give works "
            "here and institution records with --institutions"
        )
    result.works_read += 1
    year = work.get("publication_year")
    if not isinstance(year, int) or (since and year < since) or (until and year > until):
        result.works_out_of_years += 1
        return
    if len(authorships) > max_authors:
        result.works_too_many_authors += 1
        return
    found: dict[str, _Institution] = {}
    for authorship in authorships:
        insts = authorship.get("institutions") if isinstance(authorship, dict) else None
        if not insts:
            result.authorships_without_institution += 1
            continue
        for inst in insts:
            key = short_openalex_id(clean_text(inst.get("id"))) if isinstance(inst, dict) else ""
            if not key:
                result.authorships_without_institution += 1
                continue
            if key not in found:
                found[key] = seen.get(key) or _Institution(
                    key=key,
                    name=clean_text(inst.get("display_name")),
                    ror=short_ror_id(clean_text(inst.get("ror"))) or None,
                    country=clean_text(inst.get("country_code")).upper(),
                    type=clean_text(inst.get("type")),
                )
    if wanted is not None:
        if not any(i.country in wanted for i in found.values()):
            result.works_out_of_countries += 1
            return
        if other_countries == "drop":
            found = {k: i for k, i in found.items() if i.country in wanted}
    if len(found) < 2:
        result.works_one_institution += 1
    result.works_kept += 1
    if work.get("synthetic") is True:
        result.synthetic_works += 1
    topic = work.get("primary_topic")
    topic_field = topic.get("field") if isinstance(topic, dict) else None
    field_name = (
        clean_text(topic_field.get("display_name")) if isinstance(topic_field, dict) else ""
    )
    for inst in found.values():
        kept = seen.setdefault(inst.key, inst)
        kept.works += 1
        if field_name:
            kept.fields[field_name] += 1
    if len(found) < 2:
        return
    title = clean_text(work.get("display_name")) or clean_text(work.get("title"))
    url = clean_text(work.get("doi")) or clean_text(work.get("id"))
    for a, b in combinations(sorted(found), 2):
        pair = pairs.get((a, b))
        if pair is None:
            pair = pairs[(a, b)] = _Pair()
        pair.years[year] += 1
        if pair.first is None or (year, url) < pair.first[::2]:
            pair.first = (year, title, url)


def _build(
    result: OpenAlexImport,
    seen: dict[str, _Institution],
    pairs: dict[tuple[str, str], _Pair],
    places: dict[str, _Place],
    min_works: int,
) -> None:
    """Resolve places, build organisations, cities and ties into ``result.bundle``."""
    bundle = result.bundle
    synthetic = result.synthetic_works > 0
    result.institutions_seen = len(seen)
    org_id: dict[str, str] = {}
    located: list[tuple[_Institution, _Place]] = []
    used_ids: dict[str, str] = {}
    for key in sorted(seen):
        inst = seen[key]
        place = places.get(key) or (places.get("ror:" + inst.ror) if inst.ror else None)
        oid = inst.ror or f"openalex-{key}"
        if place is None or not inst.name:
            result.institutions_dropped += 1
            reason = "no name" if place is not None else "no city (not in the institution "
            reason += "" if place is not None else "records or ROR files given)"
            result.skipped.append((f"institution {key} {inst.name!r}", reason))
            continue
        if oid in used_ids:  # two OpenAlex ids with one ROR id: keep the first
            org_id[key] = oid
            continue
        used_ids[oid] = key
        org_id[key] = oid
        country = inst.country or place.country
        located.append(
            (inst, _Place(oid, place.city, country, place.lat, place.lon, place.region, None))
        )
    sector_names: dict[str, str] = {}
    cities, names, notes = cities_for([p for _, p in located])
    bundle.cities = sorted(cities, key=lambda c: (c.country, c.name))
    bundle.warnings.extend(notes)
    for (inst, place), city in zip(located, names, strict=True):
        bundle.organisations.append(
            Organisation(
                id=place.ror_id,
                name=inst.name,
                kind=ror_kind([inst.type], inst.name),
                city=city,
                country=place.country,
                ror_id=ROR_PREFIX + inst.ror if inst.ror else None,
                sectors=_sectors(inst, sector_names),
                website=None,
                source=f"OpenAlex {inst.key} ({inst.works} work(s))"
                + (" SYNTHETIC" if synthetic else ""),
                synthetic=synthetic,
            )
        )
    bundle.organisations.sort(key=lambda o: o.id)
    bundle.sectors = [Sector(sid, name) for sid, name in sorted(sector_names.items())]
    result.pairs_seen = len(pairs)
    ties: dict[tuple[str, str], Tie] = {}
    for (a, b), pair in sorted(pairs.items()):
        total = sum(pair.years.values())
        if total < min_works:
            result.pairs_below_min += 1
            continue
        if a not in org_id or b not in org_id:
            result.pairs_without_end += 1
            continue
        source, target = sorted((org_id[a], org_id[b]))
        if source == target:
            continue
        tie = ties.get((source, target))
        if tie is not None:  # two OpenAlex ids merged into one organisation
            tie.weight = (tie.weight or 0) + total
            continue
        ties[(source, target)] = _tie(source, target, pair, total, synthetic)
    bundle.ties = list(ties.values())
    if synthetic:
        bundle.warnings.append(
            f"{result.synthetic_works:,} of the works are SYNTHETIC (seeded generator): "
            "the ties are not real co-authorship"
        )


def _sectors(inst: _Institution, names: dict[str, str]) -> tuple[str, ...]:
    """The institution's sectors: the OpenAlex fields of at least a fifth of its works
    (``primary_topic.field``), at most :data:`MAX_SECTORS`, most frequent first."""
    total = sum(inst.fields.values())
    ranked = sorted(inst.fields.items(), key=lambda kv: (-kv[1], kv[0]))
    out = []
    for name, count in ranked[:MAX_SECTORS]:
        if count * 5 >= total:
            sid = slugify(name)
            names.setdefault(sid, name)
            out.append(sid)
    return tuple(out)


def _tie(source: str, target: str, pair: _Pair, total: int, synthetic: bool) -> Tie:
    years = sorted(pair.years)
    per_year = ", ".join(f"{y}: {pair.years[y]}" for y in years[:EVIDENCE_YEARS])
    if len(years) > EVIDENCE_YEARS:
        per_year += ", ..."
    _, title, url = pair.first or (years[0], "", "")
    evidence = (
        f"{'SYNTHETIC ' if synthetic else ''}OpenAlex: {total} co-authored work(s) "
        f"({per_year}); first: {title or url}"
    )
    return Tie(
        source=source,
        target=target,
        kind="copublication",
        weight=float(total),
        start=str(years[0]),
        end=str(years[-1]),
        evidence=evidence,
        source_url=url or None,
    )
