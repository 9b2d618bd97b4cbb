create view metrics.work_item_age as
-- one row per issue open now on a sprint board that has started: how long since it started
select
    entity.url as issue_url,
    board.owner_login as project_owner,
    board.project_number,
    item.status,
    starts.started_at,
    round((extract(epoch from metrics_base.clock() - starts.started_at) / 86400)::numeric, 2) as age_days
from metrics_base.issue_starts as starts
join github.issues as entity using (issue_id)
join github.issue_versions as issue on issue.issue_id = starts.issue_id and issue.valid_to is null
join lateral (
    -- the first configured sprint board that holds the issue now
    select project.project_id, project.owner_login, project.project_number
    from github.item_versions as current_item
    join github.projects as project using (project_id)
    where current_item.content_id = starts.issue_id and current_item.valid_to is null and project.role = 'sprint'
    order by project.config_position
    limit 1
) as board on true
join github.item_versions as item
    on item.content_id = starts.issue_id and item.project_id = board.project_id and item.valid_to is null
where issue.state = 'OPEN';
comment on view metrics.work_item_age is 'One row per issue open now on a sprint board that has started (as in flow_times): its age since it started. Derived at every read.';
comment on column metrics.work_item_age.issue_url is 'Web address of the issue';
comment on column metrics.work_item_age.project_owner is 'Owner login of the first configured sprint board that holds the issue now';
comment on column metrics.work_item_age.project_number is 'Number of that board';
comment on column metrics.work_item_age.status is 'Its status on that board now';
comment on column metrics.work_item_age.started_at is 'First observation in an in-progress status of a sprint board (as flow_times.started_at)';
comment on column metrics.work_item_age.age_days is 'now - started_at in days, two decimals';
