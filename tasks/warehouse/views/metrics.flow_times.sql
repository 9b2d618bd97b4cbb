create view metrics.flow_times as
-- one row per done issue on a board: lead time and cycle time
with done as (
    select issue.issue_id, issue.closed_at as done_at
    from github.issue_versions as issue
    where issue.valid_to is null
        and issue.state = 'CLOSED'
        and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
),
started as (
    select issue_id, started_at from metrics_base.issue_starts
)
select
    entity.url as issue_url,
    board.owner_login as project_owner,
    board.project_number,
    entity.created_at,
    started.started_at,
    done.done_at,
    round((extract(epoch from done.done_at - entity.created_at) / 86400)::numeric, 2) as lead_time_days,
    round((extract(epoch from done.done_at - started.started_at) / 86400)::numeric, 2) as cycle_time_days
from done
join github.issues as entity using (issue_id)
join metrics_base.issue_boards as board using (issue_id)
left join started using (issue_id);
comment on view metrics.flow_times is 'One row per done issue on a board: lead and cycle time. Derived at every read.';
comment on column metrics.flow_times.issue_url is 'Web address of the issue';
comment on column metrics.flow_times.project_owner is 'Owner login of the first configured board that holds the issue';
comment on column metrics.flow_times.project_number is 'Number of that board';
comment on column metrics.flow_times.created_at is 'When the issue was opened';
comment on column metrics.flow_times.started_at is 'Start of the first version (observed, or dated by a confirmed webhook event) in which a sprint board''s status field held one of its in-progress statuses; null if never so';
comment on column metrics.flow_times.done_at is 'When the issue was closed (closedAt)';
comment on column metrics.flow_times.lead_time_days is 'done_at - created_at in days, two decimals';
comment on column metrics.flow_times.cycle_time_days is 'done_at - started_at in days, two decimals; null without started_at';
