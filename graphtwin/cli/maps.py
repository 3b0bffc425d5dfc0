"""``graphtwin map``: write an interactive network map as one offline HTML file.

Thin command: open the store, take a fresh projection (with the ``gt_*`` scores written
back by earlier commands), read stored introductions or compute bridges for the city
view, call :mod:`graphtwin.viz.maps`, write the file, print its path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from graphtwin.cli.common import STDOUT, note, open_target, output_option, project, synthetic_share
from graphtwin.errors import GraphtwinError

#: Same as graphtwin.viz.maps.COLOR_BY (kept here so `--help` needs no igraph import).
COLOR_CHOICES = ("country", "city", "kind", "community", "sector")

#: Stored introductions between organisations of the two cities (parameters only).
POTENTIAL_QUERY = (
    "MATCH (a:Organisation)-[p:POTENTIAL]->(b:Organisation) "
    "WHERE a.id IN $ids AND b.id IN $ids "
    "RETURN a.id AS source, b.id AS target, p.score AS score, p.reasons AS reasons"
)


@click.command("map")
@output_option(
    "HTML file to write (one self-contained file, works offline).", stdout=True, dir_okay=False
)
@click.option(
    "--city",
    "city_pair",
    multiple=True,
    metavar="CITY",
    help="Give twice: map two cities, the organisations between them, bridges and "
    "stored introductions. A name, 'Name, CC' or a city id.",
)
@click.option("--ego", metavar="ORG_ID", default=None, help="Map one organisation's neighbourhood.")
@click.option(
    "--hops",
    type=click.IntRange(1, 6),
    default=2,
    show_default=True,
    help="With --ego: how many ties away.",
)
@click.option("--cities", "cities_view", is_flag=True, help="Geographic map of cities.")
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=None,
    help="Most organisations to draw [default: 300; 400 for --city].",
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
    "with --cities also 'organisations' (the default there).",
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
    help="With --city: compute and highlight the bridges between the two cities.",
)
@click.option("--title", default=None, help="Title shown at the top of the map.")
@click.pass_context
def map_command(
    ctx: click.Context,
    output: Path,
    city_pair: tuple[str, ...],
    ego: str | None,
    hops: int,
    cities_view: bool,
    max_nodes: int | None,
    color_by: str | None,
    size_by: str | None,
    rank_by: str | None,
    bridges: bool,
    title: str | None,
) -> None:
    """Draw the network as an interactive HTML map: the whole network, two cities, one
    organisation's neighbourhood, or cities on a map.

    Without a view option the map shows the top organisations by a score. Scores come
    from the store (run `graphtwin centrality` / `graphtwin bridges` first to size by
    them); the file needs no internet connection and no server. Hover for details,
    search by name, click a legend colour to hide it.

    \b
    Examples:
      graphtwin map -o network.html --max-nodes 500 --size-by pagerank
      graphtwin map -o belfast-sejong.html --city Belfast --city Sejong
      graphtwin map -o cpc.html --ego cpc --hops 1 --color-by kind
      graphtwin map -o cities.html --cities
    """
    views = sum([bool(city_pair), ego is not None, cities_view])
    if views > 1:
        raise click.UsageError("choose one view: --city A --city B, --ego ID or --cities")
    if city_pair and len(city_pair) != 2:
        raise click.UsageError(f"--city needs exactly two cities (got {len(city_pair)})")

    from graphtwin.viz import maps

    with open_target(ctx, read_only=True) as store:
        g = project(ctx, store)
        synthetic, n = synthetic_share(g)
        dataset = store.target
        if synthetic:
            dataset += f" · SYNTHETIC data ({synthetic:,} of {n:,} organisations)"
        if city_pair:
            a, b = (maps.resolve_city(g, c) for c in city_pair)
            potential = _stored_introductions(store, g, a, b)
    common: dict[str, Any] = {"title": title, "dataset": dataset}
    if city_pair:
        table = _bridges(ctx, g, a, b) if bridges else None
        if potential is not None:
            note(ctx, f"{len(potential)} stored introductions between the two cities")
        m = maps.city_pair_map(
            g,
            a,
            b,
            bridges=table,
            potential=potential,
            max_nodes=max_nodes or 400,
            color_by=color_by or "country",
            size_by=size_by,
            **common,
        )
    elif ego is not None:
        m = maps.ego_map(
            g,
            ego,
            hops=hops,
            max_nodes=max_nodes or 300,
            color_by=color_by or "city",
            size_by=size_by,
            **common,
        )
    elif cities_view:
        m = maps.cities_map(
            g, size_by=size_by or "organisations", color_by=color_by or "country", **common
        )
    else:
        m = maps.network_map(
            g,
            max_nodes=max_nodes or 300,
            rank_by=rank_by,
            color_by=color_by or "country",
            size_by=size_by,
            **common,
        )
    if str(output) == STDOUT:  # -o -: the page on standard output
        click.echo(m.to_html(), nl=False)
    else:
        click.echo(str(m.write(output)))
    note(ctx, f"{m.summary()}; {m.footnote}")


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
