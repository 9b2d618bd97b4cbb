create view metrics.cumulative_flow as
-- one row per sprint board per day per status, from the board's first day with any state to today: the issues on
-- the board at the end of the day (not archived, not dropped) in each status option, plus Done and (no status)
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
    select boards.*, series.day::date as day,
           (series.day::date + 1)::timestamp at time zone settings.report_timezone as day_end
    from boards
    cross join metrics_base.settings as settings
    cross join lateral generate_series(boards.first_state_day, settings.today, interval '1 day') as series (day)
),
issue_states as (
    select
        days.project_id, days.day, item.content_id as issue_id,
        case
            when issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
                then 'Done'
            when item.status in (select statuses.status from statuses where statuses.project_id = days.project_id)
                then item.status
            else '(no status)'
        end as status,
        case
            when exists (
                select 1
                from github.item_versions as other
                join github.projects as other_project using (project_id)
                where other.content_id = item.content_id and other.project_id <> item.project_id
                    and other_project.role = 'sprint'
            ) then metrics_base.points_at(item.content_id, days.day_end)
            else item.points
        end as points
    from days
    join github.item_versions as item
        on item.project_id = days.project_id
        and item.content_type = 'Issue'
        and not item.is_archived
        and metrics_base.is_state_at(item.valid_from, item.valid_to, days.day_end)
        and metrics_base.in_segment(item.content_id)
    join github.issue_versions as issue
        on issue.issue_id = item.content_id
        and metrics_base.is_state_at(issue.valid_from, issue.valid_to, days.day_end)
    where not (issue.state = 'CLOSED' and issue.state_reason in ('NOT_PLANNED', 'DUPLICATE'))
)
select
    days.owner_login as project_owner,
    days.project_number,
    days.day,
    statuses.status,
    count(issue_states.issue_id)::integer as issues,
    coalesce(sum(issue_states.points), 0) as points
from days
join statuses using (project_id)
left join issue_states
    on issue_states.project_id = days.project_id and issue_states.day = days.day
    and issue_states.status = statuses.status
group by days.owner_login, days.project_number, days.day, statuses.status, statuses.position
order by days.owner_login, days.project_number, days.day, statuses.position;
comment on view metrics.cumulative_flow is 'One row per sprint board per day per status (the board''s options in order, then Done and (no status)): issues on the board at the end of the day, not archived and not dropped. Derived at every read.';
comment on column metrics.cumulative_flow.project_owner is 'Owner login of the sprint board';
comment on column metrics.cumulative_flow.project_number is 'Number of the sprint board';
comment on column metrics.cumulative_flow.day is 'Calendar day in the reporting time zone (state at its end), from the board''s first day with any state to today';
comment on column metrics.cumulative_flow.status is 'A status option of the board, Done (done issues, whatever their status) or (no status)';
comment on column metrics.cumulative_flow.issues is 'Issues in that status at the end of the day';
comment on column metrics.cumulative_flow.points is 'Their points (unpointed count 0; an issue on several sprint boards takes the first board''s points)';
