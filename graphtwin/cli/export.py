"""``graphtwin export``: the organisation graph as GraphML, GEXF or CSV files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from graphtwin.cli.common import STDOUT, note, open_target, output_option, project


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "csv"]),
    required=True,
    help="graphml/gexf: one file for Gephi, Cytoscape, yEd, networkx or igraph; "
    "csv: nodes.csv and edges.csv in a folder.",
)
@output_option("Output file (graphml, gexf) or folder (csv).", stdout=True)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="csv: cells exactly as stored: no apostrophe before text starting with "
    "= + - @ (which protects spreadsheets); for machine pipelines.",
)
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path, raw_csv: bool) -> None:
    """Export the organisation graph of the store, with written-back scores.

    Every attribute is kept: organisation fields and ids (as node ids), all gt_* scores,
    tie kind, weight, years, evidence and source URL; a missing value is left out, not
    written as "". Ties are written from their stored source to their target, with
    directed=true for the directed kinds (FUNDS, MEMBER_OF, PART_OF, SUCCEEDS). GEXF also
    holds graphtwin's map layout and colours by country, and keeps parallel ties of
    different kinds apart in Gephi (Gephi's GraphML import merges them): use GEXF for Gephi.

    \b
    Examples:
      graphtwin export --format gexf -o network.gexf
      graphtwin export --format graphml -o - | gzip > network.graphml.gz
      graphtwin --db bolt://localhost:7687 export --format csv -o export/
    """
    from graphtwin.export import with_details, write_csv, write_gexf, write_graphml

    if fmt == "csv" and str(output) == STDOUT:
        raise click.UsageError("csv writes two files (nodes.csv, edges.csv): give a folder")
    with open_target(ctx, read_only=True) as store:
        g = with_details(project(ctx, store), store)
    writer = {
        "graphml": write_graphml,
        "gexf": write_gexf,
        "csv": lambda g, out: write_csv(g, out, safe=not raw_csv),
    }[fmt]
    if str(output) == STDOUT:
        writer(g, sys.stdout)
    else:
        for p in writer(g, output):
            click.echo(str(p))
    note(ctx, f"exported {g.vcount():,} organisations and {g.ecount():,} ties")
