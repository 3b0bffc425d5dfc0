"""Write a :class:`~graphtwin.model.Bundle` as a folder of CSV files (the input format).

Importers (ROR, later CORDIS and GtR) and the synthetic generator build a Bundle in
memory and hand it to :func:`write_bundle`, so every bundle the tool writes has the same
layout that ``graphtwin validate`` and ``graphtwin load`` read (docs/data-format.md):

- ``organisations.csv``: id, name, kind, city, country, sectors (``;``-joined sector
  ids), size, founded, ror_id, website, source, synthetic
- ``ties.csv``: source, target, kind, weight, start, end, evidence, source_url
- ``cities.csv``: name, country, lat, lon, population, region (only if the bundle has
  cities)
- ``sectors.csv``: id, name (only if the bundle has sectors)

Files are UTF-8 without BOM, written with the csv module (minimal quoting, ``\\n`` line
ends), empty cells for missing values, ``true``/``false`` for booleans. Rows are streamed
from the records, so 500,000 ties write in about a second.

Example:
    >>> import tempfile
    >>> from graphtwin.model import Bundle, Organisation
    >>> b = Bundle(organisations=[Organisation("a", "A Ltd", "firm", "Belfast", "GB")])
    >>> paths = write_bundle(b, tempfile.mkdtemp())
    >>> sorted(paths)
    ['organisations', 'ties']
    >>> paths["organisations"].read_text().splitlines()[1]
    'a,A Ltd,firm,Belfast,GB,,,,,,,false'
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from graphtwin.errors import GraphtwinError
from graphtwin.model import Bundle, City, Organisation, Sector, Tie

ORGANISATION_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "city",
    "country",
    "sectors",
    "size",
    "founded",
    "ror_id",
    "website",
    "source",
    "synthetic",
)
TIE_COLUMNS: tuple[str, ...] = (
    "source",
    "target",
    "kind",
    "weight",
    "start",
    "end",
    "evidence",
    "source_url",
)
CITY_COLUMNS: tuple[str, ...] = ("name", "country", "lat", "lon", "population", "region")
SECTOR_COLUMNS: tuple[str, ...] = ("id", "name")

#: Bundle file name (without .csv) -> its columns, in the order written.
BUNDLE_FILES: dict[str, tuple[str, ...]] = {
    "organisations": ORGANISATION_COLUMNS,
    "ties": TIE_COLUMNS,
    "cities": CITY_COLUMNS,
    "sectors": SECTOR_COLUMNS,
}


def _s(value: object) -> str:
    """A CSV cell: '' for None, the plain text of everything else."""
    return "" if value is None else str(value)


def _organisation_rows(orgs: Iterable[Organisation]) -> Iterator[tuple[str, ...]]:
    for o in orgs:
        yield (
            o.id,
            o.name,
            o.kind,
            o.city,
            o.country,
            ";".join(o.sectors),
            _s(o.size),
            _s(o.founded),
            _s(o.ror_id),
            _s(o.website),
            _s(o.source),
            "true" if o.synthetic else "false",
        )


def _tie_rows(ties: Iterable[Tie]) -> Iterator[tuple[str, ...]]:
    for t in ties:
        yield (
            t.source,
            t.target,
            t.kind,
            "" if t.weight is None else repr(float(t.weight)),
            _s(t.start),
            _s(t.end),
            _s(t.evidence),
            _s(t.source_url),
        )


def _city_rows(cities: Iterable[City]) -> Iterator[tuple[str, ...]]:
    for c in cities:
        yield (
            c.name,
            c.country,
            "" if c.lat is None else repr(float(c.lat)),
            "" if c.lon is None else repr(float(c.lon)),
            _s(c.population),
            _s(c.region),
        )


def _sector_rows(sectors: Iterable[Sector]) -> Iterator[tuple[str, ...]]:
    for s in sectors:
        yield (s.id, s.name)


def _write_csv(path: Path, header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> None:
    # Write to a temporary name first so that an interrupted write never leaves a
    # half-written bundle file behind under the real name.
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    os.replace(tmp, path)


def write_bundle(
    bundle: Bundle, folder: str | os.PathLike[str], *, overwrite: bool = True
) -> dict[str, Path]:
    """Write ``bundle`` into ``folder`` as CSV files and return ``{file stem: path}``.

    organisations.csv and ties.csv are always written (ties.csv may hold only its
    header); cities.csv and sectors.csv only when the bundle has cities or sectors. A
    bundle file left in ``folder`` by an earlier run that this bundle does not write is
    removed, so the folder always describes exactly this bundle. The folder is created
    if needed; other files in it are left alone. With ``overwrite=False`` a folder that
    already holds a bundle file is refused with a :class:`GraphtwinError`.

    Example:
        >>> import tempfile
        >>> from graphtwin.model import Bundle, City
        >>> paths = write_bundle(Bundle(cities=[City("Sejong", "KR", 36.6, 127.3)]),
        ...                      tempfile.mkdtemp())
        >>> paths["cities"].read_text().splitlines()
        ['name,country,lat,lon,population,region', 'Sejong,KR,36.6,127.3,,']
    """
    out = Path(folder)
    if out.exists() and not out.is_dir():
        raise GraphtwinError(f"{out}: exists and is not a folder; choose another output path")
    if not overwrite:
        existing = [f"{stem}.csv" for stem in BUNDLE_FILES if (out / f"{stem}.csv").exists()]
        if existing:
            raise GraphtwinError(
                f"{out}: already holds a bundle ({', '.join(existing)}); choose an empty "
                "folder or overwrite it (--force)"
            )
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraphtwinError(f"{out}: cannot create the output folder ({exc.strerror})") from exc

    plan: dict[str, Iterable[tuple[str, ...]] | None] = {
        "organisations": _organisation_rows(bundle.organisations),
        "ties": _tie_rows(bundle.ties),
        "cities": _city_rows(bundle.cities) if bundle.cities else None,
        "sectors": _sector_rows(bundle.sectors) if bundle.sectors else None,
    }
    written: dict[str, Path] = {}
    for stem, rows in plan.items():
        path = out / f"{stem}.csv"
        try:
            if rows is None:
                path.unlink(missing_ok=True)
                continue
            _write_csv(path, BUNDLE_FILES[stem], rows)
        except OSError as exc:
            raise GraphtwinError(f"{path}: cannot write ({exc.strerror})") from exc
        written[stem] = path
    return written
