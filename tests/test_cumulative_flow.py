"""The cumulative flow is computed for all days at once, from spans of days with one status; it must be, row for
row, what its day-by-day definition gives (below: the state at the end of each day, as the view was first written),
on a history with status moves, closes as done and as dropped, reopens, re-estimates, archived items, items taken
off the board and issues on two sprint boards (tests/histories.py), in UTC and in time zones with daylight-saving
changes."""

from __future__ import annotations

import pytest

from tasks.warehouse.database import connect

DAY_BY_DAY = """
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
        where not (issue.state = 'CLOSED' and coalesce(issue.state_reason, 'COMPLETED') in ('NOT_PLANNED', 'DUPLICATE'))
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
    order by days.owner_login, days.project_number, days.day, statuses.position
"""


def in_zone(url: str, zone: str, *queries: str) -> list[list[tuple]]:
    """The rows of each query with the reporting time zone set to `zone` (rolled back after)."""
    with connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("update etl.settings set value = $1 where key = 'report_timezone'", parameters=(zone,))
        results = []
        for sql in queries:
            cursor.execute(sql)
            results.append(cursor.fetchall())
        connection.rollback()
        return results


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York", "Pacific/Chatham"])
def test_all_days_at_once_equal_the_day_by_day_definition(roadmap_history, zone):
    at_once, day_by_day = in_zone(roadmap_history, zone, "select * from metrics.cumulative_flow", DAY_BY_DAY)
    assert at_once == day_by_day
    assert len({row[1] for row in at_once}) == 2 and len({row[2] for row in at_once}) > 150
    statuses = {row[3] for row in at_once if row[4]}
    assert {"Todo", "In Progress", "In Review", "Done"} <= statuses
    assert any(row[5] for row in at_once if row[1] == 9)
