// name: ties_between_cities
// description: Every tie between an organisation in one city and an organisation in another, with kind, start year and weight.
// param: city_a STRING example=Belfast — first city (name as loaded)
// param: city_b STRING example=Sejong — second city
// param: country_a STRING default="" example=GB — country code of city_a, if the name is ambiguous
// param: country_b STRING default="" example=KR — country code of city_b, if the name is ambiguous
// Ties are matched without direction; each tie is listed once, from city_a's side.
// Run: graphtwin query --name ties_between_cities -p city_a=Belfast -p city_b=Sejong -p country_a=GB -p country_b=KR
// Neo4j Browser: set the parameters first with  :params {city_a: 'Belfast', city_b: 'Sejong', country_a: 'GB', country_b: 'KR'}
MATCH (ca:City)<-[:LOCATED_IN]-(a:Organisation)-[t:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(b:Organisation)-[:LOCATED_IN]->(cb:City)
WHERE ca.name = $city_a AND cb.name = $city_b
  AND ($country_a = '' OR ca.country = $country_a)
  AND ($country_b = '' OR cb.country = $country_b)
  AND (ca.id <> cb.id OR a.id < b.id)
RETURN a.id AS org_a, a.name AS name_a, b.id AS org_b, b.name AS name_b,
       t.kind AS kind, t.start_year AS start_year, t.weight AS weight
ORDER BY kind, org_a, org_b
