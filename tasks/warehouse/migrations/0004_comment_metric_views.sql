-- Comments on the tables of metrics_base that 0003 does not describe itself.
comment on column metrics_base.fact_state.current_valid is 'The "as of now" facts (deliverable progress) were refreshed after the latest load';

comment on column metrics_base.fact_state.current_week is 'Week (Monday) whose 12 preceding weeks sampled the stored forecasts';

comment on table metrics_base.deliverable_progress_facts is 'Materialized deliverable_progress_live, valid while fact_state.current_valid and the week has not changed. Source: the refresh after each load.';
