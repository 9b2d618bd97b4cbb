-- At a board's first observation ($1 = as_of), each issue item is on the board from its createdAt until now,
-- with the first observation's sprint, points and field values, not archived, and status unknown.
-- Returns one row per board: project_id, versions written.
with reconstructed as (
    insert into github.item_versions (
        item_id, project_id, valid_from, valid_to, item_type, content_id, content_type, is_archived, status,
        sprint_id, points, field_values, reconstructed
    )
    select
        observed.item_id, observed.project_id, staged.created_at, $1, observed.item_type, observed.content_id,
        observed.content_type, false, null, observed.sprint_id, observed.points,
        observed.field_values - coalesce(project.status_field, ''), true
    from github.item_versions as observed
    join stage_items as staged using (item_id)
    join github.projects as project on project.project_id = observed.project_id
    where observed.project_id in (select project_id from first_boards)
        and observed.valid_from = $1
        and observed.content_type = 'Issue'
        and staged.created_at < $1
    returning project_id, valid_from
),
boards as (
    update github.projects as project
    set reconstructed_from = first.valid_from
    from (select project_id, min(valid_from) as valid_from from reconstructed group by project_id) as first
    where project.project_id = first.project_id
    returning 1
)
select project_id, count(*) from reconstructed group by project_id
