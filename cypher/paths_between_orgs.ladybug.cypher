// name: paths_between_orgs
// description: Paths of up to max_hops ties (at most 4) between two organisations, shortest first, no organisation visited twice.
// param: org_a STRING example=qub — start organisation id
// param: org_b STRING example=sejong-city — end organisation id
// param: max_hops INT default=3 example=2 — longest path, in ties (1 to 4)
// param: limit INT default=25 example=10 — at most this many paths
// Backend variant: Ladybug needs a literal upper bound and spells simple paths ACYCLIC
// and node properties properties(nodes(p), 'x'); Neo4j has no ACYCLIC and uses list
// comprehensions. Both cap the pattern at 4 hops and filter length(p) <= $max_hops.
MATCH p = (a:Organisation {id: $org_a})-[:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH* ACYCLIC 1..4]-(b:Organisation {id: $org_b})
WHERE length(p) <= $max_hops
RETURN length(p) AS hops,
       properties(nodes(p), 'id') AS ids,
       properties(nodes(p), 'name') AS names,
       properties(rels(p), 'kind') AS kinds
ORDER BY hops
LIMIT $limit
