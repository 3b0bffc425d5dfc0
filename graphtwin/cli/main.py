"""The ``graphtwin`` click group.

Subcommands are loaded lazily (``module:attribute``) so that ``graphtwin --help`` and
``graphtwin validate`` start fast without importing igraph, the stores or pyvis.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import click

from graphtwin import __version__
from graphtwin.cli.output import terminal_safe
from graphtwin.errors import GraphtwinError

#: command name -> "module:attribute"; one module per command family.
COMMANDS: dict[str, str] = {
    "demo": "graphtwin.cli.demo:demo",
    "validate": "graphtwin.cli.data:validate",
    "load": "graphtwin.cli.load:load",
    "generate": "graphtwin.cli.generate:generate",
    "import": "graphtwin.cli.imports:import_group",
    "export": "graphtwin.cli.export:export",
    "query": "graphtwin.cli.query:query",
    "queries": "graphtwin.cli.query:queries",
    "centrality": "graphtwin.cli.analysis:centrality",
    "bridges": "graphtwin.cli.analysis:bridges",
    "communities": "graphtwin.cli.analysis:communities",
    "potential": "graphtwin.cli.potential:potential",
    "twins": "graphtwin.cli.potential:twins",
    "backtest": "graphtwin.cli.potential:backtest",
    "map": "graphtwin.cli.maps:map_command",
    "neo4j": "graphtwin.cli.neo4j:neo4j_group",
}


#: Global options that take a value (so that the value is not taken for a command name).
_GLOBAL_VALUED = {"--db", "--format"}
#: Older spellings still accepted: (command, option) -> how many values it took.
LEGACY_NARGS: dict[tuple[str, str], int] = {("twins", "--countries"): 2}


def legacy_spellings(args: list[str]) -> list[str]:
    """``args`` with older documented spellings rewritten to the current ones.

    ``twins --countries GB KR`` (two values after one option) becomes ``--countries GB,KR``.

    >>> legacy_spellings(["--db", "x.db", "twins", "--countries", "GB", "KR", "--top", "3"])
    ['--db', 'x.db', 'twins', '--countries', 'GB,KR', '--top', '3']
    """
    out, command, i = list(args), None, 0
    while i < len(out) and command is None:
        if out[i] in _GLOBAL_VALUED:
            i += 2
            continue
        if not out[i].startswith("-"):
            command = out[i]
        i += 1
    for (name, option), nargs in LEGACY_NARGS.items():
        if command != name:
            continue
        j = i
        while j < len(out):
            values = out[j + 1 : j + 1 + nargs]
            if (
                out[j] == option
                and len(values) == nargs
                and not any(v.startswith("-") for v in values)
            ):
                out[j + 1 : j + 1 + nargs] = [",".join(values)]
            j += 1
    return out


class LazyGroup(click.Group):
    """A click group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        available = []
        for name, target in COMMANDS.items():
            module = target.split(":")[0]
            if importlib.util.find_spec(module) is not None:
                available.append(name)
        return sorted(available)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        return getattr(module, attr)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  graphtwin demo                      # load, analyse and map the demo data\n"
        "  graphtwin validate my-bundle/       # check a bundle, list every problem\n"
        "  graphtwin load my-bundle/           # upsert it into ./graphtwin.db\n"
        "  graphtwin bridges Belfast Sejong    # who connects the two cities\n"
        "  graphtwin --db bolt://localhost:7687 queries\n\n"
        "Store selection, first found wins: --db, then the environment variable "
        "GRAPHTWIN_DB, then NEO4J_URI (as other Neo4j tools read it), then ./graphtwin.db."
    ),
)
@click.option(
    "--db",
    default=None,
    metavar="PATH|URI",
    help="Store: a path (embedded LadybugDB) or a bolt:// / neo4j:// / neo4j+s:// URI "
    "(Neo4j; credentials from NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE). "
    "Without --db: $GRAPHTWIN_DB, else $NEO4J_URI, else ./graphtwin.db.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="Default output format of commands that print results.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress or notes on stderr.")
@click.version_option(__version__, prog_name="graphtwin")
@click.pass_context
def cli(ctx: click.Context, db: str | None, fmt: str, quiet: bool) -> None:
    """graphtwin: who can carry collaboration between two cities, and which cities to twin.

    Load stakeholder data (organisations, cities, sectors, ties) into a graph store,
    find the organisations that bridge cities and countries, rank introductions and
    city pairs, query the graph with Cypher and draw interactive maps.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(db=db, fmt=fmt, quiet=quiet)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI and turn user-facing errors into one line and exit 1."""
    # igraph's OpenMP kernels are much slower with 2 threads on a shared 2-core machine.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    try:
        args = legacy_spellings(sys.argv[1:] if argv is None else list(argv))
        rv = cli.main(args=args, prog_name="graphtwin", standalone_mode=False)
        if isinstance(rv, int) and rv:
            sys.exit(rv)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except GraphtwinError as exc:
        click.echo(f"error: {terminal_safe(str(exc))}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)


if __name__ == "__main__":
    main()
