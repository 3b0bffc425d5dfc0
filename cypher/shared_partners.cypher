// name: shared_partners
// description: Organisations tied to both of two organisations (common partners, any tie kind).
// param: org_a STRING example=belfast-city-council — first organisation id
// param: org_b STRING example=sejong-city — second organisation id
// Run: graphtwin query --name shared_partners -p org_a=belfast-city-council -p org_b=sejong-city
// Neo4j Browser: set the parameters first with  :params {org_a: 'belfast-city-council', org_b: 'sejong-city'}
MATCH (a:Organisation {id: $org_a})-[:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(p:Organisation)-[:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(b:Organisation {id: $org_b})
WHERE p.id <> a.id AND p.id <> b.id
RETURN DISTINCT p.id AS id, p.name AS name, p.kind AS kind, p.city AS city, p.country AS country
ORDER BY name, id
