"""Find the city a user means, in the analysis graph: one rule for every command.

Accepted: a city id (``KR-sejong``), a name in any case (``sejong``), or a name with its
country (``Newport, GB`` or ``Newport (GB)``). Unknown names get the closest known ones;
a name found in two countries asks for the country.

Example:
    >>> from graphtwin.analysis.projection import graph_from_columns
    >>> g = graph_from_columns({"id": ["a", "b"], "name": ["A", "B"],
    ...     "kind": ["firm", "firm"], "city": ["Sejong", "Belfast"],
    ...     "country": ["KR", "GB"]}, {})
    >>> resolve_city(g, "sejong"), resolve_city(g, "Belfast (gb)"), resolve_city(g, "GB-belfast")
    ('KR-sejong', 'GB-belfast', 'GB-belfast')
"""

from __future__ import annotations

import difflib

import igraph as ig

from graphtwin.errors import GraphtwinError


def known_cities(g: ig.Graph) -> dict[str, tuple[str, str]]:
    """``{city_id: (name, country)}`` of every city with an organisation or metadata."""
    known: dict[str, tuple[str, str]] = {}
    if g.vcount():
        for cid, name, country in zip(g.vs["city_id"], g.vs["city"], g.vs["country"], strict=True):
            if cid is not None:
                known[cid] = (str(name), str(country))
    for cid, c in (g["cities"] if "cities" in g.attributes() else {}).items():
        known.setdefault(cid, (str(c.get("name", cid)), str(c.get("country", "?"))))
    return known


def _split_country(text: str) -> tuple[str, str | None]:
    for sep in (",", "("):
        if sep in text:
            head, _, tail = text.partition(sep)
            return head.strip(), tail.strip(" )").upper() or None
    return text.strip(), None


def resolve_city(g: ig.Graph, text: str) -> str:
    """The city id that ``text`` names; GraphtwinError with close names otherwise."""
    known = known_cities(g)
    query = text.strip()
    by_id = {cid.casefold(): cid for cid in known}
    if query.casefold() in by_id:
        return by_id[query.casefold()]
    name, country = _split_country(query)
    key = name.casefold()
    hits = sorted(
        cid
        for cid, (n, c) in known.items()
        if n.casefold() == key and (country is None or c.upper() == country)
    )
    if len(hits) == 1:
        return hits[0]
    if hits:
        example = f"{known[hits[0]][0]}, {known[hits[0]][1]}"
        raise GraphtwinError(
            f"city {text!r} is ambiguous: {', '.join(hits)}; add the country "
            f"(e.g. '{example}') or give the city id"
        )
    names = sorted({n for n, _ in known.values()})
    close = difflib.get_close_matches(name, names, n=5, cutoff=0.6)
    close += [n for n in names if key and key in n.casefold() and n not in close]
    hint = f"; did you mean: {', '.join(close[:5])}?" if close else ""
    raise GraphtwinError(
        f"unknown city {text!r} (no organisation of the graph is located there; "
        f"{len(names)} cities known){hint}"
    )
