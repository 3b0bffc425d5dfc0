// name: top_by_score
// description: Top organisations by a written-back score (a gt_* property), optionally within one city or country.
// param: metric PROPERTY example=gt_pagerank — the stored score to rank by
// param: top INT default=10 example=5 — at most this many organisations
// param: city STRING default="" example=Belfast — only organisations in this city
// param: country STRING default="" example=GB — only organisations in this country
// Why {{metric}}: Cypher cannot take a property name as a parameter, and Ladybug has
// no dynamic property access (Neo4j's o[$name]). graphtwin therefore accepts only the
// name of a gt_* property that the store holds (a whitelist read from the store) and
// puts it, backtick-quoted, where {{metric}} stands. All values remain parameters.
MATCH (o:Organisation)
WHERE o.{{metric}} IS NOT NULL
  AND ($city = '' OR o.city = $city)
  AND ($country = '' OR o.country = $country)
RETURN o.id AS id, o.name AS name, o.city AS city, o.country AS country,
       o.{{metric}} AS score
ORDER BY score DESC, id
LIMIT $top
