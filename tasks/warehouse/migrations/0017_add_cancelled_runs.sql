-- A run cancelled from Prefect (the UI, the API, an automation) stops within seconds and says so: 'cancelled' is not
-- a failure of the pipeline, and a dashboard of failed runs should not count it.
alter table etl.runs drop constraint runs_status_check;
alter table etl.runs add constraint runs_status_check
    check (status in ('running', 'succeeded', 'failed', 'cancelled', 'abandoned'));
comment on column etl.runs.status is 'running, succeeded, failed, cancelled (stopped from Prefect before it finished; nothing of it loaded), or abandoned (the run stopped without finishing: killed or lost; a later run found it so)';
