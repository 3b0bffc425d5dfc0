# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # graphtwin quickstart: the UK–Korea Innovation Twins demo
#
# This notebook walks through one analysis from start to finish, with the same
# Python calls that the `graphtwin` command line uses:
#
# 1. read and validate the demo bundle, load it into a temporary embedded graph store;
# 2. take an *analysis graph* (igraph) from the store;
# 3. rank organisations by centrality;
# 4. ask **who bridges Belfast and Sejong**, and why;
# 5. suggest **introductions** between Belfast and Sejong organisations, with reasons;
# 6. rank **UK × Korean city pairs** as twinning candidates;
# 7. query the store with **Cypher**: a library query and one of your own;
# 8. draw an **interactive map** inline.
#
# **About the data.** The demo bundle describes the stakeholders of the
# UK–Republic of Korea Innovation Twins programme (Belfast–Sejong, Liverpool City
# Region–Busan and the national bodies around them). It was built **only from
# sourced facts**: every tie carries its evidence and the public page that states it
# (council minutes, programme pages, press releases; see
# `graphtwin/data/demo/SOURCES.md`). Nothing is invented: no tie, date or weight
# appears that a source does not give. The flip side is that the demo is *small and
# partial*: it shows what the public record says about the programme, not the whole
# innovation ecosystem of these cities. Read every ranking below with that in mind.
#
# The source of this notebook is `notebooks/01_quickstart.py` (a
# [jupytext](https://jupytext.readthedocs.io) percent script); the `.ipynb` beside it
# is the same notebook with its outputs, as the test suite last ran it.

# %%
import os

# igraph's parallel kernels slow down when the cores are shared; one thread is
# faster for graphs of this size (set before igraph is imported).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd

from graphtwin.analysis.bridging import bridges
from graphtwin.analysis.centrality import CENTRALITY_METRICS, centrality
from graphtwin.analysis.potential import potential
from graphtwin.analysis.twins import twins
from graphtwin.ingest import read_bundle
from graphtwin.ingest.demo import demo_bundle_path
from graphtwin.store import open_store
from graphtwin.store.queries import list_queries, run_named
from graphtwin.viz.maps import city_pair_map
from graphtwin.viz.notebook import show

pd.set_option("display.max_colwidth", 60)
pd.set_option("display.width", 160)


def pick(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The listed columns that the table has, in this order (tables gain columns)."""
    return table[[c for c in columns if c in table.columns]]


# %% [markdown]
# ## 1. Read the demo bundle
#
# A *bundle* is a folder (or .zip, or one JSON file) of `organisations.csv`,
# `ties.csv` and optionally `cities.csv` and `sectors.csv` (docs/data-format.md).
# `read_bundle` reads **and validates** it: a bundle with any problem (unknown tie
# kind, dangling tie, bad date ...) raises `ValidationFailed` listing every problem
# with its file, line and field, and nothing is loaded.
#
# The table shows a few ties with the evidence and the page they were built from.

# %%
bundle = read_bundle(demo_bundle_path())
print(
    f"{len(bundle.organisations)} organisations, {len(bundle.ties)} ties, "
    f"{len(bundle.cities)} cities"
)
pd.DataFrame(
    [
        {
            "source": t.source,
            "target": t.target,
            "kind": t.kind,
            "start": t.start,
            "evidence": t.evidence,
            "source_url": t.source_url,
        }
        for t in bundle.ties
    ]
).sample(5, random_state=1)

# %% [markdown]
# ## 2. Load it into a graph store
#
# The **store is the system of record**: analysis never reads the input files
# again, it asks the store for a fresh graph, so edits made with Cypher between
# runs count. `open_store` takes a path (an embedded LadybugDB database, nothing
# to install) or a `bolt://` / `neo4j://` URI (a Neo4j server: notebook 03).
# Here the store lives in a temporary folder that is removed at the end.
#
# Loading is an *upsert*: loading the same bundle twice changes nothing. Read the
# counts as a check: every organisation is located in a city, every city in a
# country, and each tie kind became its relationship type (a `mou` is a
# `PARTNERS_WITH`, a `visit` an `ENGAGED_WITH` ...).

# %% tags=["counts"]
workdir = tempfile.TemporaryDirectory(prefix="graphtwin-quickstart-")
store = open_store(Path(workdir.name) / "graphtwin.db")
report = store.load(bundle)
print(report.summary())
store.counts()

# %% [markdown]
# ## 3. The analysis graph
#
# `store.projection()` returns an igraph graph: one vertex per organisation (with
# `id`, `name`, `kind`, `city`, `country`, `sectors`), one edge per tie (with its
# `kind`, `weight`, `start_year`). Ties are *undirected* for analysis and two
# organisations may have several ties (a meeting, then an MOU, then a project):
# analyses sum them into one weighted link. Weights come from the tie kind (a
# joint project weighs more than a meeting) because the demo gives none.
#
# `projection()` can also keep only some tie kinds, countries or years, e.g.
# `store.projection(tie_kinds=["mou", "project"], years=(2022, None))`.

# %%
g = store.projection()
print(f"{g.vcount()} organisations, {g.ecount()} ties")
print("ties by kind:", dict(Counter(g.es["kind"]).most_common()))
print("organisations by city:", dict(Counter(g.vs["city"]).most_common()))

# %% [markdown]
# ## 4. Centrality: who is central to the network?
#
# Each column answers a different question (definitions in docs/metrics.md):
# `degree` / `strength` (how many partners, how much tie weight), `pagerank` and
# `eigenvector` (tied to organisations that are themselves well tied), `harmonic`
# (how close to everyone else), `betweenness` (how often on the shortest path
# between two others: the organisations through which the network holds
# together) and `coreness` (the deepest *k*-core the organisation belongs to).
#
# **How to read it:** on the demo data the top of the table is the programme's
# machinery (the city councils, the catapult that runs the programme, the city
# governments). That is expected: the public record mostly reports agreements and
# visits between those bodies. High betweenness with modest degree marks a broker;
# high degree with low betweenness marks a hub inside one cluster.
#
# The scores are then **written back** to the store as `gt_*` properties, so that
# Cypher queries and maps can use them.

# %% tags=["centrality-table"]
cent = centrality(g)
store.write_scores(
    {
        "id": cent["id"].tolist(),
        "gt_pagerank": cent["pagerank"].to_numpy(),
        "gt_betweenness": cent["betweenness"].to_numpy(),
    }
)
pick(
    cent.sort_values("pagerank", ascending=False), "name", "city", "kind", *CENTRALITY_METRICS
).head(10).round(3)

# %% [markdown]
# ## 5. Who bridges Belfast and Sejong?
#
# `bridges(g, pair=("Belfast", "Sejong"))` scores every organisation by **how much
# of the Belfast–Sejong connectivity passes through it**, and by nothing else
# (docs/metrics.md). The `bridge_score` is the share of all shortest paths between a
# Belfast and a Sejong organisation that run through it (`cross_betweenness`, the
# CLI's `paths`), plus a tie-break worth at most 0.01 from two other shares of the
# pair: `dependence` (the CLI's `sole route`: the pairs for which it is on *every*
# shortest path) and the untied Belfast–Sejong pairs it links directly
# (`pair_two_paths`, as a `liaison` from a third city or a `representative` from one
# of the two). Being a hub elsewhere lifts nobody: `connects_pair` is false for the
# organisations that carry no Belfast–Sejong connection, and the table below leaves
# them out, as `graphtwin bridges` does. Each row gets a `reason` in words: whom it
# links in each city, the shares above, and whether it is an articulation point
# (removing it would split the network).

# %% tags=["bridges-table"]
bridge_table = bridges(g, pair=("Belfast", "Sejong"))
store.write_scores(
    {"id": bridge_table["id"].tolist(), "gt_bridge_score": bridge_table["bridge_score"].to_numpy()}
)
print(f"{bridge_table.attrs['connecting']} of {len(bridge_table)} organisations carry a connection")
pick(
    bridge_table[bridge_table["connects_pair"]],
    "name",
    "city",
    "kind",
    "bridge_score",
    "cross_betweenness",
    "dependence",
    "pair_two_paths",
    "pair_role",
    "articulation",
).head(8).round(3)

# %% tags=["bridges-reasons"]
for row in bridge_table.head(5).itertuples():
    print(f"{row.name} ({row.city}):\n    {row.reason}\n")

# %% [markdown]
# **How to read it:** the first rows are the organisations through which Belfast
# and Sejong reach each other today; the score is a share, so 0.35 means about a third
# of the pair's shortest connections pass through that organisation. A high `dependence`
# and an *articulation point* mark a single point of failure: if that organisation
# stepped back, part of the network would lose its link to the other city.
# Organisations from a third city (London, Seoul) appear when they sit between the
# two, as the programme's delivery partners and embassies do.

# %% [markdown]
# ## 6. Whom to introduce to whom: Belfast ↔ Sejong
#
# `potential` scores every pair (a Belfast organisation, a Sejong organisation)
# **not yet tied** (docs/potential.md). By default it ranks them by the probability of
# a tie forming within three years, from a model **fitted to the network's own
# history** (which pairs became tied after each past cut-off year). When the history
# is too short to fit, it says so and ranks by a rank-based combination of six scores
# instead: shared partners (Adamic–Adar, resource allocation, Jaccard), how well
# connected both are, shared sectors, and how well their kinds complement each other
# (academia, business, government: the triple helix). That combination is
# *uncalibrated*: a score for ordering, not a probability. `intro.attrs["why"]` says
# which ranking was used, and why. Every suggestion comes with its **reasons**: the
# partners the two share, the sectors they share, why their kinds fit, and who could
# make the introduction.

# %% tags=["introductions-table"]
intro = potential(g, "Belfast", "Sejong", top=8)
print(f"{intro.attrs['candidates']} untied Belfast–Sejong pairs scored")
print("ranked by:", intro.attrs["why"])
if intro.attrs.get("small"):
    print("note:", intro.attrs["small"])
pick(intro, "source_name", "target_name", "score", "common_partners", "bridge").round(3)

# %% tags=["introductions-reasons"]
for row in intro.head(5).itertuples():
    print(f"{row.source_name}  ↔  {row.target_name}   (score {row.score:.2f})")
    for reason in row.reasons:
        print(f"    - {reason}")
    print()

# %% [markdown]
# **How to read it:** the demo's public record has only a handful of dated new
# Belfast–Sejong ties, too few to fit a model, so the order comes from the
# uncalibrated combination and a suggestion is a conversation starter, not a
# prediction. Pairs with several shared partners are easy introductions (someone both
# already work with can make them); pairs scored mostly on sectors and kinds are
# *strategic* matches that nobody is yet placed to make. These scores are relative to
# the candidates of this city pair, so compare them within this table. On a network
# with enough dated ties, `probability` holds the fitted chance of a tie within the
# horizon and `lift` how many times the base rate that is (`graphtwin backtest` shows
# how well either ranking predicted ties that came later).

# %% [markdown]
# ## 7. Which UK–Korean city pairs should be twinned?
#
# `twins(g, ("GB", "KR"))` ranks **every** pair of a UK city and a Korean city on
# capacity, synergy (similar specialisations), complementarity, existing ties,
# network proximity and brokers (docs/potential.md). Each component is taken
# *conservatively*, discounting thin evidence: one tie counts 0.17 of a tie, two
# 0.71, ten 6.9, and a city with few organisations has its profile shrunk towards
# its country's (`score_point` is the plain estimate). `evidence` says what lies
# between the two cities (`direct` ties, `indirect` brokers and two-step paths, or
# `profile only`); `thin` flags a pair where one city has fewer than 3 organisations
# and no direct tie. `rank_range` is the best and worst rank when each weight moves by
# ±25%; `drivers` names the components that contribute most.

# %% tags=["twins-table"]
twin_table = twins(g, ("GB", "KR"), top=10)
pick(
    twin_table,
    "rank",
    "city_a",
    "city_b",
    "score",
    "capacity",
    "synergy",
    "existing_ties",
    "brokers",
    "evidence",
    "thin",
    "rank_range",
    "drivers",
).round(3)

# %% [markdown]
# **How to read it:** on the demo data the pairs with an existing programme
# (Belfast–Sejong, Liverpool–Busan) rank high partly *because* the public record is
# about them: existing ties, brokers and proximity all reward what is already
# documented. A pair flagged `thin` (Coleraine, with one organisation in the demo) is
# still ranked but rests on too little to act on; `min_orgs=` drops small cities
# altogether. A pair whose `rank_range` is wide depends on the weights; a narrow range
# is a robust result.

# %% [markdown]
# ## 8. Ask the store with Cypher
#
# The store speaks Cypher. The **query library** (`cypher/*.cypher`, listed by
# `graphtwin queries`, documented in docs/cypher.md) holds ready-made questions;
# `run_named` binds their parameters and runs them read-only, exactly as
# `graphtwin query --name` does.

# %% tags=["library"]
print("library:", ", ".join(q.name for q in list_queries()))
ties = run_named(store, "ties_between_cities", {"city_a": "Belfast", "city_b": "Sejong"})
print(f"{len(ties.rows)} ties between Belfast and Sejong")
pick(pd.DataFrame(ties.rows, columns=ties.columns), "name_a", "name_b", "kind", "start_year").head(
    8
)

# %% [markdown]
# Your own queries take values as **parameters** (`$city`), never pasted into the
# query text: safe with any input. The written-back scores are ordinary node
# properties, so Cypher can rank by them: here the top bridges of Belfast.

# %% tags=["cypher-scores"]
top_bridges = store.query(
    """
    MATCH (o:Organisation)-[:LOCATED_IN]->(c:City)
    WHERE c.name = $city AND o.gt_bridge_score > $min_score
    RETURN o.name AS name, o.kind AS kind, o.gt_bridge_score AS bridge_score
    ORDER BY bridge_score DESC, name
    LIMIT $top
    """,
    {"city": "Belfast", "min_score": 0.0, "top": 5},
)
pd.DataFrame(top_bridges.rows, columns=top_bridges.columns).round(3)

# %% [markdown]
# ## 9. See it: an interactive map
#
# The city-pair map puts Belfast's organisations on the left, Sejong's on the right
# and the organisations that connect them in between. The top bridges get a thick
# border, ties between the two cities are orange, and the suggested introductions
# are dashed green lines. Hover for details, drag to pan, scroll to zoom, filter the
# ties by kind and year in the side panel, click a legend colour to hide it, and
# click a line to read its evidence and source. The map is one self-contained page:
# `write_map(m, "belfast-sejong.html")` saves it as a file that opens offline.
# (GitHub does not run the map inside its notebook preview; Jupyter does.)

# %% tags=["map"]
g = store.projection()  # a fresh graph: now with the gt_* scores written above
pair_map = city_pair_map(
    g,
    "Belfast",
    "Sejong",
    bridges=bridge_table,
    potential=intro,
    size_by="bridge_score",
    dataset="UK–Korea Innovation Twins demo",
)
print(pair_map.summary())
show(pair_map, height=620)

# %% [markdown]
# ## Next steps
#
# - The same analysis from the command line: `graphtwin demo`, then
#   `graphtwin --db graphtwin-demo/graphtwin.db bridges Belfast Sejong` (README).
# - Your own data, from CSV files or ROR records: notebook 02.
# - The same analysis on a Neo4j server: notebook 03.
#
# The last cell closes the store and removes the temporary folder.

# %%
store.close()
workdir.cleanup()
