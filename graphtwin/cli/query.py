"""``graphtwin query`` (run Cypher or a named query) and ``graphtwin queries`` (list them)."""

from __future__ import annotations

from typing import Any

import click

from graphtwin.cli.common import emit, format_option, note, open_target, output_format
from graphtwin.errors import QueryError


@click.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        '  graphtwin query "MATCH (o:Organisation) RETURN o.country AS country, count(*) AS n"\n'
        '  graphtwin query "MATCH (o:Organisation {id: $id}) RETURN o" -p id=qub --format json\n'
        '  graphtwin query "MATCH (o:Organisation) WHERE o.founded < $y RETURN o.name" \\\n'
        "      -p y:int=1900\n"
        "  graphtwin query --name ties_between_cities -p city_a=Belfast -p city_b=Sejong\n"
        "  graphtwin query -f my-query.cypher -p city=Belfast\n"
        "  echo 'MATCH (c:City) RETURN c.name' | graphtwin query -\n"
        "  graphtwin query --write \"MATCH (o:Organisation {id: 'x'}) SET o.size = 'large'\""
    )
)
@click.argument("cypher", required=False)
@click.option(
    "--file",
    "-f",
    "cypher_file",
    type=click.File("r", encoding="utf-8"),
    metavar="FILE",
    help="Read the Cypher from this file (- for standard input; so does CYPHER given as -).",
)
@click.option(
    "--name", "-n", "name", help="Run a named query from the library (graphtwin queries)."
)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter (repeatable). Named queries convert values to the declared "
    "types; in your own Cypher values are strings unless typed as NAME:int=, :float=, "
    ":bool= or :list= (comma-separated).",
)
@click.option("--write", is_flag=True, help="Allow the query to change the graph.")
@click.option(
    "--allow-host-access",
    is_flag=True,
    help="With --write: also allow statements that reach the database host: files "
    "(COPY, LOAD FROM, LOAD CSV, EXPORT/IMPORT DATABASE), extensions (INSTALL, LOAD "
    "EXTENSION), other databases (ATTACH, USE) and CHECKPOINT. Off by default.",
)
@format_option
@click.pass_context
def query(
    ctx: click.Context,
    cypher: str | None,
    cypher_file: Any,
    name: str | None,
    params: tuple[str, ...],
    write: bool,
    allow_host_access: bool,
    fmt: str | None,
) -> None:
    """Run a Cypher query (or a named one with --name) and print the rows.

    Queries are read-only unless --write is given: one statement per call, checked
    against an allow-list of reads before the store sees it (MATCH / OPTIONAL MATCH /
    WITH / UNWIND / RETURN / CALL of schema procedures; no CREATE, SET, COPY, LOAD,
    transaction control...), then run in the store's read mode. Statements that read
    or write files on the database host or load extensions are refused even with
    --write unless --allow-host-access is given too. Values are always passed as
    Cypher parameters. Nodes print as
    their properties plus _labels, relationships as their properties plus _type;
    --format json prints an array of objects keyed by the returned column names.
    """
    from graphtwin.store.queries import get_query, parse_param_args, typed_param_args

    if cypher_file is not None or cypher == "-":
        if cypher_file is not None and cypher:
            raise click.UsageError("give either CYPHER or --file, not both")
        cypher = (cypher_file or click.get_text_stream("stdin")).read().strip() or None
    if bool(cypher) == bool(name):
        raise click.UsageError("give either CYPHER or --name NAME (see graphtwin queries)")
    if allow_host_access and not write:
        raise click.UsageError("--allow-host-access needs --write")
    if name:
        if write:
            raise click.UsageError("named queries are read-only; --write is for your own Cypher")
        named = get_query(name)
        values = parse_param_args(params)
        # check the parameters before opening the store, so mistakes fail fast
        named.bind(values, "neo4j" if "neo4j" in named.texts else "ladybug", None)
    else:
        values = typed_param_args(params)
    with open_target(ctx, read_only=not write) as store:
        if name:
            scores = store.score_properties() if hasattr(store, "score_properties") else None
            text, bound = named.bind(values, store.backend, scores)
            result = store.query(text, bound)
        else:
            result = store.query(cypher, values, write=write, host_access=allow_host_access)
    emit(ctx, result.records(), fmt, columns=result.columns)
    n = len(result.rows)
    note(ctx, f"{n} row{'' if n == 1 else 's'}")


@click.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  graphtwin queries\n"
        "  graphtwin queries --format json\n"
        "  graphtwin query --name org_profile -p org_id=qub"
    )
)
@format_option
@click.pass_context
def queries(ctx: click.Context, fmt: str | None) -> None:
    """List the named queries of the Cypher library with their descriptions and parameters."""
    from graphtwin.store.queries import list_queries

    rows = [
        {
            "name": q.name,
            "description": q.description,
            "parameters": [p.usage() for p in q.params],
            "variants": q.variants,
        }
        for q in list_queries()
    ]
    if not rows:
        raise QueryError("no named queries found (set GRAPHTWIN_CYPHER_DIR?)")
    if output_format(ctx, fmt) == "table":
        for row in rows:
            click.echo(f"{row['name']}: {row['description']}")
            for p in row["parameters"]:
                click.echo(f"    -p {p}")
            if row["variants"]:
                click.echo(f"    (per-backend variants: {', '.join(row['variants'])})")
        return
    emit(ctx, rows, fmt, columns=["name", "description", "parameters", "variants"])
