-- Close the open version of every item of the run's boards that changed or left its board ($1 = as_of). On a board
-- a targeted run read (it has stage_targets rows), an item not read left the board only if the run asked for it;
-- the others were not observed and stay as they are. Returns one row per board: project_id, versions closed.
with staged as (
    select
        item_id, project_id, item_type, content_id, content_type, is_archived, status, sprint_id,
        points::numeric as points, field_values::jsonb as field_values
    from stage_items
),
changed as (
    select current_version.item_id
    from github.item_versions as current_version
    left join staged using (item_id)
    where current_version.valid_to is null
        and current_version.project_id in (select project_id from stage_projects)
        and (
            (staged.item_id is null
             and (current_version.project_id not in (select project_id from stage_targets)
                  or current_version.item_id in (select item_id from stage_targets)))
            or staged.item_id is not null and (current_version.project_id, current_version.item_type, current_version.content_id,
                current_version.content_type, current_version.is_archived, current_version.status,
                current_version.sprint_id, current_version.points, current_version.field_values)
            is distinct from
               (staged.project_id, staged.item_type, staged.content_id, staged.content_type, staged.is_archived,
                staged.status, staged.sprint_id, staged.points, staged.field_values)
        )
),
closed as (
    update github.item_versions as version
    set valid_to = $1
    from changed
    where version.item_id = changed.item_id and version.valid_to is null
    returning version.project_id
)
select project_id, count(*) from closed group by project_id
