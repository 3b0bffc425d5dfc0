// name: potential_introductions
// description: Recommended introductions written back to the store (POTENTIAL relationships), best first.
// param: city_pair STRING default="" example=GB-belfast|KR-sejong — only this city pair, as written by the analysis
// param: top INT default=20 example=10 — at most this many introductions
// Run: graphtwin query --name potential_introductions -p 'city_pair=GB-belfast|KR-sejong' -p top=10
// Neo4j Browser: set the parameters first with  :params {city_pair: 'GB-belfast|KR-sejong', top: 10}
MATCH (a:Organisation)-[p:POTENTIAL]->(b:Organisation)
WHERE ($city_pair = '' OR p.city_pair = $city_pair)
RETURN p.city_pair AS city_pair, a.id AS source, a.name AS source_name,
       b.id AS target, b.name AS target_name, p.score AS score, p.reasons AS reasons
ORDER BY score DESC, source, target
LIMIT $top
