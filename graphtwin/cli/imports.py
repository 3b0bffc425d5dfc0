"""``graphtwin import SOURCE``: convert external data into a bundle folder.

One subcommand per source; each reads the source with an importer in graphtwin.ingest,
writes the bundle with :func:`graphtwin.ingest.writer.write_bundle`, checks that the
written bundle validates, and prints what was read, kept and dropped: ``import ror``,
``import cordis`` (EU Horizon projects) and ``import gtr`` (UKRI Gateway to Research).
Summaries go to stdout, notes and progress to stderr. docs/importers.md describes them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import click

from graphtwin.cli.common import (
    bundle_output_option,
    countries_option,
    force_option,
    note,
    option_group,
    progress_enabled,
)
from graphtwin.errors import GraphtwinError, ValidationFailed
from graphtwin.model import Bundle

if TYPE_CHECKING:
    from graphtwin.progress import StderrProgress


@click.group(
    "import",
    epilog=(
        "Examples:\n\n\b\n"
        "  graphtwin import ror ror-records/ -o ror-bundle/\n"
        "  graphtwin import cordis cordis-HORIZONprojects-csv.zip --countries GB,KR -o eu/\n"
        "  graphtwin import gtr gtr-json/ --since 2018 -o ukri/\n"
        "  graphtwin import openalex part_000.gz --ror ror-data.zip --countries GB,KR -o oa/\n"
        "  graphtwin import gexf network.gexf --map city=Town --set country=GB -o net/\n"
    ),
)
def import_group() -> None:
    """Convert external sources (ROR, OpenAlex, CORDIS, GtR, GraphML/GEXF) into a bundle."""


#: PATHS, -o/--output and --force: what every importer reads and writes.
_input_output = option_group(
    click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path)),
    bundle_output_option,
    force_option,
)


class _Imported(Protocol):
    """What every importer returns: the bundle, the records it skipped, a summary."""

    bundle: Bundle
    skipped: list[tuple[str, str]]

    def summary(self) -> str: ...


def _write_and_check(ctx: click.Context, bundle: Bundle, output: Path, force: bool) -> None:
    """Write ``bundle`` to a folder beside ``output``, check it with the validator, then
    move its files into ``output``: a bundle that does not validate is never written."""
    import shutil
    import tempfile

    from graphtwin.ingest import read_bundle
    from graphtwin.ingest.writer import BUNDLE_FILES, write_bundle

    if output.exists() and not output.is_dir():
        raise GraphtwinError(f"{output}: exists and is not a folder; choose another output path")
    existing = [f"{stem}.csv" for stem in BUNDLE_FILES if (output / f"{stem}.csv").exists()]
    if existing and not force:
        raise GraphtwinError(
            f"{output}: already holds a bundle ({', '.join(existing)}); choose an empty "
            "folder or overwrite it (--force)"
        )
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    except OSError as exc:
        raise GraphtwinError(f"{output}: cannot create the output folder ({exc.strerror})") from exc
    try:
        written = write_bundle(bundle, staging)
        try:
            read_bundle(staging)
        except ValidationFailed as exc:
            for problem in exc.problems[:20]:
                click.echo(problem, err=True)
            raise GraphtwinError(
                f"the bundle built for {output} does not validate ({len(exc.problems)} "
                "problem(s)); nothing was written; please report this as a bug"
            ) from exc
        output.mkdir(exist_ok=True)
        for stem in BUNDLE_FILES:
            target = output / f"{stem}.csv"
            if stem in written:
                os.replace(written[stem], target)
            else:
                target.unlink(missing_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    note(ctx, f"wrote {output}/ (validated)")


def _report_skipped(ctx: click.Context, skipped: list[tuple[str, str]]) -> None:
    """Note the first 20 skipped records (where: why) and how many more there were."""
    for where, reason in skipped[:20]:
        note(ctx, f"{where}: skipped: {reason}")
    if len(skipped) > 20:
        note(ctx, f"... and {len(skipped) - 20} more skipped")


def _finish(ctx: click.Context, result: _Imported, output: Path, force: bool) -> None:
    """Report what an importer skipped, write and check its bundle, print its summary."""
    _report_skipped(ctx, result.skipped)
    _write_and_check(ctx, result.bundle, output, force)
    click.echo(result.summary())


@import_group.command("ror")
@_input_output
@click.option(
    "--include-inactive",
    is_flag=True,
    help="Keep records whose ROR status is inactive or withdrawn (flagged in their source).",
)
@click.pass_context
def ror(
    ctx: click.Context, paths: tuple[Path, ...], output: Path, force: bool, include_inactive: bool
) -> None:
    """Convert ROR records (https://ror.org, CC0) into a bundle.

    PATHS are the official ROR data dump (the zip from Zenodo, or the schema-2 .json or
    .csv inside it), ROR JSON records (schema 1 or 2; one per file, a list, or a folder
    of them) or the project's ROR CSV layout (an organisations CSV; its relationships
    CSV as a second path or found beside it as ror_relationships*.csv). Inactive and
    withdrawn records are dropped unless --include-inactive. Kinds come from the ROR
    types, cities from the ROR locations, ties from the ROR relationships
    (parent/child: PART_OF, related: RELATED_TO, successor/predecessor: SUCCEEDS);
    relationships whose other organisation is not in the input are dropped and counted.

    \b
    Examples:
      graphtwin import ror v1.58-2024-12-11-ror-data.zip -o ror-bundle/
      graphtwin import ror ror_records/ -o ror-bundle/
      graphtwin import ror ror_orgs.csv ror_relationships.csv -o ror-bundle/
    """
    from graphtwin.ingest.ror import import_ror

    _finish(ctx, import_ror(paths, include_inactive=include_inactive), output, force)


def _split(values: tuple[str, ...]) -> list[str] | None:
    """Values of a repeatable option, each of which may be a comma-separated list."""
    out = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return out or None


def _progress(ctx: click.Context) -> StderrProgress | None:
    """A progress bar on stderr for humans (a terminal, or forced), else None."""
    from graphtwin.progress import StderrProgress

    return StderrProgress() if progress_enabled(ctx) else None


_since_option = click.option(
    "--since", type=int, metavar="YEAR", help="Keep projects starting in or after YEAR."
)
_until_option = click.option(
    "--until", type=int, metavar="YEAR", help="Keep projects starting in or before YEAR."
)
_countries_option = countries_option(
    "Keep projects with at least one organisation in these countries."
)
_other_countries_option = click.option(
    "--other-countries",
    type=click.Choice(["keep", "drop"]),
    default="keep",
    show_default=True,
    help="With --countries: keep the partners in other countries (cross-border ties) or drop them.",
)
#: --since, --until, --countries and --other-countries: which projects and partners to keep.
_project_filters = option_group(
    _since_option, _until_option, _countries_option, _other_countries_option
)
_count_weight_option = click.option(
    "--count-weight/--no-count-weight",
    default=True,
    show_default=True,
    help="A pair that shares n > 1 projects gets n x the default weight of its tie kind.",
)


@import_group.command("cordis")
@_input_output
@click.option(
    "--framework",
    "frameworks",
    multiple=True,
    metavar="NAMES",
    help="Keep projects of these frameworkProgramme values (e.g. H2020,HORIZON).",
)
@click.option(
    "--programme",
    "programmes",
    multiple=True,
    metavar="PREFIXES",
    help="Keep projects whose legalBasis starts with one of these (e.g. HORIZON.2.5 for "
    "Cluster 5 climate, energy and mobility).",
)
@_project_filters
@click.option(
    "--max-partners",
    type=click.IntRange(min=2),
    default=50,
    show_default=True,
    help="Projects with more organisations give coordinator-partner ties only (a full "
    "clique grows with the square of the consortium).",
)
@_count_weight_option
@click.pass_context
def cordis(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path,
    force: bool,
    frameworks: tuple[str, ...],
    programmes: tuple[str, ...],
    since: int | None,
    until: int | None,
    countries: tuple[str, ...],
    other_countries: str,
    max_partners: int,
    count_weight: bool,
) -> None:
    """Convert the CORDIS projects export (EU Horizon Europe / H2020, CC BY 4.0) into a bundle.

    PATHS are CORDIS bulk exports (cordis-HORIZONprojects-csv.zip,
    cordis-h2020projects-csv.zip from https://cordis.europa.eu/data/), folders holding
    their project.csv and organization.csv, or those two files. Organisations come from
    organization.csv (kind from activityType, country UK/EL read as GB/GR), ties join
    the organisations of each project (one tie per pair, over all shared projects).
    Cities that the built-in table does not know are added to cities.csv with CORDIS's
    geolocation; organisations without a known or geolocated city are dropped and
    reported.

    \b
    Examples:
      graphtwin import cordis cordis-HORIZONprojects-csv.zip -o eu-bundle/
      graphtwin import cordis h2020.zip horizon.zip --countries GB,KR --since 2018 -o gb-kr/
      graphtwin import cordis project.csv organization.csv --programme HORIZON.2.5 -o cl5/
    """
    from graphtwin.ingest.cordis import import_cordis

    result = import_cordis(
        paths,
        frameworks=_split(frameworks),
        programmes=_split(programmes),
        since=since,
        until=until,
        countries=_split(countries),
        other_countries=other_countries,
        max_partners=max_partners,
        count_weight=count_weight,
        progress=_progress(ctx),
    )
    _finish(ctx, result, output, force)


@import_group.command("gtr")
@_input_output
@click.option(
    "--funder",
    "funders",
    multiple=True,
    metavar="NAMES",
    help="Keep projects with these leadFunder values (e.g. EPSRC,Innovate UK).",
)
@_project_filters
@_count_weight_option
@click.pass_context
def gtr(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path,
    force: bool,
    funders: tuple[str, ...],
    since: int | None,
    until: int | None,
    countries: tuple[str, ...],
    other_countries: str,
    count_weight: bool,
) -> None:
    """Convert UKRI Gateway to Research (GtR) API responses or website exports into a bundle.

    PATHS are JSON responses of https://gtr.ukri.org/gtr/api (requested with Accept:
    application/vnd.rcuk.gtr.json-v7), or folders of them: pages or records of
    /projects, /organisations (or /projects/ID/organisations) and optionally /funds;
    and/or the website's project search export (projectsearch-*.csv: lead and funder of
    each project; give organisation records too, to place organisations).
    Project ties join each lead organisation to each partner; funding ties go from a
    fund's funder (e.g. EPSRC) to the lead. GtR has no coordinates: organisations
    whose address names no city of the built-in table are dropped and reported.

    \b
    Examples:
      graphtwin import gtr gtr-json/ -o ukri-bundle/
      graphtwin import gtr projects.json organisations.json funds.json --funder EPSRC -o epsrc/
      graphtwin import gtr projectsearch-1657097606835.csv organisations/ -o ukri/
    """
    from graphtwin.ingest.gtr import import_gtr

    result = import_gtr(
        paths,
        funders=_split(funders),
        since=since,
        until=until,
        countries=_split(countries),
        other_countries=other_countries,
        count_weight=count_weight,
        progress=_progress(ctx),
    )
    _finish(ctx, result, output, force)


@import_group.command("openalex")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@bundle_output_option
@force_option
@click.option(
    "--institutions",
    "institution_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="OpenAlex institution records (pages, .jsonl or snapshot parts of /institutions): "
    "cities and coordinates. Repeatable.",
)
@click.option(
    "--ror",
    "ror_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="ROR files (the data dump zip, .json or .csv): cities of institutions with a ROR id "
    "that no institution record places. Repeatable.",
)
@click.option(
    "--filter",
    "query",
    metavar="FILTER",
    help="Download the works matching this OpenAlex filter first (network), e.g. "
    "authorships.countries:GB,authorships.countries:KR,publication_year:2015-2024.",
)
@click.option(
    "--save-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="With --filter: folder for the downloaded pages (resumable; default: OUTPUT/../"
    "openalex-download).",
)
@click.option("--api-key", envvar="OPENALEX_API_KEY", show_envvar=True, help="OpenAlex API key.")
@click.option(
    "--mailto", envvar="OPENALEX_MAILTO", show_envvar=True, help="Your e-mail for OpenAlex."
)
@click.option("--since", type=int, metavar="YEAR", help="Keep works published in or after YEAR.")
@click.option("--until", type=int, metavar="YEAR", help="Keep works published in or before YEAR.")
@countries_option("Keep works with at least one institution in these countries.")
@_other_countries_option
@click.option(
    "--min-works",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Keep ties between institutions that share at least this many works.",
)
@click.option(
    "--max-authors",
    type=click.IntRange(min=2),
    default=100,
    show_default=True,
    help="Skip works with more authorships (consortium papers tie every institution "
    "to every other).",
)
@click.pass_context
def openalex(
    ctx: click.Context,
    paths: tuple[Path, ...],
    output: Path,
    force: bool,
    institution_paths: tuple[Path, ...],
    ror_paths: tuple[Path, ...],
    query: str | None,
    save_dir: Path | None,
    api_key: str | None,
    mailto: str | None,
    since: int | None,
    until: int | None,
    countries: tuple[str, ...],
    other_countries: str,
    min_works: int,
    max_authors: int,
) -> None:
    """Convert OpenAlex works (https://openalex.org, CC0) into co-authorship ties.

    PATHS are downloaded works: API result pages (.json), JSON Lines (.jsonl) or the
    snapshot's gzipped parts (data/works/updated_date=*/part_*.gz), or folders of them.
    Or give --filter to download the works first: cursor paging, retries with
    back-off, resumable (run the same command again after an interruption), then the
    institutions' records for their cities.

    Institutions become organisations (id = ROR id where there is one, kind from the
    OpenAlex type); a work's institutions carry no city, so each is placed by an
    institution record (--institutions, or fetched with --filter) or a ROR file
    (--ror); the others are dropped and reported. Two institutions on one work share a
    copublication tie: weight = shared works, start/end = first/last year.

    \b
    Examples:
      graphtwin import openalex works/ --ror ror-data.zip --countries GB,KR -o gbkr/
      graphtwin import openalex part_000.gz --institutions institutions/ -o oa/
      graphtwin import openalex --filter authorships.countries:GB,authorships.countries:KR \\
          --mailto me@example.org --save-dir oa-download/ -o gbkr/
    """
    from graphtwin.ingest.openalex import import_openalex

    if not paths and not query:
        raise click.UsageError("give PATHS of downloaded works, or --filter to download them")
    paths, institution_paths = _download_openalex(
        ctx, paths, institution_paths, query, save_dir or output.parent / "openalex-download",
        api_key, mailto,
    )  # fmt: skip
    result = import_openalex(
        paths,
        institutions=institution_paths,
        ror=ror_paths,
        since=since,
        until=until,
        countries=_split(countries),
        other_countries=other_countries,
        min_works=min_works,
        max_authors=max_authors,
        progress=_progress(ctx),
    )
    _finish(ctx, result, output, force)


def _download_openalex(
    ctx: click.Context,
    paths: tuple[Path, ...],
    institution_paths: tuple[Path, ...],
    query: str | None,
    folder: Path,
    api_key: str | None,
    mailto: str | None,
) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
    """With a --filter, download its works and their institutions into ``folder``."""
    if not query:
        return paths, institution_paths
    from graphtwin.ingest.openalex_api import Client, fetch_institutions, fetch_works
    from graphtwin.ingest.openalex_read import institution_ids

    client = Client(api_key=api_key, mailto=mailto)
    state = fetch_works(query, folder, client=client, progress=_progress(ctx))
    note(
        ctx,
        f"OpenAlex: {state.works:,} works in {state.pages} page(s) saved in {folder}/ "
        f"({'complete' if state.done else 'incomplete'}; {client.retries} retried request(s))",
    )
    works = tuple(sorted(folder.glob("works-page-*.json")))
    pages = fetch_institutions(institution_ids(works), folder, client=client,
                               progress=_progress(ctx))  # fmt: skip
    return paths + works, institution_paths + tuple(pages)


def _graph_command(fmt: str) -> click.Command:
    """``import graphml`` and ``import gexf``: one command body, two names."""

    @click.command(fmt)
    @click.argument("path", type=click.Path(path_type=Path))
    @bundle_output_option
    @force_option
    @click.option(
        "--map",
        "mappings",
        multiple=True,
        metavar="FIELD=ATTR,...",
        help="Take a bundle field from another attribute, e.g. name=Label,city=City,"
        "kind=Type,lat=Latitude,lon=Longitude,edge.kind=Relation,edge.start=Year.",
    )
    @click.option(
        "--set",
        "constants",
        multiple=True,
        metavar="FIELD=VALUE,...",
        help="Give every node (or edge, edge.FIELD) this value, e.g. country=GB.",
    )
    @click.option(
        "--tie-kind",
        default="collaboration",
        show_default=True,
        help="Tie kind of edges without a kind attribute.",
    )
    @click.pass_context
    def command(
        ctx: click.Context,
        path: Path,
        output: Path,
        force: bool,
        mappings: tuple[str, ...],
        constants: tuple[str, ...],
        tie_kind: str,
    ) -> None:
        from graphtwin.ingest.graphml import import_graph, parse_assignments

        result = import_graph(
            path,
            mapping=parse_assignments(mappings, "--map"),
            constants=parse_assignments(constants, "--set"),
            tie_kind=tie_kind,
        )
        _finish(ctx, result, output, force)

    label = {"graphml": "GraphML", "gexf": "GEXF"}[fmt]
    command.help = (
        f"Convert a {label} network (Gephi, Cytoscape, yEd, graphtwin export) into a "
        "bundle.\n\nNodes become organisations, edges ties (read with networkx). Fields come "
        "from attributes of the same name (id, name or the GEXF label, kind, city, country, "
        "lat, lon, sectors, size, founded, ror_id, website; edges: kind, weight, start, end, "
        "evidence, source_url), or from the attributes --map names. A node without name, "
        "city or country, or with an unknown kind or city, is reported with the file and "
        "node, and nothing is written.\n\n\b\nExamples:\n"
        f"  graphtwin import {fmt} network.{fmt} -o bundle/\n"
        f"  graphtwin import {fmt} network.{fmt} --map name=Label,city=Town --set country=GB "
        "-o bundle/"
    )
    return command


import_group.add_command(_graph_command("graphml"))
import_group.add_command(_graph_command("gexf"))
