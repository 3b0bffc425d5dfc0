"""One organisation, one node: merge organisations that share a ROR id.

Bundles from different sources name one organisation differently: the demo's slug
``qub``, the ROR importer's ``00hswnk62``, CORDIS's ``cordis-999…``, OpenAlex's ROR id.
When their ``ror_id`` is the same they are the same organisation.
:func:`merge_by_ror` merges them before a bundle is loaded:

- the first id wins: an organisation already in the store (``stored``), else the first
  of the bundle's organisations with that ROR id (in file order);
- every other organisation with that ROR id is dropped from the bundle, and its id is
  recorded as an alias of the kept one: ``source`` of the kept organisation gains
  ``; alias <id> (<its source>)``; an organisation kept from the store is added to the
  bundle with its stored values and the longer ``source``, so the load changes only
  that property;
- ties are redirected to the kept id; a tie that now joins an organisation to itself is
  dropped, and two ties that became the same (same ends and kind) are one (the first,
  its empty fields filled from the second), as the validator merges duplicates.

ROR ids compare in their short form (``https://ror.org/00hswnk62`` = ``00hswnk62``).

Example:
    >>> from graphtwin.model import Bundle, Organisation, Tie
    >>> a = Organisation("qub", "Queen's University Belfast", "university", "Belfast", "GB",
    ...                  ror_id="https://ror.org/00hswnk62", source="demo")
    >>> b = Organisation("00hswnk62", "Queen's University Belfast", "university", "Belfast",
    ...                  "GB", ror_id="https://ror.org/00hswnk62", source="ROR")
    >>> c = Organisation("x", "X Ltd", "firm", "Belfast", "GB")
    >>> bundle = Bundle(organisations=[a, b, c], ties=[Tie("00hswnk62", "x", "project")])
    >>> report = merge_by_ror(bundle)
    >>> [o.id for o in bundle.organisations], bundle.ties[0].source
    (['qub', 'x'], 'qub')
    >>> a.source
    'demo; alias 00hswnk62 (ROR)'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphtwin.ingest.ror import short_ror_id
from graphtwin.model import TIE_KINDS, Bundle, Organisation, Tie


@dataclass(slots=True)
class MergeReport:
    """What :func:`merge_by_ror` merged: ``(kept id, merged id, ROR id)`` triples."""

    merged: list[tuple[str, str, str]] = field(default_factory=list)
    kept_from_store: int = 0
    ties_redirected: int = 0
    ties_self_dropped: int = 0
    ties_combined: int = 0

    def lines(self, shown: int = 10) -> list[str]:
        """Lines for the CLI: a count, then the first ``shown`` merges."""
        if not self.merged:
            return []
        out = [
            f"merged by ROR id: {len(self.merged):,} organisation(s) into "
            f"{len({k for k, _, _ in self.merged}):,} ({self.kept_from_store:,} already in "
            f"the store); ties redirected {self.ties_redirected:,}, dropped as self-ties "
            f"{self.ties_self_dropped:,}, combined {self.ties_combined:,}"
        ]
        out += [f"  {m} -> {k} (ROR {r})" for k, m, r in self.merged[:shown]]
        if len(self.merged) > shown:
            out.append(f"  ... and {len(self.merged) - shown:,} more")
        return out


def merge_by_ror(bundle: Bundle, stored: Mapping[str, Organisation] | None = None) -> MergeReport:
    """Merge ``bundle``'s organisations that share a ROR id, in place.

    ``stored`` maps short ROR ids to organisations already in the store (see
    :func:`stored_by_ror`); those keep their id.
    """
    stored = stored or {}
    report = MergeReport()
    kept: dict[str, Organisation] = {}  # short ROR id -> kept organisation
    rename: dict[str, str] = {}
    organisations: list[Organisation] = []
    for org in bundle.organisations:
        ror = short_ror_id(org.ror_id) if org.ror_id else ""
        if not ror:
            organisations.append(org)
            continue
        first = kept.get(ror)
        if first is None and ror in stored and stored[ror].id != org.id:
            first = kept[ror] = stored[ror]
            organisations.append(first)
            report.kept_from_store += 1
        if first is None:
            kept[ror] = org
            organisations.append(org)
            continue
        rename[org.id] = first.id
        alias = f"alias {org.id} ({org.source or 'no source'})"
        if alias not in (first.source or ""):  # loading a bundle twice changes nothing
            first.source = f"{first.source}; {alias}" if first.source else alias
        report.merged.append((first.id, org.id, ror))
    if not rename:
        return report
    bundle.organisations = organisations
    bundle.ties = _redirect(bundle.ties, rename, report)
    return report


def _redirect(ties: Iterable[Tie], rename: dict[str, str], report: MergeReport) -> list[Tie]:
    out: dict[tuple[str, str, str], Tie] = {}
    for tie in ties:
        source, target = rename.get(tie.source, tie.source), rename.get(tie.target, tie.target)
        if (source, target) != (tie.source, tie.target):
            report.ties_redirected += 1
            tie.source, tie.target = source, target
        if source == target:
            report.ties_self_dropped += 1
            continue
        ends = (source, target) if TIE_KINDS[tie.kind].directed else tuple(sorted((source, target)))
        key = (*ends, tie.kind)
        first = out.get(key)  # type: ignore[arg-type]
        if first is None:
            out[key] = tie  # type: ignore[index]
            continue
        report.ties_combined += 1
        for name in ("weight", "start", "end", "evidence", "source_url"):
            if getattr(first, name) is None:
                setattr(first, name, getattr(tie, name))
    return list(out.values())


#: Organisation properties read back from a store (the bundle's own columns).
_STORED = ("id", "name", "kind", "city", "country", "size", "founded", "ror_id", "website",
           "source", "synthetic")  # fmt: skip


def stored_by_ror(store: Any, bundle: Bundle) -> dict[str, Organisation]:
    """The organisations of ``store`` whose ROR id is one of ``bundle``'s, by short id.

    One parameterised read query; ROR ids are matched in full and short form.
    """
    rors = {short_ror_id(o.ror_id) for o in bundle.organisations if o.ror_id}
    if not rors:
        return {}
    values = sorted(rors | {"https://ror.org/" + r for r in rors})
    result = store.query(
        "MATCH (o:Organisation) WHERE o.ror_id IN $rors RETURN "
        + ", ".join(f"o.{p} AS {p}" for p in _STORED)
        + " ORDER BY o.id",
        {"rors": values},
    )
    found: dict[str, Organisation] = {}
    for rec in result.records():
        org = Organisation(**{k: rec[k] for k in _STORED})
        org.synthetic = bool(org.synthetic)
        found.setdefault(short_ror_id(org.ror_id or ""), org)
    return found
