create view metrics.cumulative_flow as
-- one row per sprint board per day per status, from the board's first day with any state to today: the issues on
-- the board at the end of the day (not archived, not dropped) in each status option, plus Done and (no status).
-- Computed for all days at once from spans of days with one status, not day by day (a year of a 50,000-item board
-- took 107 s day by day).
with boards as (
    select project.project_id, project.owner_login, project.project_number, project.status_field,
           history.first_state_day
    from github.projects as project
    join metrics_base.board_history as history using (project_id)
    where project.role = 'sprint'
),
statuses as (
    -- the board's options in its order, then Done (unless an option has that name) and (no status)
    select boards.project_id, option.name as status, option.position
    from boards
    join github.project_fields as board_field
        on board_field.project_id = boards.project_id and board_field.name = boards.status_field
    join github.field_options as option on option.field_id = board_field.field_id
    union all
    select boards.project_id, extra.status, 100000 + extra.rank
    from boards
    cross join (values ('Done', 1), ('(no status)', 2)) as extra (status, rank)
    where extra.status <> 'Done' or not exists (
        select 1 from github.project_fields as board_field
        join github.field_options as option on option.field_id = board_field.field_id
        where board_field.project_id = boards.project_id and board_field.name = boards.status_field
            and option.name = 'Done')
),
days as (
    select boards.project_id, boards.owner_login, boards.project_number, series.day::date as day
    from boards
    cross join metrics_base.settings as settings
    cross join lateral generate_series(boards.first_state_day, settings.today, interval '1 day') as series (day)
),
span as materialized (
    -- one row per pair of versions (the board item's and its issue's) that hold together: the first and last day
    -- whose end falls inside both (as in metrics_base.sprint_issue_spans), with the status then
    select
        item.project_id, item.content_id as issue_id, settings.report_timezone as zone,
        greatest(boards.first_state_day, (item.valid_from at time zone settings.report_timezone)::date,
                 (issue.valid_from at time zone settings.report_timezone)::date) as first_day,
        least(settings.today, (item.valid_to at time zone settings.report_timezone)::date - 1,
              (issue.valid_to at time zone settings.report_timezone)::date - 1) as last_day,
        case
            when issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
                then 'Done'
            when item.status in (select statuses.status from statuses where statuses.project_id = item.project_id)
                then item.status
            else '(no status)'
        end as status,
        item.points,
        exists (  -- an issue on two sprint boards or more takes the first configured board's points, day by day
            select 1
            from github.item_versions as other
            join github.projects as other_project using (project_id)
            where other.content_id = item.content_id and other.project_id <> item.project_id
                and other_project.role = 'sprint'
        ) as on_two_boards
    from boards
    cross join metrics_base.settings as settings
    join github.item_versions as item
        on item.project_id = boards.project_id
        and item.content_type = 'Issue'
        and not item.is_archived
        and metrics_base.in_segment(item.content_id)
    join github.issue_versions as issue
        on issue.issue_id = item.content_id
        and issue.valid_from < coalesce(item.valid_to, 'infinity')
        and (issue.valid_to is null or issue.valid_to > item.valid_from)
    where not (issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE'))
),
status_span as (
    select span.project_id, span.status, span.first_day, span.last_day, span.points
    from span
    where not span.on_two_boards and span.first_day <= span.last_day
    union all
    select span.project_id, span.status, series.day::date, series.day::date,
        metrics_base.points_at(span.issue_id, (series.day::date + 1)::timestamp at time zone span.zone)
    from span
    cross join generate_series(span.first_day, span.last_day, interval '1 day') as series (day)
    where span.on_two_boards
),
change as (
    -- a day's numbers are running sums of where spans start and end
    select status_span.project_id, status_span.status, edge.day,
        sum(edge.sign) as issues, sum(edge.sign * coalesce(status_span.points, 0)) as points
    from status_span
    cross join lateral (values (status_span.first_day, 1), (status_span.last_day + 1, -1)) as edge (day, sign)
    group by status_span.project_id, status_span.status, edge.day
)
select
    days.owner_login as project_owner,
    days.project_number,
    days.day,
    statuses.status,
    coalesce(sum(change.issues) over running, 0)::integer as issues,
    coalesce(sum(change.points) over running, 0) as points
from days
join statuses using (project_id)
left join change
    on change.project_id = days.project_id and change.status = statuses.status and change.day = days.day
window running as (partition by days.project_id, statuses.status order by days.day)
order by days.owner_login, days.project_number, days.day, statuses.position;
comment on view metrics.cumulative_flow is 'One row per sprint board per day per status (the board''s options in order, then Done and (no status)): issues on the board at the end of the day, not archived and not dropped. Derived at every read.';
comment on column metrics.cumulative_flow.project_owner is 'Owner login of the sprint board';
comment on column metrics.cumulative_flow.project_number is 'Number of the sprint board';
comment on column metrics.cumulative_flow.day is 'Calendar day in the reporting time zone (state at its end), from the board''s first day with any state to today';
comment on column metrics.cumulative_flow.status is 'A status option of the board, Done (done issues, whatever their status) or (no status)';
comment on column metrics.cumulative_flow.issues is 'Issues in that status at the end of the day';
comment on column metrics.cumulative_flow.points is 'Their points (unpointed count 0; an issue on several sprint boards takes the first board''s points)';
