"""Interactive, offline network maps (pyvis + an owned HTML template).

Example:
    from graphtwin.viz import network_map
    network_map(g).write("network.html")
"""

from graphtwin.viz.maps import (
    MapData,
    cities_map,
    city_pair_map,
    ego_map,
    network_map,
    write_map,
)
from graphtwin.viz.notebook import show

__all__ = [
    "MapData",
    "cities_map",
    "city_pair_map",
    "ego_map",
    "network_map",
    "show",
    "write_map",
]
