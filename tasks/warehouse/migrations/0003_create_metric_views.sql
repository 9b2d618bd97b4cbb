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

create view metrics_base.sprint_issue_days as
-- one row per issue in a sprint at the end of one of the sprint's days, with its state then
select
    sprint_day.project_id, sprint_day.owner_login, sprint_day.project_number, sprint_day.field_id,
    sprint_day.sprint_id, sprint_day.title, sprint_day.start_date, sprint_day.end_date, sprint_day.day,
    sprint_day.day_end,
    item.content_id as issue_id,
    issue.closed_at,
    issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
    issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
    metrics_base.points_at(item.content_id, sprint_day.day_end) as points
from metrics_base.sprint_days as sprint_day
join github.item_versions as item
    on item.project_id = sprint_day.project_id
    and item.sprint_id = sprint_day.sprint_id
    and item.content_type = 'Issue'
    and metrics_base.is_state_at(item.valid_from, item.valid_to, sprint_day.day_end)
join github.issue_versions as issue
    on issue.issue_id = item.content_id
    and metrics_base.is_state_at(issue.valid_from, issue.valid_to, sprint_day.day_end);

create view metrics.sprint_burndown as
-- one row per sprint day: scope, done and remaining issues and points, and the ideal line
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
first_rows as (
    select distinct on (project_id, field_id, sprint_id)
        project_id, field_id, sprint_id, day as first_day, scope_points as first_scope_points
    from daily
    order by project_id, field_id, sprint_id, day
)
select
    daily.owner_login as project_owner,
    daily.project_number,
    daily.sprint_id,
    daily.title as sprint_title,
    daily.day,
    daily.scope_issues,
    daily.done_issues,
    daily.scope_issues - daily.done_issues as remaining_issues,
    daily.scope_points,
    daily.done_points,
    daily.scope_points - daily.done_points as remaining_points,
    daily.unpointed_issues,
    coalesce(round(
        first_rows.first_scope_points * (daily.end_date - daily.day)
        / nullif(daily.end_date - first_rows.first_day, 0), 2
    ), 0) as ideal_remaining_points
from daily
join first_rows using (project_id, field_id, sprint_id);

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

create view metrics.deliverable_progress as
-- one row per deliverable, as of now: work items done by issues and points, and a forecast
with items as (
    select
        work.deliverable_id, work.issue_id, issue.closed_at,
        issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
        metrics_base.points_at(work.issue_id, 'infinity') as points
    from metrics_base.current_work_items as work
    join github.issue_versions as issue on issue.issue_id = work.issue_id and issue.valid_to is null
    where not (issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE'))
),
totals as (
    select
        deliverable_id,
        count(*)::integer as issues_total,
        (count(*) filter (where is_done))::integer as issues_done,
        coalesce(sum(points), 0) as points_total,
        coalesce(sum(points) filter (where is_done), 0) as points_done,
        (count(*) filter (where points > 0))::integer as pointed
    from items
    group by deliverable_id
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
throughput as (
    select
        sample_weeks.deliverable_id,
        array_agg(
            (select count(*) from items
             where items.deliverable_id = sample_weeks.deliverable_id and items.is_done
                and date_trunc('week', items.closed_at at time zone settings.report_timezone)::date
                    = sample_weeks.week_start)::integer
            order by sample_weeks.week_start
        ) as weekly_done
    from sample_weeks
    cross join metrics_base.settings as settings
    group by sample_weeks.deliverable_id
),
forecast as (
    select
        totals.deliverable_id,
        (metrics_base.forecast_weeks(throughput.weekly_done, totals.issues_total - totals.issues_done)).*
    from totals
    join throughput using (deliverable_id)
)
select
    entity.url as deliverable_url,
    current_issue.title as deliverable_title,
    deliverable.deliverable_status,
    coalesce(totals.issues_total, 0) as issues_total,
    coalesce(totals.issues_done, 0) as issues_done,
    coalesce(totals.points_total, 0) as points_total,
    coalesce(totals.points_done, 0) as points_done,
    round(100.0 * totals.issues_done / nullif(totals.issues_total, 0), 1) as percent_done_issues,
    round(100.0 * totals.points_done / nullif(totals.points_total, 0), 1) as percent_done_points,
    round(100.0 * totals.pointed / nullif(totals.issues_total, 0), 1) as percent_pointed,
    settings.today + 7 * forecast.p50_weeks as forecast_p50_date,
    settings.today + 7 * forecast.p85_weeks as forecast_p85_date
from metrics_base.deliverables as deliverable
join github.issues as entity on entity.issue_id = deliverable.deliverable_id
join github.issue_versions as current_issue
    on current_issue.issue_id = deliverable.deliverable_id and current_issue.valid_to is null
cross join metrics_base.settings as settings
left join totals using (deliverable_id)
left join forecast using (deliverable_id);

create view metrics.deliverable_burnup as
-- one row per deliverable per day from its board's first observed day to today, membership as of each day
with recursive days as (
    select
        deliverable.deliverable_id, series.day::date as day,
        (series.day::date + 1)::timestamp at time zone settings.report_timezone as day_end
    from metrics_base.deliverables as deliverable
    join github.projects as project using (project_id)
    cross join metrics_base.settings as settings
    cross join lateral generate_series(
        (project.first_observed_at at time zone settings.report_timezone)::date, settings.today, interval '1 day'
    ) as series (day)
),
moments as (
    select distinct day, day_end from days
),
edges as (
    select moments.day, version.issue_id, version.parent_issue_id
    from moments
    join github.issue_versions as version
        on version.parent_issue_id is not null
        and metrics_base.is_state_at(version.valid_from, version.valid_to, moments.day_end)
),
tree (deliverable_id, day, issue_id, path) as (
    select days.deliverable_id, days.day, edges.issue_id, array[days.deliverable_id, edges.issue_id]
    from days
    join edges on edges.day = days.day and edges.parent_issue_id = days.deliverable_id
    union all
    select tree.deliverable_id, tree.day, edges.issue_id, tree.path || edges.issue_id
    from tree
    join edges on edges.day = tree.day and edges.parent_issue_id = tree.issue_id
    where edges.issue_id <> all(tree.path)
),
work_items as (
    select distinct tree.deliverable_id, tree.day, tree.issue_id
    from tree
    where not exists (
        select 1 from edges where edges.day = tree.day and edges.parent_issue_id = tree.issue_id
    )
),
states as (
    select
        work_items.deliverable_id, work_items.day, work_items.issue_id,
        issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
        issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE') as is_done,
        metrics_base.points_at(work_items.issue_id, days.day_end) as points
    from work_items
    join days using (deliverable_id, day)
    join github.issue_versions as issue
        on issue.issue_id = work_items.issue_id
        and metrics_base.is_state_at(issue.valid_from, issue.valid_to, days.day_end)
)
select
    entity.url as deliverable_url,
    days.day,
    (count(states.issue_id) filter (where not states.is_dropped))::integer as scope_issues,
    (count(states.issue_id) filter (where states.is_done))::integer as done_issues,
    coalesce(sum(states.points) filter (where not states.is_dropped), 0) as scope_points,
    coalesce(sum(states.points) filter (where states.is_done), 0) as done_points
from days
join github.issues as entity on entity.issue_id = days.deliverable_id
left join states using (deliverable_id, day)
group by entity.url, days.day
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
