"""Read the project CSV that the Gateway to Research website exports.

The GtR website's project search (https://gtr.ukri.org/search/project) offers "Export
results" as CSV (``projectsearch-<timestamp>.csv``): one row per project with the
columns ``FundingOrgName``, ``ProjectReference``, ``LeadROName``, ``Department``,
``ProjectCategory``, ``PISurname``, ``PIFirstName``, ``PIOtherNames``, ``PI ORCID iD``,
``StudentSurname``, ``StudentFirstName``, ``StudentOtherNames``, ``Student ORCID iD``,
``Title``, ``StartDate``, ``EndDate`` (``dd/mm/yyyy``), ``AwardPounds``,
``ExpenditurePounds``, ``Region``, ``Status``, ``GTRProjectUrl``, ``ProjectId``,
``FundingOrgId``, ``LeadROId``, ``PIId``. Its ids are the GtR-2 API's ids.

:func:`export_records` turns each row into the records :mod:`graphtwin.ingest.gtr`
builds from API responses: a project led by ``LeadROId`` and funded by ``FundingOrgId``
(a ``funding`` tie funder → lead), and two organisation records made from the row (the
lead with ``Region`` as its only address, the funder with none). The export names no
partners and no addresses, so give the API's organisation records as well to place
organisations outside London (``Region`` London is the only region that is a city):
records from the API are read first and win over those made from the CSV.

Example:
    for where, kind, record in export_records(Path("projectsearch-1657097606835.csv")):
        ...
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graphtwin.errors import GraphtwinError
from graphtwin.ingest.files import read_text

if TYPE_CHECKING:
    from graphtwin.ingest.gtr import _Org, _Project

#: Columns the importer needs (the export has more; see the module docstring).
REQUIRED = ("FundingOrgName", "ProjectReference", "LeadROName", "Title", "StartDate",
            "EndDate", "ProjectId", "FundingOrgId", "LeadROId")  # fmt: skip
#: ``Region`` values that are not places in the United Kingdom.
NOT_UK = frozenset({"outside uk", "unknown", ""})


def is_projects_export(path: Path) -> bool:
    """True if ``path`` is a CSV whose header has the export's required columns."""
    header = read_text(path, "GtR").split("\n", 1)[0]
    columns = {c.strip() for c in next(csv.reader([header]), [])}
    return set(REQUIRED) <= columns


def _date(value: str, where: str, column: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).date().isoformat()
        except ValueError:
            continue
    raise GraphtwinError(f"{where}: {column} {value!r} is not a date (dd/mm/yyyy)")


def export_records(path: Path) -> Iterator[tuple[str, str, Any]]:
    """Yield ``(where, "project" | "organisation", record)`` for each export row.

    Raises :class:`GraphtwinError` naming the file and line for a missing column, an
    empty id or a bad date.
    """
    from graphtwin.ingest.gtr import _Org, _Project

    reader = csv.DictReader(io.StringIO(read_text(path, "GtR"), newline=""))
    header = {c.strip() for c in reader.fieldnames or []}
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise GraphtwinError(
            f"{path}:1: not a GtR project export; missing column(s) {', '.join(missing)}"
        )
    for row in reader:
        where = f"{path}:{reader.line_num}"
        get = {k.strip(): (v or "").strip() for k, v in row.items() if k}.get
        for column in ("ProjectId", "LeadROId", "FundingOrgId"):
            if not get(column):
                raise GraphtwinError(f"{where}: empty {column}")
        start = _date(get("StartDate") or "", where, "StartDate")
        end = _date(get("EndDate") or "", where, "EndDate")
        if start and end and end < start:
            end = None
        project: _Project = _Project(
            id=get("ProjectId") or "",
            ref=get("ProjectReference") or "",
            title=get("Title") or "",
            funder=get("FundingOrgName") or "",
            href=get("GTRProjectUrl") or "",
            start=start,
            end=end,
            roles=[("LEAD_ORG", get("LeadROId") or ""), ("COFUND_ORG", get("FundingOrgId") or "")],
            funds=[],
        )
        yield where, "project", project
        region = get("Region") or ""
        lead: _Org = _Org(
            id=get("LeadROId") or "",
            name=get("LeadROName") or "",
            website="",
            city="",
            lines=[],
            region=region,
            country="" if region.lower() in NOT_UK else "United Kingdom",
        )
        yield where, "organisation", lead
        funder: _Org = _Org(get("FundingOrgId") or "", get("FundingOrgName") or "", "", "", [],
                            "", "United Kingdom")  # fmt: skip
        yield where, "organisation", funder
