"""``graphtwin potential``, ``graphtwin twins`` and ``graphtwin backtest``.

Thin commands: open the store, take a fresh projection, call
:mod:`graphtwin.analysis.potential`, :mod:`~graphtwin.analysis.twins` or
:mod:`~graphtwin.analysis.backtest`, print. JSON keys are documented in docs/potential.md.
"""

from __future__ import annotations

from pathlib import Path
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
        "probability",
        "lift",
        "drivers",
        "method",
        "horizon",
    ]


horizon_option = click.option(
    "--horizon",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    metavar="YEARS",
    help="Years ahead a probability refers to (and the length of each fitting window).",
)


def _cache_dir() -> Path:
    import os

    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "graphtwin" / "linkmodel"


def _store_key(g: Any, config: Any, horizon: int) -> str:
    """A digest of everything the fit reads, independent of the order the store returns
    rows in: organisations by id, ties as (id, id, start year), cities, options."""
    import hashlib

    import numpy as np

    from graphtwin.analysis.linkmodel import __file__ as model_file
    from graphtwin.analysis.signals import FEATURES, start_years

    ids = np.array(g.vs["id"], dtype=object)
    order = np.argsort(ids.astype(str), kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    el = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    a, b = rank[el[:, 0]], rank[el[:, 1]]
    ties = np.column_stack([np.minimum(a, b), np.maximum(a, b), start_years(g)])
    ties = ties[np.lexsort(ties.T[::-1])] if len(ties) else ties
    h = hashlib.sha256()
    h.update(ties.tobytes())
    for attr in ("id", "kind", "city_id", "country"):
        h.update("\x1f".join(str(g.vs[int(i)][attr]) for i in order).encode())
    h.update(repr([sorted(g.vs[int(i)]["sectors"] or ()) for i in order]).encode())
    cities = g["cities"] if "cities" in g.attributes() else {}
    h.update(repr(sorted((k, sorted(v.items())) for k, v in cities.items())).encode())
    pot = config.potential  # its frozenset keys would repr in a per-process order
    options = (sorted(pot.weights.items()), pot.sector_measure, pot.seed)
    h.update(repr((options, pot.sphere_matrix().tolist(), horizon, FEATURES)).encode())
    h.update(Path(model_file).read_bytes())
    return h.hexdigest()[:32]


def cached_scorer(ctx: click.Context, g: Any, config: Any, horizon: int) -> Any:
    """The fitted scorer for this store state: from the cache when the data is unchanged.

    The cache (``$XDG_CACHE_HOME/graphtwin/linkmodel``, else ``~/.cache/...``) holds
    plain JSON keyed by a digest of the organisations, ties, start years and options,
    so any change to the store refits. Analysis itself stays free of I/O.
    """
    import json

    from graphtwin.analysis.linkmodel import Scorer, choose_scorer

    path = _cache_dir() / f"{_store_key(g, config, horizon)}.json"
    try:
        scorer = Scorer.from_dict(json.loads(path.read_text(encoding="utf-8")))
        what = "fit" if scorer.method == "fitted" else "choice of ranking"
        note(ctx, f"model: reused the {what} cached for this data ({path.name})")
        return scorer
    except (OSError, ValueError, KeyError, TypeError):
        pass
    scorer = choose_scorer(g, config.potential, horizon=horizon)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(scorer.to_dict()), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only home only costs a refit next time
    return scorer


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
@horizon_option
@weights_option
@write_back_option(
    "Store the recommendations as POTENTIAL relationships (score = the probability when "
    "fitted, reasons with the probability first, city_pair)."
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
    horizon: int,
    weights_file: str | None,
    write_back: bool,
    fmt: str | None,
) -> None:
    """Recommend introductions between organisations of CITY_A and CITY_B.

    Every pair with no tie yet gets the probability of a tie within --horizon years,
    from a model fitted on the network's own history (ties with start years): common
    partners, path distance, community, activity, sectors, kinds, distance and the ties
    already between the two cities. Without enough dated ties it falls back to a
    rank-based combination and says so; --weights FILE forces the fixed weights.
    Each recommendation says why, and who could make the introduction. Cities are
    names or ids (GB-belfast). The fit is cached per store state.

    \b
    Examples:
      graphtwin potential Belfast Sejong --top 10
      graphtwin potential Liverpool Busan --kind university --sector medtech
      graphtwin potential Belfast Sejong --weights my-weights.toml --format json
      graphtwin potential Belfast Sejong --write-back   # then draw them with `map`
    """
    from graphtwin.analysis.config import load_config
    from graphtwin.analysis.potential import MAX_TOP, write_back_rows
    from graphtwin.analysis.potential import potential as run

    if top > MAX_TOP:
        note(ctx, f"--top {top:,} capped at {MAX_TOP:,}, the most introductions one call ranks")
    config = load_config(weights_file)
    with open_target(ctx, read_only=not write_back) as store:
        g = project(ctx, store)
        fixed = weights_file is not None
        scorer = None if fixed else cached_scorer(ctx, g, config, horizon)
        df = run(
            g,
            city_a,
            city_b,
            sector=sector,
            kind=kind,
            top=top,
            config=config,
            progress=_progress(ctx),
            scorer=scorer,
            fixed_weights=fixed,
        )
        if write_back and len(df):
            written = store.write_potential(write_back_rows(df))
            note(
                ctx, f"wrote {written if written is not None else len(df)} POTENTIAL relationships"
            )
    a = df.attrs
    note(ctx, f"scored {a['candidates']:,} untied pairs between {a['city_a']} and {a['city_b']}")
    note(ctx, f"ranked by: {a['why']}")
    fitted = a["method"] == "fitted"
    if fitted:
        note(
            ctx,
            f"probability = chance of a tie within {a['horizon']} years without an "
            f"introduction; base rate over these candidates {_percent(a['base_rate'])}, "
            "lift = probability / base rate",
        )
        note(ctx, a["scorer"].probability_note)
    if a.get("small"):
        note(ctx, f"note: this network is {a['small']}")
    rows = df.to_dict("records")
    for r in rows:
        r["method"], r["horizon"] = a["method"], a["horizon"]
    if emit_data(ctx, rows, fmt, _potential_json()):
        return
    if not rows:
        click.echo("(no candidate pairs)")
        return
    table = []
    for i, r in enumerate(rows, 1):
        rec: dict[str, Any] = {
            "#": i,
            "source": r["source_name"],
            "target": r["target_name"],
            "kinds": f"{r['source_kind']}–{r['target_kind']}",
        }
        if fitted:
            rec[f"p({a['horizon']}y)"] = _percent(r["probability"])
            rec["lift"] = f"{r['lift']:.0f}x" if r["lift"] == r["lift"] else ""
        else:
            rec["score"] = r["score"]
        rec.update(
            partners=r["common_partners"],
            network=r["adamic_adar"],
            sectors=r["sector_similarity"],
            kind_fit=r["kind_complementarity"],
        )
        table.append(rec)
    click.echo(render(table, "table", max_width=40))
    click.echo()
    click.echo(_numbered("Reasons:", ["; ".join(r["reasons"]) for r in rows]))


def _percent(p: float) -> str:
    """A small probability readably: 0.0123 -> '1.2%', 0.00004 -> '0.004%'."""
    if p != p:
        return ""
    return f"{100 * p:.2g}%" if p < 0.01 else f"{100 * p:.1f}%"


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
        "score_point",
        "evidence",
        "thin",
        *TWINS_COMPONENTS,
        *(f"{k}_point" for k in TWINS_COMPONENTS),
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
    graphtwin/data/weights.toml. The ranking uses conservative estimates: small cities'
    profiles are shrunk towards their country's, and counts of ties, paths and brokers
    are taken one standard deviation low, so one tie or a one-organisation town cannot
    top the list (score_point in CSV/JSON is the plain estimate). evidence says what a
    pair rests on; "thin" flags a city under 3 organisations with no direct tie.
    Without sectors, synergy and complementarity are missing and left out.
    rank_range and rank_stability show how a pair's rank moves when each weight changes
    by ±25%; drivers names its two strongest components. See docs/potential.md.

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
    pairs = df.attrs["pairs"]
    noun = "city pair" if pairs == 1 else "city pairs"
    note(ctx, f"ranked {pairs:,} {noun} ({countries[0]} × {countries[1]})")
    for warning in df.attrs.get("warnings", []):
        click.echo(f"warning: {warning}", err=True)
    rows = df.to_dict("records")
    if emit_data(ctx, rows, fmt, _twins_json()):
        return
    cols = ["rank", "city_a", "city_b", "score", *TWINS_COMPONENTS, "evidence",
            "rank_range", "rank_stability"]  # fmt: skip
    shown = [
        {
            **r,
            **{k: "missing" for k in TWINS_COMPONENTS if r[k] is None},
            "evidence": ("THIN, " if r["thin"] else "") + r["evidence"],
        }
        for r in rows
    ]
    click.echo(render(shown, "table", cols, max_width=30))
    if any(r["thin"] for r in rows):
        click.echo("THIN: a city with fewer than 3 organisations and no direct tie between the two")
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
    "auc_low",
    "auc_high",
    "average_precision",
    "brier",
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
    "horizon",
    "base_rate",
    "method",
    "method_why",
    "validation_bins_inside",
    "calibrated",
    "calibration",
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
@horizon_option
@click.option(
    "--all-pairs",
    is_flag=True,
    help="Evaluate every pair, not only pairs in two cities (the default, what potential ranks).",
)
@click.option("--cross-city", is_flag=True, hidden=True, help="The default; kept for scripts.")
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
    horizon: int,
    all_pairs: bool,
    cross_city: bool,
    negatives: int | None,
    seed: int | None,
    weights_file: str | None,
    fmt: str | None,
) -> None:
    """Check how well potential's ranking predicts ties that came later.

    Does what potential would do with the ties started before YEAR only (fit on the
    earlier years, choose, score) and measures against ties started in YEAR to
    YEAR + horizon − 1, on pairs in two different cities by default: ROC AUC with a 95%
    interval, average precision, precision@K and recall@K for the combined score, the
    fixed weights, the rank combination, every single signal and random; the Brier
    score and a reliability table of the probabilities. Sampled negatives are
    re-weighted so rates refer to all candidate pairs. Undated ties count as past.

    \b
    Examples:
      graphtwin backtest --split 2022
      graphtwin backtest --split 2019 --horizon 5 --top 50 --all-pairs
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
        horizon=horizon,
        cross_city=not all_pairs,
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
    note(ctx, f"combined = what potential ranks by: {c['method_why']}")
    if c["few_positives"]:
        note(ctx, f"warning: only {c['positives']} positives; these figures are mostly noise")
    table: list[dict[str, Any]] = []
    for r in rows:
        table.append(
            {
                "scorer": r["scorer"],
                "auc": r["auc"],
                "auc 95% CI": f"{r['auc_low']:.3f}–{r['auc_high']:.3f}",
                "avg_precision": r["average_precision"],
                f"precision@{r['k']}": r["precision_at_k"],
                f"recall@{r['k']}": r["recall_at_k"],
                f"lift@{r['k']}": (
                    r["precision_at_k"] / c["base_rate"] if c["base_rate"] else None
                ),
                "brier": r["brier"],
            }
        )
    click.echo(render(table, "table"))
    click.echo()
    if not result.calibration:
        click.echo("calibration: combined is not a probability here (uncalibrated fall-back)")
        return
    inside = sum(b["inside"] for b in result.calibration)
    verdict = "calibrated" if result.calibrated else "UNCALIBRATED: read them as a ranking"
    click.echo(
        f"calibration of combined ({inside} of {len(result.calibration)} bins hold the "
        f"observed rate in its 95% interval: {verdict}):"
    )
    cal = [
        {
            "bin": b["bin"],
            "pairs": f"{b['pairs']:,.0f}",
            "positives": b["positives"],
            "mean predicted": _percent(b["mean_predicted"]),
            "observed": _percent(b["observed"]),
            "95% interval": f"{_percent(b['low'])}–{_percent(b['high'])}",
            "inside": "yes" if b["inside"] else "no",
        }
        for b in result.calibration
    ]
    click.echo(render(cal, "table"))


def _counts_note(c: dict[str, Any]) -> str:
    """The backtest's counts (split, ties, pairs left out, sample) as one note."""
    sample = (
        f"a seeded sample of {c['negatives']:,} negatives ({100 * c['negative_sample_rate']:.2g}%)"
        if c["negatives_sampled"]
        else f"all {c['negatives']:,} negatives"
    )
    return (
        f"split {c['split']}, horizon {c['horizon']}: {c['train_ties']:,} training ties "
        f"({c['undated_ties']:,} undated), "
        f"{c['test_ties']:,} test ties; {c['positives']:,} new pairs to predict "
        f"(left out: {c['excluded_new_orgs']:,} with a new organisation, "
        f"{c['excluded_already_tied']:,} already tied"
        + (f", {c['excluded_same_city']:,} within one city" if c["cross_city"] else "")
        + f"); scored against {sample} of {c['candidates']:,} candidate pairs "
        f"(re-weighted); base rate {_percent(c['base_rate'])} of candidate pairs tied within "
        f"{c['horizon']} years; lift = precision / base rate"
    )
