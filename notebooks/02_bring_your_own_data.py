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
# # Bring your own data: from ROR records or CSV files to introductions and a map
#
# graphtwin analyses any stakeholder network written as a **bundle**: a folder of
# CSV files (`organisations.csv`, `ties.csv`, optionally `cities.csv` and
# `sectors.csv`; docs/data-format.md). You can write a bundle yourself (from a CRM
# export, a spreadsheet, a list of signed agreements) or convert a public source
# or another tool's network with `graphtwin import openalex | ror | gtr | cordis |
# graphml | gexf` (docs/importers.md).
#
# This notebook takes the second road with **real data**: 2,966 records of UK and
# Korean organisations from the [Research Organization Registry](https://ror.org)
# (ROR, CC0) and the relationships they list, copied into the repository under
# `tests/data/real/`. It then does what you would do with your own files:
#
# 1. convert the ROR records into a bundle (`import_ror`, the same code as
#    `graphtwin import ror`);
# 2. write the bundle as CSV files and look at them: the format your own data takes;
# 3. see how validation reports a bad row (file, line, field) before anything loads;
# 4. load the bundle into a temporary embedded store;
# 5. rank UK × Korean city pairs, then suggest introductions for the top pair;
# 6. draw the city-pair map as a self-contained HTML file.
#
# **What ROR data can and cannot say.** ROR relationships are *institutional*
# (a hospital belongs to a trust, an institute to its parent, one organisation
# succeeded another): they are real but they are not collaborations, and almost none
# cross the UK–Korea border. So introductions here rest on complementary kinds and
# on who sits next to each side, not on shared partners. With your own collaboration
# data the same calls have far more to work with.
#
# Run it from the repository's `notebooks/` folder (it reads `../tests/data/real/`).

# %%
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from graphtwin.analysis.potential import potential
from graphtwin.analysis.twins import twins
from graphtwin.ingest import ValidationFailed, read_bundle
from graphtwin.ingest.ror import import_ror
from graphtwin.ingest.writer import write_bundle
from graphtwin.store import open_store
from graphtwin.viz.maps import city_pair_map, write_map

pd.set_option("display.max_colwidth", 50)
pd.set_option("display.width", 160)

REAL_DATA = Path("..") / "tests" / "data" / "real"
workdir = Path(tempfile.mkdtemp(prefix="graphtwin-own-data-"))


def pick(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """The listed columns that the table has, in this order (tables gain columns)."""
    return table[[c for c in columns if c in table.columns]]


# %% [markdown]
# ## 1. Convert ROR records into a bundle
#
# `import_ror` reads ROR JSON files, folders of them, or the ROR CSV layout (an
# organisations file and a relationships file). Each organisation keeps its ROR id,
# founding year and website; its city is resolved against GeoNames; its kind comes
# from the ROR types (education → university, company → firm ...). The summary says
# what was kept, merged, dropped and why: records marked inactive or withdrawn in ROR
# are left out by default (`include_inactive=True`, or `--include-inactive` on the
# command line, keeps them).

# %% tags=["import"]
imported = import_ror(
    [REAL_DATA / "ror_gb_kr_from_ror_records.csv", REAL_DATA / "ror_relationships_gb_kr.csv"]
)
print(imported.summary())

# %% [markdown]
# ## 2. The bundle as CSV files: the format of your own data
#
# `write_bundle` writes the bundle as the CSV files that `graphtwin validate` and
# `graphtwin load` read (`graphtwin import ror ... -o FOLDER` does the same). Your own
# data takes exactly this shape: one row per organisation (`id`, `name`, `kind`,
# `city`, `country`, optional `sectors`, `ror_id` ...) and one row per tie (`source`,
# `target`, `kind`, optional `weight`, `start`, `end`, `evidence`, `source_url`).

# %% tags=["csv"]
bundle_dir = workdir / "ror-bundle"
paths = write_bundle(imported.bundle, bundle_dir)
for path in paths.values():
    lines = path.read_text(encoding="utf-8").splitlines()
    print(f"{path.name}: {len(lines) - 1:,} rows; columns: {lines[0]}")
pd.read_csv(paths["ties"]).head(5)

# %% [markdown]
# ## 3. Validation: a bad row is reported, and nothing is loaded
#
# Suppose a hand edit introduced a typo in a tie kind. `read_bundle` validates the
# whole bundle and raises `ValidationFailed` listing **every** problem with its file,
# line and field; `graphtwin validate FOLDER` prints the same list. Here a copy of the
# bundle gets one broken row, to see the message.

# %% tags=["validation"]
broken_dir = workdir / "broken-bundle"
write_bundle(imported.bundle, broken_dir)
ties_csv = broken_dir / "ties.csv"
rows = ties_csv.read_text(encoding="utf-8").splitlines()
first = rows[1].split(",")
first[2] = "parnet"  # the tie kind column, misspelt
rows[1] = ",".join(first)
ties_csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
try:
    read_bundle(broken_dir)
except ValidationFailed as exc:
    print(exc)
    for problem in exc.problems:
        print("  ", problem)

# %% [markdown]
# ## 4. Load the bundle into a store
#
# The correct bundle validates and loads. The store here is an embedded LadybugDB
# database in a temporary folder; pass a `bolt://` URI to `open_store` to use a Neo4j
# server instead (notebook 03). Loading is an upsert: loading again changes nothing.

# %% tags=["load"]
bundle = read_bundle(bundle_dir)
store = open_store(workdir / "graphtwin.db")
print(store.load(bundle).summary())
g = store.projection()
print(f"analysis graph: {g.vcount():,} organisations, {g.ecount():,} ties")

# %% [markdown]
# ## 5. Which city pairs, and whom to introduce?
#
# `twins` ranks every UK × Korean city pair; `min_orgs=5` leaves out cities with
# fewer than five organisations, which would rest on thin evidence. `evidence` says
# what lies between the two cities (direct ties, brokers and two-step paths, or only
# the two cities' profiles), and the `drivers` column says what puts a pair at the top.
# ROR records carry no sectors, so synergy and complementarity cannot be computed:
# they show as `None` and are left out of the score (the other weights are
# renormalised), which leaves capacity to lead.

# %% tags=["twins"]
pairs = twins(g, ("GB", "KR"), top=5, min_orgs=5)
pick(
    pairs, "rank", "city_a", "city_b", "score", "capacity", "complementarity", "evidence", "drivers"
).round(3)

# %% [markdown]
# Every top pair here is `profile only`: no ROR relationship crosses the UK–Korea
# border, so this ranking says which cities have the capacity for a programme, not
# which already work together. Collaboration data of your own fills in the rest.
#
# Then `potential` suggests introductions between the organisations of the top pair
# that are not tied yet, each with its reasons and the organisation best placed to
# make the introduction. ROR relationships have no dates, so there is no history to
# fit a model on: `potential` says so and ranks by its uncalibrated rank-based
# combination of scores (`intro.attrs["why"]`).

# %% tags=["introductions"]
city_a, city_b = pairs.iloc[0]["city_a"], pairs.iloc[0]["city_b"]
intro = potential(g, city_a, city_b, top=8)
print(f"{city_a} × {city_b}: {intro.attrs['candidates']:,} untied pairs scored")
print("ranked by:", intro.attrs["why"])
for row in intro.head(3).itertuples():
    print(f"\n{row.source_name}  ↔  {row.target_name}   (score {row.score:.2f})")
    for reason in row.reasons:
        print(f"    - {reason}")
pick(intro, "source_name", "target_name", "score", "bridge").round(3)

# %% [markdown]
# ## 6. The city-pair map
#
# `city_pair_map` draws the two cities side by side, the organisations that connect
# them in between, and the suggested introductions as dashed lines. `write_map`
# saves it as one self-contained HTML page (no server, no internet needed): open it
# in a browser, or show it inline with `graphtwin.viz.notebook.show(m)` as notebook
# 01 does. `graphtwin map -o FILE --city A --city B` draws the same map from the command line.

# %% tags=["map"]
pair_map = city_pair_map(g, city_a, city_b, potential=intro, dataset="ROR (CC0), GB and KR")
html_path = write_map(pair_map, workdir / f"{city_a}-{city_b}.html".lower())
print(pair_map.summary())
print(f"wrote {html_path.name} ({html_path.stat().st_size / 1e6:.1f} MB, self-contained)")

# %% [markdown]
# ## Your own CSV files
#
# To analyse your own network, write `organisations.csv` and `ties.csv` in the shape
# shown in step 2 (docs/data-format.md lists every column and the tie kinds), then:
#
# ```bash
# graphtwin validate my-bundle/          # every problem, with file, line and field
# graphtwin --db my.db load my-bundle/   # idempotent: re-loading changes nothing
# graphtwin --db my.db twins --countries GB KR --min-orgs 5
# graphtwin --db my.db potential Belfast Sejong --write-back
# graphtwin --db my.db map -o belfast-sejong.html --city Belfast --city Sejong
# ```
#
# or, in Python, `read_bundle("my-bundle/")` and the calls above. The last cell
# closes the store and removes the temporary folder.

# %%
store.close()
shutil.rmtree(workdir)
