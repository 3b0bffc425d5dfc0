// name: city_pair_summary
// description: Two cities side by side: organisations, sectors, shared sectors, ties between them and how many organisations carry those ties.
// param: city_a STRING example=Belfast — first city
// param: city_b STRING example=Sejong — second city (a different city)
// param: country_a STRING default="" example=GB — country code of city_a, if the name is ambiguous
// param: country_b STRING default="" example=KR — country code of city_b, if the name is ambiguous
// Run: graphtwin query --name city_pair_summary -p city_a=Belfast -p city_b=Sejong -p country_a=GB -p country_b=KR
// Neo4j Browser: set the parameters first with  :params {city_a: 'Belfast', city_b: 'Sejong', country_a: 'GB', country_b: 'KR'}
MATCH (ca:City), (cb:City)
WHERE ca.name = $city_a AND cb.name = $city_b
  AND ($country_a = '' OR ca.country = $country_a)
  AND ($country_b = '' OR cb.country = $country_b)
OPTIONAL MATCH (ca)<-[:LOCATED_IN]-(a:Organisation)
WITH ca, cb, count(DISTINCT a.id) AS orgs_a
OPTIONAL MATCH (cb)<-[:LOCATED_IN]-(b:Organisation)
WITH ca, cb, orgs_a, count(DISTINCT b.id) AS orgs_b
OPTIONAL MATCH (ca)<-[:LOCATED_IN]-(x:Organisation)-[t:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(y:Organisation)-[:LOCATED_IN]->(cb)
WITH ca, cb, orgs_a, orgs_b, count(t) AS ties_between,
     count(DISTINCT x.id) AS connected_a, count(DISTINCT y.id) AS connected_b
OPTIONAL MATCH (ca)<-[:LOCATED_IN]-(:Organisation)-[:ACTIVE_IN]->(sa:Sector)
WITH ca, cb, orgs_a, orgs_b, ties_between, connected_a, connected_b,
     count(DISTINCT sa.id) AS sectors_a
OPTIONAL MATCH (cb)<-[:LOCATED_IN]-(:Organisation)-[:ACTIVE_IN]->(sb:Sector)
WITH ca, cb, orgs_a, orgs_b, ties_between, connected_a, connected_b, sectors_a,
     count(DISTINCT sb.id) AS sectors_b
OPTIONAL MATCH (ca)<-[:LOCATED_IN]-(:Organisation)-[:ACTIVE_IN]->(s:Sector)<-[:ACTIVE_IN]-(:Organisation)-[:LOCATED_IN]->(cb)
RETURN ca.name AS city_a, ca.country AS country_a, cb.name AS city_b, cb.country AS country_b,
       orgs_a, orgs_b, sectors_a, sectors_b, count(DISTINCT s.id) AS shared_sectors,
       ties_between, connected_a, connected_b
