-- The version tables' foreign keys checked every row as it was written: a lookup and a row lock of its board or
-- issue per version, 0.35 s each for the ~98,000 item and ~98,000 issue versions of a 50,000-item first load with
-- reconstructed history (a quarter of its merge). They guarded only the load's own statements: within the run's
-- one transaction the boards are merged and the issues upserted before any version of them is written, and
-- nothing ever deletes a board or an issue (the history only grows). A test loads boards with reconstructed
-- history and checks that every version still has its board and its issue.
alter table github.item_versions drop constraint if exists item_versions_project_id_fkey;
alter table github.issue_versions drop constraint if exists issue_versions_issue_id_fkey;
