-- The sprint issue days after a given day, as spans: one row per issue in a sprint per pair of versions (its item's
-- and its issue's) that hold together, with the first and last day whose end falls inside both. Expanded day by day,
-- the spans give exactly sprint_issue_days_live after that day: a version holds at the end of day d when it starts
-- before that end and ends at or after it, and the end of d is the first instant of local date d + 1, so the days
-- are those from the local date of its start through the day before the local date of its end (a missing local
-- midnight, where a daylight-saving change falls at 00:00, is read as the first instant of that date too). An issue
-- on two sprint boards or more takes its points from the first configured board holding it on each day: its spans
-- are single days. The benchmark's 50,000-item first load with reconstructed history: 32,293 spans for its
-- 452,102 sprint issue days.
create or replace function metrics_base.sprint_issue_spans(after date)
returns table (
    project_id text, owner_login text, project_number integer, field_id text, sprint_id text, title text,
    start_date date, end_date date, first_day date, last_day date, issue_id text, closed_at timestamptz,
    is_dropped boolean, is_done boolean, points numeric
) language sql stable as $$
with sprint as (
    select
        project.project_id, project.owner_login, project.project_number, sprint.field_id, sprint.sprint_id,
        sprint.title, sprint.start_date, sprint.end_date, settings.report_timezone as zone,
        greatest(sprint.start_date, history.first_state_day, after + 1) as first_day,
        least(sprint.end_date, settings.today) as last_day
    from github.sprints as sprint
    join github.projects as project on project.project_id = sprint.project_id and project.role = 'sprint'
    join metrics_base.board_history as history on history.project_id = project.project_id
    join github.project_fields as board_field
        on board_field.field_id = sprint.field_id and board_field.name = project.sprint_field
    cross join metrics_base.settings as settings
),
sprint_window as materialized (  -- the sprints with days after `after`: few, after the first load
    select sprint.*,
        (sprint.first_day + 1)::timestamp at time zone sprint.zone as first_day_end,
        (sprint.last_day + 1)::timestamp at time zone sprint.zone as last_day_end
    from sprint
    where sprint.first_day <= sprint.last_day
),
span as materialized (  -- both branches below read on_two_boards: each span's is looked up once
    select
        sprint.project_id, sprint.owner_login, sprint.project_number, sprint.field_id, sprint.sprint_id, sprint.title,
        sprint.start_date, sprint.end_date, sprint.zone,
        greatest(sprint.first_day, (item.valid_from at time zone sprint.zone)::date,
                 (issue.valid_from at time zone sprint.zone)::date) as first_day,
        least(sprint.last_day, (item.valid_to at time zone sprint.zone)::date - 1,
              (issue.valid_to at time zone sprint.zone)::date - 1) as last_day,
        item.content_id as issue_id,
        issue.closed_at,
        issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE') as is_dropped,
        issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') not in ('NOT_PLANNED', 'DUPLICATE')
            as is_done,
        item.points,
        exists (  -- an issue on two sprint boards or more
            select 1
            from github.item_versions as other
            join github.projects as other_project using (project_id)
            where other.content_id = item.content_id and other.project_id <> item.project_id
                and other_project.role = 'sprint'
        ) as on_two_boards
    from sprint_window as sprint
    join github.item_versions as item
        on item.project_id = sprint.project_id
        and item.sprint_id = sprint.sprint_id
        and item.content_type = 'Issue'
        and item.valid_from < sprint.last_day_end
        and (item.valid_to is null or item.valid_to >= sprint.first_day_end)
        and metrics_base.in_segment(item.content_id)
    join github.issue_versions as issue
        on issue.issue_id = item.content_id
        and issue.valid_from < sprint.last_day_end
        and (issue.valid_to is null or issue.valid_to >= sprint.first_day_end)
        and issue.valid_from < coalesce(item.valid_to, 'infinity')
        and (issue.valid_to is null or issue.valid_to > item.valid_from)
)
select
    span.project_id, span.owner_login, span.project_number, span.field_id, span.sprint_id, span.title,
    span.start_date, span.end_date, days.first_day, days.last_day, span.issue_id, span.closed_at, span.is_dropped,
    span.is_done, days.points
from span
cross join lateral (
    select span.first_day, span.last_day, span.points
    where not span.on_two_boards
    union all
    select series.day::date, series.day::date,
        metrics_base.points_at(span.issue_id, (series.day::date + 1)::timestamp at time zone span.zone)
    from generate_series(span.first_day, span.last_day, interval '1 day') as series (day)
    where span.on_two_boards
) as days
where span.first_day <= span.last_day
$$;
comment on function metrics_base.sprint_issue_spans(date) is 'The sprint issue days after a day, as spans of days with one state (what the facts table materializes).';
