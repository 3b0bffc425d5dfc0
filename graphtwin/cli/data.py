"""``graphtwin validate``: check a bundle and list every problem."""

from __future__ import annotations

import click

from graphtwin.errors import ValidationFailed
from graphtwin.escaping import terminal_safe


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


@click.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  graphtwin validate my-bundle/          # a folder of CSV files\n"
        "  graphtwin validate my-bundle.zip       # the same folder, zipped\n"
        "  graphtwin validate my-bundle.json      # one JSON file\n"
        "  graphtwin validate my-bundle/ 2> problems.txt"
    )
)
@click.argument("path", type=click.Path(path_type=str))
def validate(path: str) -> None:
    """Check the bundle at PATH (a folder, a .zip or a .json file) without loading it.

    Every problem is printed on stderr, one per line, as FILE:LINE: COLUMN: message
    (FILE: $.ties[3].weight: message for JSON), followed by a count, and the exit code
    is 1. A valid bundle prints a one-line summary on stdout (organisations by country
    and kind, ties by kind, cities, sectors) and any warnings on stderr. The input
    format is described in docs/data-format.md.
    """
    from graphtwin.ingest import read_bundle

    try:
        bundle = read_bundle(path)
    except ValidationFailed as exc:
        for line in exc.problems:
            click.echo(terminal_safe(line), err=True)
        for line in exc.warnings:
            click.echo(terminal_safe(line), err=True)
        counts = _plural(len(exc.problems), "problem")
        if exc.warnings:
            counts += f" and {_plural(len(exc.warnings), 'warning')}"
        click.echo(f"{terminal_safe(path)}: {counts}; the bundle is not valid", err=True)
        raise SystemExit(1) from None
    for line in bundle.warnings:
        click.echo(terminal_safe(line), err=True)
    click.echo(bundle.summary())
