-- Upsert boards, fields, options and sprints from staging ($1 = as_of). Sprints GitHub no longer lists stay.
insert into github.projects as project (
    project_id, owner_login, owner_type, project_number, title, url, role, config_position, sprint_field,
    points_field, status_field, in_progress_statuses, is_public, publish_private, first_observed_at, last_observed_at
)
select
    project_id, owner_login, owner_type, project_number, title, url, role, config_position, sprint_field,
    points_field, status_field,
    array(select jsonb_array_elements_text(in_progress_statuses::jsonb)), is_public, coalesce(publish_private, false),
    $1, $1
from stage_projects
on conflict (project_id) do update set
    owner_login = excluded.owner_login, owner_type = excluded.owner_type,
    project_number = excluded.project_number, title = excluded.title, url = excluded.url,
    role = excluded.role, config_position = excluded.config_position, sprint_field = excluded.sprint_field,
    points_field = excluded.points_field, status_field = excluded.status_field,
    in_progress_statuses = excluded.in_progress_statuses,
    is_public = coalesce(excluded.is_public, project.is_public), publish_private = excluded.publish_private,
    first_observed_at = least(project.first_observed_at, excluded.first_observed_at),
    last_observed_at = greatest(project.last_observed_at, excluded.last_observed_at)
