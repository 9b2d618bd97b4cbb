-- Fresh statistics for the history tables this load wrote to, read by the fact refresh in the same transaction.
-- A sample of 3,000 rows (statistics target 10) gives these plans what they need, row counts and distinct ids;
-- the default 30,000 took 0.15 s at 50,000 items. Autovacuum analyzes the tables again, with the default target,
-- once the load has committed.
set local default_statistics_target = 10;
analyze github.projects, github.sprints, github.issues, github.item_versions, github.issue_versions;
reset default_statistics_target;
