create view metrics.sprint_burndown as
-- one row per sprint day: scope, done and remaining issues and points, and the ideal line
-- (one pass with window functions, so that a filter on one sprint reaches the facts instead of every sprint)
with scope_by_day as (
    -- the sprint issue days, counted by sprint and day before they meet the calendar: the planner cannot tell how
    -- many days a span of the facts expands to, and would sort every issue day by eight columns
    select scope.project_id, scope.field_id, scope.sprint_id, scope.day,
        count(*)::integer as scope_issues,
        (count(*) filter (where scope.is_done))::integer as done_issues,
        sum(scope.points) as scope_points,
        sum(scope.points) filter (where scope.is_done) as done_points,
        (count(*) filter (where scope.points is null))::integer as unpointed_issues
    from metrics_base.sprint_issue_days as scope
    where not scope.is_dropped
    group by scope.project_id, scope.field_id, scope.sprint_id, scope.day
),
daily as (
    select
        sprint_day.project_id, sprint_day.owner_login, sprint_day.project_number, sprint_day.field_id,
        sprint_day.sprint_id, sprint_day.title, sprint_day.end_date, sprint_day.day,
        coalesce(scope.scope_issues, 0) as scope_issues,
        coalesce(scope.done_issues, 0) as done_issues,
        coalesce(scope.scope_points, 0) as scope_points,
        coalesce(scope.done_points, 0) as done_points,
        coalesce(scope.unpointed_issues, 0) as unpointed_issues
    from metrics_base.sprint_days as sprint_day
    left join scope_by_day as scope
        on scope.project_id = sprint_day.project_id
        and scope.field_id = sprint_day.field_id
        and scope.sprint_id = sprint_day.sprint_id
        and scope.day = sprint_day.day
),
with_first_row as (
    select
        daily.*,
        first_value(daily.day) over sprint as first_day,
        first_value(daily.scope_points) over sprint as first_scope_points,
        first_value(daily.scope_issues) over sprint as first_scope_issues
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
        as ideal_remaining_points,
    coalesce(round(first_scope_issues::numeric * (end_date - day) / nullif(end_date - first_day, 0), 2), 0)
        as ideal_remaining_issues
from with_first_row;
-- Every metric view and column says what it is (the data dictionary is generated from these comments).
comment on view metrics.sprint_burndown is 'One row per sprint per day, from the sprint''s first observed day to min(last day, today): burndown and burnup by issues and points. Derived from history at every read; kept as long as the history.';
comment on column metrics.sprint_burndown.project_owner is 'Owner login of the sprint board';
comment on column metrics.sprint_burndown.project_number is 'Number of the sprint board';
comment on column metrics.sprint_burndown.sprint_id is 'Iteration id of the sprint';
comment on column metrics.sprint_burndown.sprint_title is 'Sprint title';
comment on column metrics.sprint_burndown.day is 'Calendar day in the reporting time zone (state at its end)';
comment on column metrics.sprint_burndown.scope_issues is 'Issues in the sprint at end of day, not dropped';
comment on column metrics.sprint_burndown.done_issues is 'Of those, done (closed as completed or without reason)';
comment on column metrics.sprint_burndown.remaining_issues is 'scope_issues - done_issues';
comment on column metrics.sprint_burndown.scope_points is 'Points of the scope issues (unpointed count 0)';
comment on column metrics.sprint_burndown.done_points is 'Points of the done issues';
comment on column metrics.sprint_burndown.remaining_points is 'scope_points - done_points';
comment on column metrics.sprint_burndown.unpointed_issues is 'Scope issues without points';
comment on column metrics.sprint_burndown.ideal_remaining_points is 'Ideal line: scope_points of the first row falling linearly to 0 on the sprint''s last day (2 decimals)';
comment on column metrics.sprint_burndown.ideal_remaining_issues is 'Ideal line by issues: scope_issues of the first row falling linearly to 0 on the sprint''s last day (2 decimals)';
