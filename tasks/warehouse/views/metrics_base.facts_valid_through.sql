create view metrics_base.facts_valid_through as
-- the facts hold every issue: a session restricted to a segment computes every day from the versions
select case when metrics_base.current_segment() is not null then '-infinity'::date else coalesce(
    (select state.valid_through from metrics_base.fact_state as state
     where state.name = 'daily' and state.report_timezone = settings.report_timezone),
    '-infinity'::date
) end as valid_through
from metrics_base.settings as settings;
comment on view metrics_base.facts_valid_through is 'One row: the last day of valid materialized facts (-infinity when none).';
comment on column metrics_base.facts_valid_through.valid_through is 'Last valid day';
