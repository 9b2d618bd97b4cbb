-- The metric views read what a "day" is from here ($1 = IANA zone name of the latest run).
insert into etl.settings (key, value, updated_at)
values ('report_timezone', $1, now())
on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at
