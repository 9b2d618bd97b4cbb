create view metrics_base.deliverable_progress_live as
-- one row per deliverable with work items: the figures of deliverable_progress, computed from the versions
select
    deliverable.deliverable_id, inputs.issues_total, inputs.issues_done, inputs.points_total, inputs.points_done,
    inputs.pointed, forecast.p50_weeks, forecast.p85_weeks
from metrics_base.deliverables as deliverable
left join metrics_base.deliverable_forecast_inputs as inputs using (deliverable_id)
left join lateral metrics_base.cached_forecast_weeks(inputs.weekly_done, inputs.open_items) as forecast on true;
comment on view metrics_base.deliverable_progress_live is 'One row per current deliverable: deliverable_progress''s figures computed from the versions.';
comment on column metrics_base.deliverable_progress_live.deliverable_id is 'The deliverable';
comment on column metrics_base.deliverable_progress_live.issues_total is 'Work items, not dropped';
comment on column metrics_base.deliverable_progress_live.issues_done is 'Work items done';
comment on column metrics_base.deliverable_progress_live.points_total is 'Their points';
comment on column metrics_base.deliverable_progress_live.points_done is 'Points of the done ones';
comment on column metrics_base.deliverable_progress_live.pointed is 'Work items with points > 0';
comment on column metrics_base.deliverable_progress_live.p50_weeks is 'Forecast: weeks until half of all trials finish';
comment on column metrics_base.deliverable_progress_live.p85_weeks is 'Forecast: weeks until 85% of all trials finish';
