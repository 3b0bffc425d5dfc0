"""``graphtwin import SOURCE``: convert external data into a bundle folder.

One subcommand per source; each reads the source with an importer in graphtwin.ingest,
writes the bundle with :func:`graphtwin.ingest.writer.write_bundle`, checks that the
written bundle validates, and prints what was read, kept and dropped. CORDIS and GtR
importers will be added here as ``import cordis`` and ``import gtr``.
"""

from __future__ import annotations

from pathlib import Path

import click

from graphtwin.cli.common import note
from graphtwin.errors import GraphtwinError, ValidationFailed
from graphtwin.model import Bundle


@click.group(
    "import",
    epilog="Example:\n\n\b\n  graphtwin import ror ror-records/ -o my-bundle/\n",
)
def import_group() -> None:
    """Convert external sources (ROR; CORDIS and GtR to come) into a bundle folder."""


def _write_and_check(ctx: click.Context, bundle: Bundle, output: Path, force: bool) -> None:
    """Write ``bundle`` to ``output`` and re-read it with the validator."""
    from graphtwin.ingest import read_bundle
    from graphtwin.ingest.writer import write_bundle

    write_bundle(bundle, output, overwrite=force)
    try:
        read_bundle(output)
    except ValidationFailed as exc:
        for problem in exc.problems[:20]:
            click.echo(problem, err=True)
        raise GraphtwinError(
            f"the bundle written to {output} does not validate ({len(exc.problems)} "
            "problem(s)); please report this as a bug"
        ) from exc
    note(ctx, f"wrote {output}/ (validated)")


@import_group.command("ror")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Bundle folder to write (organisations.csv, ties.csv, cities.csv).",
)
@click.option("--force", is_flag=True, help="Overwrite a bundle already in the output folder.")
@click.pass_context
def ror(ctx: click.Context, paths: tuple[Path, ...], output: Path, force: bool) -> None:
    """Convert ROR records (https://ror.org, CC0) into a bundle.

    PATHS are ROR JSON records (schema 1 or 2; one per file, a list, or a folder of
    them) or the ROR CSV layout (an organisations CSV; its relationships CSV as a
    second path or found beside it as ror_relationships*.csv). Kinds come from the ROR
    types, cities from the ROR locations, ties from the ROR relationships
    (parent/child: PART_OF, related: RELATED_TO, successor/predecessor: SUCCEEDS);
    relationships whose other organisation is not in the input are dropped and counted.

    \b
    Examples:
      graphtwin import ror ror_records/ -o ror-bundle/
      graphtwin import ror ror_orgs.csv ror_relationships.csv -o ror-bundle/
    """
    from graphtwin.ingest.ror import import_ror

    result = import_ror(paths)
    for where, reason in result.skipped[:20]:
        note(ctx, f"{where}: skipped: {reason}")
    if len(result.skipped) > 20:
        note(ctx, f"... and {len(result.skipped) - 20} more skipped")
    _write_and_check(ctx, result.bundle, output, force)
    click.echo(result.summary())
