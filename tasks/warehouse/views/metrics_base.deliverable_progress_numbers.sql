create view metrics_base.deliverable_progress_numbers as
-- the materialized figures while they are current (refreshed after the latest load, in this week), else live
with state as (
    select coalesce(bool_and(fact_state.current_valid and fact_state.current_week = date_trunc('week', settings.today)::date
                             and fact_state.report_timezone = settings.report_timezone), false)
           and metrics_base.current_segment() is null as is_valid
    from metrics_base.settings as settings
    left join metrics_base.fact_state on fact_state.name = 'daily'
)
select facts.* from metrics_base.deliverable_progress_facts as facts where (select is_valid from state)
union all
select live.* from metrics_base.deliverable_progress_live as live where not (select is_valid from state);
comment on view metrics_base.deliverable_progress_numbers is 'deliverable_progress_facts while current, else deliverable_progress_live.';
