-- Upsert every iteration of the boards' iteration fields.
insert into github.sprints (field_id, sprint_id, project_id, title, start_date, duration_days, is_completed)
select field_id, sprint_id, project_id, title, start_date, duration_days, is_completed
from stage_sprints
on conflict (field_id, sprint_id) do update set
    title = excluded.title, start_date = excluded.start_date, duration_days = excluded.duration_days,
    is_completed = excluded.is_completed
