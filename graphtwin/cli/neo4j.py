"""``graphtwin neo4j start|stop|status|reset``: a local Neo4j 5.26 server.

Thin commands over graphtwin.store.neo4j_server (which runs the neo4j.sh shipped in the
package): the server comes from Maven Central, runs on 127.0.0.1 without Docker, keeps
its data in a user folder (tools/neo4j/home in a source checkout) and is stopped by its PID.
"""

from __future__ import annotations

import click

from graphtwin.cli.common import emit, format_option, is_quiet, note


@click.group(
    "neo4j",
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  graphtwin neo4j start                 # bolt://127.0.0.1:7687, no auth\n"
        "  GRAPHTWIN_NEO4J_PORT=7688 graphtwin neo4j start\n"
        "  graphtwin --db bolt://127.0.0.1:7687 load my-bundle/\n"
        "  graphtwin neo4j status\n"
        "  graphtwin neo4j stop\n"
        "  graphtwin neo4j reset --yes           # delete all its data"
    ),
)
def neo4j_group() -> None:
    """Start, stop, reset or inspect a local Neo4j 5.26 Community server.

    Needs Java 17 or 21 and, once, Maven (it downloads the server's jars, 123 MB, from
    Maven Central). Settings come from the environment: GRAPHTWIN_NEO4J_PORT (Bolt port,
    default 7687), GRAPHTWIN_NEO4J_PASSWORD (enables auth with this initial password for
    user neo4j), NEO4J_HOME_DIR (server home) and GRAPHTWIN_NEO4J_LIB_DIR (jar folder);
    they default to ~/.local/share/graphtwin/neo4j/home and .../lib (under XDG_DATA_HOME
    if set), or to tools/neo4j/home and tools/neo4j/lib in a source checkout.
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

    def report(line: str) -> None:
        click.echo(line, err=True)

    held: list[str] = []  # --quiet: the script's lines are shown only if the start fails
    try:
        uri = neo4j_server.start(
            port=port, timeout=timeout, progress=held.append if is_quiet(ctx) else report
        )
    except neo4j_server.Neo4jServerError:
        for line in held:
            report(line)
        raise
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
    """Show whether the server runs, its PID, Bolt URI, home and jar folder.

    Exit code 0 if it runs, 3 if it is stopped.
    """
    from graphtwin.store import neo4j_server

    info = neo4j_server.status()
    emit(ctx, [info], fmt, columns=["running", "pid", "bolt_uri", "home", "lib", "auth"])
    if not info["running"]:
        ctx.exit(3)


@neo4j_group.command(epilog="Example:\n\n\b\n  graphtwin neo4j reset --yes")
@click.confirmation_option(
    "--yes",
    prompt="Stop the local Neo4j server and delete all its databases and users?",
    help="Do not ask for confirmation.",
)
@click.pass_context
def reset(ctx: click.Context) -> None:
    """Stop the server and delete its data directory (all databases, users, passwords).

    The jars and the configuration stay; the next start creates empty databases.
    """
    from graphtwin.store import neo4j_server

    neo4j_server.reset()
    note(ctx, "Neo4j is stopped and its data deleted")
