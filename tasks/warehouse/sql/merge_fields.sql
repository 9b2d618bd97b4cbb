-- Upsert the boards' fields and their single-select options ($1 = as_of).
with fields as (
    insert into github.project_fields as board_field (field_id, project_id, name, data_type, last_observed_at)
    select field_id, project_id, name, data_type, $1 from stage_fields
    on conflict (field_id) do update set
        name = excluded.name, data_type = excluded.data_type,
        last_observed_at = greatest(board_field.last_observed_at, excluded.last_observed_at)
    returning field_id
)
insert into github.field_options (field_id, option_id, name, position)
select option.field_id, option.option_id, option.name, option.position
from stage_field_options as option
where option.field_id in (select field_id from fields)
on conflict (field_id, option_id) do update set name = excluded.name, position = excluded.position
