create view metrics_base.facts_valid_through as
select coalesce(
    (select state.valid_through from metrics_base.fact_state as state
     where state.name = 'daily' and state.report_timezone = settings.report_timezone),
    '-infinity'::date
) as valid_through
from metrics_base.settings as settings;
comment on view metrics_base.facts_valid_through is 'One row: the last day of valid materialized facts (-infinity when none).';
comment on column metrics_base.facts_valid_through.valid_through is 'Last valid day';
