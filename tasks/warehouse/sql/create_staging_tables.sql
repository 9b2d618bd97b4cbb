-- Staging tables for one run's frames, typed like the Arrow columns ADBC ingests; dropped at commit.
create temporary table stage_projects (
    project_id text, owner_login text, owner_type text, project_number integer, title text, url text,
    role text, config_position integer, sprint_field text, points_field text, status_field text,
    in_progress_statuses text, is_public boolean, publish_private boolean
) on commit drop;
create temporary table stage_fields (field_id text, project_id text, name text, data_type text) on commit drop;
create temporary table stage_field_options (field_id text, option_id text, name text, position integer) on commit drop;
create temporary table stage_sprints (
    field_id text, sprint_id text, project_id text, title text, start_date date, duration_days integer,
    is_completed boolean
) on commit drop;
create temporary table stage_items (
    project_id text, item_id text, item_type text, content_id text, content_type text, is_archived boolean,
    created_at timestamptz, updated_at timestamptz, status text, sprint_id text, points double precision,
    field_values text
) on commit drop;
create temporary table stage_issues (
    issue_id text, url text, repository text, number integer, title text, state text, state_reason text,
    created_at timestamptz, closed_at timestamptz, updated_at timestamptz, parent_issue_id text,
    issue_type text, milestone text, sub_issues_total integer, sub_issues_completed integer,
    repository_visibility text
) on commit drop;
create temporary table stage_issue_details (issue_id text, labels text, assignees text) on commit drop;
create temporary table stage_pull_requests (
    pull_request_id text, url text, repository text, number integer, title text, state text
) on commit drop;
create temporary table stage_webhook_events (
    delivery_id text, event text, action text, occurred_at timestamptz, item_node_id text, content_node_id text,
    field_node_id text, field_name text, to_value text
) on commit drop;
create temporary table stage_targets (project_id text, item_id text) on commit drop;
-- No statement filters or joins on these wide values: the ANALYZE after ingest skips them.
alter table stage_items alter column field_values set statistics 0;
alter table stage_issues alter column title set statistics 0;
alter table stage_issue_details alter column labels set statistics 0, alter column assignees set statistics 0;
alter table stage_pull_requests alter column title set statistics 0;
