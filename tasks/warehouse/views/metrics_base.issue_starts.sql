create view metrics_base.issue_starts as
-- one row per issue that has started: the first real observation in which a sprint board's status field held one
-- of that board's in-progress statuses (reconstructed versions, whose status is unknown, never count)
select item.content_id as issue_id, min(item.valid_from) as started_at
from github.item_versions as item
join github.projects as project using (project_id)
where project.role = 'sprint' and item.content_type = 'Issue' and item.status = any(project.in_progress_statuses)
    and not item.reconstructed and metrics_base.in_segment(item.content_id)
group by item.content_id;
comment on view metrics_base.issue_starts is 'One row per issue that has started: when a run first saw it in an in-progress status of a sprint board.';
comment on column metrics_base.issue_starts.issue_id is 'The issue';
comment on column metrics_base.issue_starts.started_at is 'Start of the first observed version with an in-progress status (real observations only): the as_of of that run, or the time of the webhook event it confirmed';
