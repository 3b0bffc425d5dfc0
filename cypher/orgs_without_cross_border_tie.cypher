// name: orgs_without_cross_border_tie
// description: Organisations with no tie to any organisation in another country.
// param: country STRING default="" example=GB — only organisations of this country
// Run: graphtwin query --name orgs_without_cross_border_tie -p country=GB
// Neo4j Browser: set the parameters first with  :params {country: 'GB'}
MATCH (o:Organisation)
WHERE ($country = '' OR o.country = $country)
  AND NOT EXISTS { MATCH (o)-[:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(p:Organisation) WHERE p.country <> o.country }
RETURN o.id AS id, o.name AS name, o.kind AS kind, o.city AS city, o.country AS country
ORDER BY country, name, id
