// name: top_by_score
// description: Top organisations by a written-back score (a gt_* property), optionally within one city or country.
// param: metric PROPERTY example=gt_pagerank — the stored score to rank by
// param: top INT default=10 example=5 — at most this many organisations
// param: city STRING default="" example=Belfast — only organisations in this city
// param: country STRING default="" example=GB — only organisations in this country
// TEMPLATE: this file does not run as written. {{metric}} is a placeholder that
// `graphtwin query --name top_by_score -p metric=gt_pagerank` replaces with the
// backtick-quoted name of a gt_* score the store holds (checked against the store:
// Cypher cannot take a property name as a parameter, and Ladybug has no dynamic
// property access like Neo4j's o[$name]). To run it elsewhere, replace both
// {{metric}} by the score's name (e.g. gt_pagerank) and set the other parameters.
// Run: graphtwin query --name top_by_score -p metric=gt_pagerank -p top=5 -p city=Belfast -p country=GB
// Neo4j Browser: set the parameters first with  :params {top: 5, city: 'Belfast', country: 'GB'}
MATCH (o:Organisation)
WHERE o.{{metric}} IS NOT NULL
  AND ($city = '' OR o.city = $city)
  AND ($country = '' OR o.country = $country)
RETURN o.id AS id, o.name AS name, o.city AS city, o.country AS country,
       o.{{metric}} AS score
ORDER BY score DESC, id
LIMIT $top
