-- The segments of the run's config ($1 = JSON array of {name, label?, assignee?, repository?, issue_type?, field?},
-- each filter a list of values), which metrics.issue_segments reads.
insert into etl.settings (key, value, updated_at)
values ('segments', $1, now())
on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at
