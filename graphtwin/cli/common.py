"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from graphtwin.cli.output import render, terminal_safe

if TYPE_CHECKING:
    from graphtwin.store import GraphStore

#: A decorated command function (click option decorators return it unchanged in type).
F = TypeVar("F", bound=Callable[..., Any])


def _remember(name: str) -> Callable[[click.Context, click.Parameter, bool], None]:
    """A flag callback that records the flag in ctx.obj (for --excel and --raw-csv)."""

    def callback(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
        if value:
            ctx.ensure_object(dict)[name] = True

    return callback


def format_option(f: F) -> F:
    """``--format`` plus ``--excel`` and ``--raw-csv`` (CSV safety, see cli/output.py)."""
    f = click.option(
        "--raw-csv",
        is_flag=True,
        expose_value=False,
        callback=_remember("raw_csv"),
        help="CSV cells exactly as stored: no apostrophe before text starting with "
        "= + - @ (which protects spreadsheets); for machine pipelines.",
    )(f)
    f = click.option(
        "--excel",
        is_flag=True,
        expose_value=False,
        callback=_remember("excel"),
        help="CSV for Excel: UTF-8 with a byte order mark (implies --format csv).",
    )(f)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default=None,
        help="Output format (default: the global --format, else table).",
    )(f)


tie_kind_option = click.option(
    "--tie-kinds",
    "--tie-kind",
    "tie_kinds",
    multiple=True,
    metavar="KINDS",
    callback=lambda ctx, param, value: split_values(value),
    help="Only ties of these kinds, comma-separated or repeated: --tie-kinds project,mou or "
    "--tie-kind project --tie-kind mou.",
)


def split_values(values: Sequence[str]) -> tuple[str, ...]:
    """Values from repeated and comma-separated option values, stripped, empties dropped.

    >>> split_values(["project, mou", "funding"])
    ('project', 'mou', 'funding')
    """
    return tuple(p.strip() for v in values for p in str(v).split(",") if p.strip())


class ChoiceList(click.Choice):
    """A :class:`click.Choice` that also takes comma-separated choices in one value
    (``degree,pagerank``); each value converts to a tuple (flatten with
    :func:`flatten_choices`)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, tuple):
            return value
        convert = super().convert
        return tuple(convert(v, param, ctx) for v in split_values([value]))


def flatten_choices(ctx: click.Context, param: click.Parameter, value: Sequence[tuple]) -> tuple:
    """Callback of a repeated :class:`ChoiceList` option: one flat tuple."""
    return tuple(c for v in value for c in v)


tie_weights_option = click.option(
    "--tie-weights",
    "tie_weights",
    metavar="FILE",
    default=None,
    help="TOML file with a [tie_weights] table overriding the weight of tie kinds.",
)
force_option = click.option(
    "--force", is_flag=True, help="Overwrite a bundle already in the output folder."
)


def option_group(*options: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator that applies ``options`` as if stacked in this order (first on top)."""

    def decorate(f: F) -> F:
        for option in reversed(options):
            f = option(f)
        return f

    return decorate


def write_back_option(help: str) -> Callable[[F], F]:
    """The ``--write-back`` flag; ``help`` says what the command stores."""
    return click.option("--write-back", is_flag=True, help=help)


def top_option(help: str, *, minimum: int = 0, name: str = "top", **attrs: Any) -> Callable[[F], F]:
    """A ``--top N`` option (default 20) bound to parameter ``name``; ``attrs`` go to click."""
    return click.option(
        "--top",
        name,
        type=click.IntRange(min=minimum),
        default=20,
        show_default=True,
        help=help,
        **attrs,
    )


#: Country codes users write that are not ISO 3166 alpha-2 (as CORDIS spells them).
COUNTRY_ALIASES = {"UK": "GB", "EL": "GR"}


def split_codes(values: Sequence[str]) -> tuple[str, ...]:
    """Country codes from repeated and comma-separated values: upper case, UK -> GB, EL -> GR.

    >>> split_codes(["gb,KR", " uk ", "EL"])
    ('GB', 'KR', 'GB', 'GR')
    """
    codes = (c.strip().upper() for v in values for c in str(v).split(","))
    return tuple(COUNTRY_ALIASES.get(c, c) for c in codes if c)


def countries_option(
    help: str, *, default: Sequence[str] | None = None, count: int | None = None
) -> Callable[[F], F]:
    """The one spelling of a list of countries: ``--countries GB,KR`` or repeated
    ``--countries GB --countries KR`` (``--country`` is accepted too), bound to ``countries``
    as a tuple of codes; ``count`` demands exactly that many. The older ``twins
    --countries GB KR`` (two values after one option) is rewritten by
    :func:`graphtwin.cli.main.legacy_spellings`."""

    def check(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> tuple:
        codes = split_codes(value)
        if count is not None and len(codes) != count:
            raise click.BadParameter(
                f"give exactly {count} country codes, e.g. GB,KR (got {', '.join(codes) or 'none'})"
            )
        return codes

    return click.option(
        "--countries",
        "--country",
        "countries",
        multiple=True,
        metavar="CODES",
        default=tuple(default) if default else None,
        show_default=bool(default),
        callback=check,
        help=f"{help} ISO codes, comma-separated or repeated (UK and EL read as GB and GR).",
    )


def split_cities(values: Sequence[str]) -> tuple[str, ...]:
    """City names from repeated and comma-separated values; a two-letter part after a name
    is that city's country, so ``"Belfast, GB"`` stays one city.

    >>> split_cities(["Belfast,Sejong", " Busan, KR , Liverpool ", "Derry (GB)"])
    ('Belfast', 'Sejong', 'Busan, KR', 'Liverpool', 'Derry (GB)')
    """
    cities: list[str] = []
    for part in (p.strip() for v in values for p in str(v).split(",")):
        if len(part) == 2 and part.isalpha() and cities and "," not in cities[-1]:
            cities[-1] = f"{cities[-1]}, {part.upper()}"
        elif part:
            cities.append(part)
    return tuple(cities)


def cities_option(help: str, **attrs: Any) -> Callable[[F], F]:
    """The one spelling of a list of cities: ``--cities Belfast,Sejong`` or repeated
    ``--city Belfast --city Sejong`` (either name, in any mix), bound to ``cities`` as a
    tuple of names as :func:`graphtwin.analysis.lookup.resolve_city` reads them (a name,
    ``"Name, CC"``, ``"Name (CC)"`` or a city id); ``attrs`` go to click."""

    def check(ctx: click.Context, param: click.Parameter, value: Sequence[str]) -> tuple:
        flag = attrs.get("flag_value")
        return tuple(v for v in value if v == flag) + split_cities([v for v in value if v != flag])

    return click.option(
        "--cities",
        "--city",
        "cities",
        multiple=True,
        metavar="NAMES",
        callback=check,
        help=f"{help} Comma-separated or repeated: --cities Belfast,Sejong or --city "
        "Belfast --city Sejong; a name, 'Name (CC)' or a city id.",
        **attrs,
    )


#: The ``-o`` value that means standard output.
STDOUT = "-"


def output_option(help: str, *, stdout: bool = False, **path: bool) -> Callable[[F], F]:
    """A required ``-o/--output`` path; ``path`` narrows it (``file_okay=False``, ...).

    With ``stdout``, ``-`` is accepted and means standard output (the command checks
    ``str(output) == STDOUT``), and the help says so.
    """
    return click.option(
        "-o",
        "--output",
        required=True,
        type=click.Path(path_type=Path, allow_dash=stdout, **path),
        help=f"{help} Give - for standard output." if stdout else help,
    )


def bundle_output_option(f: F) -> F:
    """``-o/--output`` of the commands that write a bundle folder (generate, import)."""
    return output_option(
        "Bundle folder to write (organisations.csv, ties.csv, cities.csv, sectors.csv).",
        file_okay=False,
    )(f)


def output_format(ctx: click.Context, fmt: str | None) -> str:
    """The per-command --format if given, else the global one; ``excel`` for --excel."""
    if (ctx.obj or {}).get("excel"):
        return "excel"
    return fmt or (ctx.obj or {}).get("fmt", "table")


def db_target(ctx: click.Context) -> str | None:
    """The global --db, or None: then :func:`graphtwin.store.open_store` takes
    GRAPHTWIN_DB, else NEO4J_URI, else ./graphtwin.db (the order of Neo4j's own tools)."""
    return (ctx.obj or {}).get("db")


def open_target(ctx: click.Context, *, read_only: bool = False) -> GraphStore:
    """The store selected by the global --db, opened (use it as a context manager)."""
    from graphtwin.store import open_store

    return open_store(db_target(ctx), read_only=read_only)


def is_quiet(ctx: click.Context) -> bool:
    """Whether the global --quiet was given."""
    return bool((ctx.obj or {}).get("quiet"))


def note(ctx: click.Context, message: str) -> None:
    """A human note on stderr (suppressed by --quiet)."""
    if not is_quiet(ctx):
        click.echo(terminal_safe(message), err=True)


def emit(
    ctx: click.Context,
    rows: Sequence[dict[str, Any]],
    fmt: str | None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print result rows on stdout in the chosen format (a plain table by default)."""
    if not emit_data(ctx, rows, fmt, columns):
        click.echo(render(rows, "table", columns))


def emit_data(
    ctx: click.Context,
    rows: Sequence[dict[str, Any]],
    fmt: str | None,
    columns: Sequence[str] | None = None,
) -> bool:
    """Print rows as CSV or JSON if that is the chosen format and return True.

    Returns False, printing nothing, for ``table``: the caller prints its own table.
    """
    out = output_format(ctx, fmt)
    if out == "table":
        return False
    click.echo(render(rows, out, columns, csv_safe=not (ctx.obj or {}).get("raw_csv")))
    return True


def progress_enabled(ctx: click.Context) -> bool:
    """Progress bars only for humans: not with --quiet, and only on a terminal or when forced."""
    return not is_quiet(ctx) and (sys.stderr.isatty() or bool((ctx.obj or {}).get("progress")))


def synthetic_share(g: Any) -> tuple[int, int]:
    """(synthetic organisations, all organisations) of a projection."""
    n = g.vcount()
    return (sum(1 for s in g.vs["synthetic"] if s) if n else 0), n


def project(ctx: click.Context, store: Any, **filters: Any) -> Any:
    """A fresh projection from the store, with a note on stderr saying what it holds.

    Fails with a clear error when the store has no organisations, and says plainly when
    the data is synthetic (generated), so that no table is mistaken for real findings.
    """
    import time

    from graphtwin.errors import GraphtwinError

    start = time.perf_counter()
    g = store.projection(**filters)
    note(
        ctx,
        f"projected {g.vcount():,} organisations and {g.ecount():,} ties "
        f"from {store.target} in {time.perf_counter() - start:.1f}s",
    )
    if g.vcount() == 0:
        raise GraphtwinError(
            f"the store {store.target} has no organisations; load data first "
            "(graphtwin load PATH, or graphtwin demo)"
        )
    synthetic, n = synthetic_share(g)
    if synthetic:
        note(ctx, f"note: {synthetic:,} of {n:,} organisations are SYNTHETIC (generated) data")
    return g


def read_projection(ctx: click.Context, **filters: Any) -> Any:
    """:func:`project` from the store of --db, opened read-only and closed again."""
    with open_target(ctx, read_only=True) as store:
        return project(ctx, store, **filters)
