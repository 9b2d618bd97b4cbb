-- The sprint issue days computed from the versions. An issue on a single sprint board (the usual case) takes
-- its own item's points without the first-configured-board lookup.
create view metrics_base.sprint_issue_days_live as
select
    sprint_day.project_id, sprint_day.owner_login, sprint_day.project_number, sprint_day.field_id,
    sprint_day.sprint_id, sprint_day.title, sprint_day.start_date, sprint_day.end_date, sprint_day.day,
    sprint_day.day_end,
    item.content_id as issue_id,
    issue.closed_at,
    issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
    issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
    case
        when item.content_id in (  -- issues on two sprint boards or more, found once (not once per row)
            select other.content_id
            from github.item_versions as other
            join github.projects as other_project using (project_id)
            where other_project.role = 'sprint'
            group by other.content_id
            having count(distinct other.project_id) > 1
        ) then metrics_base.points_at(item.content_id, sprint_day.day_end)
        else item.points
    end as points
from metrics_base.sprint_days as sprint_day
join github.item_versions as item
    on item.project_id = sprint_day.project_id
    and item.sprint_id = sprint_day.sprint_id
    and item.content_type = 'Issue'
    and metrics_base.is_state_at(item.valid_from, item.valid_to, sprint_day.day_end)
    and metrics_base.in_segment(item.content_id)
join github.issue_versions as issue
    on issue.issue_id = item.content_id
    and metrics_base.is_state_at(issue.valid_from, issue.valid_to, sprint_day.day_end);
comment on view metrics_base.sprint_issue_days_live is 'sprint_issue_days computed from the versions (what the facts table materializes).';
