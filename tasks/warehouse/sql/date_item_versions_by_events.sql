-- Item versions this run opened ($1 = as_of) take the time of the latest webhook event between the previous run
-- ($2) and this one that the scan confirms: an edit of a field whose value changed (to the value the event names,
-- when it names one), an archive or restore the scan shows, a conversion, the creation of an item new to history.
-- The version it follows ends then too. Returns the earliest moment moved to (null when none) and how many moved.
with events as (
    select event.item_node_id, event.action, event.occurred_at, event.to_value::jsonb as to_value,
           coalesce(event.field_name, board_field.name) as field_name
    from stage_webhook_events as event
    left join github.project_fields as board_field on board_field.field_id = event.field_node_id
    where event.event = 'projects_v2_item' and event.occurred_at > $2 and event.occurred_at < $1
),
opened as (
    select new.item_id, new.field_values as new_values, new.is_archived as new_archived,
           new.content_type as new_content_type, old.valid_from as old_from, old.field_values as old_values,
           old.is_archived as old_archived, old.content_type as old_content_type, old.item_id is not null as follows
    from github.item_versions as new
    left join github.item_versions as old on old.item_id = new.item_id and old.valid_to = $1
    where new.valid_from = $1 and not new.reconstructed
),
confirmed as (
    select opened.item_id, max(events.occurred_at) as changed_at
    from opened
    join events on events.item_node_id = opened.item_id
    where events.occurred_at > coalesce(opened.old_from, '-infinity')
        and case events.action
            when 'edited' then opened.follows and events.field_name is not null
                and (opened.new_values -> events.field_name) is distinct from (opened.old_values -> events.field_name)
                and (events.to_value is null
                     or coalesce(opened.new_values -> events.field_name, 'null'::jsonb) = events.to_value)
            when 'created' then not opened.follows
            when 'archived' then opened.follows and opened.new_archived and not opened.old_archived
            when 'restored' then opened.follows and not opened.new_archived and opened.old_archived
            when 'converted' then opened.follows and opened.new_content_type is distinct from opened.old_content_type
            else false
        end
    group by opened.item_id
),
ended as (
    update github.item_versions as version set valid_to = confirmed.changed_at
    from confirmed
    where version.item_id = confirmed.item_id and version.valid_to = $1
    returning 1
),
moved as (
    update github.item_versions as version set valid_from = confirmed.changed_at
    from confirmed
    where version.item_id = confirmed.item_id and version.valid_from = $1
    returning version.valid_from
)
select min(valid_from), count(*) from moved
