// name: orgs_in_sector_city
// description: Organisations active in a sector (id or name) located in a city.
// param: sector STRING example=smart-cities — sector id or name
// param: city STRING example=Sejong — city name
// param: country STRING default="" example=KR — country code of the city, if the name is ambiguous
// Run: graphtwin query --name orgs_in_sector_city -p sector=smart-cities -p city=Sejong -p country=KR
// Neo4j Browser: set the parameters first with  :params {sector: 'smart-cities', city: 'Sejong', country: 'KR'}
MATCH (s:Sector)<-[:ACTIVE_IN]-(o:Organisation)-[:LOCATED_IN]->(c:City)
WHERE (s.id = $sector OR s.name = $sector) AND c.name = $city
  AND ($country = '' OR c.country = $country)
RETURN DISTINCT o.id AS id, o.name AS name, o.kind AS kind, c.name AS city, c.country AS country
ORDER BY name, id
