create view metrics_base.settings as
with zone as (
    select coalesce((select value from etl.settings where key = 'report_timezone'), 'UTC') as report_timezone
)
select report_timezone, (metrics_base.clock() at time zone report_timezone)::date as today
from zone;
comment on view metrics_base.settings is 'One row: the reporting time zone (etl.settings) and today''s date in it.';
comment on column metrics_base.settings.report_timezone is 'IANA time zone of the reporting day';
comment on column metrics_base.settings.today is 'Today''s date in that zone (wall clock)';
