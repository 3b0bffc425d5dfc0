"""Options and helpers shared by the CLI commands."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click

from graphtwin.cli.output import render

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default=None,
    help="Output format (default: the global --format, else table).",
)


def output_format(ctx: click.Context, fmt: str | None) -> str:
    """The per-command --format if given, else the global one."""
    return fmt or (ctx.obj or {}).get("fmt", "table")


def db_target(ctx: click.Context) -> str:
    """The store selector from the global --db / GRAPHTWIN_DB."""
    return (ctx.obj or {}).get("db", "graphtwin.db")


def is_quiet(ctx: click.Context) -> bool:
    return bool((ctx.obj or {}).get("quiet"))


def note(ctx: click.Context, message: str) -> None:
    """A human note on stderr (suppressed by --quiet)."""
    if not is_quiet(ctx):
        click.echo(message, err=True)


def emit(
    ctx: click.Context,
    rows: Sequence[dict[str, Any]],
    fmt: str | None,
    columns: Sequence[str] | None = None,
) -> None:
    """Print result rows on stdout in the chosen format."""
    click.echo(render(rows, output_format(ctx, fmt), columns))


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
