-- Today's deliverable facts from the versions that hold now (metrics_base.current_work_item_states): the rows of
-- metrics_base.deliverable_days(today, today, zone) whenever no version starts or ends after today's end, which
-- metrics_base.refresh_facts checks before it reads them. A daily refresh of a 50,000-item roadmap spent 2.6 s
-- walking the history of every parent link to recompute one day.
create view metrics_base.deliverable_today as
select
    deliverable.deliverable_id, settings.today as day,
    count(work.issue_id)::integer as scope_issues,
    (count(*) filter (where work.is_done))::integer as done_issues,
    coalesce(sum(work.points), 0) as scope_points,
    coalesce(sum(work.points) filter (where work.is_done), 0) as done_points
from metrics_base.deliverables as deliverable
cross join metrics_base.settings as settings
left join metrics_base.current_work_item_states as work using (deliverable_id)
group by deliverable.deliverable_id, settings.today;
comment on view metrics_base.deliverable_today is 'One row per current deliverable: its facts for today from the versions holding now (what deliverable_days gives for today while no version starts or ends after today).';
comment on column metrics_base.deliverable_today.deliverable_id is 'The deliverable';
comment on column metrics_base.deliverable_today.day is 'Today in the reporting time zone';
comment on column metrics_base.deliverable_today.scope_issues is 'Work items, not dropped';
comment on column metrics_base.deliverable_today.done_issues is 'Work items done';
comment on column metrics_base.deliverable_today.scope_points is 'Their points';
comment on column metrics_base.deliverable_today.done_points is 'Points of the done ones';
