-- Open a version for every staged item that has no open version: new items and the ones just closed.
-- Returns one row per board: project_id, versions opened.
with opened as (
    insert into github.item_versions (
        item_id, project_id, valid_from, item_type, content_id, content_type, is_archived, status, sprint_id,
        points, field_values
    )
    select
        staged.item_id, staged.project_id, $1, staged.item_type, staged.content_id, staged.content_type,
        staged.is_archived, staged.status, staged.sprint_id, staged.points::numeric, staged.field_values::jsonb
    from stage_items as staged
    where not exists (
        select 1 from github.item_versions as version
        where version.item_id = staged.item_id and version.valid_to is null
    )
    returning project_id
)
select project_id, count(*) from opened group by project_id
