"""graphtwin: stakeholder network analysis for international city innovation twinning.

The public Python API mirrors the CLI:

from graphtwin.ingest import read_bundle
from graphtwin.store import open_store
bundle = read_bundle("my-bundle/")
with open_store("graphtwin.db") as store:
    store.load(bundle)
    g = store.projection()
"""

__version__ = "0.1.0"
