create view metrics_base.segment_issues as
-- one row per segment (etl.settings 'segments', from the latest run's config that gave any) and issue that matches
-- it now: every key the segment gives must match; a key matches when any of its values does (without regard to
-- case); a board field matches when a board holding the issue now has one of the values in that field
with definitions as (
    select segment, position, filter from metrics_base.segments
),
issues_now as (
    select entity.issue_id, lower(entity.repository) as repository,
           array(select lower(label) from unnest(version.labels) as label) as labels,
           array(select lower(login) from unnest(version.assignees) as login) as assignees,
           lower(version.issue_type) as issue_type
    from github.issues as entity
    join github.issue_versions as version on version.issue_id = entity.issue_id and version.valid_to is null
)
select definitions.segment, definitions.position, issues_now.issue_id
from definitions
cross join issues_now
where (definitions.filter -> 'label' is null
        or issues_now.labels && array(select lower(value) from jsonb_array_elements_text(definitions.filter -> 'label') as value))
    and (definitions.filter -> 'assignee' is null
        or issues_now.assignees && array(select lower(value) from jsonb_array_elements_text(definitions.filter -> 'assignee') as value))
    and (definitions.filter -> 'repository' is null
        or issues_now.repository in (select lower(value) from jsonb_array_elements_text(definitions.filter -> 'repository') as value))
    and (definitions.filter -> 'issue_type' is null
        or issues_now.issue_type in (select lower(value) from jsonb_array_elements_text(definitions.filter -> 'issue_type') as value))
    and not exists (
        -- a board field the segment names that no board holding the issue has with one of its values
        select 1
        from jsonb_each(coalesce(definitions.filter -> 'field', '{}')) as wanted (field_name, field_values)
        where not exists (
            select 1
            from github.item_versions as item
            where item.content_id = issues_now.issue_id and item.valid_to is null and not item.is_archived
                and lower(case jsonb_typeof(item.field_values -> wanted.field_name)
                              when 'object' then item.field_values -> wanted.field_name ->> 'title'
                              else item.field_values -> wanted.field_name #>> '{}' end)
                    in (select lower(value) from jsonb_array_elements_text(wanted.field_values) as value)
        )
    );
comment on view metrics_base.segment_issues is 'One row per segment and issue that matches its filter now.';
comment on column metrics_base.segment_issues.segment is 'Segment name, as in the config';
comment on column metrics_base.segment_issues.position is 'The segment''s place in the config (1 = first)';
comment on column metrics_base.segment_issues.issue_id is 'The issue (github.issues)';
