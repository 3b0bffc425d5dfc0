"""``graphtwin map``: write an interactive network map as one offline HTML file.

Thin command: open the store, take a fresh projection (with the ``gt_*`` scores written
back by earlier commands), read stored introductions or compute bridges for the city
view, call :mod:`graphtwin.viz.maps`, write the file, print its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from graphtwin.cli.common import (
    STDOUT,
    cities_option,
    note,
    open_target,
    output_option,
    project,
    synthetic_share,
)
from graphtwin.errors import GraphtwinError

#: Same as graphtwin.viz.maps.COLOR_BY (kept here so `--help` needs no igraph import).
COLOR_CHOICES = ("country", "city", "kind", "community", "sector")

#: What a bare ``--cities`` (no names) stands for: the geographic view, its older spelling.
GEO = "\0geo"

#: Stored introductions between organisations of the two cities (parameters only).
POTENTIAL_QUERY = (
    "MATCH (a:Organisation)-[p:POTENTIAL]->(b:Organisation) "
    "WHERE a.id IN $ids AND b.id IN $ids "
    "RETURN a.id AS source, b.id AS target, p.score AS score, p.reasons AS reasons"
)


def _evidence_query() -> str:
    """Ties (with their evidence and source) between organisations drawn on a map: the
    relationship types are the fixed tie vocabulary, the ids a parameter."""
    from graphtwin.model import REL_TYPES

    return (
        f"MATCH (a:Organisation)-[r:{'|'.join(REL_TYPES)}]->(b:Organisation) "
        "WHERE a.id IN $ids AND b.id IN $ids "
        "AND (r.evidence IS NOT NULL OR r.source_url IS NOT NULL) "
        "RETURN a.id AS source, b.id AS target, r.kind AS kind, r.start_year AS start_year, "
        "r.end_year AS end_year, r.evidence AS evidence, r.source_url AS source_url"
    )


@click.command("map")
@output_option(
    "HTML file to write (one self-contained file, works offline).", stdout=True, dir_okay=False
)
@click.argument("pair", nargs=-1, metavar="[CITY_A CITY_B]")
@cities_option(
    "The two cities, instead of CITY_A CITY_B.",
    is_flag=False,
    flag_value=GEO,
)
@click.option("--ego", metavar="ORG_ID", default=None, help="Map one organisation's neighbourhood.")
@click.option(
    "--hops",
    type=click.IntRange(1, 6),
    default=2,
    show_default=True,
    help="With --ego: how many ties away.",
)
@click.option(
    "--geo",
    is_flag=True,
    help="Geographic map of cities (--cities without names, the older spelling, too).",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=None,
    help="Most organisations to draw [default: 300; 400 for two cities].",
)
@click.option(
    "--color-by",
    type=click.Choice(COLOR_CHOICES),
    default=None,
    help="Colour organisations by [default: country; city for --ego].",
)
@click.option(
    "--size-by",
    metavar="SCORE",
    default=None,
    help="Size by a written-back score (gt_pagerank or pagerank, ...) or 'degree'; "
    "with --geo also 'organisations' (the default there).",
)
@click.option(
    "--rank-by",
    metavar="SCORE",
    default=None,
    help="Whole network: which organisations to keep [default: the --size-by score].",
)
@click.option(
    "--bridges/--no-bridges",
    default=True,
    show_default=True,
    help="With two cities: compute and highlight the bridges between them.",
)
@click.option(
    "--aggregate",
    type=click.Choice(("auto", "city", "community", "none")),
    default="auto",
    show_default=True,
    help="Whole network: draw cities or communities as nodes (sized by organisations, "
    "ties summed; click one to open it). auto: when more than 1,000 organisations "
    "would be drawn.",
)
@click.option(
    "--max-file-mb",
    type=click.FloatRange(min=1.0),
    default=15.0,
    show_default=True,
    help="Largest map file; a bigger map is trimmed to fewer organisations (and says so).",
)
@click.option("--title", default=None, help="Title shown at the top of the map.")
@click.pass_context
def map_command(
    ctx: click.Context,
    output: Path,
    pair: tuple[str, ...],
    cities: tuple[str, ...],
    ego: str | None,
    hops: int,
    geo: bool,
    max_nodes: int | None,
    color_by: str | None,
    size_by: str | None,
    rank_by: str | None,
    bridges: bool,
    aggregate: str,
    max_file_mb: float,
    title: str | None,
) -> None:
    """Draw the network as an interactive HTML map: the whole network, two cities
    (CITY_A CITY_B), one organisation's neighbourhood (--ego), or cities on a map (--geo).

    Without a view the map shows the top organisations by a score. CITY_A CITY_B are
    given as to `bridges` and `potential`; --cities A,B and the older --city A --city B
    work too. A city is a name, 'Name (CC)' or a city id. Scores come
    from the store (run `graphtwin centrality` / `graphtwin bridges` first to size by
    them); the file needs no internet connection and no server. Hover for details,
    search by name, click a legend colour to hide it.

    \b
    Examples:
      graphtwin map -o network.html --max-nodes 500 --size-by pagerank
      graphtwin map Belfast Sejong -o belfast-sejong.html
      graphtwin map -o cpc.html --ego cpc --hops 1 --color-by kind
      graphtwin map -o cities.html --geo
      graphtwin map -o all.html --max-nodes 50000          # aggregates by city
      graphtwin map -o big.html --max-nodes 5000 --aggregate none --max-file-mb 60
    """
    cities_view = geo or GEO in cities
    # options first: `--cities Belfast Sejong` leaves Sejong to CITY_A
    city_pair = tuple(c for c in cities if c != GEO) + pair
    views = sum([bool(city_pair), ego is not None, cities_view])
    if views > 1:
        raise click.UsageError("choose one view: CITY_A CITY_B, --ego ID or --geo")
    if city_pair and len(city_pair) != 2:
        raise click.UsageError(
            f"give exactly two cities, e.g. Belfast Sejong (got {len(city_pair)}: "
            f"{', '.join(city_pair)})"
        )

    from graphtwin.viz import maps

    with open_target(ctx, read_only=True) as store:
        g = project(ctx, store)
        synthetic, n = synthetic_share(g)
        dataset = store.target
        if synthetic:
            dataset += f" · SYNTHETIC data ({synthetic:,} of {n:,} organisations)"
        potential = None
        if city_pair:
            a, b = (maps.resolve_city(g, c) for c in city_pair)
            potential = _stored_introductions(store, g, a, b)
        common: dict[str, Any] = {"title": title, "dataset": dataset}
        if city_pair:
            table = _bridges(ctx, g, a, b) if bridges else None
            if potential is not None:
                note(ctx, f"{len(potential)} stored introductions between the two cities")

            def build(limit: int) -> Any:
                return maps.city_pair_map(
                    g, a, b, bridges=table, potential=potential, max_nodes=limit,
                    color_by=color_by or "country", size_by=size_by, **common,
                )  # fmt: skip

            default = 400
        elif ego is not None:

            def build(limit: int) -> Any:
                return maps.ego_map(
                    g, ego, hops=hops, max_nodes=limit, color_by=color_by or "city",
                    size_by=size_by, **common,
                )  # fmt: skip

            default = 300
        elif cities_view:

            def build(limit: int) -> Any:
                return maps.cities_map(
                    g, size_by=size_by or "organisations", color_by=color_by or "country",
                    **common,
                )  # fmt: skip

            default = 0
        else:

            def build(limit: int) -> Any:
                return maps.network_map(
                    g, max_nodes=limit, rank_by=rank_by, color_by=color_by or "country",
                    size_by=size_by, aggregate=aggregate, **common,
                )  # fmt: skip

            default = 300
        limit = min(max_nodes or default, g.vcount())
        whole = not (city_pair or ego is not None or cities_view)
        aggregates = whole and (
            aggregate in ("city", "community")
            or (aggregate == "auto" and limit > maps.AGGREGATE_ABOVE)
        )
        m, html = fit_file_cap(build, limit, int(max_file_mb * 1e6), guess=not aggregates)
        if m.edges and m.view != "cities":
            ids = [str(x["id"]) for x in m.nodes]
            ids += [str(x["id"]) for grp in m.groups.values() for x in grp["nodes"]]
            rows = store.query(_evidence_query(), {"ids": ids}).records()
            if m.add_evidence(rows):
                html = m.to_html()
    if str(output) == STDOUT:  # -o -: the page on standard output
        click.echo(html, nl=False)
    else:
        click.echo(str(m.write(output, html=html)))
    for line in m.notes:
        note(ctx, line)
    size_mb = len(html.encode("utf-8")) / 1e6
    note(ctx, f"{m.summary()}; {size_mb:.1f} MB; {m.footnote}")


#: Rough HTML bytes per organisation drawn (2,000 synthetic organisations: 1.3 kB; a
#: dense 5,000-organisation slice of a 46,000-organisation store: 2.8 kB).
BYTES_PER_ORGANISATION = 3000


def fit_file_cap(build: Any, limit: int, cap_bytes: int, guess: bool = True) -> tuple[Any, str]:
    """Build the map with ``limit`` organisations, then fewer until its page fits
    ``cap_bytes``; each trim is added to the map's notes. Returns (map, its HTML).
    ``guess``: start from the number of organisations that typically fits."""
    notes = []
    if guess and limit > cap_bytes // BYTES_PER_ORGANISATION:
        # A first guess from the typical size of an organisation on a map (node, tooltip,
        # search entry, its lines): laying out 46,000 organisations only to trim them
        # would take minutes.
        guess = max(1, cap_bytes // BYTES_PER_ORGANISATION)
        notes.append(
            f"{limit:,} organisations would make a map of about "
            f"{limit * BYTES_PER_ORGANISATION / 1e6:.0f} MB, over the {cap_bytes / 1e6:g} MB "
            f"cap: drawing at most {guess:,} (raise --max-file-mb to allow a larger file)"
        )
        limit = guess
    m = build(limit)
    m.notes[:0] = notes
    html = m.to_html()
    for _ in range(4):
        size = len(html.encode("utf-8"))
        if size <= cap_bytes or not limit:
            return m, html
        drawn = max(m.shown, 1)
        smaller = max(1, int(min(limit, drawn) * cap_bytes / size * 0.9))
        if smaller >= min(limit, drawn):
            break
        first = f"{size / 1e6:.1f} MB"
        limit = smaller
        m = build(limit)
        html = m.to_html()
        m.notes.append(
            f"the map would be {first}, over the {cap_bytes / 1e6:g} MB cap: trimmed to "
            f"{limit:,} organisations (raise --max-file-mb to allow a larger file)"
        )
    size = len(html.encode("utf-8"))
    if size > cap_bytes:
        raise GraphtwinError(
            f"the map would be {size / 1e6:.1f} MB, over the {cap_bytes / 1e6:g} MB cap even "
            "trimmed; use --max-nodes, --aggregate city, or raise --max-file-mb"
        )
    return m, html


def _stored_introductions(store: Any, g: Any, city_a: str, city_b: str) -> list[dict] | None:
    """POTENTIAL relationships between organisations of the two cities, or None if the
    store has none (the table is created by ``graphtwin potential --write-back``)."""
    ids = [
        str(i) for i, c in zip(g.vs["id"], g.vs["city_id"], strict=True) if c in (city_a, city_b)
    ]
    if not ids:
        return None
    try:
        rows = store.query(POTENTIAL_QUERY, {"ids": ids}).records()
    except GraphtwinError:
        return None
    return rows or None


def _bridges(ctx: click.Context, g: Any, city_a: str, city_b: str) -> Any:
    """The bridging table for the pair (graphtwin.analysis.bridging), best first."""
    from graphtwin.analysis.bridging import bridges

    note(ctx, "computing bridges between the two cities ...")
    return bridges(g, by="city", pair=(city_a, city_b))
