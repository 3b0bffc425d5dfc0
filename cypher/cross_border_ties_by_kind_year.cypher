// name: cross_border_ties_by_kind_year
// description: Number of ties between organisations of two (different) countries, by tie kind and start year.
// param: country_a STRING example=GB — ISO country code
// param: country_b STRING example=KR — ISO country code, not the same as country_a
// Run: graphtwin query --name cross_border_ties_by_kind_year -p country_a=GB -p country_b=KR
// Neo4j Browser: set the parameters first with  :params {country_a: 'GB', country_b: 'KR'}
MATCH (a:Organisation)-[t:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(b:Organisation)
WHERE a.country = $country_a AND b.country = $country_b
RETURN t.kind AS kind, t.start_year AS year, count(t) AS ties
ORDER BY kind, year
