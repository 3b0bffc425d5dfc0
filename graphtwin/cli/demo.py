"""``graphtwin demo``: the main job, end to end, on the real UK–Korea demo data.

The demo runs exactly the commands a user would run, in order, against a fresh embedded
store in the output folder: load → centrality/bridges/communities with write-back →
introductions between Belfast and Sejong (written back as POTENTIAL ties) → twin ranking
→ three offline maps. Everything it prints can be reproduced command by command.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import click

from graphtwin.cli.common import note

DEMO_PAIR = ("Belfast", "Sejong")


def _fresh_store_path(out: Path) -> Path:
    """The demo's store path inside ``out``, with any earlier demo store removed."""
    db = out / "graphtwin.db"
    for p in (db, out / "graphtwin.db.wal", out / "graphtwin.db.lock"):
        if p.is_dir():
            shutil.rmtree(p)
        elif p.exists():
            p.unlink()
    return db


@click.command("demo")
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("graphtwin-demo"),
    show_default=True,
    help="Folder for the demo store (graphtwin.db) and the HTML maps.",
)
@click.option("--top", default=8, show_default=True, help="Rows shown per table.")
@click.pass_context
def demo(ctx: click.Context, out: Path, top: int) -> None:
    """Load the UK–Korea Innovation Twins demo data, analyse it and draw maps.

    The demo data (35 organisations, 69 ties) is built only from sourced public
    statements about the programme; every tie carries its evidence and the public
    page that states it (graphtwin/data/demo/SOURCES.md). The store is created fresh
    in the output folder, so the commands printed at the end can be re-run against it.

    \b
    Examples:
      graphtwin demo                      # writes ./graphtwin-demo/
      graphtwin demo -o /tmp/twins --top 5
      graphtwin --db graphtwin-demo/graphtwin.db bridges Busan Liverpool
    """
    from graphtwin.cli import analysis, data, load, maps, potential
    from graphtwin.ingest.demo import DEMO_NAME, demo_bundle_path

    started = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    db = _fresh_store_path(out)
    ctx.obj["db"] = str(db)
    ctx.obj["fmt"] = "table"
    bundle = demo_bundle_path()
    a, b = DEMO_PAIR

    def section(title: str) -> None:
        click.echo(f"\n== {title}")

    section(f"Demo data: {DEMO_NAME} (sourced facts only)")
    ctx.invoke(data.validate, path=bundle)
    section(f"Loading into a fresh embedded store: {db}")
    ctx.invoke(load.load, path=bundle)

    section("Centrality (written back as gt_* properties)")
    ctx.invoke(analysis.centrality, top=top, write_back=True)
    section("Communities (Leiden, seeded)")
    ctx.invoke(analysis.communities, top=top, write_back=True)
    section(f"Who bridges {a} and {b}?")
    ctx.invoke(analysis.bridges, cities=(a, b), top=top, write_back=True)
    section(f"Most promising introductions between {a} and {b}, and why")
    ctx.invoke(potential.potential, city_a=a, city_b=b, top=top, write_back=True)
    section("Which UK–Korean city pairs should be twinned?")
    ctx.invoke(potential.twins, countries=("GB", "KR"), top=top)

    section("Maps (self-contained HTML, work offline)")
    views = [
        ("network.html", {}),
        (f"{a.lower()}-{b.lower()}.html", {"pair": (a, b)}),
        ("cities.html", {"geo": True}),
    ]
    for name, opts in views:
        ctx.invoke(maps.map_command, output=out / name, **opts)

    note(ctx, f"demo finished in {time.perf_counter() - started:.1f}s")
    click.echo(
        f"\nOpen the maps in a browser, or query the store:\n"
        f"  graphtwin --db {db} queries\n"
        f"  graphtwin --db {db} query --name top_by_score -p metric=gt_bridge_score\n"
        f"  graphtwin --db {db} potential Liverpool Busan"
    )
