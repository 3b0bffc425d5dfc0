"""graphtwin: stakeholder network analysis for international city innovation twinning.

The public Python API mirrors the CLI:

>>> from graphtwin.ingest import read_bundle          # doctest: +SKIP
>>> from graphtwin.store import open_store            # doctest: +SKIP
>>> bundle = read_bundle("my-bundle/")                # doctest: +SKIP
>>> with open_store("graphtwin.db") as store:         # doctest: +SKIP
...     store.load(bundle)
...     g = store.projection()
"""

__version__ = "0.1.0"
