// name: paths_between_orgs
// description: Paths of up to max_hops ties (at most 4) between two organisations, shortest first, no organisation visited twice; each chain of organisations once.
// param: org_a STRING example=qub — start organisation id
// param: org_b STRING example=sejong-city — end organisation id
// param: max_hops INT default=3 example=2 — longest path, in ties (1 to 4)
// param: limit INT default=25 example=10 — at most this many paths
// Returns one row per chain of organisations: hops, ids, names, and kinds, where kinds[i]
// lists every kind of tie between the i-th and the next organisation ('delegation|meeting').
// Two organisations with ties of several kinds are joined by several relationships, so a
// plain path query returns the same chain once per combination of ties; this one groups them.
// Backend variant: Ladybug needs a literal upper bound, spells simple paths ACYCLIC, indexes
// lists from 1 and reads node properties with properties(nodes(p), 'x'); Neo4j has no
// ACYCLIC and uses list comprehensions. Both cap the pattern at 4 hops and filter
// length(p) <= $max_hops.
// Ladybug variant: run it with graphtwin query --name (which sets every parameter).
// Run: graphtwin query --name paths_between_orgs -p org_a=qub -p org_b=sejong-city -p max_hops=2 -p limit=10
// Ladybug variant: run it with graphtwin query --name (which sets every parameter).
MATCH p = (a:Organisation {id: $org_a})-[:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH* ACYCLIC 1..4]-(b:Organisation {id: $org_b})
WHERE length(p) <= $max_hops
WITH length(p) AS hops, properties(nodes(p), 'id') AS ids, properties(nodes(p), 'name') AS names,
     properties(rels(p), 'kind') AS kinds
UNWIND range(1, hops) AS i
WITH hops, ids, names, i, collect(DISTINCT kinds[i]) AS hop_kinds
WITH hops, ids, names,
     collect(cast(i, 'STRING') + ':' + list_to_string('|', list_sort(hop_kinds))) AS steps
RETURN hops, ids, names, list_transform(list_sort(steps), s -> substring(s, 3, size(s))) AS kinds
ORDER BY hops, list_to_string(',', ids)
LIMIT $limit
