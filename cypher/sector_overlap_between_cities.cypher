// name: sector_overlap_between_cities
// description: Sectors present in both cities, with the number of organisations active in each, largest overlap first.
// param: city_a STRING example=Belfast — first city
// param: city_b STRING example=Sejong — second city
// param: country_a STRING default="" example=GB — country code of city_a, if the name is ambiguous
// param: country_b STRING default="" example=KR — country code of city_b, if the name is ambiguous
// Run: graphtwin query --name sector_overlap_between_cities -p city_a=Belfast -p city_b=Sejong -p country_a=GB -p country_b=KR
// Neo4j Browser: set the parameters first with  :params {city_a: 'Belfast', city_b: 'Sejong', country_a: 'GB', country_b: 'KR'}
MATCH (ca:City)<-[:LOCATED_IN]-(a:Organisation)-[:ACTIVE_IN]->(s:Sector)
WHERE ca.name = $city_a AND ($country_a = '' OR ca.country = $country_a)
WITH s, count(DISTINCT a.id) AS orgs_a
MATCH (cb:City)<-[:LOCATED_IN]-(b:Organisation)-[:ACTIVE_IN]->(s)
WHERE cb.name = $city_b AND ($country_b = '' OR cb.country = $country_b)
WITH s, orgs_a, count(DISTINCT b.id) AS orgs_b
RETURN s.id AS sector, s.name AS name, orgs_a, orgs_b, orgs_a + orgs_b AS total
ORDER BY total DESC, sector
