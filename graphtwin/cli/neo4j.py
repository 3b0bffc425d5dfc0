"""``graphtwin neo4j start|stop|status``: the local Neo4j 5.26 server for development.

Thin commands over graphtwin.store.neo4j_server (which runs tools/neo4j/neo4j.sh): the
server comes from Maven Central, runs on 127.0.0.1 without Docker, keeps its data in a
project-local folder and is stopped by its PID.
"""

from __future__ import annotations

import click

from graphtwin.cli.common import emit, format_option, note


@click.group(
    "neo4j",
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  graphtwin neo4j start                 # bolt://127.0.0.1:7687, no auth\n"
        "  GRAPHTWIN_NEO4J_PORT=7688 graphtwin neo4j start\n"
        "  graphtwin --db bolt://127.0.0.1:7687 load my-bundle/\n"
        "  graphtwin neo4j status\n"
        "  graphtwin neo4j stop"
    ),
)
def neo4j_group() -> None:
    """Start, stop or inspect a local Neo4j 5.26 Community server (needs Java 17+).

    Settings come from the environment: GRAPHTWIN_NEO4J_PORT (Bolt port, default 7687),
    GRAPHTWIN_NEO4J_PASSWORD (enables auth with this initial password for user neo4j),
    NEO4J_HOME_DIR (server home, default tools/neo4j/home). Works in a source checkout.
    """


@neo4j_group.command(epilog="Example:\n\n\b\n  graphtwin neo4j start --port 7688 --timeout 180")
@click.option("--port", type=click.IntRange(1, 65535), help="Bolt port on 127.0.0.1.")
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=120,
    show_default=True,
    help="Seconds to wait until Bolt answers.",
)
@click.pass_context
def start(ctx: click.Context, port: int | None, timeout: int) -> None:
    """Start the server if it is not running and wait until Bolt answers; print its URI."""
    from graphtwin.store import neo4j_server

    uri = neo4j_server.start(port=port, timeout=timeout)
    click.echo(uri)
    note(ctx, f"Neo4j is running: use --db {uri} or export GRAPHTWIN_DB={uri}")


@neo4j_group.command(epilog="Example:\n\n\b\n  graphtwin neo4j stop")
@click.pass_context
def stop(ctx: click.Context) -> None:
    """Stop the server by its PID (does nothing if it is not running)."""
    from graphtwin.store import neo4j_server

    neo4j_server.stop()
    note(ctx, "Neo4j is stopped")


@neo4j_group.command(
    epilog="Examples:\n\n\b\n  graphtwin neo4j status\n  graphtwin neo4j status --format json"
)
@format_option
@click.pass_context
def status(ctx: click.Context, fmt: str | None) -> None:
    """Show whether the server runs, its PID, Bolt URI and home; exit 3 if it is stopped."""
    from graphtwin.store import neo4j_server

    info = neo4j_server.status()
    emit(ctx, [info], fmt, columns=["running", "pid", "bolt_uri", "home", "auth"])
    if not info["running"]:
        ctx.exit(3)
