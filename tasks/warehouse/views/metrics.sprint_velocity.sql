create view metrics.sprint_velocity as
-- one row per sprint that has started: committed, completed and carried-over work
with started as (
    select
        project.project_id, project.owner_login, project.project_number, sprint.field_id, sprint.sprint_id,
        sprint.title, sprint.start_date, sprint.end_date, settings.today,
        least(sprint.end_date, settings.today) as last_counted_day, settings.report_timezone
    from github.sprints as sprint
    join github.projects as project on project.project_id = sprint.project_id and project.role = 'sprint'
    join github.project_fields as board_field
        on board_field.field_id = sprint.field_id and board_field.name = project.sprint_field
    cross join metrics_base.settings as settings
    where sprint.start_date <= settings.today
),
first_days as (
    select project_id, field_id, sprint_id, min(day) as first_day
    from metrics_base.sprint_days
    group by 1, 2, 3
),
committed as (
    select
        first_days.project_id, first_days.field_id, first_days.sprint_id,
        coalesce(sum(issue_day.points) filter (where not issue_day.is_dropped), 0) as committed_points
    from first_days
    left join metrics_base.sprint_issue_periods as issue_day  -- the issues' state at the end of the first day
        on issue_day.project_id = first_days.project_id
        and issue_day.field_id = first_days.field_id
        and issue_day.sprint_id = first_days.sprint_id
        and first_days.first_day between issue_day.first_day and issue_day.last_day
    group by 1, 2, 3
),
final_state as (
    select
        started.project_id, started.field_id, started.sprint_id,
        (count(*) filter (
            where issue_day.is_done
            and (issue_day.closed_at at time zone started.report_timezone)::date
                between started.start_date and started.end_date
        ))::integer as completed_issues,
        coalesce(sum(issue_day.points) filter (
            where issue_day.is_done
            and (issue_day.closed_at at time zone started.report_timezone)::date
                between started.start_date and started.end_date
        ), 0) as completed_points,
        (count(*) filter (where not issue_day.is_done and not issue_day.is_dropped))::integer as carried_over_issues
    from started
    join metrics_base.sprint_issue_periods as issue_day  -- and at the end of the last day counted
        on issue_day.project_id = started.project_id
        and issue_day.field_id = started.field_id
        and issue_day.sprint_id = started.sprint_id
        and started.last_counted_day between issue_day.first_day and issue_day.last_day
    group by 1, 2, 3
)
select
    started.owner_login as project_owner,
    started.project_number,
    started.sprint_id,
    started.title as sprint_title,
    started.start_date,
    started.end_date,
    committed.committed_points,
    coalesce(final_state.completed_points, 0) as completed_points,
    coalesce(final_state.completed_issues, 0) as completed_issues,
    coalesce(final_state.carried_over_issues, 0) as carried_over_issues,
    started.today > started.end_date as is_complete
from started
left join committed using (project_id, field_id, sprint_id)
left join final_state using (project_id, field_id, sprint_id);
comment on view metrics.sprint_velocity is 'One row per sprint that has started: committed, completed and carried-over work. Derived at every read.';
comment on column metrics.sprint_velocity.project_owner is 'Owner login of the sprint board';
comment on column metrics.sprint_velocity.project_number is 'Number of the sprint board';
comment on column metrics.sprint_velocity.sprint_id is 'Iteration id of the sprint';
comment on column metrics.sprint_velocity.sprint_title is 'Sprint title';
comment on column metrics.sprint_velocity.start_date is 'First day of the sprint';
comment on column metrics.sprint_velocity.end_date is 'Last day of the sprint (inclusive)';
comment on column metrics.sprint_velocity.committed_points is 'Scope points at end of the sprint''s first observed day; null if no day of it was observed';
comment on column metrics.sprint_velocity.completed_points is 'Points of issues in the sprint at end of its last day (or today) that are done and closed within the sprint''s days';
comment on column metrics.sprint_velocity.completed_issues is 'Number of those issues';
comment on column metrics.sprint_velocity.carried_over_issues is 'Issues in the sprint at end of its last day (or today), neither done nor dropped';
comment on column metrics.sprint_velocity.is_complete is 'The sprint''s last day is over';
