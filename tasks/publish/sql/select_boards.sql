-- One row per board with its current sprint (the one that contains today), hours since its last good run, and
-- the last day of its reconstructed history (null when none).
select
    project.owner_login as project_owner,
    project.project_number,
    project.title,
    project.url,
    project.role,
    coalesce(project.is_public, false) or project.publish_private as names_public,
    current_sprint.sprint_id as current_sprint_id,
    current_sprint.title as current_sprint_title,
    freshness.value::float8 as hours_since_run,
    history.last_reconstructed_day
from github.projects as project
join metrics_base.board_history as history using (project_id)
cross join metrics_base.settings as settings
left join lateral (
    select sprint.sprint_id, sprint.title
    from github.sprints as sprint
    join github.project_fields as board_field
        on board_field.field_id = sprint.field_id and board_field.name = project.sprint_field
    where sprint.project_id = project.project_id and settings.today between sprint.start_date and sprint.end_date
    order by sprint.start_date desc
    limit 1
) as current_sprint on project.role = 'sprint'
left join metrics.data_quality as freshness
    on freshness.project_owner = project.owner_login and freshness.project_number = project.project_number
    and freshness.check_name = 'freshness'
order by project.config_position
