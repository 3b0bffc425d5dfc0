"""``graphtwin load``: validate a bundle completely, then upsert it into the store."""

from __future__ import annotations

import click

from graphtwin.cli.common import emit, format_option, is_quiet, note, open_target
from graphtwin.errors import ValidationFailed
from graphtwin.escaping import terminal_safe


@click.command(
    epilog=(
        "Examples:\n\n"
        "\b\n"
        "  graphtwin load my-bundle/                        # into ./graphtwin.db (Ladybug)\n"
        "  graphtwin --db data/twins.db load my-bundle.zip\n"
        "  graphtwin --db bolt://127.0.0.1:7687 load my-bundle.json\n"
        "  graphtwin load second-bundle/ --format json      # created/updated as JSON\n"
        "  cat bundle.json | graphtwin load -               # a JSON bundle from stdin"
    )
)
@click.argument("path", type=click.Path(path_type=str))
@format_option
@click.pass_context
def load(ctx: click.Context, path: str, fmt: str | None) -> None:
    """Validate the bundle at PATH (- for a JSON bundle on stdin), then load it.

    Nothing is written unless the whole bundle is valid (every problem is listed on
    stderr, exit 1). Loading is an idempotent upsert: new organisations, cities,
    sectors and ties are created, changed values are updated, values missing from the
    bundle keep what the store holds, and loading the same bundle again changes
    nothing. A load is all or nothing: LadybugDB loads in one transaction (killed or
    failed: the store is as before); on Neo4j an unfinished load is marked in the
    graph and every command refuses the store until the load is run again. Input
    files over 1024 MB are refused (GRAPHTWIN_MAX_INPUT_MB changes the limit).
    Progress goes to stderr; the table of what was created and updated per label /
    relationship type goes to stdout.
    """
    from graphtwin.ingest import read_bundle
    from graphtwin.progress import StderrProgress

    try:
        bundle = read_bundle(path)
    except ValidationFailed as exc:
        for line in exc.problems:
            click.echo(terminal_safe(line), err=True)
        n = len(exc.problems)
        counts = f"{n} problem{'' if n == 1 else 's'}"
        click.echo(f"{terminal_safe(path)}: {counts}; nothing was written", err=True)
        raise SystemExit(1) from None
    for line in bundle.warnings:
        note(ctx, line)
    note(ctx, f"{path}: {bundle.summary()}")
    with open_target(ctx) as store:
        from graphtwin.ingest.merge import merge_by_ror, stored_by_ror  # one org per ROR id

        for line in merge_by_ror(bundle, stored_by_ror(store, bundle)).lines():
            note(ctx, line)
        report = store.load(bundle, progress=StderrProgress(enabled=not is_quiet(ctx)))
        counts = store.counts()
    rows = [
        {
            "item": name,
            "created": report.created.get(name, 0),
            "updated": report.updated.get(name, 0),
            "total": counts.get(name, 0),
        }
        for name in counts
        if name in report.created or counts.get(name)
    ]
    emit(ctx, rows, fmt, columns=["item", "created", "updated", "total"])
    note(ctx, f"loaded into {store.target}: {report.summary()}")
