-- The metric views of METRICS.md (schema metrics) and the building blocks they share (schema metrics_base).
create table etl.settings (
    key text primary key,
    value text not null,
    updated_at timestamptz not null default now()
);
comment on table etl.settings is 'Warehouse-wide settings written by the latest run (report_timezone). Source: flow parameters.';
comment on column etl.settings.key is 'Setting name';
comment on column etl.settings.value is 'Setting value';
comment on column etl.settings.updated_at is 'When the latest run wrote it';

create schema metrics_base;
comment on schema metrics_base is 'Building blocks of the metric views: reporting day, states at end of day, deliverable trees';

-- Whether a version [valid_from, valid_to) is the state at `moment` (the latest observation before it).
create function metrics_base.is_state_at(valid_from timestamptz, valid_to timestamptz, moment timestamptz)
returns boolean language sql immutable as $$
    select valid_from < moment and (valid_to is null or valid_to >= moment)
$$;

create view metrics_base.settings as
with zone as (
    select coalesce((select value from etl.settings where key = 'report_timezone'), 'UTC') as report_timezone
)
select report_timezone, (now() at time zone report_timezone)::date as today
from zone;
comment on view metrics_base.settings is 'One row: the reporting time zone and today''s date in it (the wall clock, not the latest run).';

-- Points of an issue at a moment: from the first configured sprint board that holds it then.
create function metrics_base.points_at(issue text, moment timestamptz)
returns numeric language sql stable as $$
    select version.points
    from github.item_versions as version
    join github.projects as project using (project_id)
    where version.content_id = issue
        and project.role = 'sprint'
        and metrics_base.is_state_at(version.valid_from, version.valid_to, moment)
    order by project.config_position
    limit 1
$$;

create view metrics_base.sprint_days as
-- one row per sprint (of a board's configured sprint field) per day from its first observed day to min(last day, today)
with sprints as (
    select
        project.project_id, project.owner_login, project.project_number, project.first_observed_at,
        sprint.field_id, sprint.sprint_id, sprint.title, sprint.start_date, sprint.end_date
    from github.sprints as sprint
    join github.projects as project on project.project_id = sprint.project_id and project.role = 'sprint'
    join github.project_fields as board_field
        on board_field.field_id = sprint.field_id and board_field.name = project.sprint_field
)
select
    sprints.project_id, sprints.owner_login, sprints.project_number, sprints.field_id, sprints.sprint_id,
    sprints.title, sprints.start_date, sprints.end_date,
    series.day::date as day,
    (series.day::date + 1)::timestamp at time zone settings.report_timezone as day_end
from sprints
cross join metrics_base.settings as settings
cross join lateral generate_series(
    greatest(sprints.start_date, (sprints.first_observed_at at time zone settings.report_timezone)::date),
    least(sprints.end_date, settings.today),
    interval '1 day'
) as series (day);

-- Daily facts and forecasts, materialized: the metric views over a year of a 50,000-item board must answer in well under a
-- second, and state at the end of a past day never changes once a later observation exists (history only
-- moves forward). A load invalidates the days from its as-of on; a refresh (in the load's transaction)
-- recomputes those days through today. Days after the last refresh are computed live, so a view never
-- misses a day or shows a stale one.
create table metrics_base.fact_state (
    name text primary key,
    report_timezone text not null,
    valid_through date,
    current_valid boolean not null default false,
    current_week date
);
comment on table metrics_base.fact_state is 'How far the materialized daily facts are valid, and for which reporting time zone. Source: the refresh after each load.';
comment on column metrics_base.fact_state.name is 'Which facts (daily)';
comment on column metrics_base.fact_state.report_timezone is 'Time zone the facts were computed in (a change invalidates them all)';
comment on column metrics_base.fact_state.valid_through is 'Last day whose facts are valid; later days are computed live';

create view metrics_base.facts_valid_through as
select coalesce(
    (select state.valid_through from metrics_base.fact_state as state
     where state.name = 'daily' and state.report_timezone = settings.report_timezone),
    '-infinity'::date
) as valid_through
from metrics_base.settings as settings;
comment on view metrics_base.facts_valid_through is 'One row: the last day of valid materialized facts (-infinity when none).';
comment on column metrics_base.facts_valid_through.valid_through is 'Last valid day';

-- The sprint issue days computed from the versions. An issue on a single sprint board (the usual case) takes
-- its own item's points without the first-configured-board lookup.
create view metrics_base.sprint_issue_days_live as
select
    sprint_day.project_id, sprint_day.owner_login, sprint_day.project_number, sprint_day.field_id,
    sprint_day.sprint_id, sprint_day.title, sprint_day.start_date, sprint_day.end_date, sprint_day.day,
    sprint_day.day_end,
    item.content_id as issue_id,
    issue.closed_at,
    issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
    issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
    case
        when exists (
            select 1
            from github.item_versions as other
            join github.projects as other_project using (project_id)
            where other.content_id = item.content_id and other.project_id <> item.project_id
                and other_project.role = 'sprint'
        ) then metrics_base.points_at(item.content_id, sprint_day.day_end)
        else item.points
    end as points
from metrics_base.sprint_days as sprint_day
join github.item_versions as item
    on item.project_id = sprint_day.project_id
    and item.sprint_id = sprint_day.sprint_id
    and item.content_type = 'Issue'
    and metrics_base.is_state_at(item.valid_from, item.valid_to, sprint_day.day_end)
join github.issue_versions as issue
    on issue.issue_id = item.content_id
    and metrics_base.is_state_at(issue.valid_from, issue.valid_to, sprint_day.day_end);
comment on view metrics_base.sprint_issue_days_live is 'sprint_issue_days computed from the versions (what the facts table materializes).';

create table metrics_base.sprint_issue_day_facts as select * from metrics_base.sprint_issue_days_live with no data;
alter table metrics_base.sprint_issue_day_facts add primary key (project_id, field_id, sprint_id, day, issue_id);
create index sprint_issue_day_facts_day on metrics_base.sprint_issue_day_facts (day);
create index sprint_issue_day_facts_sprint on metrics_base.sprint_issue_day_facts (sprint_id, day);
comment on table metrics_base.sprint_issue_day_facts is 'Materialized sprint_issue_days up to fact_state.valid_through. Source: refresh after each load.';

create view metrics_base.sprint_issue_days as
select facts.*
from metrics_base.sprint_issue_day_facts as facts
where facts.day <= (select valid_through from metrics_base.facts_valid_through)
union all
select live.*
from metrics_base.sprint_issue_days_live as live
where live.day > (select valid_through from metrics_base.facts_valid_through);

create view metrics.sprint_burndown as
-- one row per sprint day: scope, done and remaining issues and points, and the ideal line
-- (one pass with window functions, so that a filter on one sprint reaches the facts instead of every sprint)
with daily as (
    select
        sprint_day.project_id, sprint_day.owner_login, sprint_day.project_number, sprint_day.field_id,
        sprint_day.sprint_id, sprint_day.title, sprint_day.end_date, sprint_day.day,
        count(scope.issue_id)::integer as scope_issues,
        (count(scope.issue_id) filter (where scope.is_done))::integer as done_issues,
        coalesce(sum(scope.points), 0) as scope_points,
        coalesce(sum(scope.points) filter (where scope.is_done), 0) as done_points,
        (count(scope.issue_id) filter (where scope.points is null))::integer as unpointed_issues
    from metrics_base.sprint_days as sprint_day
    left join metrics_base.sprint_issue_days as scope
        on scope.project_id = sprint_day.project_id
        and scope.field_id = sprint_day.field_id
        and scope.sprint_id = sprint_day.sprint_id
        and scope.day = sprint_day.day
        and not scope.is_dropped
    group by 1, 2, 3, 4, 5, 6, 7, 8
),
with_first_row as (
    select
        daily.*,
        first_value(daily.day) over sprint as first_day,
        first_value(daily.scope_points) over sprint as first_scope_points
    from daily
    window sprint as (partition by daily.sprint_id, daily.project_id, daily.field_id order by daily.day)
)
select
    owner_login as project_owner,
    project_number,
    sprint_id,
    title as sprint_title,
    day,
    scope_issues,
    done_issues,
    scope_issues - done_issues as remaining_issues,
    scope_points,
    done_points,
    scope_points - done_points as remaining_points,
    unpointed_issues,
    coalesce(round(first_scope_points * (end_date - day) / nullif(end_date - first_day, 0), 2), 0)
        as ideal_remaining_points
from with_first_row;

create view metrics.sprint_velocity as
-- one row per sprint that has started: committed, completed and carried-over work
with started as (
    select
        project.project_id, project.owner_login, project.project_number, sprint.field_id, sprint.sprint_id,
        sprint.title, sprint.start_date, sprint.end_date, settings.today,
        least(sprint.end_date, settings.today) as last_counted_day, settings.report_timezone
    from github.sprints as sprint
    join github.projects as project on project.project_id = sprint.project_id and project.role = 'sprint'
    join github.project_fields as board_field
        on board_field.field_id = sprint.field_id and board_field.name = project.sprint_field
    cross join metrics_base.settings as settings
    where sprint.start_date <= settings.today
),
first_days as (
    select project_id, field_id, sprint_id, min(day) as first_day
    from metrics_base.sprint_days
    group by 1, 2, 3
),
committed as (
    select
        first_days.project_id, first_days.field_id, first_days.sprint_id,
        coalesce(sum(issue_day.points) filter (where not issue_day.is_dropped), 0) as committed_points
    from first_days
    left join metrics_base.sprint_issue_days as issue_day
        on issue_day.project_id = first_days.project_id
        and issue_day.field_id = first_days.field_id
        and issue_day.sprint_id = first_days.sprint_id
        and issue_day.day = first_days.first_day
    group by 1, 2, 3
),
final_state as (
    select
        started.project_id, started.field_id, started.sprint_id,
        (count(*) filter (
            where issue_day.is_done
            and (issue_day.closed_at at time zone started.report_timezone)::date
                between started.start_date and started.end_date
        ))::integer as completed_issues,
        coalesce(sum(issue_day.points) filter (
            where issue_day.is_done
            and (issue_day.closed_at at time zone started.report_timezone)::date
                between started.start_date and started.end_date
        ), 0) as completed_points,
        (count(*) filter (where not issue_day.is_done and not issue_day.is_dropped))::integer as carried_over_issues
    from started
    join metrics_base.sprint_issue_days as issue_day
        on issue_day.project_id = started.project_id
        and issue_day.field_id = started.field_id
        and issue_day.sprint_id = started.sprint_id
        and issue_day.day = started.last_counted_day
    group by 1, 2, 3
)
select
    started.owner_login as project_owner,
    started.project_number,
    started.sprint_id,
    started.title as sprint_title,
    started.start_date,
    started.end_date,
    committed.committed_points,
    coalesce(final_state.completed_points, 0) as completed_points,
    coalesce(final_state.completed_issues, 0) as completed_issues,
    coalesce(final_state.carried_over_issues, 0) as carried_over_issues,
    started.today > started.end_date as is_complete
from started
left join committed using (project_id, field_id, sprint_id)
left join final_state using (project_id, field_id, sprint_id);

create view metrics_base.issue_boards as
-- one row per issue and the first configured board that holds it now (else that ever held it)
select distinct on (item.content_id)
    item.content_id as issue_id, project.project_id, project.owner_login, project.project_number
from github.item_versions as item
join github.projects as project using (project_id)
where item.content_type = 'Issue'
order by item.content_id, item.valid_to is not null, project.config_position;

create view metrics.flow_times as
-- one row per done issue on a board: lead time and cycle time
with done as (
    select issue.issue_id, issue.closed_at as done_at
    from github.issue_versions as issue
    where issue.valid_to is null
        and issue.state = 'CLOSED'
        and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
),
started as (
    select item.content_id as issue_id, min(item.valid_from) as started_at
    from github.item_versions as item
    join github.projects as project using (project_id)
    where project.role = 'sprint' and item.status = any(project.in_progress_statuses)
    group by item.content_id
)
select
    entity.url as issue_url,
    board.owner_login as project_owner,
    board.project_number,
    entity.created_at,
    started.started_at,
    done.done_at,
    round((extract(epoch from done.done_at - entity.created_at) / 86400)::numeric, 2) as lead_time_days,
    round((extract(epoch from done.done_at - started.started_at) / 86400)::numeric, 2) as cycle_time_days
from done
join github.issues as entity using (issue_id)
join metrics_base.issue_boards as board using (issue_id)
left join started using (issue_id);

create view metrics.throughput_weekly as
-- one row per board per ISO week (Monday) from its first observed week to the current one
with weeks as (
    select
        project.project_id, project.owner_login, project.project_number,
        series.week::date as week_start
    from github.projects as project
    cross join metrics_base.settings as settings
    cross join lateral generate_series(
        date_trunc('week', (project.first_observed_at at time zone settings.report_timezone)::date),
        date_trunc('week', settings.today),
        interval '1 week'
    ) as series (week)
),
held as (
    select distinct item.project_id, item.content_id as issue_id
    from github.item_versions as item
    where item.valid_to is null and item.content_type = 'Issue'
),
done as (
    select
        held.project_id,
        held.issue_id,
        date_trunc('week', issue.closed_at at time zone settings.report_timezone)::date as week_start,
        metrics_base.points_at(held.issue_id, 'infinity') as points
    from held
    join github.issue_versions as issue on issue.issue_id = held.issue_id and issue.valid_to is null
    cross join metrics_base.settings as settings
    where issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
)
select
    weeks.owner_login as project_owner,
    weeks.project_number,
    weeks.week_start,
    count(done.issue_id)::integer as issues_done,
    coalesce(sum(done.points), 0) as points_done
from weeks
left join done using (project_id, week_start)
group by 1, 2, 3
order by 1, 2, 3;

create view metrics_base.deliverables as
-- one row per issue on a roadmap board now, with its status there
select distinct on (item.content_id)
    item.content_id as deliverable_id, item.project_id, item.status as deliverable_status
from github.item_versions as item
join github.projects as project using (project_id)
where project.role = 'roadmap' and item.valid_to is null and item.content_type = 'Issue'
order by item.content_id, project.config_position;

create view metrics_base.current_work_items as
-- one row per deliverable and each of its current work items: descendants through parent links with no
-- sub-issues of their own (a parent-link cycle is cut where it closes)
with recursive edges as (
    select issue_id, parent_issue_id
    from github.issue_versions
    where valid_to is null and parent_issue_id is not null
),
tree (deliverable_id, issue_id, path) as (
    select deliverable.deliverable_id, edges.issue_id, array[deliverable.deliverable_id, edges.issue_id]
    from metrics_base.deliverables as deliverable
    join edges on edges.parent_issue_id = deliverable.deliverable_id
    union all
    select tree.deliverable_id, edges.issue_id, tree.path || edges.issue_id
    from tree
    join edges on edges.parent_issue_id = tree.issue_id
    where edges.issue_id <> all(tree.path)
)
select distinct tree.deliverable_id, tree.issue_id
from tree
where not exists (select 1 from edges where edges.parent_issue_id = tree.issue_id);

-- Deliverable forecasts: the Monte Carlo result is a pure function of (weekly sample, open items), so it is
-- cached by those inputs; the refresh after each load fills the cache for the current inputs.
create view metrics_base.current_work_item_states as
with current_points as (
    -- points now, from the first configured sprint board holding each issue (points_at for all at once)
    select distinct on (item.content_id) item.content_id as issue_id, item.points
    from github.item_versions as item
    join github.projects as project using (project_id)
    where project.role = 'sprint' and item.content_type = 'Issue' and item.valid_to is null
    order by item.content_id, project.config_position
)
select
    work.deliverable_id, work.issue_id, issue.closed_at,
    issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
    current_points.points
from metrics_base.current_work_items as work
join github.issue_versions as issue on issue.issue_id = work.issue_id and issue.valid_to is null
left join current_points on current_points.issue_id = work.issue_id
where not (issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE'));
comment on view metrics_base.current_work_item_states is 'One row per deliverable and current work item that is not dropped, with its state and points now.';
comment on column metrics_base.current_work_item_states.deliverable_id is 'The deliverable';
comment on column metrics_base.current_work_item_states.issue_id is 'The work item';
comment on column metrics_base.current_work_item_states.closed_at is 'When it was closed';
comment on column metrics_base.current_work_item_states.is_done is 'Closed as completed (or without reason)';
comment on column metrics_base.current_work_item_states.points is 'Its points now';

create view metrics_base.deliverable_forecast_inputs as
-- one row per deliverable: its work items done per week over the 12 complete weeks before this one, and open
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
open_items as (
    select deliverable_id, (count(*) filter (where not is_done))::integer as open_items
    from items
    group by deliverable_id
)
select
    sample_weeks.deliverable_id,
    array_agg(coalesce(done_weeks.done, 0) order by sample_weeks.week_start) as weekly_done,
    coalesce(open_items.open_items, 0) as open_items
from sample_weeks
left join done_weeks using (deliverable_id, week_start)
left join open_items using (deliverable_id)
group by sample_weeks.deliverable_id, open_items.open_items;
comment on view metrics_base.deliverable_forecast_inputs is 'One row per deliverable: the forecast''s inputs.';
comment on column metrics_base.deliverable_forecast_inputs.deliverable_id is 'The deliverable';
comment on column metrics_base.deliverable_forecast_inputs.weekly_done is 'Work items done in each of the 12 complete weeks before this one, oldest first';
comment on column metrics_base.deliverable_forecast_inputs.open_items is 'Work items not done (and not dropped)';

-- Monte Carlo forecast: weeks until `open_items` are done, drawing weekly throughputs from `sample` with
-- replacement. 10,000 trials, fixed seed (the same data always gives the same dates). A trial that needs
-- more than 520 weeks counts as not finishing; a percentile no share of trials reaches is null.
create function metrics_base.forecast_weeks(sample integer[], open_items integer, out p50_weeks integer,
                                            out p85_weeks integer)
language plpgsql volatile as $$
declare
    trials constant integer := 10000;
    max_weeks constant integer := 520;
    finished_by integer[] := array_fill(0, array[max_weeks]);
    sample_size integer := coalesce(array_length(sample, 1), 0);
    done integer;
    weeks integer;
    reached integer := 0;
begin
    if open_items <= 0 or sample_size = 0 or (select coalesce(sum(x), 0) from unnest(sample) as x) = 0 then
        return;
    end if;
    perform setseed(0.2026);
    for trial in 1..trials loop
        done := 0;
        weeks := 0;
        while done < open_items and weeks < max_weeks loop
            weeks := weeks + 1;
            done := done + sample[1 + floor(random() * sample_size)::integer];
        end loop;
        if done >= open_items then
            finished_by[weeks] := finished_by[weeks] + 1;
        end if;
    end loop;
    for week in 1..max_weeks loop
        reached := reached + finished_by[week];
        if p50_weeks is null and reached >= trials * 0.50 then p50_weeks := week; end if;
        if p85_weeks is null and reached >= trials * 0.85 then p85_weeks := week; exit; end if;
    end loop;
end
$$;

create table metrics_base.forecast_cache (
    weekly_done integer[] not null,
    open_items integer not null,
    p50_weeks integer,
    p85_weeks integer,
    primary key (weekly_done, open_items)
);
comment on table metrics_base.forecast_cache is 'Monte Carlo results by their inputs (a pure function of them). Source: the refresh after each load.';
comment on column metrics_base.forecast_cache.weekly_done is 'The weekly throughput sample';
comment on column metrics_base.forecast_cache.open_items is 'Work items to finish';
comment on column metrics_base.forecast_cache.p50_weeks is 'Weeks by which half of the trials finish; null when none can';
comment on column metrics_base.forecast_cache.p85_weeks is 'Weeks by which 85% of the trials finish';

create function metrics_base.cached_forecast_weeks(sample integer[], open_items integer, out p50_weeks integer,
                                                   out p85_weeks integer)
language plpgsql volatile as $$
begin
    select cache.p50_weeks, cache.p85_weeks into p50_weeks, p85_weeks
    from metrics_base.forecast_cache as cache
    where cache.weekly_done = sample and cache.open_items = cached_forecast_weeks.open_items;
    if not found then
        select forecast.p50_weeks, forecast.p85_weeks into p50_weeks, p85_weeks
        from metrics_base.forecast_weeks(sample, open_items) as forecast;
    end if;
end
$$;

create view metrics_base.deliverable_progress_live as
-- one row per deliverable with work items: the figures of deliverable_progress, computed from the versions
with totals as (
    select
        deliverable_id,
        count(*)::integer as issues_total,
        (count(*) filter (where is_done))::integer as issues_done,
        coalesce(sum(points), 0) as points_total,
        coalesce(sum(points) filter (where is_done), 0) as points_done,
        (count(*) filter (where points > 0))::integer as pointed
    from metrics_base.current_work_item_states
    group by deliverable_id
),
forecast as (
    select inputs.deliverable_id, (metrics_base.cached_forecast_weeks(inputs.weekly_done, inputs.open_items)).*
    from metrics_base.deliverable_forecast_inputs as inputs
)
select
    deliverable.deliverable_id, totals.issues_total, totals.issues_done, totals.points_total, totals.points_done,
    totals.pointed, forecast.p50_weeks, forecast.p85_weeks
from metrics_base.deliverables as deliverable
left join totals using (deliverable_id)
left join forecast using (deliverable_id);

create table metrics_base.deliverable_progress_facts as
select * from metrics_base.deliverable_progress_live with no data;
alter table metrics_base.deliverable_progress_facts add primary key (deliverable_id);

create view metrics_base.deliverable_progress_numbers as
-- the materialized figures while they are current (refreshed after the latest load, in this week), else live
with state as (
    select coalesce(bool_and(fact_state.current_valid and fact_state.current_week = date_trunc('week', settings.today)::date
                             and fact_state.report_timezone = settings.report_timezone), false) as is_valid
    from metrics_base.settings as settings
    left join metrics_base.fact_state on fact_state.name = 'daily'
)
select facts.* from metrics_base.deliverable_progress_facts as facts where (select is_valid from state)
union all
select live.* from metrics_base.deliverable_progress_live as live where not (select is_valid from state);

create view metrics.deliverable_progress as
-- one row per deliverable, as of now: work items done by issues and points, and a forecast
select
    entity.url as deliverable_url,
    current_issue.title as deliverable_title,
    deliverable.deliverable_status,
    coalesce(numbers.issues_total, 0) as issues_total,
    coalesce(numbers.issues_done, 0) as issues_done,
    coalesce(numbers.points_total, 0) as points_total,
    coalesce(numbers.points_done, 0) as points_done,
    round(100.0 * numbers.issues_done / nullif(numbers.issues_total, 0), 1) as percent_done_issues,
    round(100.0 * numbers.points_done / nullif(numbers.points_total, 0), 1) as percent_done_points,
    round(100.0 * numbers.pointed / nullif(numbers.issues_total, 0), 1) as percent_pointed,
    settings.today + 7 * numbers.p50_weeks as forecast_p50_date,
    settings.today + 7 * numbers.p85_weeks as forecast_p85_date
from metrics_base.deliverables as deliverable
join github.issues as entity on entity.issue_id = deliverable.deliverable_id
join github.issue_versions as current_issue
    on current_issue.issue_id = deliverable.deliverable_id and current_issue.valid_to is null
cross join metrics_base.settings as settings
left join metrics_base.deliverable_progress_numbers as numbers using (deliverable_id);

-- Work items of every current deliverable as of one moment (leaf descendants through the parent links then);
-- a deliverable without any gets a row of zeros.
create function metrics_base.deliverable_state_at(moment timestamptz)
returns table (deliverable_id text, scope_issues integer, done_issues integer, scope_points numeric,
               done_points numeric)
language sql stable as $$
    with recursive edges as (
        select version.issue_id, version.parent_issue_id
        from github.issue_versions as version
        where version.parent_issue_id is not null
            and metrics_base.is_state_at(version.valid_from, version.valid_to, moment)
    ),
    tree (deliverable_id, issue_id, path) as (
        select deliverable.deliverable_id, edges.issue_id, array[deliverable.deliverable_id, edges.issue_id]
        from metrics_base.deliverables as deliverable
        join edges on edges.parent_issue_id = deliverable.deliverable_id
        union all
        select tree.deliverable_id, edges.issue_id, tree.path || edges.issue_id
        from tree
        join edges on edges.parent_issue_id = tree.issue_id
        where edges.issue_id <> all(tree.path)
    ),
    work_items as (
        select distinct tree.deliverable_id, tree.issue_id
        from tree
        where not exists (select 1 from edges where edges.parent_issue_id = tree.issue_id)
    ),
    points as (
        -- set-based points_at for every issue at once: the first configured sprint board holding it then
        select distinct on (item.content_id) item.content_id as issue_id, item.points
        from github.item_versions as item
        join github.projects as project using (project_id)
        where project.role = 'sprint' and item.content_type = 'Issue'
            and metrics_base.is_state_at(item.valid_from, item.valid_to, moment)
        order by item.content_id, project.config_position
    ),
    states as (
        select
            work_items.deliverable_id,
            issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
            issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
            points.points
        from work_items
        join github.issue_versions as issue
            on issue.issue_id = work_items.issue_id
            and metrics_base.is_state_at(issue.valid_from, issue.valid_to, moment)
        left join points on points.issue_id = work_items.issue_id
    )
    select
        deliverable.deliverable_id,
        (count(states.deliverable_id) filter (where not states.is_dropped))::integer,
        (count(states.deliverable_id) filter (where states.is_done))::integer,
        coalesce(sum(states.points) filter (where not states.is_dropped), 0),
        coalesce(sum(states.points) filter (where states.is_done), 0)
    from metrics_base.deliverables as deliverable
    left join states using (deliverable_id)
    group by deliverable.deliverable_id
$$;

create table metrics_base.deliverable_day_facts (
    deliverable_id text not null,
    day date not null,
    scope_issues integer not null,
    done_issues integer not null,
    scope_points numeric not null,
    done_points numeric not null,
    primary key (deliverable_id, day)
);
comment on table metrics_base.deliverable_day_facts is 'Materialized deliverable burnup (days with work items) up to fact_state.valid_through. Source: refresh after each load.';
comment on column metrics_base.deliverable_day_facts.deliverable_id is 'The deliverable';
comment on column metrics_base.deliverable_day_facts.day is 'The day (reporting time zone)';
comment on column metrics_base.deliverable_day_facts.scope_issues is 'Work items not dropped at end of day';
comment on column metrics_base.deliverable_day_facts.done_issues is 'Work items done at end of day';
comment on column metrics_base.deliverable_day_facts.scope_points is 'Their points';
comment on column metrics_base.deliverable_day_facts.done_points is 'Points of the done ones';

create view metrics.deliverable_burnup as
-- one row per deliverable per day from its board's first observed day to today, membership as of each day
with days as (
    select
        deliverable.deliverable_id, series.day::date as day
    from metrics_base.deliverables as deliverable
    join github.projects as project using (project_id)
    cross join metrics_base.settings as settings
    cross join lateral generate_series(
        (project.first_observed_at at time zone settings.report_timezone)::date, settings.today, interval '1 day'
    ) as series (day)
),
live as (
    select series.day::date as day, state.*
    from metrics_base.settings as settings
    cross join metrics_base.facts_valid_through as facts
    cross join lateral generate_series(
        greatest(facts.valid_through + 1,
                 (select min(first_observed_at at time zone settings.report_timezone)::date from github.projects)),
        settings.today, interval '1 day'
    ) as series (day)
    cross join lateral metrics_base.deliverable_state_at(
        (series.day::date + 1)::timestamp at time zone settings.report_timezone
    ) as state
),
states as (
    select facts.deliverable_id, facts.day, facts.scope_issues, facts.done_issues, facts.scope_points,
           facts.done_points
    from metrics_base.deliverable_day_facts as facts
    where facts.day <= (select valid_through from metrics_base.facts_valid_through)
    union all
    select live.deliverable_id, live.day, live.scope_issues, live.done_issues, live.scope_points, live.done_points
    from live
)
select
    entity.url as deliverable_url,
    days.day,
    coalesce(states.scope_issues, 0) as scope_issues,
    coalesce(states.done_issues, 0) as done_issues,
    coalesce(states.scope_points, 0) as scope_points,
    coalesce(states.done_points, 0) as done_points
from days
join github.issues as entity on entity.issue_id = days.deliverable_id
left join states using (deliverable_id, day)
order by entity.url, days.day;

create view metrics.data_quality as
-- one row per check per board: freshness, configured fields, pointing, orphans, non-issue and unreadable items
with recursive boards as (
    select project.*, (select count(*) from github.projects where role = 'roadmap') as roadmap_boards
    from github.projects as project
),
latest_run as (
    select distinct on (lower(run.project_owner), run.project_number)
        lower(run.project_owner) as owner_key, run.project_number, run.finished_at, run.unreadable_items
    from etl.runs as run
    where run.status = 'succeeded'
    order by lower(run.project_owner), run.project_number, run.as_of desc
),
current_items as (
    select item.*
    from github.item_versions as item
    where item.valid_to is null
),
edges as (
    select issue_id, parent_issue_id from github.issue_versions where valid_to is null and parent_issue_id is not null
),
ancestry (issue_id, ancestor_id, path) as (
    select edges.issue_id, edges.parent_issue_id, array[edges.issue_id, edges.parent_issue_id] from edges
    union all
    select ancestry.issue_id, edges.parent_issue_id, ancestry.path || edges.parent_issue_id
    from ancestry
    join edges on edges.issue_id = ancestry.ancestor_id
    where edges.parent_issue_id <> all(ancestry.path)
),
under_deliverable as (
    select distinct ancestry.issue_id
    from ancestry
    join metrics_base.deliverables as deliverable on deliverable.deliverable_id = ancestry.ancestor_id
),
sprint_scope as (
    select item.project_id, item.content_id, item.points
    from current_items as item
    join github.issue_versions as issue on issue.issue_id = item.content_id and issue.valid_to is null
    where item.content_type = 'Issue' and item.sprint_id is not null
        and not (issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE'))
),
checks as (
    select
        boards.project_id, 'freshness' as check_name,
        round((extract(epoch from now() - latest_run.finished_at) / 3600)::numeric, 1) as value,
        case
            when latest_run.finished_at is null then 'fail'
            when now() - latest_run.finished_at <= interval '26 hours' then 'ok'
            when now() - latest_run.finished_at <= interval '72 hours' then 'warn'
            else 'fail'
        end as status,
        coalesce('hours since the last successful run, at ' || to_char(latest_run.finished_at at time zone 'UTC',
                 'YYYY-MM-DD HH24:MI "UTC"'), 'no successful run') as detail
    from boards
    left join latest_run
        on latest_run.owner_key = lower(boards.owner_login) and latest_run.project_number = boards.project_number
    union all
    select
        boards.project_id, 'configured_fields_missing',
        count(wanted.name) filter (where board_field.field_id is null),
        case when count(wanted.name) filter (where board_field.field_id is null) = 0 then 'ok' else 'fail' end,
        coalesce('missing: ' || string_agg(wanted.name, ', ') filter (where board_field.field_id is null),
                 'sprint, points and status fields all present')
    from boards
    cross join lateral (values (boards.sprint_field), (boards.points_field), (boards.status_field)) as wanted (name)
    left join github.project_fields as board_field
        on board_field.project_id = boards.project_id and board_field.name = wanted.name
    where boards.role = 'sprint'
    group by boards.project_id
    union all
    select
        boards.project_id, 'pointed_share',
        round(100.0 * count(*) filter (where scope.points > 0) / nullif(count(scope.content_id), 0), 1),
        case
            when count(scope.content_id) = 0 then 'ok'
            when 1.0 * count(*) filter (where scope.points > 0) / count(scope.content_id) >= 0.8 then 'ok'
            when 1.0 * count(*) filter (where scope.points > 0) / count(scope.content_id) >= 0.5 then 'warn'
            else 'fail'
        end,
        (count(*) filter (where scope.points > 0)) || ' of ' || count(scope.content_id)
            || ' issues in a sprint (not dropped) have points'
    from boards
    left join sprint_scope as scope on scope.project_id = boards.project_id
    where boards.role = 'sprint'
    group by boards.project_id
    union all
    select
        boards.project_id, 'orphan_issues',
        count(item.content_id) filter (where under_deliverable.issue_id is null),
        case
            when boards.roadmap_boards = 0 or count(item.content_id) filter (where under_deliverable.issue_id is null) = 0
                then 'ok'
            else 'warn'
        end,
        case
            when boards.roadmap_boards = 0 then 'no roadmap board is configured'
            else 'issues on this sprint board under no deliverable'
        end
    from boards
    left join current_items as item on item.project_id = boards.project_id and item.content_type = 'Issue'
    left join under_deliverable on under_deliverable.issue_id = item.content_id
    where boards.role = 'sprint'
    group by boards.project_id, boards.roadmap_boards
    union all
    select
        boards.project_id, 'non_issue_items',
        count(item.item_id) filter (where item.item_type <> 'ISSUE'),
        case when count(item.item_id) filter (where item.item_type = 'REDACTED') > 0 then 'warn' else 'ok' end,
        (count(item.item_id) filter (where item.item_type = 'PULL_REQUEST')) || ' pull requests, '
            || (count(item.item_id) filter (where item.item_type = 'DRAFT_ISSUE')) || ' draft issues, '
            || (count(item.item_id) filter (where item.item_type = 'REDACTED')) || ' unreadable (counted in no metric)'
    from boards
    left join current_items as item on item.project_id = boards.project_id
    group by boards.project_id
    union all
    select
        boards.project_id, 'unreadable_items',
        coalesce(latest_run.unreadable_items, 0),
        case when coalesce(latest_run.unreadable_items, 0) > 0 then 'warn' else 'ok' end,
        'items the token could not read in the latest run (private repositories or missing access)'
    from boards
    left join latest_run
        on latest_run.owner_key = lower(boards.owner_login) and latest_run.project_number = boards.project_number
)
select
    boards.owner_login as project_owner,
    boards.project_number,
    checks.check_name,
    checks.status,
    checks.value,
    checks.detail
from checks
join boards using (project_id)
order by boards.config_position, checks.check_name;

-- A load at `as_of` may change the state of every day from as_of's own day on.
create function metrics_base.invalidate_facts(as_of timestamptz)
returns void language sql volatile as $$
    update metrics_base.fact_state as state
    set valid_through = least(state.valid_through, (as_of at time zone settings.report_timezone)::date - 1),
        current_valid = false
    from metrics_base.settings as settings
    where state.name = 'daily'
$$;

-- Recompute the facts of every day after the valid ones through today (all of them after a time-zone change).
create function metrics_base.refresh_facts()
returns integer language plpgsql volatile as $$
declare
    zone text := (select report_timezone from metrics_base.settings);
    today date := (select settings.today from metrics_base.settings as settings);
    valid date := (select valid_through from metrics_base.facts_valid_through);
    first_day date := (select min(first_observed_at at time zone zone)::date from github.projects);
    deliverables_valid date;
    day date;
    written integer := 0;
begin
    -- Runs of other boards may load at the same time: one refresh at a time (held until the load commits).
    perform pg_advisory_xact_lock(7406202612);
    valid := (select valid_through from metrics_base.facts_valid_through);
    if first_day is null then
        return 0;
    end if;
    deliverables_valid := valid;
    -- A deliverable new on the roadmap has no facts yet: its whole history is recomputed.
    if exists (select 1 from metrics_base.deliverables as deliverable
               where not exists (select 1 from metrics_base.deliverable_day_facts as facts
                                 where facts.deliverable_id = deliverable.deliverable_id)) then
        deliverables_valid := '-infinity';
    end if;
    delete from metrics_base.sprint_issue_day_facts where sprint_issue_day_facts.day > valid;
    delete from metrics_base.deliverable_day_facts where deliverable_day_facts.day > deliverables_valid;
    insert into metrics_base.sprint_issue_day_facts
    select * from metrics_base.sprint_issue_days_live as live where live.day > valid and live.day <= today;
    get diagnostics written = row_count;
    day := greatest(deliverables_valid + 1, first_day);
    while day <= today loop
        insert into metrics_base.deliverable_day_facts
        select state.deliverable_id, day, state.scope_issues, state.done_issues, state.scope_points,
               state.done_points
        from metrics_base.deliverable_state_at((day + 1)::timestamp at time zone zone) as state;
        day := day + 1;
    end loop;
    insert into metrics_base.forecast_cache (weekly_done, open_items, p50_weeks, p85_weeks)
    select distinct on (inputs.weekly_done, inputs.open_items)
        inputs.weekly_done, inputs.open_items, forecast.p50_weeks, forecast.p85_weeks
    from metrics_base.deliverable_forecast_inputs as inputs
    cross join lateral metrics_base.forecast_weeks(inputs.weekly_done, inputs.open_items) as forecast
    where not exists (select 1 from metrics_base.forecast_cache as cache
                      where cache.weekly_done = inputs.weekly_done and cache.open_items = inputs.open_items)
    on conflict do nothing;
    delete from metrics_base.deliverable_progress_facts;
    insert into metrics_base.deliverable_progress_facts select * from metrics_base.deliverable_progress_live;
    insert into metrics_base.fact_state (name, report_timezone, valid_through, current_valid, current_week)
    values ('daily', zone, today, true, date_trunc('week', today)::date)
    on conflict (name) do update set report_timezone = excluded.report_timezone,
        valid_through = excluded.valid_through, current_valid = true, current_week = excluded.current_week;
    return written;
end
$$;
