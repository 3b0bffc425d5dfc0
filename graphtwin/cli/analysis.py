"""``graphtwin centrality``, ``graphtwin bridges`` and ``graphtwin communities``.

Thin commands: open the store, take a fresh projection, call
:mod:`graphtwin.analysis.centrality`, :mod:`~graphtwin.analysis.bridging` or
:mod:`~graphtwin.analysis.communities`, print, and optionally write the scores back as
``gt_*`` node properties (names in docs/metrics.md). Heavy libraries are imported inside
the commands so that ``--help`` stays fast.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import click

from graphtwin.cli.common import (
    ChoiceList,
    F,
    cities_option,
    countries_option,
    emit,
    emit_data,
    flatten_choices,
    format_option,
    is_quiet,
    note,
    open_target,
    option_group,
    output_format,
    project,
    tie_kind_option,
    tie_weights_option,
    top_option,
    write_back_option,
)
from graphtwin.cli.output import render
from graphtwin.errors import GraphtwinError

if TYPE_CHECKING:
    import igraph as ig
    import pandas as pd

#: The metric names of graphtwin.analysis.centrality.CENTRALITY_METRICS (kept here so
#: that ``--help`` does not import igraph; a test checks that they agree).
METRICS: tuple[str, ...] = (
    "degree",
    "strength",
    "pagerank",
    "eigenvector",
    "harmonic",
    "betweenness",
    "coreness",
)
BASE: list[str] = ["id", "name", "city", "country", "kind"]

#: --exact, --pivots and --seed: how path metrics are sampled.
_sampling = option_group(
    click.option(
        "--exact",
        is_flag=True,
        help="Exact path metrics even on large graphs (default: exact up to 5,000 "
        "organisations, sampled above).",
    ),
    click.option(
        "--pivots",
        type=click.IntRange(min=1),
        default=None,
        help="Source pivots for sampled path metrics (default 500, fewer on graphs with "
        "over 250,000 ties so that pivots × ties ≤ 1.25e8).",
    ),
    click.option("--seed", type=int, default=0, show_default=True, help="Seed for sampling."),
)


def _graph_options(write_back_help: str) -> Callable[[F], F]:
    """--tie-kinds, --tie-weights, --write-back (with ``write_back_help``) and --format."""
    return option_group(
        tie_kind_option, tie_weights_option, write_back_option(write_back_help), format_option
    )


def _tie_kinds(values: Sequence[str]) -> list[str] | None:
    """Canonical tie kinds from --tie-kinds values, or a GraphtwinError listing the known ones."""
    if not values:
        return None
    from graphtwin.model import TIE_KINDS, canonical_tie_kind

    kinds, bad = [], []
    for value in values:
        kind = canonical_tie_kind(value)
        (kinds if kind else bad).append(kind or value)
    if bad:
        raise GraphtwinError(
            f"unknown tie kind(s) {', '.join(map(repr, bad))}; known: {', '.join(TIE_KINDS)}"
        )
    return kinds


def _project(ctx: click.Context, store: Any, tie_kinds: Sequence[str]) -> ig.Graph:
    """A fresh projection with only the --tie-kinds ties (all when none given)."""
    return project(ctx, store, tie_kinds=_tie_kinds(tie_kinds))


def _weights(path: str | None) -> dict[str, float] | None:
    """The tie-kind weights of the --tie-weights file, or None for the defaults."""
    if path is None:
        return None
    from graphtwin.analysis.weights import load_weights

    return load_weights(path)


def _records(df: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of ``df`` as dicts of ``columns``."""
    return df[list(columns)].to_dict("records")


def _write_back(ctx: click.Context, store: Any, df: pd.DataFrame, columns: dict[str, str]) -> None:
    """Write ``columns`` (table column → gt_ property) of every organisation."""
    table = {"id": df["id"].tolist()}
    for col, prop in columns.items():
        values = df[col]
        table[prop] = values.tolist() if values.dtype == object else values.to_numpy()
    written = store.write_scores(table)
    note(ctx, f"wrote {', '.join(columns.values())} on {written:,} organisations")


# --------------------------------------------------------------------------------------
# centrality
# --------------------------------------------------------------------------------------


@click.command("centrality")
@click.option(
    "--metrics",
    "--metric",
    "metrics",
    multiple=True,
    type=ChoiceList(METRICS),
    callback=flatten_choices,
    help="Metrics to compute, comma-separated or repeated (default all); the first one "
    "orders the rows.",
)
@top_option("Rows to list (0: all).")
@cities_option("Only list organisations of these cities.")
@countries_option("Only list organisations of these countries.")
@_sampling
@_graph_options("Store every organisation's scores as gt_<metric> properties.")
@click.pass_context
def centrality(
    ctx: click.Context,
    metrics: tuple[str, ...],
    top: int,
    cities: tuple[str, ...],
    countries: tuple[str, ...],
    exact: bool,
    pivots: int | None,
    seed: int,
    tie_kinds: tuple[str, ...],
    tie_weights: str | None,
    write_back: bool,
    fmt: str | None,
) -> None:
    """Rank organisations by degree, strength, PageRank, eigenvector, harmonic
    closeness, betweenness and k-core.

    Metrics are computed on the whole network (parallel ties summed, tie-kind weights
    for strength, PageRank and eigenvector; hops for harmonic and betweenness);
    --cities and --countries only filter the rows shown. Betweenness and harmonic closeness
    are exact up to 5,000 organisations and sampled from seeded pivots above; the
    output says which. See docs/metrics.md.

    \b
    Examples:
      graphtwin centrality --top 10
      graphtwin centrality --metrics betweenness,degree --cities Belfast,Sejong
      graphtwin centrality --metrics pagerank --countries KR --format json
      graphtwin centrality --city Belfast --city Derry  # the same as --cities Belfast,Derry
      graphtwin centrality --exact --write-back       # then: MATCH (o) RETURN o.gt_pagerank
    """
    from graphtwin.analysis.centrality import centrality as run
    from graphtwin.progress import StderrProgress

    wanted = list(dict.fromkeys(metrics)) or list(METRICS)
    weights = _weights(tie_weights)
    with open_target(ctx, read_only=not write_back) as store:
        g = _project(ctx, store, tie_kinds)
        shown = _shown_rows(g, cities, countries)  # names checked before the long work
        start = time.perf_counter()
        df = run(
            g,
            wanted,
            weights=weights,
            exact=True if exact else None,
            pivots=pivots,
            seed=seed,
            progress=StderrProgress(enabled=not is_quiet(ctx)),
        )
        note(ctx, f"computed {', '.join(wanted)} in {time.perf_counter() - start:.1f}s")
        if write_back:
            _write_back(ctx, store, df, {m: f"gt_{m}" for m in wanted})
    path_metrics = [m for m in wanted if m in ("betweenness", "harmonic")]
    sampling = df.attrs["sampling"]
    if path_metrics:
        df["sampling"] = sampling.label()
    if shown is not None:
        df = df.iloc[shown]
    df = df.sort_values(wanted[0], ascending=False, kind="stable")
    if top:
        df = df.head(top)
    columns = BASE + wanted + (["sampling"] if path_metrics else [])
    if emit_data(ctx, _records(df, columns), fmt, columns):
        return
    rows = [{"#": i, **r} for i, r in enumerate(_records(df, BASE[1:] + wanted), 1)]
    click.echo(render(rows, "table"))
    if path_metrics:
        click.echo(f"{' and '.join(path_metrics)}: {sampling.describe()}")


def _shown_rows(g: ig.Graph, cities: Sequence[str], countries: Sequence[str]) -> list[int] | None:
    """Vertex indices in any of ``cities`` and any of ``countries`` (None: no filter);
    an unknown city or country is an error naming the known ones."""
    from graphtwin.analysis.bridging import resolve_city

    if not cities and not countries:
        return None
    keep = set(range(g.vcount()))
    if cities:
        keep &= {int(v) for c in cities for v in resolve_city(g, c)[1]}
    if countries:
        known = sorted({str(c).upper() for c in g.vs["country"]})
        unknown = [c for c in countries if c not in known]
        if unknown:
            raise GraphtwinError(
                f"no organisation in country {', '.join(unknown)}; known: {', '.join(known)}"
            )
        keep &= {v.index for v in g.vs if str(v["country"]).upper() in countries}
    return sorted(keep)


# --------------------------------------------------------------------------------------
# bridges
# --------------------------------------------------------------------------------------

BRIDGE_COLUMNS: list[str] = [
    *BASE,
    "group",
    "bridge_score",
    "cross_betweenness",
    "coordinator",
    "itinerant",
    "representative",
    "gatekeeper",
    "liaison",
    "total",
    "z_coordinator",
    "z_itinerant",
    "z_representative",
    "z_gatekeeper",
    "z_liaison",
    "z_total",
    "brokerage_z",
    "constraint",
    "effective_size",
    "participation",
    "articulation",
    "cut_parts",
    "bridge_ties",
    "reason",
    "sampling",
]

#: Extra columns of ``bridges CITY_A CITY_B`` (pair evidence).
PAIR_COLUMNS: list[str] = ["pair_two_paths", "pair_role", "dependence", "connects_pair"]

#: Written-back properties of ``bridges --write-back`` (table column → property).
BRIDGE_PROPERTIES: dict[str, str] = {
    "bridge_score": "gt_bridge_score",
    "cross_betweenness": "gt_cross_betweenness",
    **{
        r: f"gt_brokerage_{r}"
        for r in ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")
    },
    **{
        f"z_{r}": f"gt_brokerage_z_{r}"
        for r in ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")
    },
    "brokerage_z": "gt_brokerage_z",
    "constraint": "gt_constraint",
    "effective_size": "gt_effective_size",
    "participation": "gt_participation",
    "articulation": "gt_articulation",
    "cut_parts": "gt_cut_parts",
    "bridge_ties": "gt_bridge_ties",
    "context": "gt_bridge_context",
}


@click.command("bridges")
@click.argument("cities", nargs=-1, metavar="[CITY_A CITY_B]")
@click.option(
    "--by",
    type=click.Choice(["city", "country", "sector"]),
    default="city",
    show_default=True,
    help="Groups for brokerage and participation (sector: an organisation's first sector).",
)
@top_option("Rows to list (0: all).")
@click.option(
    "--edges",
    is_flag=True,
    help="List the bridge ties (the only link between two parts) and articulation points.",
)
@click.option("--groups", is_flag=True, help="List the groups with their E–I index instead.")
@_sampling
@_graph_options("Store every organisation's bridging scores as gt_* properties (docs/metrics.md).")
@click.pass_context
def bridges(
    ctx: click.Context,
    cities: tuple[str, ...],
    by: str,
    top: int,
    edges: bool,
    groups: bool,
    exact: bool,
    pivots: int | None,
    seed: int,
    tie_kinds: tuple[str, ...],
    tie_weights: str | None,
    write_back: bool,
    fmt: str | None,
) -> None:
    """Find the organisations that bridge two cities, or any groups.

    With CITY_A CITY_B: cross-group betweenness counts only the shortest paths between
    organisations of the two cities. Without: paths between any two groups (--by).
    With a pair the ranking uses only evidence about the pair: the share of the
    A–B shortest paths through the organisation (cross_betweenness), the share of
    A–B pairs whose every shortest path runs through it (dependence, for the top 10),
    and the untied A–B pairs it brokers directly (a–v–b); bridge_score is the path
    share, the other two only break near-ties (within one percentage point). Only the
    organisations that carry A–B connections are listed, with how many there are.
    Gould–Fernandez brokerage z-scores, Burt's constraint and effective size, the
    participation coefficient and cut points are context columns: they never lift an
    organisation. Each listed organisation gets a one-line reason naming the A-side and
    B-side organisations it links. A city is a name, 'Name (CC)' or a city id. See
    docs/metrics.md.

    \b
    Examples:
      graphtwin bridges Belfast Sejong
      graphtwin bridges Liverpool Busan --by sector --top 10
      graphtwin bridges --by country --format json
      graphtwin bridges --edges                    # bridge ties and articulation points
      graphtwin bridges --groups --by city         # E–I index of every city
      graphtwin bridges Belfast Sejong --write-back
    """
    from graphtwin.analysis.bridging import bridges as run
    from graphtwin.analysis.bridging import ei_index, group_labels
    from graphtwin.analysis.projection import simple_view

    if len(cities) not in (0, 2):
        raise click.UsageError(
            f"give two cities, e.g. Belfast Sejong, or none (got {len(cities)}: "
            f"{', '.join(cities)})"
        )
    pair = (cities[0], cities[1]) if cities else None
    weights = _weights(tie_weights)
    out = output_format(ctx, fmt)
    with open_target(ctx, read_only=not write_back) as store:
        g = _project(ctx, store, tie_kinds)
        h = simple_view(g, weights)
        if edges:
            _print_edges(ctx, h, top, out)
            return
        if groups:
            table = ei_index(h, group_labels(h, by))
            rows = table.head(top).to_dict("records") if top else table.to_dict("records")
            emit(ctx, rows, out)
            return
        start = time.perf_counter()
        df = run(
            g,
            by=by,
            pair=pair,
            exact=True if exact else None,
            pivots=pivots,
            seed=seed,
            explain=top or h.vcount(),
            simple=h,
        )
        note(ctx, f"computed bridging metrics in {time.perf_counter() - start:.1f}s")
        pair_labels = df.attrs["pair"]
        context = f"{pair_labels[0]}–{pair_labels[1]} by {by}" if pair_labels else f"by {by}"
        if write_back:
            df["context"] = context
            _write_back(ctx, store, df, BRIDGE_PROPERTIES)
    sampling = df.attrs["sampling"]
    df["sampling"] = sampling.label()
    connecting, total = df.attrs.get("connecting", 0), len(df)
    if pair_labels:
        df = df[df["connects_pair"]]
    if top:
        df = df.head(top)
    columns = BRIDGE_COLUMNS + (PAIR_COLUMNS if pair_labels else [])
    if emit_data(ctx, _records(df, columns), out, columns):
        return
    what = f"between {pair_labels[0]} and {pair_labels[1]}" if pair_labels else f"by {by}"
    if pair_labels:
        click.echo(_connecting_line(pair_labels, connecting, total, len(df)))
    if df.empty:
        click.echo(f"no organisation connects {what}")
        return
    rows = [_table_row(i, r, bool(pair_labels)) for i, r in enumerate(df.to_dict("records"), 1)]
    click.echo(render(rows, "table"))
    click.echo("")
    click.echo(f"Why ({what}):")
    for i, r in enumerate(df.to_dict("records"), 1):
        click.echo(f"{i:>3}. {r['name']}: {r['reason']}")
    click.echo(f"cross-group betweenness: {sampling.describe()}")
    if pair_labels:
        sources = df.attrs.get("dependence_sources", 0)
        click.echo(f"dependence: from {sources:,} {'source' if sources == 1 else 'sources'} "
                   "in the smaller city, for the top 10 by path share")  # fmt: skip


def _connecting_line(pair: tuple[str, str], connecting: int, total: int, shown: int) -> str:
    """How many organisations carry A–B connections, and how many are listed."""
    a, b = pair
    verb = "carries" if connecting == 1 else "carry"
    text = (
        f"{connecting:,} of {total:,} organisations {verb} {a}–{b} connections (on an A–B "
        "shortest path or brokering an untied A–B pair); the others are not listed"
    )
    return text + (f"; top {shown:,} shown" if shown < connecting else "")


def _table_row(i: int, r: dict[str, Any], pair: bool) -> dict[str, Any]:
    """One row of the bridges table: pair evidence first, global context after."""
    from graphtwin.analysis.bridging import share_text

    row: dict[str, Any] = {"#": i, "name": r["name"], "city": r["city"], "kind": r["kind"]}
    row["score"] = r["bridge_score"]
    if pair:
        dep = r["dependence"]
        row["paths"] = share_text(r["cross_betweenness"])
        row["sole route"] = "" if dep != dep else share_text(dep)  # NaN: not computed
        row["A–B pairs brokered"] = f"{r['pair_two_paths']:,} {r['pair_role']}".strip()
    else:
        row["cross"] = r["cross_betweenness"]
        row["liaison"] = r["liaison"]
        row["gatekeeper"] = r["gatekeeper"]
        row["represent."] = r["representative"]
    row["constraint"] = r["constraint"]
    row["eff.size"] = r["effective_size"]
    row["particip."] = r["participation"]
    row["cut"] = bool(r["articulation"])
    return row


def _print_edges(ctx: click.Context, h: ig.Graph, top: int, out: str) -> None:
    from graphtwin.analysis.bridging import bridge_edges, cut_points

    ties = bridge_edges(h)
    points = cut_points(h)
    points["degree"] = h.degree()
    points = points[points["articulation"]]
    points = points.sort_values(["cut_parts", "degree"], ascending=False, kind="stable")
    note(ctx, f"{len(ties):,} bridge ties, {len(points):,} articulation points")
    if top:
        ties, points = ties.head(top), points.head(top)
    tie_cols = ["source_id", "source_name", "source_city", "target_id", "target_name",
                "target_city", "kinds", "weight", "cut_off"]  # fmt: skip
    point_cols = [*BASE, "cut_parts", "bridge_ties", "degree"]
    if out != "table":
        rows = [{"type": "bridge_tie", **r} for r in _records(ties, tie_cols)]
        rows += [{"type": "articulation_point", **r} for r in _records(points, point_cols)]
        click.echo(render(rows, out, csv_safe=not (ctx.obj or {}).get("raw_csv")))
        return
    click.echo("Bridge ties (cut_off: organisations cut off if the tie ended)")
    click.echo(render(_records(ties, tie_cols[1:3] + tie_cols[4:]), "table"))
    click.echo("")
    click.echo("Articulation points (cut_parts: parts its component falls into without it)")
    click.echo(render(_records(points, point_cols[1:]), "table"))


# --------------------------------------------------------------------------------------
# communities
# --------------------------------------------------------------------------------------


@click.command("communities")
@click.option(
    "--resolution",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Modularity resolution: above 1 more, smaller communities; below 1 fewer, larger.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for Leiden.")
@top_option("Communities (or members) to list (0: all).")
@click.option("--members", is_flag=True, help="List organisations with their community.")
@_graph_options("Store gt_community (1 = largest) and gt_community_size on every organisation.")
@click.pass_context
def communities(
    ctx: click.Context,
    resolution: float,
    seed: int,
    top: int,
    members: bool,
    tie_kinds: tuple[str, ...],
    tie_weights: str | None,
    write_back: bool,
    fmt: str | None,
) -> None:
    """Find communities with the Leiden algorithm (modularity, seeded) and show which
    cities and countries each one spans.

    \b
    Examples:
      graphtwin communities
      graphtwin communities --resolution 2 --seed 7
      graphtwin communities --members --format csv > members.csv
      graphtwin communities --write-back     # then colour a map by gt_community
    """
    from graphtwin.analysis.communities import communities as run
    from graphtwin.analysis.communities import community_summary
    from graphtwin.analysis.projection import simple_view

    weights = _weights(tie_weights)
    with open_target(ctx, read_only=not write_back) as store:
        g = _project(ctx, store, tie_kinds)
        h = simple_view(g, weights)
        df = run(g, resolution=resolution, seed=seed, simple=h)
        if write_back:
            _write_back(
                ctx,
                store,
                df,
                {"community": "gt_community", "community_size": "gt_community_size"},
            )
    note(
        ctx,
        f"{df.attrs['communities']:,} communities, modularity {df.attrs['modularity']:.3f} "
        f"(resolution {resolution:g}, seed {seed})",
    )
    if members:
        table = df.sort_values(["community", "name"], kind="stable")
        rows = _records(table, [*BASE, "community", "community_size"])
    else:
        import pandas as pd

        strength = pd.Series(h.strength(weights="weight") if h.ecount() else [0.0] * len(df))
        rows = community_summary(df, strength=strength).to_dict("records")
    if top:
        rows = rows[:top]
    emit(ctx, rows, fmt)
