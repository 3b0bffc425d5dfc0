"""``graphtwin export``: the organisation graph as GraphML, GEXF or CSV files."""

from __future__ import annotations

from pathlib import Path

import click

from graphtwin.cli.common import note, output_option, read_projection


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "gexf", "csv"]),
    required=True,
    help="graphml/gexf: one file for Gephi, Cytoscape or yEd; csv: nodes.csv and edges.csv.",
)
@output_option("Output file (graphml, gexf) or folder (csv).")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path) -> None:
    """Export the organisation graph of the store, with written-back scores.

    \b
    Examples:
      graphtwin export --format gexf -o network.gexf
      graphtwin --db bolt://localhost:7687 export --format csv -o export/
    """
    from graphtwin.export import write_csv, write_gexf, write_graphml

    g = read_projection(ctx)
    writer = {"graphml": write_graphml, "gexf": write_gexf, "csv": write_csv}[fmt]
    paths = writer(g, output)
    for p in paths:
        click.echo(str(p))
    note(ctx, f"exported {g.vcount():,} organisations and {g.ecount():,} ties")
