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
# # Working with Neo4j: the same analysis on a Neo4j server
#
# graphtwin keeps its graph in a **store**: an embedded LadybugDB database by default
# (notebooks 01 and 02), or a **Neo4j 5** server. Everything above the store is the
# same: the same bundle loads the same way, the analysis gets the same igraph graph,
# and the library queries of `cypher/` run on both. This notebook:
#
# 1. connects to a Neo4j server and checks that it may write there;
# 2. loads the demo bundle (twice: the load is idempotent);
# 3. runs centrality, bridges and introductions on the graph *from Neo4j* and
#    checks that an embedded store gives the same graph and the same answers;
# 4. writes the scores and the introductions back into Neo4j;
# 5. queries them with library queries and with Neo4j's own Cypher.
#
# **The server.** `graphtwin neo4j start` runs a local Neo4j 5.26 Community server
# (from Maven Central, no Docker; needs Java 17+) on `bolt://127.0.0.1:7687` without
# authentication. To use another server set `NEO4J_URI` (and `NEO4J_USERNAME`,
# `NEO4J_PASSWORD`, `NEO4J_DATABASE` if needed) before starting Jupyter.
#
# **It writes to that database.** The notebook loads the demo organisations and ties
# and adds scores and `POTENTIAL` relationships. It refuses to run on a database
# that holds anything other than graphtwin data.

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import tempfile
from pathlib import Path

import pandas as pd

from graphtwin.analysis.bridging import bridges
from graphtwin.analysis.centrality import centrality
from graphtwin.analysis.potential import potential, write_back_rows
from graphtwin.errors import QueryError
from graphtwin.ingest import read_bundle
from graphtwin.ingest.demo import demo_bundle_path
from graphtwin.store import open_store
from graphtwin.store.queries import run_named

pd.set_option("display.max_colwidth", 60)
pd.set_option("display.width", 160)

NEO4J_URI = os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687")


def as_table(result) -> pd.DataFrame:
    """A query result as a DataFrame."""
    return pd.DataFrame(result.rows, columns=result.columns)


# %% [markdown]
# ## 1. Connect, and check the database is free for graphtwin
#
# `open_store` with a `bolt://` or `neo4j://` URI opens a Neo4j store (a path would
# open LadybugDB). Every node graphtwin writes has one of four labels; anything else
# in the database means it belongs to someone else, and the notebook stops.

# %% tags=["connect"]
store = open_store(NEO4J_URI)
print(f"connected: {store.backend} at {NEO4J_URI}")
labels = as_table(
    store.query("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label")
)
foreign = sorted(set(labels["label"]) - {"Organisation", "City", "Country", "Sector"})
if foreign:
    store.close()
    raise RuntimeError(
        f"{NEO4J_URI} holds other data (labels {', '.join(foreign)}): "
        "use an empty database, e.g. the one `graphtwin neo4j start` runs"
    )
print("nodes already there:", dict(zip(labels["label"], labels["n"], strict=True)) or "none")

# %% [markdown]
# ## 2. Load the demo bundle, twice
#
# Loading **merges** on ids: organisations, cities and ties that are already there
# are updated, not duplicated, and a failed load writes nothing. The second load
# below creates nothing, and the counts stay the same.

# %% tags=["load"]
bundle = read_bundle(demo_bundle_path())
print("first load: ", store.load(bundle).summary())
first = store.counts()
print("second load:", store.load(bundle).summary())
print("counts unchanged by the second load:", store.counts() == first)

# %% [markdown]
# ## 3. The same analysis, from Neo4j
#
# `store.projection()` reads the organisations and ties from Neo4j into an igraph
# graph; from there on nothing knows which store the graph came from. To show it,
# the same bundle also goes into a temporary embedded store, and the two graphs and
# their bridge rankings are compared.

# %% tags=["same-analysis"]
g = store.projection()
scratch = tempfile.TemporaryDirectory(prefix="graphtwin-neo4j-nb-")
with open_store(Path(scratch.name) / "graphtwin.db") as embedded:
    embedded.load(bundle)
    g_embedded = embedded.projection()


def edges(graph):
    ids = graph.vs["id"]
    return sorted((*sorted((ids[e.source], ids[e.target])), e["kind"]) for e in graph.es)


print(f"Neo4j:    {g.vcount()} organisations, {g.ecount()} ties")
print(f"embedded: {g_embedded.vcount()} organisations, {g_embedded.ecount()} ties")
print(
    "same organisations and ties:",
    sorted(g.vs["id"]) == sorted(g_embedded.vs["id"]) and edges(g) == edges(g_embedded),
)

bridge_table = bridges(g, pair=("Belfast", "Sejong"))
bridge_embedded = bridges(g_embedded, pair=("Belfast", "Sejong"))
print(
    "same top 5 bridges:",
    bridge_table["id"].head(5).tolist() == bridge_embedded["id"].head(5).tolist(),
)
bridge_table[["name", "city", "bridge_score"]].head(5).round(3)

# %% [markdown]
# ## 4. Write the scores and the introductions back into Neo4j
#
# `write_scores` sets `gt_*` properties on the organisations (one batched write);
# `write_potential` stores suggested introductions as `POTENTIAL` relationships
# with their score and reasons, as `graphtwin potential --write-back` does. Analysis
# results then live next to the data, for Cypher, Neo4j Browser or Bloom.

# %% tags=["write-back"]
cent = centrality(g)
written = store.write_scores(
    {"id": cent["id"].tolist(), "gt_pagerank": cent["pagerank"].to_numpy()}
)
written += store.write_scores(
    {"id": bridge_table["id"].tolist(), "gt_bridge_score": bridge_table["bridge_score"].to_numpy()}
)
intro = potential(g, "Belfast", "Sejong", top=8)
introductions = store.write_potential(write_back_rows(intro))
print(f"scores written: {written} values; introductions written: {introductions}")

# %% [markdown]
# ## 5. Query them: library queries, and Neo4j's own Cypher
#
# The library queries run here exactly as on LadybugDB (`graphtwin query --name
# top_by_score -p metric=gt_bridge_score` from the command line).
# `top_by_score` takes the *name* of a score: graphtwin checks it against the
# `gt_*` properties the store holds before placing it in the query (docs/cypher.md).

# %% tags=["top-by-score"]
as_table(run_named(store, "top_by_score", {"metric": "gt_bridge_score", "top": 5}))

# %% tags=["potential-query"]
as_table(run_named(store, "potential_introductions", {"top": 5}))

# %% [markdown]
# Your own Cypher runs with parameters, and on Neo4j it can use what LadybugDB does
# not have, such as `shortestPath` or dynamic property access (`o[$score]`); see the
# differences listed in docs/cypher.md. Here: the shortest chains of ties from
# Queen's University Belfast to Sejong Technopark (the tie types only, so that the
# `POTENTIAL` relationships just written do not count as ties), and the written-back
# scores read by a property name given as a parameter. (`DISTINCT`: two organisations
# with ties of two kinds are joined by two relationships, so the same chain of
# organisations comes back once per combination of relationships.)

# %% tags=["neo4j-cypher"]
paths = store.query(
    """
    MATCH (a:Organisation {id: $from}), (b:Organisation {id: $to})
    MATCH p = allShortestPaths((a)-[*..4]-(b))
    WHERE none(r IN relationships(p) WHERE type(r) = 'POTENTIAL')
    RETURN DISTINCT [n IN nodes(p) | n.name] AS chain, length(p) AS ties
    """,
    {"from": "qub", "to": "sejong-technopark"},
)
for chain, ties in paths.rows:
    print(f"{ties} ties: " + " → ".join(chain))

as_table(
    store.query(
        """
        MATCH (o:Organisation)-[:LOCATED_IN]->(:City {name: $city})
        WHERE o[$score] IS NOT NULL
        RETURN o.name AS name, o[$score] AS score
        ORDER BY score DESC LIMIT 5
        """,
        {"city": "Sejong", "score": "gt_pagerank"},
    )
).round(4)

# %% [markdown]
# `store.query` is **read-only** unless given `write=True`, as `graphtwin query` is
# without `--write`: graphtwin checks each statement before the server sees it, and
# refuses writes, more than one statement, and anything that reaches files on the
# server (`LOAD CSV`) unless `host_access=True` is given too (docs/cypher.md).

# %% tags=["read-only"]
for cypher in (
    "MATCH (o:Organisation {id: 'qub'}) SET o.gt_note = 'edited'",
    "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
):
    try:
        store.query(cypher)
    except QueryError as refused:
        print(refused)

# %% [markdown]
# The data stays in Neo4j for you to explore (`graphtwin --db bolt://127.0.0.1:7687
# queries` lists the library; any Bolt client works). The last cell closes the
# connection and removes the temporary embedded store.

# %%
store.close()
scratch.cleanup()
