-- A first load with reconstructed history writes ~450,000 sprint issue days for a 50,000-item board. Most of that
-- write was index upkeep: a unique key of five text columns and a second index on the day cost more than the rows
-- themselves. The facts are computed by one query whose grain is one row per issue, sprint and day (a board holds
-- an issue once, and an item is in one version at any moment), so they keep one narrow lookup index: a sprint's
-- days, which every burndown and velocity reads. The daily refresh's delete of the days after the valid ones
-- reads it too, without a day index: a skip scan on Postgres 18 (seen in its plan); before 18 the planner can only
-- read the whole index, which stays small (each sprint day's key is stored once: 3 MB for 450,000 rows).
alter table metrics_base.sprint_issue_day_facts drop constraint sprint_issue_day_facts_pkey;
drop index metrics_base.sprint_issue_day_facts_day;
create index sprint_issue_day_facts_sprint on metrics_base.sprint_issue_day_facts (sprint_id, day);

-- Columns no query filters or joins on get no statistics: ANALYZE (run by each large load, and by autovacuum)
-- spent most of its time sampling these wide values.
alter table github.item_versions alter column field_values set statistics 0;
alter table github.issue_versions alter column title set statistics 0;
alter table github.issue_versions alter column labels set statistics 0;
alter table github.issue_versions alter column assignees set statistics 0;
alter table github.issue_versions alter column milestone set statistics 0;
