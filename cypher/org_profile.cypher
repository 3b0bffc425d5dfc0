// name: org_profile
// description: One organisation: kind, city, country, sectors, number of ties, partners and partners in other countries.
// param: org_id STRING example=qub — the organisation id
// Run: graphtwin query --name org_profile -p org_id=qub
// Neo4j Browser: set the parameters first with  :params {org_id: 'qub'}
MATCH (o:Organisation {id: $org_id})-[:LOCATED_IN]->(c:City)
OPTIONAL MATCH (o)-[:ACTIVE_IN]->(s:Sector)
WITH o, c, collect(s.id) AS sectors
OPTIONAL MATCH (o)-[t:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]-(p:Organisation)
RETURN o.id AS id, o.name AS name, o.kind AS kind, c.name AS city, c.country AS country,
       sectors,
       count(t) AS ties,
       count(DISTINCT p.id) AS partners,
       count(DISTINCT CASE WHEN p.country <> o.country THEN p.id END) AS foreign_partners
