// name: new_ties_since_year
// description: Ties that started in a given year or later (by start year), optionally touching one country.
// param: year INT example=2020 — first start year to include
// param: country STRING default="" example=KR — only ties with at least one end in this country
// Run: graphtwin query --name new_ties_since_year -p year=2020 -p country=KR
// Neo4j Browser: set the parameters first with  :params {year: 2020, country: 'KR'}
MATCH (a:Organisation)-[t:COLLABORATES_WITH|PARTNERS_WITH|FUNDS|MEMBER_OF|PART_OF|RELATED_TO|SUCCEEDS|ENGAGED_WITH]->(b:Organisation)
WHERE t.start_year >= $year
  AND ($country = '' OR a.country = $country OR b.country = $country)
RETURN t.start_year AS year, t.kind AS kind, a.id AS source, a.name AS source_name,
       b.id AS target, b.name AS target_name
ORDER BY year DESC, kind, source, target
