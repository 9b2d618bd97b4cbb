create view metrics_base.deliverable_forecast_inputs as
-- one row per deliverable: its work items done per week over the 12 complete weeks before this one, and open; and,
-- from the same pass over the work items (the tree walk of a 50,000-item roadmap takes 0.35 s), their totals
with items as (
    select * from metrics_base.current_work_item_states
),
sample_weeks as (
    select deliverable.deliverable_id, series.week::date as week_start
    from metrics_base.deliverables as deliverable
    cross join metrics_base.settings as settings
    cross join lateral generate_series(
        date_trunc('week', settings.today) - interval '12 weeks',
        date_trunc('week', settings.today) - interval '1 week',
        interval '1 week'
    ) as series (week)
),
done_weeks as (
    select items.deliverable_id,
           date_trunc('week', items.closed_at at time zone settings.report_timezone)::date as week_start,
           count(*)::integer as done
    from items
    cross join metrics_base.settings as settings
    where items.is_done
    group by 1, 2
),
totals as (
    select
        deliverable_id,
        (count(*) filter (where not is_done))::integer as open_items,
        count(*)::integer as issues_total,
        (count(*) filter (where is_done))::integer as issues_done,
        coalesce(sum(points), 0) as points_total,
        coalesce(sum(points) filter (where is_done), 0) as points_done,
        (count(*) filter (where points > 0))::integer as pointed
    from items
    group by deliverable_id
)
select
    sample_weeks.deliverable_id,
    array_agg(coalesce(done_weeks.done, 0) order by sample_weeks.week_start) as weekly_done,
    coalesce(totals.open_items, 0) as open_items,
    totals.issues_total, totals.issues_done, totals.points_total, totals.points_done, totals.pointed
from sample_weeks
left join done_weeks using (deliverable_id, week_start)
left join totals using (deliverable_id)
group by sample_weeks.deliverable_id, totals.open_items, totals.issues_total, totals.issues_done, totals.points_total,
    totals.points_done, totals.pointed;
comment on view metrics_base.deliverable_forecast_inputs is 'One row per deliverable: the forecast''s inputs, and the totals of its work items (null when it has none).';
comment on column metrics_base.deliverable_forecast_inputs.deliverable_id is 'The deliverable';
comment on column metrics_base.deliverable_forecast_inputs.weekly_done is 'Work items done in each of the 12 complete weeks before this one, oldest first';
comment on column metrics_base.deliverable_forecast_inputs.open_items is 'Work items not done (and not dropped)';
comment on column metrics_base.deliverable_forecast_inputs.issues_total is 'Work items, not dropped';
comment on column metrics_base.deliverable_forecast_inputs.issues_done is 'Work items done';
comment on column metrics_base.deliverable_forecast_inputs.points_total is 'Their points';
comment on column metrics_base.deliverable_forecast_inputs.points_done is 'Points of the done ones';
comment on column metrics_base.deliverable_forecast_inputs.pointed is 'Work items with points > 0';
