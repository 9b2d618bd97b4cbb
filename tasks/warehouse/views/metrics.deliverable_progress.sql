create view metrics.deliverable_progress as
-- one row per deliverable, as of now: work items done by issues and points, and a forecast
select
    entity.url as deliverable_url,
    current_issue.title as deliverable_title,
    deliverable.deliverable_status,
    coalesce(numbers.issues_total, 0) as issues_total,
    coalesce(numbers.issues_done, 0) as issues_done,
    coalesce(numbers.points_total, 0) as points_total,
    coalesce(numbers.points_done, 0) as points_done,
    round(100.0 * numbers.issues_done / nullif(numbers.issues_total, 0), 1) as percent_done_issues,
    round(100.0 * numbers.points_done / nullif(numbers.points_total, 0), 1) as percent_done_points,
    round(100.0 * numbers.pointed / nullif(numbers.issues_total, 0), 1) as percent_pointed,
    settings.today + 7 * numbers.p50_weeks as forecast_p50_date,
    settings.today + 7 * numbers.p85_weeks as forecast_p85_date
from metrics_base.deliverables as deliverable
join github.issues as entity on entity.issue_id = deliverable.deliverable_id
join github.issue_versions as current_issue
    on current_issue.issue_id = deliverable.deliverable_id and current_issue.valid_to is null
cross join metrics_base.settings as settings
left join metrics_base.deliverable_progress_numbers as numbers using (deliverable_id);
comment on view metrics.deliverable_progress is 'One row per deliverable (issue on a roadmap board), as of now: its work items (leaf descendants, not dropped) done by issues and points, and a forecast of their completion. Derived at every read.';
comment on column metrics.deliverable_progress.deliverable_url is 'Web address of the deliverable issue';
comment on column metrics.deliverable_progress.deliverable_title is 'Title of the deliverable';
comment on column metrics.deliverable_progress.deliverable_status is 'Its status on the roadmap board';
comment on column metrics.deliverable_progress.issues_total is 'Work items, not dropped';
comment on column metrics.deliverable_progress.issues_done is 'Work items done';
comment on column metrics.deliverable_progress.points_total is 'Points of the work items (from the first configured sprint board holding each)';
comment on column metrics.deliverable_progress.points_done is 'Points of the done work items';
comment on column metrics.deliverable_progress.percent_done_issues is '100 * issues_done / issues_total, one decimal; null when there is no work item';
comment on column metrics.deliverable_progress.percent_done_points is '100 * points_done / points_total, one decimal; null when points_total is 0';
comment on column metrics.deliverable_progress.percent_pointed is 'Share of work items with points > 0, in percent, one decimal';
comment on column metrics.deliverable_progress.forecast_p50_date is 'Date by which half of all trials drawing weekly throughputs from the last 12 complete weeks finish the open work items (computed exactly); null when nothing is open or nothing was done in those weeks';
comment on column metrics.deliverable_progress.forecast_p85_date is 'Same, for 85% of all trials';
