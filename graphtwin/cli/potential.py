"""``graphtwin potential``, ``graphtwin twins`` and ``graphtwin backtest``.

Thin commands: open the store, take a fresh projection, call
:mod:`graphtwin.analysis.potential`, :mod:`~graphtwin.analysis.twins` or
:mod:`~graphtwin.analysis.backtest`, print. JSON keys are documented in docs/potential.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from graphtwin.cli.common import (
    countries_option,
    emit_data,
    format_option,
    note,
    open_target,
    progress_enabled,
    project,
    read_projection,
    top_option,
    write_back_option,
)
from graphtwin.cli.output import render

if TYPE_CHECKING:
    from graphtwin.progress import StderrProgress

weights_option = click.option(
    "--weights",
    "weights_file",
    metavar="FILE",
    default=None,
    help="TOML file merged over the default weights (graphtwin/data/weights.toml).",
)


def _progress(ctx: click.Context) -> StderrProgress:
    """A StderrProgress, shown only for humans (see progress_enabled)."""
    from graphtwin.progress import StderrProgress

    return StderrProgress(enabled=progress_enabled(ctx))


def _numbered(title: str, lines: list[str]) -> str:
    """``title`` over the ``lines`` numbered from 1."""
    return "\n".join([title, *(f"{i:>3}. {line}" for i, line in enumerate(lines, 1))])


# --------------------------------------------------------------------------------------
# potential
# --------------------------------------------------------------------------------------


def _potential_json() -> list[str]:
    """CSV/JSON columns of ``potential``: the pair, its scores (config order) and evidence."""
    from graphtwin.analysis.config import POTENTIAL_SCORES

    return [
        "source",
        "target",
        "source_name",
        "target_name",
        "source_kind",
        "target_kind",
        "source_city",
        "target_city",
        "score",
        *POTENTIAL_SCORES,
        "common_partners",
        "shared_partners",
        "shared_sectors",
        "bridge",
        "reasons",
    ]


@click.command("potential")
@click.argument("city_a")
@click.argument("city_b")
@click.option("--sector", default=None, help="Only pairs where either side is in this sector.")
@click.option(
    "--kind",
    default=None,
    help="Only pairs where either side is of this kind (e.g. university) or sphere "
    "(academia, business, government, intermediary, civil_society).",
)
@top_option("Pairs to list.", minimum=1)
@weights_option
@write_back_option(
    "Store the recommendations as POTENTIAL relationships (score, reasons, city_pair)."
)
@format_option
@click.pass_context
def potential(
    ctx: click.Context,
    city_a: str,
    city_b: str,
    sector: str | None,
    kind: str | None,
    top: int,
    weights_file: str | None,
    write_back: bool,
    fmt: str | None,
) -> None:
    """Recommend introductions between organisations of CITY_A and CITY_B.

    Every pair with no tie yet is scored on common partners (Adamic–Adar, resource
    allocation, Jaccard), preferential attachment, shared sectors and complementary
    kinds (a university with a firm ...), combined with the weights of
    graphtwin/data/weights.toml. Each recommendation says why, and who could make the
    introduction. Cities are names or ids (GB-belfast).

    \b
    Examples:
      graphtwin potential Belfast Sejong --top 10
      graphtwin potential Liverpool Busan --kind university --sector medtech
      graphtwin potential Belfast Sejong --weights my-weights.toml --format json
      graphtwin potential Belfast Sejong --write-back   # then draw them with `map`
    """
    from graphtwin.analysis.config import load_config
    from graphtwin.analysis.potential import potential as run
    from graphtwin.analysis.potential import write_back_rows

    config = load_config(weights_file)
    with open_target(ctx, read_only=not write_back) as store:
        g = project(ctx, store)
        df = run(
            g,
            city_a,
            city_b,
            sector=sector,
            kind=kind,
            top=top,
            config=config,
            progress=_progress(ctx),
        )
        if write_back and len(df):
            written = store.write_potential(write_back_rows(df))
            note(
                ctx, f"wrote {written if written is not None else len(df)} POTENTIAL relationships"
            )
    ca, cb = df.attrs["city_a"], df.attrs["city_b"]
    note(ctx, f"scored {df.attrs['candidates']:,} untied pairs between {ca} and {cb}")
    rows = df.to_dict("records")
    if emit_data(ctx, rows, fmt, _potential_json()):
        return
    if not rows:
        click.echo("(no candidate pairs)")
        return
    table = [
        {
            "#": i,
            "source": r["source_name"],
            "target": r["target_name"],
            "kinds": f"{r['source_kind']}–{r['target_kind']}",
            "score": r["score"],
            "partners": r["common_partners"],
            "network": r["adamic_adar"],
            "sectors": r["sector_similarity"],
            "kind_fit": r["kind_complementarity"],
        }
        for i, r in enumerate(rows, 1)
    ]
    click.echo(render(table, "table", max_width=40))
    click.echo()
    click.echo(_numbered("Reasons:", ["; ".join(r["reasons"]) for r in rows]))


# --------------------------------------------------------------------------------------
# twins
# --------------------------------------------------------------------------------------


def _twins_json() -> list[str]:
    """CSV/JSON columns of ``twins``: rank, pair, score, components (config order), details."""
    from graphtwin.analysis.config import TWINS_COMPONENTS

    return [
        "rank",
        "city_a",
        "country_a",
        "city_b",
        "country_b",
        "score",
        *TWINS_COMPONENTS,
        "rank_range",
        "rank_stability",
        "drivers",
        "orgs_a",
        "orgs_b",
        "population_a",
        "population_b",
        "orgs_per_100k_a",
        "orgs_per_100k_b",
        "kinds_a",
        "kinds_b",
        "helix_complete",
        "centrality_a",
        "centrality_b",
        "centrality_per_org_a",
        "centrality_per_org_b",
        "synergy_cosine",
        "shared_specialisations",
        "ties",
        "tie_weight",
        "ties_per_org",
        "tie_weight_expected",
        "two_step_paths",
        "best_adamic_adar",
        "broker_count",
        "brokers_expected",
        "top_brokers",
        "city_id_a",
        "city_id_b",
    ]


@click.command("twins")
@countries_option(
    "The two countries: every city of the first is paired with every city of the second.",
    default=("GB", "KR"),
    count=2,
)
@top_option("Pairs to list.", minimum=1)
@weights_option
@click.option(
    "--min-orgs",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Leave out cities with fewer organisations.",
)
@click.option(
    "--population-band",
    default=None,
    metavar="MIN-MAX",
    help="Keep cities whose population is in the band, e.g. 100k-1M (Tier 2/3), -500k, "
    "1M- (cities of unknown population drop out).",
)
@format_option
@click.pass_context
def twins(
    ctx: click.Context,
    countries: tuple[str, str],
    top: int,
    weights_file: str | None,
    min_orgs: int,
    population_band: str | None,
    fmt: str | None,
) -> None:
    """Rank every city pair across two countries as twinning candidates.

    Components: capacity (organisations, kinds, triple helix, centrality; size-tempered),
    synergy (similar sector specialisations, by location quotients), complementarity,
    existing ties, network proximity and brokers; composite with the weights of
    graphtwin/data/weights.toml. rank_range and rank_stability show how a pair's rank
    moves when each weight changes by ±25%; drivers names its two strongest components.

    \b
    Examples:
      graphtwin twins
      graphtwin twins --countries GB,KR --top 10 --min-orgs 5
      graphtwin twins --population-band 100k-1M      # Tier 2 and 3 cities
      graphtwin twins --weights my-weights.toml --format csv > twins.csv
    """
    from graphtwin.analysis.config import TWINS_COMPONENTS, load_config
    from graphtwin.analysis.twins import parse_population_band
    from graphtwin.analysis.twins import twins as run

    config = load_config(weights_file)
    band = parse_population_band(population_band) if population_band else None
    g = read_projection(ctx)
    df = run(
        g,
        countries,
        top=top,
        config=config,
        min_orgs=min_orgs,
        population_band=band,
        progress=_progress(ctx),
    )
    note(ctx, f"ranked {df.attrs['pairs']:,} city pairs ({countries[0]} × {countries[1]})")
    rows = df.to_dict("records")
    if emit_data(ctx, rows, fmt, _twins_json()):
        return
    cols = ["rank", "city_a", "city_b", "score", *TWINS_COMPONENTS, "rank_range", "rank_stability"]
    click.echo(render(rows, "table", cols, max_width=30))
    click.echo()
    click.echo(
        _numbered("Drivers:", [f"{r['city_a']}–{r['city_b']}: {r['drivers']}" for r in rows])
    )


# --------------------------------------------------------------------------------------
# backtest
# --------------------------------------------------------------------------------------

BACKTEST_JSON = [
    "scorer",
    "auc",
    "precision_at_k",
    "recall_at_k",
    "k",
    "random_auc",
    "random_precision_at_k",
    "random_recall_at_k",
    "split",
    "cross_city",
    "train_ties",
    "undated_ties",
    "test_ties",
    "test_pairs",
    "excluded_new_orgs",
    "excluded_already_tied",
    "excluded_same_city",
    "organisations_in_training",
    "candidates",
    "positives",
    "negatives",
    "negatives_sampled",
    "negative_sample_rate",
    "positive_rate",
    "seed",
]


@click.command("backtest")
@click.option(
    "--split",
    type=int,
    required=True,
    metavar="YEAR",
    help="Train on ties started before YEAR; test on ties started in or after it.",
)
@top_option("K of precision@K and recall@K.", minimum=1, name="top_k", metavar="K")
@click.option("--cross-city", is_flag=True, help="Only pairs of organisations in two cities.")
@click.option(
    "--negatives",
    type=click.IntRange(min=1),
    default=None,
    help="Most negative pairs to score (more: a seeded sample). Default from weights.toml.",
)
@click.option("--seed", type=int, default=None, help="Seed of sampling and the random baseline.")
@weights_option
@format_option
@click.pass_context
def backtest(
    ctx: click.Context,
    split: int,
    top_k: int,
    cross_city: bool,
    negatives: int | None,
    seed: int | None,
    weights_file: str | None,
    fmt: str | None,
) -> None:
    """Check how well the potential scores predict ties that came later.

    Scores pairs with the ties started before YEAR only and measures against ties that
    started in or after YEAR: ROC AUC, precision@K and recall@K for the combined score,
    each single score and a random baseline. Ties with no start year stay in training.

    \b
    Examples:
      graphtwin backtest --split 2022
      graphtwin backtest --split 2020 --top 50 --cross-city
      graphtwin backtest --split 2022 --weights my-weights.toml --format json
    """
    from graphtwin.analysis.backtest import backtest as run
    from graphtwin.analysis.config import load_config

    config = load_config(weights_file)
    g = read_projection(ctx)
    result = run(
        g,
        split,
        top_k=top_k,
        cross_city=cross_city,
        config=config,
        negatives=negatives,
        seed=seed,
        progress=_progress(ctx),
    )
    rows = result.rows()
    c = result.counts
    if emit_data(ctx, rows, fmt, BACKTEST_JSON):
        return
    note(ctx, _counts_note(c))
    base = rows[-1]
    table: list[dict[str, Any]] = []
    for r in rows:
        table.append(
            {
                "scorer": r["scorer"],
                "auc": r["auc"],
                f"precision@{r['k']}": r["precision_at_k"],
                f"recall@{r['k']}": r["recall_at_k"],
                "auc_vs_random": r["auc"] - base["auc"],
                f"lift@{r['k']}": (
                    r["precision_at_k"] / c["positive_rate"] if c["positive_rate"] else None
                ),
            }
        )
    click.echo(render(table, "table"))


def _counts_note(c: dict[str, Any]) -> str:
    """The backtest's counts (split, ties, pairs left out, sample) as one note."""
    sample = (
        f"a seeded sample of {c['negatives']:,} negatives ({100 * c['negative_sample_rate']:.2g}%)"
        if c["negatives_sampled"]
        else f"all {c['negatives']:,} negatives"
    )
    return (
        f"split {c['split']}: {c['train_ties']:,} training ties ({c['undated_ties']:,} undated), "
        f"{c['test_ties']:,} test ties; {c['positives']:,} new pairs to predict "
        f"(left out: {c['excluded_new_orgs']:,} with a new organisation, "
        f"{c['excluded_already_tied']:,} already tied"
        + (f", {c['excluded_same_city']:,} within one city" if c["cross_city"] else "")
        + f"); scored against {sample} of {c['candidates']:,} candidate pairs; "
        f"lift = precision / positive rate ({c['positive_rate']:.3g})"
    )
