-- Deliverable forecasts: the forecast is a pure function of (weekly sample, open items), so it is
-- cached by those inputs; the refresh after each load fills the cache for the current inputs.
create view metrics_base.current_work_item_states as
with current_points as (
    -- points now, from the first configured sprint board holding each issue (points_at for all at once)
    select distinct on (item.content_id) item.content_id as issue_id, item.points
    from github.item_versions as item
    join github.projects as project using (project_id)
    where project.role = 'sprint' and item.content_type = 'Issue' and item.valid_to is null
    order by item.content_id, project.config_position
)
select
    work.deliverable_id, work.issue_id, issue.closed_at,
    issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
    current_points.points
from metrics_base.current_work_items as work
join github.issue_versions as issue on issue.issue_id = work.issue_id and issue.valid_to is null
left join current_points on current_points.issue_id = work.issue_id
where not (issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE'));
comment on view metrics_base.current_work_item_states is 'One row per deliverable and current work item that is not dropped, with its state and points now.';
comment on column metrics_base.current_work_item_states.deliverable_id is 'The deliverable';
comment on column metrics_base.current_work_item_states.issue_id is 'The work item';
comment on column metrics_base.current_work_item_states.closed_at is 'When it was closed';
comment on column metrics_base.current_work_item_states.is_done is 'Closed as completed (or without reason)';
comment on column metrics_base.current_work_item_states.points is 'Its points now';
