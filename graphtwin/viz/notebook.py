"""Show maps inline in Jupyter notebooks, with no server and no files.

The whole map page goes into an ``<iframe srcdoc=...>``: the notebook needs no web
server, the page keeps its own styles and scripts apart from the notebook's, and the
``sandbox`` attribute lets the map's script run without access to the notebook.
A :class:`~graphtwin.viz.maps.MapData` shown as the last expression of a cell displays
itself this way; :func:`show` does the same explicitly, with a chosen height.

Example:
    >>> html = iframe_html("<p>a & b</p>", height=300)
    >>> html.startswith('<iframe srcdoc="&lt;p&gt;a &amp; b&lt;/p&gt;"')
    True
"""

from __future__ import annotations

import html as _html
from typing import Any

DEFAULT_HEIGHT = 640


def iframe_html(document: str, height: int = DEFAULT_HEIGHT) -> str:
    """An ``<iframe>`` element whose ``srcdoc`` is ``document`` (attribute-escaped).

    Scripts run in the sandbox (``allow-scripts``) but get no access to the page
    around them.
    """
    return (
        f'<iframe srcdoc="{_html.escape(document, quote=True)}" '
        f'style="width: 100%; height: {int(height)}px; border: 1px solid #d9dee4;" '
        'sandbox="allow-scripts" loading="eager" title="graphtwin map"></iframe>'
    )


def show(map_or_html: Any, height: int = DEFAULT_HEIGHT) -> Any:
    """Display a map (a MapData or a finished HTML string) inline in a notebook.

    Returns an ``IPython.display.IFrame`` whose ``srcdoc`` holds the page; Jupyter
    renders it when it is the last expression of a cell.

    Example (in a notebook cell)::

        from graphtwin.viz.maps import network_map
        from graphtwin.viz.notebook import show
        show(network_map(g, max_nodes=200), height=700)
    """
    from IPython.display import IFrame

    document = map_or_html if isinstance(map_or_html, str) else map_or_html.to_html()
    return IFrame(
        src="",
        width="100%",
        height=int(height),
        extras=[
            f'srcdoc="{_html.escape(document, quote=True)}"',
            'sandbox="allow-scripts"',
            'title="graphtwin map"',
        ],
    )
