-- A run killed mid-way (SIGKILL, out of memory, an ECS task stop) cannot mark itself failed: the next run marks its
-- rows 'abandoned' (a run holds a session lock while it lives, so a row whose lock is free has no run behind it).
alter table etl.runs drop constraint runs_status_check;
alter table etl.runs add constraint runs_status_check
    check (status in ('running', 'succeeded', 'failed', 'abandoned'));
comment on column etl.runs.status is 'running, succeeded, failed, or abandoned (the run stopped without finishing: killed or lost; a later run found it so)';
