-- The issues of every sprint at the end of its last counted day (last day, or today), for the sprint pages.
select
    issue_day.owner_login as project_owner,
    issue_day.project_number,
    issue_day.sprint_id,
    entity.url as issue_url,
    entity.repository || '#' || entity.number as issue_ref,
    version.title,
    issue_day.points::float8 as points,
    issue_day.is_done,
    issue_day.closed_at,
    coalesce(entity.repository_visibility = 'PUBLIC', false) as is_public
from metrics_base.sprint_issue_days as issue_day
join metrics_base.settings as settings on issue_day.day = least(issue_day.end_date, settings.today)
join github.issues as entity using (issue_id)
join github.issue_versions as version
    on version.issue_id = issue_day.issue_id
    and metrics_base.is_state_at(version.valid_from, version.valid_to, issue_day.day_end)
where not issue_day.is_dropped
order by issue_day.sprint_id, issue_day.is_done, entity.repository, entity.number
