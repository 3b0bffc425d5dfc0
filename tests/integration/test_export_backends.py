"""Exports carry the provenance the projection leaves out, read from either backend.

:func:`graphtwin.export.with_details` adds ``ror_id``, ``website``, ``size``, ``founded``,
``source`` of organisations and ``evidence``, ``source_url``, ``start``, ``end`` of ties
with two Cypher queries; on LadybugDB and on Neo4j the values must be exactly the
bundle's, tie by tie (ties matched by their stored direction and kind).
"""

from __future__ import annotations

import networkx as nx

from graphtwin.export import with_details, write_gexf
from graphtwin.model import TIE_KINDS


def test_details_and_gexf_round_trip(store, bundle, tmp_path):
    store.load(bundle)
    g = with_details(store.projection(), store)
    orgs = {o.id: o for o in bundle.organisations}
    for v in g.vs:
        assert v["founded"] == orgs[v["id"]].founded
        assert v["size"] == orgs[v["id"]].size
    want = {}
    for t in bundle.ties:
        directed = TIE_KINDS[t.kind].directed
        want[(t.source, t.target, t.kind)] = (t.evidence, t.start)
        if not directed:  # the store may keep either direction of an undirected tie
            want[(t.target, t.source, t.kind)] = (t.evidence, t.start)
    ids = g.vs["id"]
    for e in g.es:
        s = e["source_id"]
        t = ids[e.target] if ids[e.source] == s else ids[e.source]
        assert (e["evidence"], e["start"]) == want[(s, t, e["kind"])]
    assert sum(e is not None for e in g.es["evidence"]) == sum(
        t.evidence is not None for t in bundle.ties
    )
    G = nx.read_gexf(write_gexf(g, tmp_path / "g.gexf")[0])
    assert G.number_of_edges() == len(bundle.ties)
    assert sum("evidence" in d for *_, d in G.edges(data=True)) == sum(
        t.evidence is not None for t in bundle.ties
    )
    assert sum("founded" in d for _, d in G.nodes(data=True)) == sum(
        o.founded is not None for o in bundle.organisations
    )
