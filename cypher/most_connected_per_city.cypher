// name: most_connected_per_city
// description: The organisations with the most ties in each city (dense rank: equal counts share a rank).
// param: top INT default=3 example=5 — ranks to keep per city
// param: country STRING default="" example=KR — only cities of this country
// Top-N per group without ordered collect() (Ladybug does not keep ORDER BY inside
// collect): an organisation's rank is 1 + the number of distinct higher tie counts in
// its city. Organisations without ties are left out.
// Run: graphtwin query --name most_connected_per_city -p top=5 -p country=KR
// Neo4j Browser: set the parameters first with  :params {top: 5, country: 'KR'}
MATCH (o:Organisation)-[:LOCATED_IN]->(c:City)
WHERE ($country = '' OR c.country = $country)
WITH c, o, COUNT { MATCH (o)-[:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(:Organisation) } AS ties
WHERE ties > 0
WITH c, collect(DISTINCT ties) AS levels
MATCH (o:Organisation)-[:LOCATED_IN]->(c)
WITH c, levels, o, COUNT { MATCH (o)-[:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(:Organisation) } AS ties
WHERE ties > 0
UNWIND levels AS level
WITH c, o, ties, sum(CASE WHEN level > ties THEN 1 ELSE 0 END) AS higher
WHERE higher < $top
RETURN c.name AS city, c.country AS country, higher + 1 AS rank,
       o.id AS id, o.name AS name, ties
ORDER BY country, city, rank, id
