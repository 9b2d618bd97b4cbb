create view metrics.deliverable_burnup as
-- one row per deliverable per day from its board's first day with any state (reconstructed or observed) to
-- today, membership as of each day: the materialized facts through their valid day, computed after it
with days as (
    select
        deliverable.deliverable_id, series.day::date as day
    from metrics_base.deliverables as deliverable
    join metrics_base.board_history as history using (project_id)
    cross join metrics_base.settings as settings
    cross join lateral generate_series(history.first_state_day, settings.today, interval '1 day') as series (day)
),
live as (
    select series.day::date as day, state.*
    from metrics_base.settings as settings
    cross join metrics_base.facts_valid_through as facts
    cross join lateral generate_series(
        greatest(facts.valid_through + 1, (select min(first_state_day) from metrics_base.board_history)),
        settings.today, interval '1 day'
    ) as series (day)
    cross join lateral metrics_base.deliverable_state_at(
        (series.day::date + 1)::timestamp at time zone settings.report_timezone
    ) as state
)
select
    entity.url as deliverable_url,
    days.day,
    coalesce(facts.scope_issues, live.scope_issues, 0) as scope_issues,
    coalesce(facts.done_issues, live.done_issues, 0) as done_issues,
    coalesce(facts.scope_points, live.scope_points, 0) as scope_points,
    coalesce(facts.done_points, live.done_points, 0) as done_points
from days
join github.issues as entity on entity.issue_id = days.deliverable_id
left join lateral (  -- one key lookup per day (limit 1: the key holds at most one row; it keeps the lookup)
    select stored.scope_issues, stored.done_issues, stored.scope_points, stored.done_points
    from metrics_base.deliverable_day_facts as stored
    where stored.deliverable_id = days.deliverable_id and stored.day = days.day
        and stored.day <= (select valid_through from metrics_base.facts_valid_through)
    limit 1
) as facts on true
left join live on live.deliverable_id = days.deliverable_id and live.day = days.day
order by entity.url, days.day;
comment on view metrics.deliverable_burnup is 'One row per deliverable per day from its roadmap board''s first observed day to today, membership as of each day. Derived at every read.';
comment on column metrics.deliverable_burnup.deliverable_url is 'Web address of the deliverable issue';
comment on column metrics.deliverable_burnup.day is 'Calendar day in the reporting time zone (state at its end)';
comment on column metrics.deliverable_burnup.scope_issues is 'Work items (leaf descendants by that day''s parent links), not dropped';
comment on column metrics.deliverable_burnup.done_issues is 'Of those, done';
comment on column metrics.deliverable_burnup.scope_points is 'Points of the scope work items';
comment on column metrics.deliverable_burnup.done_points is 'Points of the done work items';
